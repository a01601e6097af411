#!/usr/bin/env bash
# The performance figures of the README, in one command: rxstomp bench against its own null peer (three repetitions,
# medians, and the body-size sweep drawn into docs/bench.png), then against RabbitMQ (if it listens on
# 127.0.0.1:61613). With the shared bench directory (raw_limit.c, built with cc) the raw C client runs beside it in
# the same run, for ratios; without it the figures are the client's alone.
# Usage: bash scripts/bench.sh [SHARED_BENCH_DIR]   (default: ../shared/bench beside the repository)
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${1:-../shared/bench}"
compare=()
if [ -f "$shared/raw_limit.c" ]; then
  compare=(--compare "$shared")
else
  echo "## No raw_limit.c in $shared: no raw C client to compare with, the client's figures alone"
fi
dotnet build -c Release Rx.Stomp.Samples >/dev/null
rxstomp=(dotnet Rx.Stomp.Samples/bin/Release/net10.0/rxstomp.dll bench)

echo "## Null peer (rxstomp null-peer), $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"${rxstomp[@]}" --peer "${compare[@]}" --repeat 3 -n 1000000 \
  --sizes 16,128,1024,16384,262144,4000000 --chart docs/bench.png

echo "## 10 M messages against the null peer (memory stays flat)"
"${rxstomp[@]}" --peer -n 10000000 -r 100

if (exec 3<>/dev/tcp/127.0.0.1/61613) 2>/dev/null; then
  echo "## RabbitMQ at 127.0.0.1:61613, $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  "${rxstomp[@]}" --url stomp://guest:guest@127.0.0.1:61613 "${compare[@]}" --repeat 3 -n 50000
  echo "## RabbitMQ again, socket completions inline (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1)"
  DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 \
    "${rxstomp[@]}" --url stomp://guest:guest@127.0.0.1:61613 "${compare[@]}" --repeat 3 -n 50000
else
  echo "## RabbitMQ: nothing listens on 127.0.0.1:61613 (bash scripts/brokers.sh start); skipped"
fi
