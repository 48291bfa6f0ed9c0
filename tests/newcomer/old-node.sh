#!/usr/bin/env bash
# The newcomer path on a stock Debian 12 or Ubuntu 22.04/24.04, whose Node.js is older than the
# UI's toolchain needs: `make ui` on a clean clone must bring its own Node.js (into the clone's
# target/node/), say so in one line, and build the UI with it. The machine's own Node.js is
# never touched: the old one is put first on PATH for this test only.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
old_version=18.19.1 # what Debian 12 and Ubuntu 24.04 ship
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; fail=1; }

case "$(uname -m)" in x86_64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
system_node=$(command -v node || true)
system_version=$(node --version 2>/dev/null || echo none)

npm install --prefix "$work/old" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
  "node-linux-$arch@$old_version" >/dev/null
mkdir "$work/bin"
ln -s "$work/old/node_modules/node-linux-$arch/bin/node" "$work/bin/node"
export PATH="$work/bin:$PATH"
[ "$(node --version)" = "v$old_version" ] || { echo "not ok - Node.js $old_version is not first on PATH"; exit 1; }

git clone --quiet --no-hardlinks "$root" "$work/clone"
if (cd "$work/clone" && make ui) >"$work/make.log" 2>&1; then
  ok "make ui on a clean clone succeeds with Node.js $old_version first on PATH"
else
  not_ok "make ui failed with Node.js $old_version first on PATH; its last lines:"
  tail -n 30 "$work/make.log" | sed 's/^/    /'
fi

said=$(grep -c "older than .* the UI needs: bringing Node.js" "$work/make.log" || true)
[ "$said" = 1 ] && ok "make says in one line that it brings its own Node.js" ||
  not_ok "make should say once that it brings its own Node.js (said it $said times)"
grep "bringing Node.js" "$work/make.log" | sed 's/^/    /' || true

brought="$work/clone/target/node/bin/node"
if [ -x "$brought" ] && "$brought" -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then
  ok "the clone's target/node holds Node.js $("$brought" --version)"
else
  not_ok "no current Node.js in the clone's target/node/"
fi
[ -f "$work/clone/ui/dist/index.html" ] && ok "the UI was built (ui/dist/index.html)" || not_ok "ui/dist/index.html is missing"

# A second run finds the Node.js it brought and says nothing more.
(cd "$work/clone" && make ui) >"$work/again.log" 2>&1 || not_ok "a second make ui failed"
grep -q "bringing Node.js" "$work/again.log" && not_ok "a second make ui brought Node.js again" ||
  ok "a second make ui uses the Node.js it brought"

export PATH=${PATH#"$work/bin:"}
[ "$(command -v node || true)" = "$system_node" ] && [ "$(node --version 2>/dev/null || echo none)" = "$system_version" ] &&
  ok "the machine's own Node.js ($system_version) is untouched" || not_ok "the machine's own Node.js changed"

exit $fail
