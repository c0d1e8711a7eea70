#!/usr/bin/env bash
# Unmounts whatever an interrupted windows-check.sh left mounted inside its chroot.
# windows-check.sh reuses an existing mount at <chroot>/work/project without checking what it
# points at, so a stale bind mount from an earlier run (killed before its cleanup) makes it
# build and test that other checkout instead of this one. Takes the tool's lock first.
# Usage: bash .ci/unmount-stale-wintool.sh   (WINTOOL_ROOT as for windows-check.sh)
set -euo pipefail
ROOT=${WINTOOL_ROOT:-/tmp/wintool}
CHROOT=$ROOT/chroot
[ -d "$CHROOT" ] || exit 0
exec 9>"$ROOT/lock"
flock 9
findmnt -rn -o TARGET | awk -v c="$CHROOT/" 'index($0, c) == 1' | sort -r | while read -r target; do
    echo "unmount-stale-wintool: unmounting $target, left by an earlier run" >&2
    umount "$target" 2>/dev/null || umount -l "$target"
done
