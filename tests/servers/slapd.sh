#!/usr/bin/env bash
# OpenLDAP test servers for the connectivity tests, on 127.0.0.1: five slapd processes with the
# same small directory, each presenting another certificate:
#   main       SAN localhost, 127.0.0.1 (valid, from our test CA)   clear, StartTLS and LDAPS
#   ipsan      SAN IP:127.0.0.1 only (the proxy never matches IP SANs)
#   wronghost  SAN wrong.example.invalid
#   expired    valid for localhost, but expired in 2020
#   sha1       valid for localhost, but signed with SHA-1 (ecdsa-with-SHA1): proxy 6.0 and later refuse it
# and a second CA that signed nothing here (for "untrusted certificate").
#
#   bash tests/servers/slapd.sh [start]   start them, or reuse running ones; prints export KEY='value' lines
#   bash tests/servers/slapd.sh stop      stop them and remove their state
#
# Several test threads or processes may call `start` at once: a lock makes one of them start the
# servers and the others reuse them. Only stdout carries the variables; what goes wrong is one
# line on stderr, saying what is missing and the command that provides it (exit 3).
# State: $APM_SLAPD_DIR (default /tmp/apm-test-slapd). Needs root only to install packages.
set -euo pipefail

STATE=${APM_SLAPD_DIR:-/tmp/apm-test-slapd}
SUFFIX='dc=example,dc=test'
MANAGER_PW='Manager-Pw-1'
SERVICE_PW='Passw0rd!Svc'
USER_PW='Passw0rd!User'
SERVERS=(main ipsan wronghost expired sha1)
PACKAGES=(slapd ldap-utils openssl)

NAME=slapd.sh
# shellcheck source=tests/servers/common.sh
source "$(dirname "$0")/common.sh"

# The first port at or above $1 that nothing listens on and that this run has not handed out.
GIVEN=" "
next_free_port() {
  local port=$1
  while ss -Hltn "sport = :$port" | grep -q . || [[ $GIVEN == *" $port "* ]]; do port=$((port + 1)); done
  GIVEN+="$port "
  echo "$port"
}

running() {
  [ -s "$STATE/env" ] || return 1
  # A set started by an older version of this script lacks the later servers: start afresh.
  grep -q '^TEST_SLAPD_SHA1_LDAPS_PORT=' "$STATE/env" || return 1
  local name pid
  for name in "${SERVERS[@]}"; do
    pid=$(cat "$STATE/$name/pid" 2>/dev/null) && kill -0 "$pid" 2>/dev/null || return 1
  done
  ldapsearch -x -o nettimeout=2 -H "ldap://127.0.0.1:$(sed -n 's/^TEST_SLAPD_PORT=//p' "$STATE/env")" \
    -b '' -s base namingContexts >/dev/null 2>&1
}

stop_servers() {
  local name pid
  for name in "${SERVERS[@]}"; do
    pid=$(cat "$STATE/$name/pid" 2>/dev/null) || continue
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -rf "${STATE:?}/$name"
  done
  rm -f "$STATE/env"
}

