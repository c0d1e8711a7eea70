#!/usr/bin/env bash
# A Samba Active Directory domain controller for the connectivity tests: realm EXAMPLE.TEST on
# 127.0.0.1, LDAP on 389 and LDAPS on 636 (Samba's ports cannot be moved), with a service account,
# a group, and accounts that fail to bind in AD's own ways (disabled, expired, must change password).
#
#   bash tests/servers/samba-ad.sh [start]   start it, or reuse a running one; prints export KEY='value' lines
#   bash tests/servers/samba-ad.sh stop      stop it
#
# The domain is provisioned once (about 10 s) into a template and copied for each start. Several
# callers at once are serialised by a lock. Needs root: samba binds port 389 and provisioning sets
# file owners. What goes wrong is one line on stderr with the command that fixes it (exit 3).
# State: $APM_AD_DIR (default /tmp/apm-test-ad).
set -euo pipefail

STATE=${APM_AD_DIR:-/tmp/apm-test-ad}
REALM=EXAMPLE.TEST
DOMAIN=EXAMPLE
BASE='DC=example,DC=test'
ADMIN_PW='Admin-Passw0rd!'
SERVICE_PW='Passw0rd!Svc'
USER_PW='Passw0rd!User'
TEMPLATE_VERSION=1
PACKAGES=(samba samba-ad-provision samba-dsdb-modules samba-vfs-modules ldap-utils openssl)

NAME=samba-ad.sh
# shellcheck source=tests/servers/common.sh
source "$(dirname "$0")/common.sh"

[ "$(id -u)" -eq 0 ] || fail "a Samba domain controller needs root (port 389, file owners): run the tests as root"

instance=$STATE/instance
pid_of_samba() { cat "$instance/run/samba.pid" 2>/dev/null; }

running() {
  local pid
  pid=$(pid_of_samba) && kill -0 "$pid" 2>/dev/null && [ -s "$STATE/env" ] &&
    ldapsearch -x -o nettimeout=2 -H ldap://127.0.0.1:389 -b '' -s base namingContexts >/dev/null 2>&1
}

stop_samba() {
  local pid
  if pid=$(pid_of_samba) && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    # samba -D leads its own process group; what is left of it goes too.
    kill -9 -- "-$pid" 2>/dev/null || true
  fi
  rm -rf "$instance" "$STATE/env"
}

# Provisions the domain and its accounts once; later starts copy the result.
template() {
  local version dir
  version=$(samba -V | tr -cs 'A-Za-z0-9.' _)
  dir=$STATE/template-$version-$TEMPLATE_VERSION
  if [ ! -d "$dir" ]; then
    rm -rf "$STATE"/template-* "$dir.new"
    note "provisioning $REALM once (log: $STATE/provision.log)"
    samba-tool domain provision --targetdir="$dir.new" --realm=$REALM --domain=$DOMAIN --server-role=dc \
      --dns-backend=NONE --host-name=dc1 --host-ip=127.0.0.1 --adminpass="$ADMIN_PW" \
      --option="interfaces=lo" --option="bind interfaces only=yes" >"$STATE/provision.log" 2>&1 ||
      fail "samba-tool domain provision failed (see $STATE/provision.log; Samba needs samba-vfs-modules: apt-get install -y ${PACKAGES[*]})"
    local conf=$dir.new/etc/smb.conf
    tool() { samba-tool "$@" --configfile="$conf"; }
    {
      tool domain passwordsettings set --max-pwd-age=0 --min-pwd-age=0 --complexity=off &&
      tool user create svc-duo "$SERVICE_PW" &&
      tool user create jdoe "$USER_PW" --given-name=John --surname=Doe &&
      tool user create outsider "$USER_PW" --given-name=Out --surname=Sider &&
      tool user create disabled1 "$USER_PW" &&
      tool user disable disabled1 &&
      tool user create expired1 "$USER_PW" &&
      tool user setexpiry expired1 --days=0 &&
      tool user create mustchange1 "$USER_PW" --must-change-at-next-login &&
      tool group add DuoUsers &&
      tool group addmembers DuoUsers jdoe
    } >>"$STATE/provision.log" 2>&1 || { rm -rf "$dir.new"; fail "creating the test accounts failed (see $STATE/provision.log)"; }
    mv "$dir.new" "$dir"
  fi
  TEMPLATE=$dir
}

