# Reading a `dotnet test --logger "console;verbosity=normal"` log; sourced by test.sh and repeat-tests.sh.

# test_count KIND LOG: the sum over the test projects of "KIND: N" (Passed, Failed, Skipped) in their summaries; single
# results read "  Passed Name [1 ms]", without the colon.
test_count() { tr -d '\r' < "$2" | sed -n -E "s/^[[:space:]]*$1: ([0-9]+)[[:space:]]*\$/\\1/p" | awk '{s+=$1} END {print s+0}'; }

# test_failures LOG: each failed test's name, message and the first lines of its stack.
test_failures() {
  tr -d '\r' < "$1" | awk '
    /^[[:space:]]+Failed [^:]/ { show = 1; lines = 0; print; next }
    /^[[:space:]]+(Passed|Skipped) / { show = 0 }
    show && lines < 25 { print; lines++ }'
}
