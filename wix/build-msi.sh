#!/usr/bin/env bash
# Builds the Windows release of authproxy-manager and its MSI on Linux, then checks them:
#   1. the release exe for x86_64-pc-windows-gnu, through ci/windows/check.sh
#      (a Debian chroot with mingw and Wine; ~7 min the first time);
#   2. the MSI from wix/main.wxs with wixl (Debian's package), version from Cargo.toml;
#   3. its File, Shortcut, Upgrade, Icon and Property tables (msiinfo), and that the exe
#      inside is the one built (msiextract);
#   4. the exe's resources: the requireAdministrator manifest, DPI awareness, version info;
#   5. the size budget: exe <= 19 MiB, MSI <= 10 MiB;
#   6. the GUI under Wine + Xvfb: it renders a sample config (glow renderer; screenshot taken
#      from outside, since the shipped exe has no screenshot hook).
# Usage: bash wix/build-msi.sh. Prints the sizes.
# Output: target/wix/authproxy-manager-VERSION-x64.msi and target/wix/wine-gui.png.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "build-msi: FAILED: $*" >&2; exit 1; }
say() { echo "build-msi: $*" >&2; }

if ! command -v wixl >/dev/null || ! command -v msiinfo >/dev/null || ! command -v msiextract >/dev/null \
    || ! command -v convert >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wixl msitools imagemagick >/dev/null
fi

VERSION=$(sed -n 's/^version = "\([^"]*\)"/\1/p' Cargo.toml | head -1)
[ -n "$VERSION" ] || fail "no version in Cargo.toml"
OUT=target/wix
EXE=target/wincheck/x86_64-pc-windows-gnu/release/authproxy-manager.exe
MSI=$OUT/authproxy-manager-$VERSION-x64.msi
mkdir -p "$OUT"

say "building the Windows release exe"
APM_WIN_CARGO=build bash ci/windows/check.sh --release --bin authproxy-manager
[ -f "$EXE" ] || fail "$EXE was not built here (is the chroot's /work/project mounted elsewhere?)"

say "building $MSI with wixl"
rm -f "$MSI"
wixl -a x64 -D Version="$VERSION" -D ExePath="$EXE" -D AssetsDir=assets -o "$MSI" wix/main.wxs 2>"$OUT/wixl.log" \
    || { cat "$OUT/wixl.log" >&2; fail "wixl"; }

table() { msiinfo export "$MSI" "$1" | tail -n +4 | tr -d '\r'; }
expect_row() {  # expect_row TABLE TAB-SEPARATED-FIELDS-REGEX WHAT
    table "$1" | grep -Eq "$2" || { table "$1" >&2; fail "$3"; }
}
EXE_SIZE=$(stat -c %s "$EXE")
MSI_SIZE=$(stat -c %s "$MSI")
TAB=$'\t'
expect_row File "^AppExe${TAB}MainExecutable${TAB}authproxy-manager\.exe${TAB}${EXE_SIZE}${TAB}" \
    "File table: authproxy-manager.exe of $EXE_SIZE bytes"
expect_row File "^StarterConfig${TAB}Assets${TAB}starter-authproxy\.cfg${TAB}" "File table: the starter config"
expect_row File "^IconFile${TAB}Assets${TAB}authproxy-manager\.ico${TAB}" "File table: the icon"
expect_row Shortcut "^AppShortcut${TAB}ProgramMenuFolder${TAB}Authentication Proxy Manager${TAB}StartMenuShortcut${TAB}\[INSTALLDIR\]authproxy-manager\.exe${TAB}.*${TAB}AppIcon\.ico${TAB}" \
    "Shortcut table: Start Menu entry with the icon"
expect_row Upgrade "^\{D65B8631-6FE9-4439-9A69-2B2480AD5C35\}${TAB}${TAB}${VERSION}${TAB}" \
    "Upgrade table: older versions are replaced"
expect_row Upgrade "^\{D65B8631-6FE9-4439-9A69-2B2480AD5C35\}${TAB}${VERSION}${TAB}" \
    "Upgrade table: newer versions are detected (no downgrade)"
expect_row Property "^ProductVersion${TAB}${VERSION}$" "Property table: ProductVersion $VERSION"
expect_row Property "^ProductName${TAB}Authentication Proxy Manager$" "Property table: ProductName"
expect_row Property "^ARPPRODUCTICON${TAB}AppIcon\.ico$" "Property table: the uninstall entry's icon"
msiinfo tables "$MSI" | grep -qx Icon || fail "no Icon table"
msiinfo suminfo "$MSI" | grep -q "x64;1033" || { msiinfo suminfo "$MSI" >&2; fail "summary: x64;1033 template"; }

