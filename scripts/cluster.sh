#!/usr/bin/env bash
# A RabbitMQ cluster of three nodes on this machine, for the cluster test (Rx.Stomp.Tests/Brokers/RabbitMqClusterTests.cs)
# and scripts/cluster-soak.sh. All on loopback, on ports apart from the CI brokers' (scripts/brokers.sh):
#   node 1  rxstomp-c1@localhost  STOMP 127.0.0.1:61631  AMQP 5681  distribution 25681
#   node 2  rxstomp-c2@localhost  STOMP 127.0.0.1:61632  AMQP 5682  distribution 25682
#   node 3  rxstomp-c3@localhost  STOMP 127.0.0.1:61633  AMQP 5683  distribution 25683
# guest/guest. Nodes 2 and 3 join node 1 (rabbitmqctl join_cluster); the three share the rabbitmq user's Erlang
# cookie (/var/lib/rabbitmq/.erlang.cookie), as every node Debian's scripts start does. Each node's state is in a
# folder of its own laid out as brokers.sh lays out its broker's, so scripts/rabbitmqctl.sh serves it (see ctl).
# Every start makes a new cluster (stop deletes the state): a cluster restarted from old state waits for its peers.
# Usage: scripts/cluster.sh start|stop|status
#        scripts/cluster.sh ctl N ARGS...   rabbitmqctl against node N (1-3), e.g. ctl 2 stop_app, ctl 2 start_app
#        scripts/cluster.sh stop-node N     stops node N as an administrator would (SIGTERM: a clean shutdown)
#        scripts/cluster.sh kill-node N     kills node N as a crash would (SIGKILL)
#        scripts/cluster.sh start-node N    starts node N again; it rejoins the cluster. Returns once it takes STOMP.
# Env:   RXSTOMP_CLUSTER_DIR (default /tmp/rxstomp-cluster)
set -euo pipefail

DIR="${RXSTOMP_CLUSTER_DIR:-/tmp/rxstomp-cluster}"
NODES=(1 2 3)
WAIT_SECONDS=90
SCRIPTS="$(cd "$(dirname "$0")" && pwd)"

log() { echo "cluster: $*"; }

node_name() { echo "rxstomp-c$1@localhost"; }
stomp_port() { echo $((61630 + $1)); }
node_dir() { echo "$DIR/c$1/rabbitmq"; }

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# rabbitmqctl against node $1 (scripts/rabbitmqctl.sh reads the node's env file).
ctl() {
  local n=$1; shift
  RXSTOMP_BROKER_DIR="$DIR/c$n" bash "$SCRIPTS/rabbitmqctl.sh" "$@"
}