# A certificate signed by our CA: name, subject CN, subjectAltName, then `openssl ca` dates if any.
# $DIGEST (default sha256) is the hash the CA signs with.
certificate() {
  local name=$1 cn=$2 san=$3
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$cn" \
    -keyout "$STATE/pki/$name.key" -out "$STATE/pki/$name.csr" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$san" >"$STATE/pki/$name.ext"
  if [ $# -gt 3 ]; then
    # Only `openssl ca` can give a certificate dates in the past.
    openssl ca -batch -notext -config "$STATE/pki/ca.cnf" -in "$STATE/pki/$name.csr" -out "$STATE/pki/$name.pem" \
      -extfile "$STATE/pki/$name.ext" -startdate "$4" -enddate "$5" >/dev/null 2>&1
  else
    openssl x509 -req -in "$STATE/pki/$name.csr" -CA "$STATE/pki/ca.pem" -CAkey "$STATE/pki/ca.key" \
      -CAcreateserial -days 400 "-${DIGEST:-sha256}" -extfile "$STATE/pki/$name.ext" -out "$STATE/pki/$name.pem" \
      2>/dev/null
  fi
}

make_certificates() {
  mkdir -p "$STATE/pki/issued"
  local ca
  for ca in ca other-ca; do
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=APM test $ca" \
      -addext 'basicConstraints=critical,CA:TRUE' -keyout "$STATE/pki/$ca.key" -out "$STATE/pki/$ca.pem" 2>/dev/null
  done
  : >"$STATE/pki/index.txt"
  cat >"$STATE/pki/ca.cnf" <<EOF
[ca]
default_ca = test
[test]
dir = $STATE/pki
database = \$dir/index.txt
new_certs_dir = \$dir/issued
certificate = \$dir/ca.pem
private_key = \$dir/ca.key
rand_serial = yes
default_md = sha256
policy = anything
unique_subject = no
[anything]
commonName = supplied
EOF
  # libldap checks the name 127.0.0.1 resolves back to (often this machine's name), so the
  # certificates for "localhost" name this machine too.
  local here
  here=$(hostname 2>/dev/null || echo localhost)
  certificate main localhost "DNS:localhost,DNS:$here,IP:127.0.0.1"
  certificate ipsan 127.0.0.1 "IP:127.0.0.1"
  certificate wronghost wrong.example.invalid "DNS:wrong.example.invalid"
  certificate expired localhost "DNS:localhost,DNS:$here,IP:127.0.0.1" 20190101000000Z 20200101000000Z
  # Debian's OpenSSL 3 still signs with SHA-1 when asked (its TLS clients refuse such a
  # certificate from security level 1 up, as proxy 6.x does); slapd (GnuTLS) serves it as it is.
  DIGEST=sha1 certificate sha1 localhost "DNS:localhost,DNS:$here,IP:127.0.0.1"
}

directory_ldif() {
  local service user
  service=$(slappasswd -s "$SERVICE_PW")
  user=$(slappasswd -s "$USER_PW")
  cat <<EOF
dn: $SUFFIX
objectClass: dcObject
objectClass: organization
dc: example
o: APM test directory

dn: ou=People,$SUFFIX
objectClass: organizationalUnit
ou: People

dn: ou=Groups,$SUFFIX
objectClass: organizationalUnit
ou: Groups

dn: uid=svc-duo,ou=People,$SUFFIX
objectClass: inetOrgPerson
uid: svc-duo
cn: Duo service account
sn: Service
userPassword: $service

dn: uid=jdoe,ou=People,$SUFFIX
objectClass: inetOrgPerson
uid: jdoe
cn: John Doe
sn: Doe
userPassword: $user

dn: uid=outsider,ou=People,$SUFFIX
objectClass: inetOrgPerson
uid: outsider
cn: Out Sider
sn: Sider
userPassword: $user

dn: cn=DuoUsers,ou=Groups,$SUFFIX
objectClass: groupOfNames
cn: DuoUsers
member: uid=jdoe,ou=People,$SUFFIX
EOF
}

# One slapd for certificate $1, listening on clear port $2 and LDAPS port $3.
run_slapd() {
  local name=$1 dir=$STATE/$1
  mkdir -p "$dir/data"
  cat >"$dir/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile $dir/pid
TLSCertificateFile $STATE/pki/$name.pem
TLSCertificateKeyFile $STATE/pki/$name.key
database mdb
suffix "$SUFFIX"
rootdn "cn=manager,$SUFFIX"
rootpw $MANAGER_PW
directory $dir/data
maxsize 33554432
overlay memberof
access to attrs=userPassword by anonymous auth by * none
access to * by users read by * none
EOF
  # Detached from our session and without the lock's descriptor, so it outlives this script
  # and never holds the lock.
  setsid slapd -f "$dir/slapd.conf" -h "ldap://127.0.0.1:$2/ ldaps://127.0.0.1:$3/" -d 0 \
    </dev/null >"$dir/log" 2>&1 8>&- &
  local tries
  for tries in $(seq 100); do
    ldapsearch -x -o nettimeout=1 -H "ldap://127.0.0.1:$2" -b '' -s base namingContexts >/dev/null 2>&1 && break
    [ "$tries" -eq 100 ] && fail "slapd ($name) did not answer on 127.0.0.1:$2 within 10 s (its log: $dir/log)"
    sleep 0.1
  done
  ldapadd -x -H "ldap://127.0.0.1:$2" -D "cn=manager,$SUFFIX" -w "$MANAGER_PW" -f "$STATE/directory.ldif" \
    >/dev/null 2>"$dir/load.log" || fail "loading the test directory into slapd ($name) failed (see $dir/load.log)"
}

start_servers() {
  install_packages "${PACKAGES[@]}"
  command -v slapd >/dev/null || PATH=$PATH:/usr/sbin
  stop_servers
  rm -rf "$STATE/pki"
  make_certificates
  directory_ldif >"$STATE/directory.ldif"
  declare -A clear tls
  local name
  for name in "${SERVERS[@]}"; do
    clear[$name]=$(next_free_port 38900)
    tls[$name]=$(next_free_port 63600)
    run_slapd "$name" "${clear[$name]}" "${tls[$name]}"
  done
  # The good server, end to end: StartTLS and LDAPS with the host name checked, then the search.
  local url
  for url in "-ZZ ldap://localhost:${clear[main]}" "ldaps://localhost:${tls[main]}"; do
    # shellcheck disable=SC2086
    LDAPTLS_CACERT=$STATE/pki/ca.pem LDAPTLS_REQCERT=demand ldapsearch -x -o nettimeout=5 ${url% *} -H "${url#* }" \
      -D "uid=svc-duo,ou=People,$SUFFIX" -w "$SERVICE_PW" -b "ou=People,$SUFFIX" '(memberOf=cn=DuoUsers,ou=Groups,dc=example,dc=test)' uid \
      2>"$STATE/check.log" | grep -q '^uid: jdoe' || fail "the test server does not answer as it should over ${url#* } (see $STATE/check.log)"
  done
  # The SHA-1 server really presents its SHA-1 certificate.
  openssl s_client -connect "127.0.0.1:${tls[sha1]}" </dev/null 2>"$STATE/check.log" |
    openssl x509 -noout -text 2>>"$STATE/check.log" | grep 'Signature Algorithm: ecdsa-with-SHA1' >/dev/null ||
    fail "slapd (sha1) does not present a SHA-1 signed certificate on 127.0.0.1:${tls[sha1]} (see $STATE/check.log)"
  cat >"$STATE/env" <<EOF
TEST_SLAPD_PORT=${clear[main]}
TEST_SLAPD_LDAPS_PORT=${tls[main]}
TEST_SLAPD_IPSAN_LDAPS_PORT=${tls[ipsan]}
TEST_SLAPD_WRONGHOST_LDAPS_PORT=${tls[wronghost]}
TEST_SLAPD_EXPIRED_LDAPS_PORT=${tls[expired]}
TEST_SLAPD_SHA1_PORT=${clear[sha1]}
TEST_SLAPD_SHA1_LDAPS_PORT=${tls[sha1]}
TEST_SLAPD_CA=$STATE/pki/ca.pem
TEST_SLAPD_OTHER_CA=$STATE/pki/other-ca.pem
TEST_SLAPD_BIND_DN=uid=svc-duo,ou=People,$SUFFIX
TEST_SLAPD_BIND_PASSWORD=$SERVICE_PW
TEST_SLAPD_SEARCH_DN=ou=People,$SUFFIX
TEST_SLAPD_GROUP_DN=cn=DuoUsers,ou=Groups,$SUFFIX
TEST_SLAPD_USER=jdoe
TEST_SLAPD_PASSWORD=$USER_PW
TEST_SLAPD_NONMEMBER_USER=outsider
EOF
  note "ready: ldap://127.0.0.1:${clear[main]} and ldaps://127.0.0.1:${tls[main]}"
}

mkdir -p "$STATE"
exec 8>"$STATE/lock"
flock -w 300 8 || fail "another start holds $STATE/lock for more than 5 minutes"
case "${1:-start}" in
  start) running || start_servers; print_env ;;
  stop) stop_servers ;;
  *) fail "unknown command ${1}: use start or stop" ;;
esac