EXTRACT=$(mktemp -d)
trap 'rm -rf "$EXTRACT"' EXIT
(cd "$EXTRACT" && msiextract "$OLDPWD/$MSI" >/dev/null)
INSTALLED=$(find "$EXTRACT" -name authproxy-manager.exe | head -1)
[ -n "$INSTALLED" ] && cmp -s "$INSTALLED" "$EXE" || fail "the exe inside the MSI is not the one built"

grep -aq 'level="requireAdministrator"' "$EXE" || fail "the exe has no requireAdministrator manifest"
grep -aq 'PerMonitorV2' "$EXE" || fail "the exe's manifest is not DPI aware"
utf16() { printf '%s' "$1" | sed 's/./&\\x00/g'; }  # a grep -P pattern for UTF-16LE text
LC_ALL=C grep -aqP "$(utf16 ProductVersion)\\x00\\x00$(utf16 "$VERSION")" "$EXE" \
    || fail "the exe has no version information for $VERSION"
LC_ALL=C grep -aqP "$(utf16 "Authentication Proxy Manager")" "$EXE" || fail "the exe's version information has no product name"

MIB=$((1024 * 1024))
mib() { printf '%d.%02d' $(($1 * 100 / MIB / 100)) $((($1 * 100 / MIB) % 100)); }  # two decimals, zero-padded
say "sizes: exe $EXE_SIZE bytes ($(mib "$EXE_SIZE") MiB, budget 19 MiB), MSI $MSI_SIZE bytes ($(mib "$MSI_SIZE") MiB, budget 10 MiB)"
[ "$EXE_SIZE" -le $((19 * MIB)) ] || fail "the exe is over 19 MiB"
[ "$MSI_SIZE" -le $((10 * MIB)) ] || fail "the MSI is over 10 MiB"

# The shipped exe has no screenshot hook (that is a test-only feature), so the window is
# photographed from outside: Wine inside the chroot draws on an Xvfb display of this host,
# reached through its abstract socket.
say "starting the exe under Wine on an Xvfb display (glow renderer) and photographing its window"
SHOT=$OUT/wine-gui.png
rm -f "$SHOT"
DISPLAY_NUMBER=$(for n in $(seq 140 180); do [ -e /tmp/.X11-unix/X$n ] || [ -e /tmp/.X$n-lock ] || { echo $n; break; }; done)
Xvfb ":$DISPLAY_NUMBER" -screen 0 1280x800x24 -nolisten tcp >"$OUT/xvfb.log" 2>&1 &
XVFB=$!
trap 'rm -rf "$EXTRACT"; kill $XVFB 2>/dev/null || true' EXIT
APM_WIN_GUI=1 APM_WIN_CARGO=run APM_WIN_ENV="DISPLAY=:$DISPLAY_NUMBER" \
    timeout 600 bash ci/windows/check.sh --release --bin authproxy-manager -- \
    --renderer glow --config tests/data/samples/i03_typo_key.cfg >"$OUT/wine-run.log" 2>&1 &
RUN=$!
shown=
for _ in $(seq 1 240); do
    if DISPLAY=":$DISPLAY_NUMBER" xdotool search --name "authproxy-manager" >/dev/null 2>&1; then shown=1; break; fi
    kill -0 $RUN 2>/dev/null || break
    sleep 1
done
if [ -n "$shown" ]; then
    sleep 8  # the first frames under Wine's software GL
    DISPLAY=":$DISPLAY_NUMBER" import -window root "$SHOT"
fi
pkill -f 'authproxy-manager\.exe' 2>/dev/null || true
wait $RUN 2>/dev/null || true
[ -s "$SHOT" ] || { tail -30 "$OUT/wine-run.log" >&2; fail "the GUI under Wine showed no window"; }
COLOURS=$(convert "$SHOT" -format %k info:)
WIDTH=$(convert "$SHOT" -format %w info:)
[ "$COLOURS" -gt 50 ] || fail "the screenshot under Wine is blank ($COLOURS colours)"
say "GUI under Wine rendered: $SHOT, ${WIDTH}px wide, $COLOURS colours"
say "OK: $MSI"
