#!/usr/bin/env bash
# The cluster run (Rx.Stomp.Tests/Brokers/RabbitMqClusterTests.cs) at a chosen size, on the three-node RabbitMQ cluster
# of scripts/cluster.sh (started here when it is not running, and stopped again at the end):
#   scripts/cluster-soak.sh              100,000 messages and 8 node stops (the README's figures)
#   scripts/cluster-soak.sh 20000 4      the size the suite runs
# The node under the consumer, then the one under the producer, and so on, is stopped and started again: the first
# half of the stops clean shutdowns, the others kills. Prints the figures: messages, node stops, lost, duplicates on
# the wire and in the application (behind DropDuplicates), duration.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

case "$(bash scripts/cluster.sh status)" in
  *"running: "*" "*" "*) ;;
  *) trap 'bash "$ROOT/scripts/cluster.sh" stop || true' EXIT
     bash scripts/cluster.sh start ;;
esac

export RXSTOMP_CLUSTER_MESSAGES="${1:-100000}"
export RXSTOMP_CLUSTER_STOPS="${2:-8}"
export RXSTOMP_CLUSTER="failover:(stomp://guest:guest@127.0.0.1:61631,stomp://127.0.0.1:61632,stomp://127.0.0.1:61633)"
export RXSTOMP_CLUSTER_SH="$ROOT/scripts/cluster.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDTERMINALLOGGER=off
dotnet test Rx.Stomp.Tests -c Release --filter "FullyQualifiedName~Brokers.RabbitMqClusterTests" --logger "console;verbosity=normal"
