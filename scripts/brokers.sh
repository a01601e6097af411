#!/usr/bin/env bash
# Starts / stops the two real STOMP brokers the integration tests use, detached,
# with every bit of state under one directory (no systemd on CI or dev machines):
#   RabbitMQ        STOMP 127.0.0.1:61613 (all interfaces), Web-STOMP ws://127.0.0.1:15674/ws, guest/guest;
#                    STOMP+TLS 61614 (client certificate verified when given), Web-STOMP wss://127.0.0.1:15673/ws
#   ActiveMQ Classic STOMP 127.0.0.1:61623, users admin/admin and guest/guest;
#                    STOMP+TLS 61624, STOMP+TLS requiring a client certificate 61625
# TLS uses the throwaway test CA that scripts/certs.sh generates into $DIR/certs.
# A broker already running without its TLS listeners (an older config) is restarted to get them.
# Usage: scripts/brokers.sh start|stop|status
# Env:   RXSTOMP_BROKER_DIR (default /tmp/rxstomp-brokers)
set -euo pipefail

DIR="${RXSTOMP_BROKER_DIR:-/tmp/rxstomp-brokers}"
RMQ_DIR="$DIR/rabbitmq"
AMQ_DIR="$DIR/activemq"
RMQ_ENV="$RMQ_DIR/env"           # sourced by scripts/rabbitmqctl.sh
AMQ_PID="$AMQ_DIR/activemq.pid"
AMQ_LOG="$AMQ_DIR/activemq.out"  # java stdout/stderr (log4j console appender too)

RMQ_STOMP_PORT=61613
RMQ_STOMP_TLS_PORT=61614
RMQ_WS_PORT=15674
RMQ_WSS_PORT=15673
AMQ_STOMP_PORT=61623
AMQ_STOMP_TLS_PORT=61624
AMQ_STOMP_MTLS_PORT=61625
CERTS="$DIR/certs"
WAIT_SECONDS=60

SCRIPTS="$(cd "$(dirname "$0")" && pwd)"

log() { echo "brokers: $*"; }

# True when something accepts TCP connections on 127.0.0.1:$1 (bash's /dev/tcp, no nc needed).
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Waits (bounded) for a port; $2 is a function printing the log on failure, $3 a pid that must stay alive.
wait_port() {
  local port=$1 on_fail=$2 pid=${3:-} deadline=$((SECONDS + WAIT_SECONDS))
  until port_open "$port"; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      log "process $pid died before port $port opened"
      "$on_fail"; return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "port $port did not accept connections within ${WAIT_SECONDS}s"
      "$on_fail"; return 1
    fi
    sleep 0.5
  done
}

tail_logs() {
  local f
  for f in "$@"; do
    [ -f "$f" ] || continue
    echo "----- last 50 lines of $f -----"
    tail -n 50 "$f"
  done
}

# ---------------------------------------------------------------- RabbitMQ

rmq_write_config() {
  mkdir -p "$RMQ_DIR/mnesia" "$RMQ_DIR/log"
  # Plugins enabled offline: no running node needed.
  echo '[rabbitmq_stomp,rabbitmq_web_stomp].' > "$RMQ_DIR/enabled_plugins"
  # loopback_users stays at its default: guest/guest works from 127.0.0.1 only.
  # TLS: verify_peer without fail_if_no_peer_cert, so one listener serves plain TLS (no client
  # certificate) and mutual TLS (a client certificate, which must then come from the test CA).
  cat > "$RMQ_DIR/rabbitmq.conf" <<EOF
stomp.listeners.tcp.1 = $RMQ_STOMP_PORT
stomp.listeners.ssl.1 = $RMQ_STOMP_TLS_PORT
ssl_options.cacertfile = $CERTS/ca.crt
ssl_options.certfile = $CERTS/server.crt
ssl_options.keyfile = $CERTS/server.key
ssl_options.verify = verify_peer
ssl_options.fail_if_no_peer_cert = false
web_stomp.tcp.port = $RMQ_WS_PORT
web_stomp.ssl.port = $RMQ_WSS_PORT
web_stomp.ssl.cacertfile = $CERTS/ca.crt
web_stomp.ssl.certfile = $CERTS/server.crt
web_stomp.ssl.keyfile = $CERTS/server.key
web_stomp.ws_frame = binary
log.file.level = info
EOF
  # The env both the server and rabbitmqctl need to find the same node and files.
  # The node name is fixed to @localhost so it does not depend on the machine's host name.
  cat > "$RMQ_ENV" <<EOF
export RABBITMQ_NODENAME=rxstomp@localhost
export RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia"
export RABBITMQ_LOG_BASE="$RMQ_DIR/log"
export RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins"
export RABBITMQ_PID_FILE="$RMQ_DIR/rabbitmq.pid"
export RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq.conf"
EOF
  # Debian's /usr/sbin/rabbitmq-server (and rabbitmqctl), run as root, switch to the
  # 'rabbitmq' user with su (which keeps RABBITMQ_* and uses its cookie in /var/lib/rabbitmq):
  # that user must be able to reach and write the state dir.
  chmod 755 "$DIR"
  if id rabbitmq >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    chown -R rabbitmq:rabbitmq "$RMQ_DIR"
    # A parent folder closed to others (e.g. under /root) would make the node fail obscurely.
    # shellcheck disable=SC2016 # $0 expands in the inner shell
    if ! su rabbitmq -s /bin/sh -c 'test -w "$0" && test -r "$0/rabbitmq.conf"' "$RMQ_DIR"; then
      log "user rabbitmq cannot write $RMQ_DIR: choose an RXSTOMP_BROKER_DIR it can reach"; return 1
    fi
  fi
}

