#!/usr/bin/env bash
# Full test run, for developers and CI (.ci/run): installs and starts the real brokers,
# runs every test project, prints "N passed, N failed, N skipped" and exits with
# dotnet test's exit code.
# Env: RXSTOMP_KEEP_BROKERS=1 leaves the brokers and the cluster running afterwards (each is also left
# running when it was already up before this script started).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: 'dotnet' not found: the .NET 10 SDK is required (https://dot.net)." >&2
  exit 1
fi

bash scripts/install-brokers.sh
# The throwaway CA and certificates of the TLS tests (brokers.sh start does it too; kept if present).
bash scripts/certs.sh

# Only stop at exit what this run started, so a developer's running brokers survive.
keep="${RXSTOMP_KEEP_BROKERS:-0}"
status="$(bash scripts/brokers.sh status)"
# Plain STOMP up on both means someone else's brokers (brokers.sh start restarts one that lacks TLS listeners).
case "$status" in *"RabbitMQ-STOMP 127.0.0.1:61613 accepts"*"ActiveMQ-STOMP 127.0.0.1:61623 accepts"*) keep=1 ;; esac
# The three-node RabbitMQ cluster of Brokers/RabbitMqClusterTests (scripts/cluster.sh, on ports apart from the
# brokers'): likewise stopped at exit unless it was up before.
keep_cluster="${RXSTOMP_KEEP_BROKERS:-0}"
case "$(bash scripts/cluster.sh status)" in *"running: "*" "*" "*) keep_cluster=1 ;; esac
stop_started() {
  if [ "$keep" != 1 ]; then bash "$ROOT/scripts/brokers.sh" stop || true; fi
  if [ "$keep_cluster" != 1 ]; then bash "$ROOT/scripts/cluster.sh" stop || true; fi
}
trap stop_started EXIT
bash scripts/brokers.sh start
bash scripts/cluster.sh start

# Where the tests find the brokers (see scripts/brokers.sh for users and ports).
export RXSTOMP_RABBITMQ=127.0.0.1:61613
export RXSTOMP_RABBITMQ_WS=ws://127.0.0.1:15674/ws
export RXSTOMP_RABBITMQ_TLS=127.0.0.1:61614
export RXSTOMP_RABBITMQ_WSS=wss://127.0.0.1:15673/ws
export RXSTOMP_ACTIVEMQ=127.0.0.1:61623
export RXSTOMP_ACTIVEMQ_TLS=127.0.0.1:61624
export RXSTOMP_ACTIVEMQ_MTLS=127.0.0.1:61625
export RXSTOMP_RABBITMQCTL="$ROOT/scripts/rabbitmqctl.sh"
export RXSTOMP_BROKERS_SH="$ROOT/scripts/brokers.sh"
export RXSTOMP_BROKER_DIR="${RXSTOMP_BROKER_DIR:-/tmp/rxstomp-brokers}"
export RXSTOMP_CLUSTER="failover:(stomp://guest:guest@127.0.0.1:61631,stomp://127.0.0.1:61632,stomp://127.0.0.1:61633)"
export RXSTOMP_CLUSTER_SH="$ROOT/scripts/cluster.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The terminal logger (interactive shells) would rewrite the per-project summaries we parse.
export MSBUILDTERMINALLOGGER=off

# .NET 10's 'dotnet new sln' writes .slnx: accept either.
sln=Rx.Stomp.sln
if [ ! -f "$sln" ] && [ -f Rx.Stomp.slnx ]; then sln=Rx.Stomp.slnx; fi

out="$(mktemp /tmp/rxstomp-test.XXXXXX.log)"
set +e
dotnet test "$sln" -c Release --logger "console;verbosity=normal" --blame-hang-timeout 5m 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
set -e

# shellcheck source=scripts/test-results.sh
source "$ROOT/scripts/test-results.sh"
passed=$(test_count Passed "$out"); failed=$(test_count Failed "$out"); skipped=$(test_count Skipped "$out")

# CI keeps only the tail of the output: repeat each failure just above the summary so it is never scrolled away.
failures="$(test_failures "$out")"
# Fixtures skipped for want of a broker or of the shared bench (Rx.Stomp.Tests/Support/SkippedFixtures.cs).
skips="$(tr -d '\r' < "$out" | grep -E '^SKIPPED ' | sort -u || true)"
rm -f "$out"

# Stop now rather than in the trap so the summary stays the last line printed.
trap - EXIT
stop_started
if [ -n "$failures" ]; then
  echo "---- failed tests ----"
  printf '%s\n' "$failures"
  echo "----------------------"
fi
if [ -n "$skips" ]; then
  echo "---- skipped fixtures ----"
  printf '%s\n' "$skips"
  echo "--------------------------"
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$rc"
