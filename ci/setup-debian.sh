#!/usr/bin/env bash
# Installs, on Debian or Ubuntu, everything `cargo test` needs besides Rust itself:
#   - a real window for the GUI tests: Xvfb, xdotool, xclip, ImageMagick, and the GL/X libraries
#     the window loads at run time;
#   - the test directory servers: OpenLDAP (slapd, ldap-utils) and a Samba AD domain controller
#     (samba with its AD provisioning, DSDB and VFS modules), and openssl for their certificates;
#   - iproute2 for the network namespace of the "no answer at all" tests;
#   - FreeRADIUS, standing in for the proxy's RADIUS listener in the test-login tests;
#   - OpenSSH's server and client: each fleet test node is a real sshd on loopback.
# Usage: sudo bash ci/setup-debian.sh        (quiet; the apt log is /tmp/apm-setup-apt.log)
set -euo pipefail

PACKAGES=(
  xvfb xdotool xclip imagemagick
  libgl1 libgl1-mesa-dri libglx-mesa0 libegl1 libegl-mesa0 libgbm1 libx11-6 libx11-xcb1 libxcb1
  libxcursor1 libxi6 libxrandr2 libxrender1 libxkbcommon0 libxkbcommon-x11-0
  slapd ldap-utils openssl
  samba samba-ad-provision samba-dsdb-modules samba-vfs-modules
  iproute2
  freeradius
  openssh-server openssh-client
)

[ "$(id -u)" -eq 0 ] || { echo "ci/setup-debian.sh: installing packages needs root: sudo bash ci/setup-debian.sh" >&2; exit 3; }
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
# slapd without a database of its own (the tests run their own servers), and no service starts.
echo 'slapd slapd/no_configuration boolean true' | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
{ apt-get -o DPkg::Lock::Timeout=300 update -qq &&
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}"
} >/tmp/apm-setup-apt.log 2>&1 || { tail -20 /tmp/apm-setup-apt.log >&2; echo "ci/setup-debian.sh: apt-get failed (log: /tmp/apm-setup-apt.log)" >&2; exit 3; }
# A package may have started system services on the test servers' ports; the tests run their own.
for service in slapd samba-ad-dc smbd nmbd winbind freeradius ssh; do
  if command -v systemctl >/dev/null && systemctl is-active -q "$service" 2>/dev/null; then systemctl stop "$service" || true; fi
done
