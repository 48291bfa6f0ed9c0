#!/usr/bin/env bash
# Checks that the .deb installs what a desktop user needs: the binary, the launcher entry
# and the icons. Usage: tests/package/deb-contents.sh path/to/Rapport_*.deb
set -euo pipefail
deb=${1:?usage: $0 path/to/package.deb}
listing=$(dpkg-deb -c "$deb")
fail=0
expect() {
  if grep -Eq "$2" <<<"$listing"; then
    echo "ok - $1"
  else
    echo "not ok - $1: nothing in $deb matches $2"
    fail=1
  fi
}
expect "the binary is installed to /usr/bin" ' (\./)?usr/bin/rapport-desktop$'
expect "a launcher entry is installed" ' (\./)?usr/share/applications/[^/]+\.desktop$'
for size in 32x32 128x128 256x256 512x512; do
  expect "a ${size} icon is installed" " (\./)?usr/share/icons/hicolor/${size}/apps/rapport-desktop\.png$"
done
entry=$(dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards '*usr/share/applications/*.desktop')
grep -q '^Exec=rapport-desktop' <<<"$entry" && echo "ok - the launcher runs the binary" || { echo "not ok - the launcher's Exec line: $(grep ^Exec <<<"$entry")"; fail=1; }
grep -q '^Icon=rapport-desktop' <<<"$entry" && echo "ok - the launcher shows the icon" || { echo "not ok - the launcher's Icon line: $(grep ^Icon <<<"$entry")"; fail=1; }
depends=$(dpkg-deb -f "$deb" Depends)
grep -q 'libwebkit2gtk-4.1-0' <<<"$depends" && echo "ok - depends on WebKitGTK" || { echo "not ok - Depends: $depends"; fail=1; }
exit $fail
