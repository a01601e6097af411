#!/usr/bin/env bash
# The performance figures of the README, in one command: rxstomp bench against its own null peer (three repetitions,
# medians, and the body-size sweep drawn into docs/bench.png), then through RabbitMQ (127.0.0.1:61613) and ActiveMQ
# (127.0.0.1:61623), each if it listens. With the shared bench directory (raw_limit.c, built with cc) the raw C client runs beside it in
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

# Through each broker that listens (scripts/brokers.sh start): RabbitMQ, then ActiveMQ.
for broker in "RabbitMQ 61613 guest:guest" "ActiveMQ 61623 admin:admin"; do
  set -- $broker
  if (exec 3<>/dev/tcp/127.0.0.1/"$2") 2>/dev/null; then
    echo "## $1 at 127.0.0.1:$2, $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    "${rxstomp[@]}" --url "stomp://$3@127.0.0.1:$2" "${compare[@]}" --repeat 3 -n 50000
  else
    echo "## $1: nothing listens on 127.0.0.1:$2 (bash scripts/brokers.sh start); skipped"
  fi
done
