#!/usr/bin/env bash
# Mutation testing of the library (Rx.Stomp) with Stryker.NET, the dotnet-stryker of the tool manifest, on the
# tests that need nothing outside the test process. Prints the score per folder and writes the reports under
# StrykerOutput/<date>/reports (HTML, JSON, Markdown).
#
# Usage: scripts/mutation.sh [folder...]      folders of Rx.Stomp/ to mutate, e.g. Frames Reactive (default: all)
# Env:   STRYKER_CONCURRENCY   test processes at once (default 1: Stryker runs the whole suite per batch of mutants)
#
# Not in the run: the tests in category ExternalBroker (RabbitMQ, ActiveMQ), and those that run rxstomp or dotnet as a
# child process (Samples/RxStomp*, Packaging, Readme/NewTestProject): the child loads its own copy of the library,
# where no mutant is ever active, so they could only slow the run down. Nor the RabbitMQ-only test that the embedded
# broker's fixture skips at run time: Stryker takes a test skipped at run time for a failed initial run.
set -euo pipefail
cd "$(dirname "$0")/.."

folders=("$@")
if [ ${#folders[@]} -eq 0 ]; then
  folders=(Binding Client Diagnostics Frames Linq Listeners Reactive Requests Transport)
fi

mutate=()
for folder in "${folders[@]}"; do
  mutate+=(--mutate "**/Rx.Stomp/${folder}/**/*.cs")
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore >/dev/null
cd Rx.Stomp.Tests
dotnet dotnet-stryker \
  --project Rx.Stomp.csproj \
  --configuration Release \
  --concurrency "${STRYKER_CONCURRENCY:-1}" \
  --test-case-filter "TestCategory!=ExternalBroker&FullyQualifiedName!~Rx.Stomp.Tests.Samples.RxStomp&FullyQualifiedName!~Rx.Stomp.Tests.Packaging&FullyQualifiedName!~NewTestProject&Name!=A_request_through_a_temporary_reply_queue_gets_its_reply" \
  --reporter Progress --reporter Html --reporter Json --reporter Markdown --reporter ClearText \
  --skip-version-check --log-to-file \
  --output ../StrykerOutput/"$(date +%Y%m%d-%H%M%S)" \
  "${mutate[@]}"
