#!/usr/bin/env bash
# Coverage-guided fuzzing of the frame reader (Rx.Stomp.Fuzz) with SharpFuzz and AFL++.
# Usage: scripts/fuzz.sh DURATION      DURATION in seconds, or with a suffix: 90s, 30m, 1h
# Builds the target, instruments Rx.Stomp.dll, runs one afl-fuzz instance on the seeds in fuzz/corpus/
# for DURATION, then prints the figures and replays every crash and hang it saved.
# Env: FUZZ_OUT (default /tmp/rxstomp-fuzz) holds the build and AFL++'s findings; it is wiped first.
# Needs: the .NET SDK and AFL++ (Debian: apt-get install -y afl++). Not run in CI: it takes the time it is given.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

case "${1:-}" in
  *h) seconds=$(( ${1%h} * 3600 )) ;;
  *m) seconds=$(( ${1%m} * 60 )) ;;
  *s) seconds=${1%s} ;;
  [0-9]*) seconds=$1 ;;
  *) echo "usage: $0 DURATION   (seconds, or 90s, 30m, 1h)" >&2; exit 2 ;;
esac

if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "fuzz.sh: afl-fuzz not found: apt-get install -y afl++" >&2
  exit 1
fi

out="${FUZZ_OUT:-/tmp/rxstomp-fuzz}"
rm -rf "$out"
mkdir -p "$out/seeds"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet tool restore >/dev/null
dotnet publish Rx.Stomp.Fuzz/Rx.Stomp.Fuzz.csproj -c Release -o "$out/bin" >/dev/null
# Only the library is instrumented: coverage of the fuzz harness itself would only add noise.
dotnet sharpfuzz "$out/bin/Rx.Stomp.dll"

# AFL++ takes one seed directory: the per-version seeds, prefixed by folder so names stay unique.
for dir in fuzz/corpus/*/; do
  for seed in "$dir"*; do cp "$seed" "$out/seeds/$(basename "$dir")-$(basename "$seed")"; done
done

# The target is 'dotnet', not an AFL-compiled binary; the forkserver is SharpFuzz's.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_AUTORESUME=1
echo "fuzz.sh: fuzzing for ${seconds}s, output in $out/findings"
# On a loaded machine afl-fuzz sometimes loses SharpFuzz's fork server ("Unable to communicate with fork
# server") and stops: it is resumed on the same findings (-i -) until the time is used.
end=$((SECONDS + seconds))
seeds=(-i "$out/seeds")
while [ "$SECONDS" -lt "$end" ]; do
  started=$SECONDS
  if ! afl-fuzz -V $((end - SECONDS)) "${seeds[@]}" -o "$out/findings" -x fuzz/stomp.dict -t 5000 -m none \
      -- dotnet "$out/bin/Rx.Stomp.Fuzz.dll" >> "$out/afl.log" 2>&1; then
    if [ $((SECONDS - started)) -lt 30 ]; then
      tail -40 "$out/afl.log" >&2
      exit 1
    fi
    echo "fuzz.sh: afl-fuzz stopped after $((SECONDS - started))s: $(grep -a 'PROGRAM ABORT' "$out/afl.log" | tail -1 | sed 's/\x1b\[[0-9;]*m//g'); resuming"
  fi
  seeds=(-i -)
done

stats="$out/findings/default/fuzzer_stats"
for key in run_time execs_done execs_per_sec corpus_count corpus_found bitmap_cvg edges_found total_edges saved_crashes saved_hangs; do
  grep -E "^$key +:" "$stats" || true
done

# Every finding replayed outside AFL++, with the exception it gives (see fuzz/README.md).
findings=$(find "$out/findings/default/crashes" "$out/findings/default/hangs" -type f -name 'id:*' 2>/dev/null || true)
if [ -n "$findings" ]; then
  echo "fuzz.sh: replaying the findings"
  # shellcheck disable=SC2086
  dotnet "$ROOT/Rx.Stomp.Fuzz/bin/Release/net10.0/Rx.Stomp.Fuzz.dll" replay $findings || true
  exit 1
fi
echo "fuzz.sh: no crash, no hang"