node_pid() {
  local f pid
  f="$(node_dir "$1")/rabbitmq.pid"
  [ -s "$f" ] || return 1
  pid=$(tr -dc '0-9' < "$f")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

node_logs() {
  local f
  for f in "$(node_dir "$1")/startup.log" "$(node_dir "$1")"/log/*.log; do
    [ -f "$f" ] || continue
    echo "----- last 40 lines of $f -----"
    tail -n 40 "$f"
  done
}

write_node() {
  local n=$1 dir
  dir=$(node_dir "$n")
  mkdir -p "$dir/mnesia" "$dir/log"
  echo '[rabbitmq_stomp].' > "$dir/enabled_plugins"
  cat > "$dir/rabbitmq.conf" <<EOF
listeners.tcp.1 = 127.0.0.1:$((5680 + n))
stomp.listeners.tcp.1 = 127.0.0.1:$(stomp_port "$n")
log.file.level = info
EOF
  # RABBITMQ_DIST_PORT fixes the node's distribution port; inet_dist_use_interface binds it to loopback.
  cat > "$dir/env" <<EOF
export RABBITMQ_NODENAME=$(node_name "$n")
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=$((5680 + n))
export RABBITMQ_DIST_PORT=$((25680 + n))
export RABBITMQ_MNESIA_BASE="$dir/mnesia"
export RABBITMQ_LOG_BASE="$dir/log"
export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
export RABBITMQ_PID_FILE="$dir/rabbitmq.pid"
export RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
EOF
}

# The nodes share the rabbitmq user's Erlang cookie. On a machine where no node ever ran, the first to start writes
# one: three starting at once could each write their own, so write it first, as Erlang would (20 capital letters).
ensure_cookie() {
  local home cookie
  id rabbitmq >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] || return 0
  home=$(getent passwd rabbitmq | cut -d: -f6)
  cookie="$home/.erlang.cookie"
  [ -s "$cookie" ] && return 0
  (umask 077; head -c 4096 /dev/urandom | LC_ALL=C tr -dc 'A-Z' | cut -c1-20 | tr -d '\n' > "$cookie")
  chown rabbitmq:rabbitmq "$cookie"
  chmod 400 "$cookie"
}

launch_node() {
  local n=$1 dir
  dir=$(node_dir "$n")
  # shellcheck disable=SC1091
  (
    . "$dir/env"
    cd "$dir"
    setsid nohup rabbitmq-server > "$dir/startup.log" 2>&1 < /dev/null &
  )
}

await_node() {
  local n=$1 deadline=$((SECONDS + WAIT_SECONDS))
  # await_startup fails at once until epmd knows the node: retry, bounded.
  until ctl "$n" -q await_startup --timeout "$WAIT_SECONDS" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "node $n did not start within ${WAIT_SECONDS}s"; node_logs "$n"; return 1
    fi
    sleep 1
  done
}

await_stomp() {
  local n=$1 deadline=$((SECONDS + WAIT_SECONDS))
  until port_open "$(stomp_port "$n")"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "node $n does not accept STOMP on $(stomp_port "$n") within ${WAIT_SECONDS}s"; node_logs "$n"; return 1
    fi
    sleep 0.5
  done
}

running_nodes() {
  # The running members as node 1 sees them, one per line.
  ctl 1 -q eval 'io:format("~s~n", [string:join([atom_to_list(N) || N <- rabbit_nodes:all_running()], " ")]).' 2>/dev/null | head -n 1
}

start() {
  local n all
  all=$(running_nodes || true)
  if [ "$(wc -w <<< "$all")" -eq 3 ]; then
    log "already running: $all"; return 0
  fi
  for n in "${NODES[@]}"; do
    if node_pid "$n" >/dev/null || port_open "$(stomp_port "$n")"; then
      log "node $n (or something on port $(stomp_port "$n")) runs outside a full cluster: scripts/cluster.sh stop first"; return 1
    fi
  done
  rm -rf "$DIR"/c1 "$DIR"/c2 "$DIR"/c3 "$DIR/join.log"
  mkdir -p "$DIR"
  chmod 755 "$DIR"
  for n in "${NODES[@]}"; do write_node "$n"; done
  # Debian's scripts, run as root, switch to the rabbitmq user: it must own the state.
  if id rabbitmq >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then chown -R rabbitmq:rabbitmq "$DIR"; fi
  ensure_cookie
  local t0=$SECONDS
  for n in "${NODES[@]}"; do launch_node "$n"; done
  # The STOMP listener opens last: waiting for it first spares await_startup's retries (a CLI start each, seconds of CPU).
  for n in "${NODES[@]}"; do await_stomp "$n"; await_node "$n"; done
  for n in 2 3; do
    # The CLI prints feature-flag warnings while a node joins: kept in join.log, shown if the join fails.
    if ! { ctl "$n" -q stop_app && ctl "$n" -q reset && ctl "$n" -q join_cluster "$(node_name 1)" && ctl "$n" -q start_app; } >> "$DIR/join.log" 2>&1; then
      log "node $n could not join node 1:"; cat "$DIR/join.log"; node_logs "$n"; return 1
    fi
  done
  for n in "${NODES[@]}"; do await_stomp "$n"; done
  all=$(running_nodes)
  if [ "$(wc -w <<< "$all")" -ne 3 ]; then
    log "the cluster has not three running nodes: $all"; return 1
  fi
  log "up in $((SECONDS - t0)) s: $all; STOMP 127.0.0.1:61631, :61632, :61633 (guest/guest)"
}

# Signals node $1's VM with $2 and waits (bounded) until it has exited.
signal_node() {
  local n=$1 signal=$2 pid deadline=$((SECONDS + 60))
  if ! pid=$(node_pid "$n"); then
    log "node $n is not running"; return 1
  fi
  kill "-$signal" "$pid"
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "node $n (pid $pid) did not exit on SIG$signal within 60 s"; return 1
    fi
    sleep 0.2
  done
  log "node $n ($(node_name "$n")) exited on SIG$signal"
}

start_node() {
  local n=$1 t0=$SECONDS
  if node_pid "$n" >/dev/null; then
    log "node $n is running already"; return 1
  fi
  launch_node "$n"
  await_stomp "$n"
  await_node "$n"
  log "node $n ($(node_name "$n")) back in $((SECONDS - t0)) s"
}

# Stops node $1 cleanly, or kills it if it will not stop.
stop_node() {
  node_pid "$1" >/dev/null || return 0
  signal_node "$1" TERM || signal_node "$1" KILL || true
}

stop() {
  local n
  [ -d "$DIR/c1" ] || { log "not running"; return 0; }
  for n in "${NODES[@]}"; do stop_node "$n"; done
  rm -rf "$DIR"/c1 "$DIR"/c2 "$DIR"/c3 "$DIR/join.log"
  log "stopped"
}

status() {
  local n
  for n in "${NODES[@]}"; do
    if port_open "$(stomp_port "$n")"; then
      echo "$(node_name "$n") STOMP 127.0.0.1:$(stomp_port "$n") accepts"
    else
      echo "$(node_name "$n") STOMP 127.0.0.1:$(stomp_port "$n") closed"
    fi
  done
  echo "running: $(running_nodes || echo none)"
}

node_arg() {
  case "$1" in 1|2|3) ;; *) echo "cluster: a node is 1, 2 or 3, not '$1'" >&2; exit 2 ;; esac
}

case "${1:-}" in
  start)  start ;;
  stop)   stop ;;
  status) status ;;
  stop-node)  node_arg "${2:-}"; signal_node "$2" TERM ;;
  kill-node)  node_arg "${2:-}"; signal_node "$2" KILL ;;
  start-node) node_arg "${2:-}"; start_node "$2" ;;
  ctl)        node_arg "${2:-}"; shift; ctl "$@" ;;
  *) echo "usage: $0 start|stop|status|ctl N ARGS...|stop-node N|kill-node N|start-node N" >&2; exit 2 ;;
esac
