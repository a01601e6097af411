#!/usr/bin/env bash
# Mutation testing of the library (Rx.Stomp) with Stryker.NET, the dotnet-stryker of the tool manifest, on the
# tests that need nothing outside the test process. Prints the score per folder and writes the reports under
# StrykerOutput/<date>/reports (HTML, JSON, Markdown).
#
# Usage: scripts/mutation.sh [folder|file...] folders or files of Rx.Stomp/ to mutate, e.g. Frames Reactive or
#                                             Client/Outbox.cs Client/Session.cs (default: all folders). A large folder
#                                             can be scored file by file, in several runs: each run writes its own report.
# Env:   STRYKER_CONCURRENCY   test processes at once (default 1: Stryker runs the whole suite per batch of mutants)
#        STRYKER_TESTS         a regular expression on the tests' full names: only those run, e.g. to try a folder
#                              against its own tests: STRYKER_TESTS='^Rx\.Stomp\.Tests\.Frames\.' scripts/mutation.sh Frames
#
# A mutant counts as killed by a timeout when its tests run past their time in the initial run plus 10 s (Stryker's
# additional-timeout, in Rx.Stomp.Tests/stryker-config.json; its default, 5 s, is shorter than a loaded 2-core
# machine's stalls, which then pass for timeouts). The argument of ConfigureAwait is not mutated (ignore-methods there):
# true and false differ only under a SynchronizationContext (a UI thread's), and the test process has none, so no test
# could tell such a mutant apart: each would survive. The library passes false at every await, by convention.
#
# Not in the run: the tests in category ExternalBroker (RabbitMQ, ActiveMQ), and those that run rxstomp or dotnet as a
# child process (Samples/RxStomp*, Packaging, Readme/NewTestProject): the child loads its own copy of the library,
# where no mutant is ever active, so they could only slow the run down. Nor the RabbitMQ-only test that the embedded
# broker's fixture skips, nor the RabbitMQ cluster soak (Brokers/RabbitMqClusterTests), which needs the cluster and
# stops its nodes. They are skipped by the test assembly itself (Support/MutationRun.cs, RXSTOMP_MUTATION_TESTS and
# RXSTOMP_MUTATION_EXCLUDE), not by Stryker's --test-case-filter: Stryker 5.1's discovery ignores that filter, and its
# initial run takes every test it leaves out for a test that hung ("Initial test run could not be completed").
set -euo pipefail
cd "$(dirname "$0")/.."

folders=("$@")
if [ ${#folders[@]} -eq 0 ]; then
  folders=(Binding Client Diagnostics Frames Linq Listeners Reactive Requests Transport)
fi

mutate=()
for folder in "${folders[@]}"; do
  case "$folder" in
    *.cs) mutate+=(--mutate "**/Rx.Stomp/${folder}") ;;
    *) mutate+=(--mutate "**/Rx.Stomp/${folder}/**/*.cs") ;;
  esac
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore >/dev/null
export RXSTOMP_MUTATION_TESTS="${STRYKER_TESTS:-}"
export RXSTOMP_MUTATION_EXCLUDE='^Rx\.Stomp\.Tests\.(Samples\.RxStomp|Packaging\.|Readme\.NewTestProject|Brokers\.RabbitMqCluster)|\.A_request_through_a_temporary_reply_queue_gets_its_reply$'

cd Rx.Stomp.Tests
dotnet dotnet-stryker \
  --project Rx.Stomp.csproj \
  --configuration Release \
  --concurrency "${STRYKER_CONCURRENCY:-1}" \
  --reporter Progress --reporter Html --reporter Json --reporter Markdown --reporter ClearText \
  --skip-version-check --log-to-file \
  --output ../StrykerOutput/"$(date +%Y%m%d-%H%M%S)" \
  "${mutate[@]}"
