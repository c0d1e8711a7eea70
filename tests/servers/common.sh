# Shared by the test-server scripts (sourced, not run): messages, package installation, and
# printing the saved variables. The sourcing script sets NAME (for messages) and STATE.

fail() { echo "tests/servers/$NAME: $*" >&2; exit 3; }
note() { echo "tests/servers/$NAME: $*" >&2; }

# Installs the Debian packages given that are missing (root only); the apt log goes to $STATE.
install_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  [ "$(id -u)" -eq 0 ] || fail "${missing[*]} not installed, and installing needs root: sudo apt-get install -y $*"
  note "installing ${missing[*]} (log: $STATE/apt.log)"
  # slapd without a database of its own: it then runs no server on port 389.
  echo 'slapd slapd/no_configuration boolean true' | debconf-set-selections
  { apt-get -o DPkg::Lock::Timeout=300 update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}"
  } >"$STATE/apt.log" 2>&1 || fail "apt-get could not install ${missing[*]} (see $STATE/apt.log): apt-get install -y $*"
}

# Prints $STATE/env as `export KEY='value'` lines.
print_env() {
  local key value
  while IFS='=' read -r key value; do
    printf "export %s='%s'\n" "$key" "${value//\'/\'\\\'\'}"
  done <"$STATE/env"
}
