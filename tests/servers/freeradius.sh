#!/usr/bin/env bash
# A FreeRADIUS server on 127.0.0.1 and 127.0.0.2 standing in for the proxy's RADIUS listener in the test-login
# tests. Its users:
#   alice       password Passw0rd!   Access-Accept with Reply-Message "Welcome alice" and Class vpn-users
#   late        password Passw0rd!   Access-Accept after 3 s (a push being approved)
#   challenged  any password         Access-Challenge with State and "Enter the code from your phone";
#                                    the answer 123456 is accepted, anything else rejected
#   anyone else, or a wrong password: Access-Reject
# Clients in 127.0.0.0/8 share the secret in TEST_RADIUS_SECRET; a packet signed with another
# secret fails its Message-Authenticator and is dropped without an answer.
#
#   bash tests/servers/freeradius.sh [start]   start it, or reuse a running one; prints export KEY='value' lines
#   bash tests/servers/freeradius.sh stop      stop it and remove its state
#
# State: $APM_FREERADIUS_DIR (default /tmp/apm-test-freeradius). Needs root only to install packages.
set -euo pipefail

STATE=${APM_FREERADIUS_DIR:-/tmp/apm-test-freeradius}
SECRET='Test-Radius-Secret-1'
PACKAGES=(freeradius)

NAME=freeradius.sh
# shellcheck source=tests/servers/common.sh
source "$(dirname "$0")/common.sh"

next_free_udp_port() {
  local port=$1
  while ss -Hlun "sport = :$port" | grep -q .; do port=$((port + 1)); done
  echo "$port"
}

running() {
  [ -s "$STATE/env" ] || return 1
  local pid
  pid=$(cat "$STATE/radiusd.pid" 2>/dev/null) && kill -0 "$pid" 2>/dev/null
}

stop_servers() {
  local pid
  pid=$(cat "$STATE/radiusd.pid" 2>/dev/null) && kill "$pid" 2>/dev/null || true
  rm -f "$STATE/env" "$STATE/radiusd.pid"
}

write_config() {
  local port=$1
  cat >"$STATE/radiusd.conf" <<EOF
prefix = /usr
exec_prefix = /usr
sysconfdir = /etc
localstatedir = $STATE
sbindir = /usr/sbin
logdir = $STATE
raddbdir = $STATE
radacctdir = $STATE
name = freeradius
confdir = $STATE
modconfdir = $STATE
run_dir = $STATE
db_dir = $STATE
libdir = /usr/lib/freeradius
pidfile = $STATE/radiusd.pid
max_request_time = 30
cleanup_delay = 5
max_requests = 1024
hostname_lookups = no
correct_escapes = true
log {
  destination = files
  file = $STATE/radius.log
  auth = yes
}
security {
  allow_core_dumps = no
  max_attributes = 200
  reject_delay = 0
  status_server = yes
}
client loopback {
  ipaddr = 127.0.0.0/8
  secret = $SECRET
}
thread pool {
  start_servers = 4
  max_servers = 8
  min_spare_servers = 2
  max_spare_servers = 8
  max_requests_per_server = 0
}
modules {
  always handled {
    rcode = handled
  }
  always reject {
    rcode = reject
  }
  always ok {
    rcode = ok
  }
  pap {
    normalise = yes
  }
  files {
    filename = $STATE/users
  }
  exec {
    wait = yes
    input_pairs = request
    shell_escape = yes
    timeout = 10
  }
}
server default {
  listen {
    type = auth
    ipaddr = 127.0.0.1
    port = $port
  }
  listen {
    type = auth
    ipaddr = 127.0.0.2
    port = $port
  }
  authorize {
    if (&User-Name == "late") {
      update control {
        &Tmp-String-0 := "%{exec:/bin/sleep 3}"
      }
    }
    if (&User-Name == "challenged") {
      if (!&State) {
        update reply {
          &Reply-Message := "Enter the code from your phone"
          &State := 0x61707063
        }
        update control {
          &Response-Packet-Type := Access-Challenge
        }
        handled
      }
      elsif (&User-Password == "123456") {
        update control {
          &Auth-Type := Accept
        }
        update reply {
          &Reply-Message := "Code accepted"
        }
        ok
      }
      else {
        reject
      }
    }
    files
    pap
  }
  authenticate {
    Auth-Type PAP {
      pap
    }
  }
  post-auth {
    if (&User-Name == "alice") {
      update reply {
        &Reply-Message := "Welcome alice"
        &Class := "vpn-users"
      }
    }
  }
}
EOF
  cat >"$STATE/users" <<'EOF'
alice Cleartext-Password := "Passw0rd!"

late Cleartext-Password := "Passw0rd!"
     Reply-Message := "Slow but fine"
EOF
}

start_servers() {
  install_packages "${PACKAGES[@]}"
  command -v freeradius >/dev/null || PATH=$PATH:/usr/sbin
  stop_servers
  local port
  port=$(next_free_udp_port 18120)
  write_config "$port"
  # Detached from our session and without the lock's descriptor, so it outlives this script.
  setsid freeradius -f -d "$STATE" -n radiusd -l stdout -xx </dev/null >"$STATE/out.log" 2>&1 8>&- &
  echo $! >"$STATE/radiusd.pid"
  local tries
  for tries in $(seq 100); do
    grep -q 'Ready to process requests' "$STATE/out.log" 2>/dev/null && break
    kill -0 "$(cat "$STATE/radiusd.pid")" 2>/dev/null ||
      fail "freeradius stopped at start: $(grep -m1 -i 'error\|failed' "$STATE/out.log") (its log: $STATE/out.log)"
    [ "$tries" -eq 100 ] && fail "freeradius did not start on 127.0.0.1:$port within 10 s (its log: $STATE/out.log)"
    sleep 0.1
  done
  cat >"$STATE/env" <<EOF
TEST_RADIUS_PORT=$port
TEST_RADIUS_SECRET=$SECRET
TEST_RADIUS_USER=alice
TEST_RADIUS_PASSWORD=Passw0rd!
EOF
  note "ready: radius://127.0.0.1:$port"
}

mkdir -p "$STATE"
exec 8>"$STATE/lock"
flock -w 300 8 || fail "another start holds $STATE/lock for more than 5 minutes"
case "${1:-start}" in
  start) running || start_servers; print_env ;;
  stop) stop_servers ;;
  *) fail "unknown command ${1}: use start or stop" ;;
esac
