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

# shellcheck source=scripts/test-results.sh
source scripts/test-results.sh
for run in $(seq 1 "$runs"); do
  log="$logs/run-$run.log"
  started=$(date +%s)
  set +e
  dotnet test Rx.Stomp.sln -c Release --no-build --filter "TestCategory!=ExternalBroker" --logger "console;verbosity=normal" --blame-hang-timeout 5m > "$log" 2>&1
  rc=$?
  set -e
  echo "run $run/$runs: $(test_count Passed "$log") passed, $(test_count Failed "$log") failed, $(test_count Skipped "$log") skipped, $(( $(date +%s) - started )) s"
  if [ "$rc" -ne 0 ]; then
    test_failures "$log"
    echo "run $run failed: its log is $log"
    exit 1
  fi
  rm -f "$log"
done
echo "$runs of $runs runs passed"
