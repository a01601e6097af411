#!/usr/bin/env bash
# Runs the samples against real brokers: installs and starts them (left running;
# stop them with scripts/brokers.sh stop), then passes all arguments to the sample app.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "demo.sh: 'dotnet' not found: the .NET 10 SDK is required (https://dot.net)." >&2
  exit 1
fi

bash scripts/install-brokers.sh
bash scripts/brokers.sh start

export RXSTOMP_RABBITMQ=127.0.0.1:61613
export RXSTOMP_RABBITMQ_WS=ws://127.0.0.1:15674/ws
export RXSTOMP_ACTIVEMQ=127.0.0.1:61623
export RXSTOMP_RABBITMQCTL="$PWD/scripts/rabbitmqctl.sh"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet run --project Rx.Stomp.Samples -c Release -- "$@"
