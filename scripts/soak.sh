#!/usr/bin/env bash
# The RabbitMQ soak (Rx.Stomp.Tests/Brokers/RabbitMqSoakTests.cs) with a chosen number of messages:
#   scripts/soak.sh            1,000,000 messages (the full soak; about 3 minutes on an idle 2-core machine)
#   scripts/soak.sh 100000     the size the normal suite runs
# It kills every connection of the RabbitMQ started by scripts/brokers.sh every few seconds: anything
# else using that broker is disconnected too. Prints the figures (messages, faults, duplicates on the wire and behind
# DropDuplicates, which must be none, heap).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
bash scripts/brokers.sh start
export RXSTOMP_SOAK_MESSAGES="${1:-1000000}"
export RXSTOMP_RABBITMQ=127.0.0.1:61613
export RXSTOMP_RABBITMQCTL="$ROOT/scripts/rabbitmqctl.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDTERMINALLOGGER=off
dotnet test Rx.Stomp.Tests -c Release --filter "FullyQualifiedName~Brokers.RabbitMqSoakTests" --logger "console;verbosity=normal"