certificate() {
  local pki=$instance/tls
  mkdir -p "$pki"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=APM test AD CA" \
    -addext 'basicConstraints=critical,CA:TRUE' -keyout "$pki/ca.key" -out "$pki/ca.pem" 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=dc1.example.test" \
    -keyout "$pki/key.pem" -out "$pki/dc.csr" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:dc1.example.test,DNS:localhost,DNS:%s,IP:127.0.0.1\n' \
    "$(hostname 2>/dev/null || echo localhost)" >"$pki/dc.ext"
  openssl x509 -req -in "$pki/dc.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial -days 400 \
    -extfile "$pki/dc.ext" -out "$pki/cert.pem" 2>/dev/null
  chmod 600 "$pki/key.pem"
}

start_samba() {
  install_packages "${PACKAGES[@]}"
  for port in 389 636; do
    if ss -Hltn "sport = :$port" | grep -q .; then
      fail "port $port is taken ($(ss -Hltnp "sport = :$port" | head -1)); stop that server (a system slapd or samba) first"
    fi
  done
  template
  rm -rf "$instance"
  cp -a "$TEMPLATE" "$instance"
  mkdir -p "$instance/run" "$instance/log"
  certificate
  local conf=$instance/etc/smb.conf
  # The provisioned config names the template's folder: point it here, and add what the tests need.
  sed -i -e "s#$TEMPLATE.new#$instance#g" -e "s#$TEMPLATE#$instance#g" \
    -e '/^\s*\(interfaces\|server services\|log file\)\s*=/d' "$conf"
  sed -i "/^\[global\]/a\\
	interfaces = 127.0.0.1\\
	bind interfaces only = yes\\
	server services = ldap\\
	ldap server require strong auth = no\\
	tls enabled = yes\\
	tls certfile = $instance/tls/cert.pem\\
	tls keyfile = $instance/tls/key.pem\\
	tls cafile = $instance/tls/ca.pem\\
	pid directory = $instance/run\\
	log file = $instance/log/samba.log" "$conf"
  samba -D -s "$conf" </dev/null >"$instance/log/start.log" 2>&1 8>&- || fail "samba would not start (see $instance/log/start.log)"
  for tries in $(seq 300); do
    ldapsearch -x -o nettimeout=1 -H ldap://127.0.0.1:389 -b '' -s base namingContexts >/dev/null 2>&1 && break
    [ "$tries" -eq 300 ] && fail "samba did not answer on 127.0.0.1:389 within 30 s (see $instance/log/samba.log)"
    sleep 0.1
  done
  LDAPTLS_CACERT=$instance/tls/ca.pem LDAPTLS_REQCERT=demand ldapsearch -x -o nettimeout=5 -H ldaps://localhost:636 \
    -D "svc-duo@$REALM" -w "$SERVICE_PW" -b "$BASE" '(sAMAccountName=jdoe)' dn >/dev/null 2>"$instance/log/check.log" ||
    fail "the domain controller does not answer a bind over LDAPS as it should (see $instance/log/check.log)"
  cat >"$STATE/env" <<EOF
TEST_AD_PORT=389
TEST_AD_LDAPS_PORT=636
TEST_AD_CA=$instance/tls/ca.pem
TEST_AD_DOMAIN=$DOMAIN
TEST_AD_SEARCH_DN=$BASE
TEST_AD_USERS_DN=CN=Users,$BASE
TEST_AD_GROUP_DN=CN=DuoUsers,CN=Users,$BASE
TEST_AD_BIND_DN=CN=svc-duo,CN=Users,$BASE
TEST_AD_BIND_UPN=svc-duo@$REALM
TEST_AD_BIND_NTLM_USER=svc-duo
TEST_AD_BIND_PASSWORD=$SERVICE_PW
TEST_AD_OTHER_PASSWORD=$USER_PW
TEST_AD_DISABLED_USER=disabled1
TEST_AD_EXPIRED_USER=expired1
TEST_AD_MUSTCHANGE_USER=mustchange1
EOF
  note "ready: ldap://127.0.0.1:389 and ldaps://127.0.0.1:636 (pid $(pid_of_samba))"
}

mkdir -p "$STATE"
exec 8>"$STATE/lock"
flock -w 600 8 || fail "another start holds $STATE/lock for more than 10 minutes"
case "${1:-start}" in
  start) running || { stop_samba; start_samba; }; print_env ;;
  stop) stop_samba ;;
  *) fail "unknown command ${1}: use start or stop" ;;
esac
