#!/usr/bin/env bash
# The real editor on this machine: code-server on 127.0.0.1 (a free port, or --port N / LKM_PORT)
# with the packaged lkm-workbench.vsix installed, opening samples/ (or --folder DIR). Prints the
# address and runs until Ctrl-C. Needs scripts/e2e/setup.sh's tools (it runs it) and the .vsix
# (npm run package). Everything it writes is in --run-dir (default $LKM_CACHE/e2e/editor).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f lkm-workbench.vsix ] || { echo "code-server.sh: lkm-workbench.vsix is missing: run npm run package" >&2; exit 2; }
exec npx tsx test/e2e/support/serve.ts "$@"
