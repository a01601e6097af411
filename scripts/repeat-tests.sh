#!/usr/bin/env bash
# The suite's part that needs nothing outside the test process (--filter TestCategory!=ExternalBroker: no RabbitMQ,
# ActiveMQ or cluster, even where one is up), run N times in a row, to show it has no flaky test. Stops at the first failing run and
# keeps its log; prints one line per run and the count of runs that passed.
#
# Usage: scripts/repeat-tests.sh [N]      (default 20)
# Env:   RXSTOMP_REPEAT_LOGS  where the logs of failing runs go (default: a new folder under /tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20}"
logs="${RXSTOMP_REPEAT_LOGS:-$(mktemp -d /tmp/rxstomp-repeat.XXXXXX)}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDTERMINALLOGGER=off

dotnet build Rx.Stomp.sln -c Release -v quiet -nologo >/dev/null

count() { tr -d '\r' < "$2" | sed -n -E "s/^[[:space:]]*$1: ([0-9]+)[[:space:]]*\$/\\1/p" | awk '{s+=$1} END {print s+0}'; }
for run in $(seq 1 "$runs"); do
  log="$logs/run-$run.log"
  started=$(date +%s)
  set +e
  dotnet test Rx.Stomp.sln -c Release --no-build --filter "TestCategory!=ExternalBroker" --logger "console;verbosity=normal" --blame-hang-timeout 5m > "$log" 2>&1
  rc=$?
  set -e
  echo "run $run/$runs: $(count Passed "$log") passed, $(count Failed "$log") failed, $(count Skipped "$log") skipped, $(( $(date +%s) - started )) s"
  if [ "$rc" -ne 0 ]; then
    tr -d '\r' < "$log" | awk '/^[[:space:]]+Failed [^:]/ { show = 1; lines = 0 } /^[[:space:]]+(Passed|Skipped) / { show = 0 } show && lines < 25 { print; lines++ }'
    echo "run $run failed: its log is $log"
    exit 1
  fi
  rm -f "$log"
done
echo "$runs of $runs runs passed"
