#!/usr/bin/env bash
# The main job on the embedded default: checks every module in samples/ as the editor would, and
# prints what modpost and the loader would say. samples/broken/ is broken on purpose.
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
  0|1) echo "Errors under samples/broken/ are the mistakes those samples make on purpose." ;;
  *) exit "$status" ;;
esac
