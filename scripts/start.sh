#!/usr/bin/env bash
# The main job: the workbench in a real editor on samples/. Checks every module in samples/ as the
# editor will (what modpost and the loader would say; samples/broken/ is broken on purpose), then
# builds the .vsix, installs it into code-server (VS Code in the browser; scripts/e2e/setup.sh
# installs it once, into ~/.cache/lkm-workbench) and serves the editor on 127.0.0.1 until Ctrl-C.
# LKM_PORT=N picks the port (default: a free one).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
npm run --silent build
echo "lkm check samples/ (the same analysis the editor runs while you type)"
echo
status=0
node dist/lkm.js check samples/ || status=$?
echo
case $status in
  0 | 1) echo "Errors under samples/broken/ are the mistakes those samples make on purpose." ;;
  *) exit "$status" ;;
esac
echo
echo "Packaging the extension (lkm-workbench.vsix) and preparing the editor (the first time takes minutes)…"
npm run --silent package >/dev/null
bash scripts/e2e/setup.sh
exec bash scripts/e2e/code-server.sh --folder samples