rmq_ctl() {
  # Same environment as the node; rabbitmqctl.sh sources $RMQ_ENV.
  RXSTOMP_BROKER_DIR="$DIR" bash "$SCRIPTS/rabbitmqctl.sh" "$@"
}

rmq_pid() {
  local f="$RMQ_DIR/rabbitmq.pid" pid
  [ -s "$f" ] || return 1
  pid=$(tr -dc '0-9' < "$f")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

rmq_logs() { tail_logs "$RMQ_DIR/startup.log" "$RMQ_DIR"/log/*.log; }

# The tests use a new durable queue each (/queue/rxstomp-test-..., rxstomp.cli..., rxstomp.fault...), which RabbitMQ would keep
# forever in the state dir: this policy deletes such a queue once unused for a minute. Idempotent.
rmq_policies() {
  rmq_ctl -q set_policy --apply-to queues rxstomp-test-queues '^rxstomp[-.](test|cli|fault)' '{"expires":60000}' >/dev/null
  # Web-STOMP sends text WebSocket frames by default, which RFC 6455 requires to be UTF-8: a binary body would make
  # any conforming client drop the connection. rabbitmq.conf says binary; this applies it to a node started
  # with an older config (read per connection), without a restart.
  rmq_ctl -q eval 'application:set_env(rabbitmq_web_stomp, ws_frame, binary).' >/dev/null
}

rmq_start() {
  if rmq_pid >/dev/null && port_open "$RMQ_STOMP_PORT"; then
    if port_open "$RMQ_STOMP_TLS_PORT" && port_open "$RMQ_WSS_PORT"; then
      rmq_policies
      log "RabbitMQ already running (pid $(rmq_pid))"; return 0
    fi
    log "RabbitMQ runs without its TLS listeners (an older config): restarting it"
    rmq_stop
  fi
  if port_open "$RMQ_STOMP_PORT"; then
    log "port $RMQ_STOMP_PORT is taken by another process (a system RabbitMQ?): stop it first"; return 1
  fi
  rmq_write_config
  rm -f "$RMQ_DIR/rabbitmq.pid"   # a stale pid file would make the waits below lie
  local t0=$SECONDS
  # shellcheck disable=SC1090
  (
    . "$RMQ_ENV"
    # Background (not -detached) so startup errors land in our log; setsid detaches it
    # from this shell so it survives the caller and ignores its Ctrl-C.
    cd "$RMQ_DIR"
    setsid nohup rabbitmq-server > "$RMQ_DIR/startup.log" 2>&1 < /dev/null &
  )
  # await_startup needs the node to exist; until epmd knows it, it fails at once: retry, bounded.
  local deadline=$((SECONDS + WAIT_SECONDS))
  until rmq_ctl -q await_startup --timeout "$WAIT_SECONDS" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "RabbitMQ did not start within ${WAIT_SECONDS}s"; rmq_logs; return 1
    fi
    sleep 1
  done
  local port
  for port in "$RMQ_STOMP_PORT" "$RMQ_STOMP_TLS_PORT" "$RMQ_WS_PORT" "$RMQ_WSS_PORT"; do
    wait_port "$port" rmq_logs
  done
  rmq_policies
  log "RabbitMQ up in $((SECONDS - t0)) s: STOMP 127.0.0.1:$RMQ_STOMP_PORT, STOMP+TLS :$RMQ_STOMP_TLS_PORT, Web-STOMP ws://127.0.0.1:$RMQ_WS_PORT/ws, wss://127.0.0.1:$RMQ_WSS_PORT/ws (guest/guest)"
}

rmq_stop() {
  local pid
  if ! pid=$(rmq_pid); then
    log "RabbitMQ not running"; return 0
  fi
  # 'stop <pidfile>' returns only once the Erlang VM has exited.
  timeout 60 env RXSTOMP_BROKER_DIR="$DIR" bash "$SCRIPTS/rabbitmqctl.sh" -q stop "$RMQ_DIR/rabbitmq.pid" >/dev/null 2>&1 || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "RabbitMQ (pid $pid) did not stop: killing it"; kill -9 "$pid" 2>/dev/null || true; break
    fi
    sleep 0.5
  done
  rm -f "$RMQ_DIR/rabbitmq.pid"
  log "RabbitMQ stopped"
}

# ---------------------------------------------------------------- ActiveMQ Classic

amq_write_config() {
  mkdir -p "$AMQ_DIR/conf" "$AMQ_DIR/data" "$AMQ_DIR/tmp"
  # Keep one previous log, so a failure's tail shows this start only.
  if [ -f "$AMQ_DIR/activemq.log" ]; then mv -f "$AMQ_DIR/activemq.log" "$AMQ_DIR/activemq.log.prev"; fi
  # Without an authorizationPlugin every authenticated user may read/write every
  # queue and topic; simpleAuthenticationPlugin only makes bad credentials fail
  # (ERROR frame) and anonymous CONNECTs fail too.
  cat > "$AMQ_DIR/conf/activemq.xml" <<EOF
<beans xmlns="http://www.springframework.org/schema/beans"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
       xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd
                           http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="ci" useJmx="false"
          persistent="false" schedulerSupport="false" dataDirectory="$AMQ_DIR/data">
    <plugins>
      <simpleAuthenticationPlugin anonymousAccessAllowed="false">
        <users>
          <authenticationUser username="admin" password="admin" groups="admins,users"/>
          <authenticationUser username="guest" password="guest" groups="users"/>
        </users>
      </simpleAuthenticationPlugin>
    </plugins>
    <!-- Small limits: the defaults (100 GB store, 50 GB temp) only produce warnings on a small disk. -->
    <systemUsage>
      <systemUsage>
        <memoryUsage><memoryUsage limit="64 mb"/></memoryUsage>
        <storeUsage><storeUsage limit="1 gb"/></storeUsage>
        <tempUsage><tempUsage limit="1 gb"/></tempUsage>
      </systemUsage>
    </systemUsage>
    <!-- The test CA's server certificate, and the CA as the trust store for client certificates. -->
    <sslContext>
      <sslContext keyStore="file:$CERTS/server.p12" keyStorePassword="$(cat "$CERTS/store.password")" keyStoreType="pkcs12"
                  trustStore="file:$CERTS/truststore.p12" trustStorePassword="$(cat "$CERTS/store.password")" trustStoreType="pkcs12"/>
    </sslContext>
    <transportConnectors>
      <transportConnector name="stomp" uri="stomp://127.0.0.1:$AMQ_STOMP_PORT"/>
      <transportConnector name="stomp+ssl" uri="stomp+ssl://127.0.0.1:$AMQ_STOMP_TLS_PORT"/>
      <transportConnector name="stomp+ssl+clientauth" uri="stomp+ssl://127.0.0.1:$AMQ_STOMP_MTLS_PORT?needClientAuth=true"/>
    </transportConnectors>
  </broker>
</beans>
EOF
  # Debian's build logs through log4j 1.2 and ships only log4j2.properties: without
  # this file the broker is silent (the doc's trap).
  cat > "$AMQ_DIR/conf/log4j.properties" <<EOF
log4j.rootLogger=INFO, logfile
log4j.logger.org.apache.activemq.spring=WARN
log4j.logger.org.springframework=WARN
log4j.logger.org.apache.xbean=WARN
log4j.appender.logfile=org.apache.log4j.FileAppender
log4j.appender.logfile.File=$AMQ_DIR/activemq.log
log4j.appender.logfile.Append=true
log4j.appender.logfile.layout=org.apache.log4j.PatternLayout
log4j.appender.logfile.layout.ConversionPattern=%d | %-5p | %m | %c | %t%n
EOF
}

# Pid of our ActiveMQ java process, checked against its command line so a recycled pid is never killed.
amq_pid() {
  local pid
  [ -s "$AMQ_PID" ] || return 1
  pid=$(tr -dc '0-9' < "$AMQ_PID")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "activemq.base=$AMQ_DIR" || return 1
  echo "$pid"
}

amq_logs() { tail_logs "$AMQ_LOG" "$AMQ_DIR/activemq.log"; }

amq_start() {
  if amq_pid >/dev/null && port_open "$AMQ_STOMP_PORT"; then
    if port_open "$AMQ_STOMP_TLS_PORT" && port_open "$AMQ_STOMP_MTLS_PORT"; then
      log "ActiveMQ already running (pid $(amq_pid))"; return 0
    fi
    log "ActiveMQ runs without its TLS connectors (an older config): restarting it"
    amq_stop
  fi
  if port_open "$AMQ_STOMP_PORT"; then
    log "port $AMQ_STOMP_PORT is taken by another process: stop it first"; return 1
  fi
  if ! command -v java >/dev/null; then
    log "java not found: run scripts/install-brokers.sh"; return 1
  fi
  amq_write_config
  local t0=$SECONDS
  # Not /usr/bin/activemq: it forces ACTIVEMQ_BASE, switches user and hangs on a
  # root-owned KahaDB lock. The --add-opens/--add-exports are the ones it passes for Java > 8.
  setsid nohup java -Xms64m -Xmx256m \
    --add-reads=java.xml=java.logging \
    --add-opens java.base/java.security=ALL-UNNAMED \
    --add-opens java.base/java.net=ALL-UNNAMED \
    --add-opens java.base/java.lang=ALL-UNNAMED \
    --add-opens java.base/java.util=ALL-UNNAMED \
    --add-opens java.naming/javax.naming.spi=ALL-UNNAMED \
    --add-opens java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED \
    --add-opens java.base/java.util.concurrent=ALL-UNNAMED \
    --add-opens java.base/java.util.concurrent.atomic=ALL-UNNAMED \
    --add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED \
    --add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED \
    --add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED \
    --add-exports=jdk.xml.dom/org.w3c.dom.html=ALL-UNNAMED \
    --add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED \
    -Djava.awt.headless=true \
    -Djava.io.tmpdir="$AMQ_DIR/tmp" \
    -Dlog4j.configuration="file:$AMQ_DIR/conf/log4j.properties" \
    -Dactivemq.classpath="$AMQ_DIR/conf" \
    -Dactivemq.home=/usr/share/activemq \
    -Dactivemq.base="$AMQ_DIR" \
    -Dactivemq.conf="$AMQ_DIR/conf" \
    -Dactivemq.data="$AMQ_DIR/data" \
    -jar /usr/share/activemq/bin/activemq.jar start "xbean:file:$AMQ_DIR/conf/activemq.xml" \
    > "$AMQ_LOG" 2>&1 < /dev/null &
  echo $! > "$AMQ_PID"
  local pid=$! port
  for port in "$AMQ_STOMP_PORT" "$AMQ_STOMP_TLS_PORT" "$AMQ_STOMP_MTLS_PORT"; do
    wait_port "$port" amq_logs "$pid"
  done
  log "ActiveMQ up in $((SECONDS - t0)) s: STOMP 127.0.0.1:$AMQ_STOMP_PORT, STOMP+TLS :$AMQ_STOMP_TLS_PORT, with client certificate :$AMQ_STOMP_MTLS_PORT (admin/admin, guest/guest)"
}

amq_stop() {
  local pid
  if ! pid=$(amq_pid); then
    rm -f "$AMQ_PID"; log "ActiveMQ not running"; return 0
  fi
  kill "$pid" 2>/dev/null || true   # SIGTERM: the broker's shutdown hook closes connections
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "ActiveMQ (pid $pid) did not stop: killing it"; kill -9 "$pid" 2>/dev/null || true
      sleep 0.5; break
    fi
    sleep 0.2
  done
  rm -f "$AMQ_PID"
  log "ActiveMQ stopped"
}

# ---------------------------------------------------------------- main

status() {
  local name port
  for pair in "RabbitMQ-STOMP:$RMQ_STOMP_PORT" "RabbitMQ-STOMP-TLS:$RMQ_STOMP_TLS_PORT" "RabbitMQ-Web-STOMP:$RMQ_WS_PORT" \
              "RabbitMQ-Web-STOMP-TLS:$RMQ_WSS_PORT" "ActiveMQ-STOMP:$AMQ_STOMP_PORT" "ActiveMQ-STOMP-TLS:$AMQ_STOMP_TLS_PORT" \
              "ActiveMQ-STOMP-mutual-TLS:$AMQ_STOMP_MTLS_PORT"; do
    name=${pair%%:*}; port=${pair##*:}
    if port_open "$port"; then echo "$name 127.0.0.1:$port accepts"; else echo "$name 127.0.0.1:$port closed"; fi
  done
}

mkdir -p "$DIR"
case "${1:-}" in
  start)  RXSTOMP_BROKER_DIR="$DIR" bash "$SCRIPTS/certs.sh"; rmq_start; amq_start ;;
  stop)   rmq_stop; amq_stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
