#!/usr/bin/env bash
# Runs rxstomp: with no arguments, its narrated demo on an embedded broker started in the same process, so
# nothing but the .NET SDK is needed. Arguments go to rxstomp (e.g. `shell`, which wants a broker: start
# RabbitMQ and ActiveMQ with scripts/brokers.sh start, or point -H/-P at one).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "demo.sh: 'dotnet' not found: the .NET 10 SDK is required (https://dot.net)." >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet run --project Rx.Stomp.Samples -c Release -- "$@"
