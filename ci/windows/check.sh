#!/usr/bin/env bash
# Builds this project for x86_64-pc-windows-gnu and runs cargo there, tests under Wine.
#
#   bash ci/windows/check.sh [cargo arguments...]          e.g. --test integration, or --release --bin X
#   APM_WIN_CARGO=build bash ci/windows/check.sh --release --bin authproxy-manager
#   bash ci/windows/check.sh --prepare                      only make the chroot (CI does it early)
#
# The toolchain lives in a Debian trixie chroot made once with debootstrap (about 600 MB, two
# minutes): Debian's rustc-web with its standard library sources (std is built for the target with
# -Zbuild-std, as Debian ships no prebuilt Windows std), the mingw-w64 linker and Wine. The
# project and the host's cargo registry are bind-mounted in; everything is unmounted on exit,
# and a run that was killed before its cleanup is cleaned up by the next one.
# Environment:
#   APM_WIN_ROOT      where the chroot lives (default /tmp/apm-wintool)
#   APM_WIN_CARGO     the cargo subcommand (default test)
#   APM_WIN_TARGET    target dir, relative to the project (default target/wincheck)
#   APM_WIN_ENV       extra KEY=VALUE words for cargo and the tests
#   APM_WIN_GUI=1     also Mesa's GL, for running the window under Wine on the host's Xvfb
# Needs root (debootstrap, mount, chroot) and Debian's archive and crates.io.
set -euo pipefail

ROOT=${APM_WIN_ROOT:-/tmp/apm-wintool}
JAIL=$ROOT/chroot
SUITE=trixie
MIRROR=${APM_WIN_MIRROR:-http://deb.debian.org/debian}
SUBCOMMAND=${APM_WIN_CARGO:-test}
TARGET_DIR=${APM_WIN_TARGET:-target/wincheck}
PROJECT=$(cd "$(dirname "$0")/../.." && pwd -P)
CARGO_HOME_DIR=${CARGO_HOME:-$HOME/.cargo}
PREFIX=/root/.wine-apm
PACKAGES="rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64 wine wine64 ca-certificates"
[ "${APM_WIN_GUI:-0}" = 1 ] && PACKAGES="$PACKAGES libgl1 libgl1-mesa-dri libglx-mesa0"

say() { echo "ci/windows/check.sh: $*" >&2; }
fail() { say "$*"; exit 3; }

[ "$(id -u)" -eq 0 ] || fail "needs root for debootstrap, mount and chroot: sudo bash ci/windows/check.sh"

mkdir -p "$ROOT"
exec 7>"$ROOT/lock"
flock 7

# Whatever an interrupted run left mounted goes first: a stale bind mount of another checkout
# would otherwise be built instead of this one.
unmount_all() {
  findmnt -rn -o TARGET | awk -v jail="$JAIL/" 'index($0, jail) == 1' | sort -r | while read -r target; do
    umount "$target" 2>/dev/null || umount -l "$target"
  done
}
unmount_all

stop_wine() {
  if [ -x "$JAIL/usr/bin/wineserver" ] && mountpoint -q "$JAIL/proc"; then
    # Wine's services keep running after the tests and would keep the mounts busy.
    chroot "$JAIL" env WINEPREFIX=$PREFIX wineserver -k >/dev/null 2>&1 || true
    chroot "$JAIL" env WINEPREFIX=$PREFIX wineserver -w >/dev/null 2>&1 || true
  fi
}
finish() {
  local status=$?
  stop_wine
  unmount_all
  exit $status
}
trap finish EXIT
trap 'exit 130' INT TERM

if [ ! -e "$JAIL/.apm-base" ]; then
  rm -rf --one-file-system "$JAIL"
  command -v debootstrap >/dev/null || {
    say "installing debootstrap"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; } >"$ROOT/host-apt.log" 2>&1 ||
      fail "could not install debootstrap (see $ROOT/host-apt.log): apt-get install -y debootstrap"
  }
  say "creating a Debian $SUITE chroot in $JAIL (log: $ROOT/debootstrap.log)"
  debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$JAIL" "$MIRROR" >"$ROOT/debootstrap.log" 2>&1 ||
    fail "debootstrap failed (see $ROOT/debootstrap.log)"
  printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s-security %s-security main\n' \
    "$MIRROR" "$SUITE" "$MIRROR" "$SUITE" "${MIRROR%/debian}/debian" "$SUITE" >"$JAIL/etc/apt/sources.list"
  touch "$JAIL/.apm-base"
fi

bind() { mkdir -p "$2"; mount --bind "$1" "$2"; }
mkdir -p "$JAIL/proc" "$JAIL/sys"
mount -t proc proc "$JAIL/proc"
mount -t sysfs sysfs "$JAIL/sys" 2>/dev/null || bind /sys "$JAIL/sys"
bind /dev "$JAIL/dev"
bind /dev/pts "$JAIL/dev/pts"
if mountpoint -q /dev/shm; then bind /dev/shm "$JAIL/dev/shm"; fi
cp -L /etc/resolv.conf "$JAIL/etc/resolv.conf" 2>/dev/null || true

installed=" $(cat "$JAIL/.apm-packages" 2>/dev/null || true) "
wanted=; for p in $PACKAGES; do [[ $installed == *" $p "* ]] || wanted=1; done
if [ -n "$wanted" ]; then
  say "installing the toolchain and Wine in the chroot (log: $ROOT/apt.log)"
  echo 'Acquire::Check-Valid-Until "false";' >"$JAIL/etc/apt/apt.conf.d/99apm"
  { chroot "$JAIL" apt-get update -qq &&
    chroot "$JAIL" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PACKAGES &&
    chroot "$JAIL" apt-get clean; } >"$ROOT/apt.log" 2>&1 || fail "installing in the chroot failed (see $ROOT/apt.log)"
  echo $installed $PACKAGES | tr ' ' '\n' | sort -u | tr '\n' ' ' >"$JAIL/.apm-packages"
fi
[ "${1:-}" = --prepare ] && { say "the chroot is ready"; exit 0; }

mkdir -p "$CARGO_HOME_DIR/registry" "$CARGO_HOME_DIR/git"
bind "$PROJECT" "$JAIL/project"
bind "$CARGO_HOME_DIR/registry" "$JAIL/root/.cargo/registry"
bind "$CARGO_HOME_DIR/git" "$JAIL/root/.cargo/git"
# The host's CA bundle, so cargo trusts whatever the host trusts (a proxy's CA, say).
cp /etc/ssl/certs/ca-certificates.crt "$JAIL/etc/ssl/apm-host-ca.crt" 2>/dev/null || true

set +e
# shellcheck disable=SC2086
chroot "$JAIL" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
  RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="/project/$TARGET_DIR" CARGO_INCREMENTAL=0 \
  CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}" ${RUST_BACKTRACE:+RUST_BACKTRACE=$RUST_BACKTRACE} \
  CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine WINEPREFIX=$PREFIX WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" \
  ${APM_WIN_ENV:-} \
  bash -c '[ -s /etc/ssl/apm-host-ca.crt ] && export CARGO_HTTP_CAINFO=/etc/ssl/apm-host-ca.crt
           echo "ci/windows/check.sh: $(rustc --version); $(wine --version)" >&2
           cd /project && exec cargo "$@"' cargo "$SUBCOMMAND" -Zbuild-std --target x86_64-pc-windows-gnu "$@"
status=$?
set -e
[ $status -eq 0 ] && say "OK" || say "FAILED (cargo exited $status)"
exit $status
