#!/usr/bin/env bash
# The editor end-to-end layer (test/e2e/README.md), as npm test runs it (alone: bash scripts/e2e/test.sh):
#   1. setup.sh: chromium and libkrb5-dev (apt-get), Node.js 24 and code-server (npm), cached in
#      $LKM_CACHE/e2e (default ~/.cache/lkm-workbench/e2e)
#   2. the extension-host suite (test/e2e/extensionHost) through @vscode/test-electron's runTests,
#      with code-server in headless Chromium as the editor
#   3. the UI suite (test/e2e/ui): mocha with playwright-core, keyboard and mouse on the workbench
# Both use the packaged lkm-workbench.vsix (npm run package; made here when missing). Screenshots
# go to test-results/e2e/. Fails when a suite fails, reports a skipped test, or runs none; each
# suite is bounded (LKM_E2E_TIMEOUT seconds, default 1200).
set -euo pipefail
cd "$(dirname "$0")/../.."

t0=$(date +%s)
results=test-results/e2e
# Every run folder of the step (code-server's user data and extensions, XDG dirs, the samples copy,
# Chromium's profile) is made under this TMPDIR, and goes with it at the end, whatever happens.
e2e_tmp=$(mktemp -d "${TMPDIR:-/tmp}/lkm-test-e2e.XXXXXX")
runner=
cleanup() {
  if [ -n "$runner" ] && kill -0 "$runner" 2>/dev/null; then
    kill -TERM "$runner" 2>/dev/null || true
    sleep 2
  fi
  rm -rf "$e2e_tmp"
}
trap cleanup EXIT
# shellcheck source=scripts/lib/background-steps.sh
. scripts/lib/background-steps.sh

in_background timeout -k 10 1800 bash scripts/e2e/setup.sh
[ -f lkm-workbench.vsix ] || npm run --silent package
mkdir -p "$results"
t1=$(date +%s)
echo "e2e/test.sh: prepared in $((t1 - t0)) s"

# Passes when LOG's last summary line says tests ran, none failed and none was skipped.
check_summary() { # NAME LOG
  local summary
  summary=$(grep -aE '^tests: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$2" | tail -n 1 || true)
  case "$summary" in
    '' | 'tests: 0 passed'*)
      echo "e2e/test.sh: the $1 suite ran no test (${summary:-no summary})" >&2
      return 1
      ;;
    *', 0 failed, 0 skipped') ;;
    *)
      echo "e2e/test.sh: the $1 suite did not pass cleanly ($summary)" >&2
      return 1
      ;;
  esac
}

limit=${LKM_E2E_TIMEOUT:-1200}
host_log="$results/extension-host.log"
host_suite() { TMPDIR=$e2e_tmp timeout -k 30 "$limit" npx tsx test/e2e/extensionHost/runTests.ts 2>&1 | tee "$host_log"; }
in_background host_suite
check_summary extension-host "$host_log"
t2=$(date +%s)
echo "e2e/test.sh: extension-host suite in $((t2 - t1)) s"

ui_log="$results/ui.log"
ui_suite() { TMPDIR=$e2e_tmp timeout -k 30 "$limit" npx mocha --timeout 300000 'test/e2e/ui/**/*.test.ts' 2>&1 | tee "$ui_log"; }
in_background ui_suite
check_summary UI "$ui_log"
t3=$(date +%s)
echo "e2e/test.sh: UI suite in $((t3 - t2)) s; screenshots in $results/"
echo "e2e/test.sh: the whole step $((t3 - t0)) s"
