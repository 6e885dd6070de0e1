# What the two last test layers (scripts/e2e/test.sh, scripts/vm/test.sh) share, sourced after the
# caller has set `runner=` and `trap cleanup EXIT`: INT and TERM end the script with the usual
# status (and so run its cleanup), and in_background runs a step so that a signal acts at once,
# with the step's pid in $runner for the cleanup to stop (bash runs a trap only between commands;
# `wait` is one it interrupts).
trap 'exit 130' INT
trap 'exit 143' TERM

in_background() {
  "$@" &
  runner=$!
  wait "$runner"
}
