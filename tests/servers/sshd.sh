#!/usr/bin/env bash
# An OpenSSH server (Debian's openssh-server) on 127.0.0.1 standing in for one proxy node of the
# fleet tests: its own host key, public-key logins only for the users whose key is given, and the
# remote commands run by the login shell as they would on a real node.
#
#   bash tests/servers/sshd.sh start DIR CLIENT_KEY.pub   start one whose state is DIR; prints
#                                                         export TEST_SSHD_PORT=… and TEST_SSHD_HOST_KEY=…
#   bash tests/servers/sshd.sh stop DIR                   stop it
#
# Each test starts its own (one per node) and stops it when done. Needs root: sshd's privilege
# separation, and the packages.
set -euo pipefail

ACTION=${1:-start}
STATE=${2:?usage: sshd.sh start|stop DIR [CLIENT_KEY.pub]}
NAME=sshd.sh
# shellcheck source=tests/servers/common.sh
source "$(dirname "$0")/common.sh"

stop_server() {
  local pid
  pid=$(cat "$STATE/sshd.pid" 2>/dev/null) && kill "$pid" 2>/dev/null || true
  rm -f "$STATE/sshd.pid"
}

if [ "$ACTION" = stop ]; then
  stop_server
  exit 0
fi
[ "$ACTION" = start ] || fail "unknown action $ACTION: start or stop"
CLIENT_KEY=${3:?usage: sshd.sh start DIR CLIENT_KEY.pub}
[ -r "$CLIENT_KEY" ] || fail "$CLIENT_KEY cannot be read"
mkdir -p "$STATE"
install_packages openssh-server openssh-client
[ "$(id -u)" -eq 0 ] || fail "sshd needs root for its privilege separation: run the tests as root"

[ -f "$STATE/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C "apm-test-node" -f "$STATE/host_ed25519"
cp "$CLIENT_KEY" "$STATE/authorized_keys"
chmod 600 "$STATE/authorized_keys"
mkdir -p /run/sshd
chmod 755 /run/sshd

# One port chooser at a time: tests start their nodes in parallel.
exec 9>/tmp/apm-test-sshd.lock
flock 9
port=22220
while ss -Hltn "sport = :$port" | grep -q .; do port=$((port + 1)); done
cat >"$STATE/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $STATE/host_ed25519
PidFile $STATE/sshd.pid
AuthorizedKeysFile $STATE/authorized_keys
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers $(id -un)
PermitUserEnvironment no
X11Forwarding no
AllowTcpForwarding no
LogLevel VERBOSE
EOF
stop_server
/usr/sbin/sshd -f "$STATE/sshd_config" -E "$STATE/sshd.log" || fail "sshd did not start (see $STATE/sshd.log)"
for _ in $(seq 100); do
  ss -Hltn "sport = :$port" | grep -q . && break
  sleep 0.05
done
ss -Hltn "sport = :$port" | grep -q . || fail "sshd is not listening on $port (see $STATE/sshd.log)"
flock -u 9
printf "export TEST_SSHD_PORT='%s'\n" "$port"
printf "export TEST_SSHD_HOST_KEY='%s'\n" "$(cut -d' ' -f1,2 "$STATE/host_ed25519.pub")"
