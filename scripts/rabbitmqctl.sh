#!/usr/bin/env bash
# rabbitmqctl for the test broker started by scripts/brokers.sh: same node name,
# data dirs and config (from the env file it writes), so e.g.
#   scripts/rabbitmqctl.sh close_all_connections "reason"
#   scripts/rabbitmqctl.sh list_consumers
# talk to that node and not to a system one.
set -euo pipefail

DIR="${RXSTOMP_BROKER_DIR:-/tmp/rxstomp-brokers}"
ENV_FILE="$DIR/rabbitmq/env"
if [ ! -f "$ENV_FILE" ]; then
  echo "rabbitmqctl.sh: $ENV_FILE missing: run scripts/brokers.sh start first" >&2
  exit 1
fi
# shellcheck disable=SC1090
. "$ENV_FILE"

# Debian's rabbitmqctl wrapper must run as root or rabbitmq (it su's to rabbitmq to
# use its Erlang cookie); sudo would drop the RABBITMQ_* variables, so pass them on.
if [ "$(id -u)" -ne 0 ] && [ "$(id -un)" != rabbitmq ]; then
  vars=()
  for v in RABBITMQ_NODENAME RABBITMQ_MNESIA_BASE RABBITMQ_LOG_BASE RABBITMQ_ENABLED_PLUGINS_FILE \
           RABBITMQ_PID_FILE RABBITMQ_CONFIG_FILE; do vars+=("$v=${!v}"); done
  exec sudo env "${vars[@]}" rabbitmqctl "$@"
fi
exec rabbitmqctl "$@"
