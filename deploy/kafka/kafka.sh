#!/usr/bin/env bash
# Run a real, single-node Apache Kafka 4.x broker (KRaft, combined broker+controller)
# on this machine, for wirefeed's integration tests.
#
# Usage: deploy/kafka/kafka.sh start|stop|status|logs [-f]|classpath
#
#   start      fetch Kafka (first time only), format storage (first time only),
#              start the broker in the background and wait until it answers.
#              Prints the bootstrap address (127.0.0.1:9092) as its last line.
#              A no-op (still printing the address) when already running.
#   stop       SIGTERM, wait, then SIGKILL. No error if not running.
#   status     exit 0 if running and answering, 1 if not.
#   logs [-f]  print (or follow) the broker log.
#   classpath  print the java classpath ("<libdir>/*") for running Kafka tool
#              classes by hand, e.g.
#              java -cp "$(deploy/kafka/kafka.sh classpath)" org.apache.kafka.tools.TopicCommand \
#                   --bootstrap-server 127.0.0.1:9092 --list
#
# Kafka comes from Maven Central only (org.apache.kafka:kafka_2.13 and friends, see
# pom.xml next to this script), copied by `mvn dependency:copy-dependencies` into a
# cache directory and run with plain `java -cp "<libdir>/*" kafka.Kafka`.
#
# Environment (all optional):
#   WIREFEED_KAFKA_VERSION  Kafka version to fetch          (default 4.1.1)
#   WIREFEED_KAFKA_HOME     jar cache                       (default ~/.cache/wirefeed/kafka-<version>)
#   WIREFEED_KAFKA_STATE    config, data, logs, pid file    (default <repo>/target/kafka)
#   KAFKA_PORT              client (PLAINTEXT) port         (default 9092)
#   KAFKA_CONTROLLER_PORT   KRaft controller port           (default 9093)
#   KAFKA_HEAP_OPTS         broker heap                     (default -Xms256m -Xmx512m)
#   KAFKA_START_TIMEOUT     seconds to wait for readiness   (default 90)
#   KAFKA_STOP_TIMEOUT      seconds before SIGKILL on stop  (default 30)
set -euo pipefail

# ---------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
POM="$SCRIPT_DIR/pom.xml"

KAFKA_VERSION="${WIREFEED_KAFKA_VERSION:-4.1.1}"
KAFKA_HOME="${WIREFEED_KAFKA_HOME:-$HOME/.cache/wirefeed/kafka-$KAFKA_VERSION}"
LIB_DIR="$KAFKA_HOME/libs"
LIB_STAMP="$KAFKA_HOME/.complete"   # written only after a successful download

STATE_DIR="${WIREFEED_KAFKA_STATE:-$REPO_ROOT/target/kafka}"
DATA_DIR="$STATE_DIR/data"          # KRaft metadata log + topic partitions
LOG_DIR="$STATE_DIR/logs"
LOG_FILE="$LOG_DIR/server.log"      # broker log (log4j2 console output + JVM stderr)
PID_FILE="$STATE_DIR/kafka.pid"
CONFIG="$STATE_DIR/server.properties"
BROKER_LOG4J="$STATE_DIR/log4j2.properties"
TOOLS_LOG4J="$STATE_DIR/tools-log4j2.properties"

HOST=127.0.0.1
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
BOOTSTRAP="$HOST:$PORT"

# The machine has 2 cores: keep the broker modest. Tools get a small, fast-starting JVM.
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
MIN_JAVA=17                          # Kafka 4.x brokers need Java 17+
MAX_LOG_BYTES=$((50 * 1024 * 1024))  # rotate server.log at start when bigger than this

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
log() { echo "kafka.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

# Check that java (>= 17) and, if jars must be fetched, mvn are installed.
require_java() {
  command -v java >/dev/null 2>&1 ||
    die "java not found. Install it with: apt-get install -y openjdk-17-jre-headless maven"
  local version major
  version="$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
  major="${version%%.*}"
  [[ "$major" == 1 ]] && major="$(echo "$version" | cut -d. -f2)"   # old "1.8" style
  [[ "$major" =~ ^[0-9]+$ && "$major" -ge "$MIN_JAVA" ]] ||
    die "Kafka $KAFKA_VERSION needs Java $MIN_JAVA+, found '$version'." \
        "Install it with: apt-get install -y openjdk-17-jre-headless maven"
}

require_mvn() {
  command -v mvn >/dev/null 2>&1 ||
    die "mvn not found (needed once to fetch Kafka from Maven Central)." \
        "Install it with: apt-get install -y openjdk-17-jre-headless maven"
}

# Fingerprint of what the cache was built from; a changed pom/version refetches.
lib_fingerprint() { echo "$KAFKA_VERSION $(sha256sum "$POM" | cut -d' ' -f1)"; }

# Download Kafka and its runtime dependencies into $LIB_DIR (once; cached).
fetch_jars() {
  if [[ -f "$LIB_STAMP" && "$(cat "$LIB_STAMP")" == "$(lib_fingerprint)" ]]; then
    return 0
  fi
  require_mvn
  log "fetching Apache Kafka $KAFKA_VERSION from Maven Central into $LIB_DIR ..."
  mkdir -p "$KAFKA_HOME"
  local tmp="$KAFKA_HOME/libs.tmp.$$"
  rm -rf "$tmp"
  # Copy into a temp dir and move it in place, so an interrupted download never
  # leaves a half-filled lib dir that looks complete.
  if ! mvn -q -B -Dstyle.color=never -f "$POM" -Dkafka.version="$KAFKA_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" >&2; then
    rm -rf "$tmp"
    die "mvn could not fetch org.apache.kafka:kafka_2.13:$KAFKA_VERSION (see output above)"
  fi
  ls "$tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || die "no kafka_2.13 jar in $tmp after mvn"
  rm -rf "$LIB_DIR"
  mv "$tmp" "$LIB_DIR"
  lib_fingerprint >"$LIB_STAMP"
  log "fetched $(find "$LIB_DIR" -name '*.jar' | wc -l) jars"
}

# Run a Kafka tool class (TopicCommand, StorageTool, ...) with a small JVM.
run_tool() {
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j2.configurationFile="$TOOLS_LOG4J" \
    -cp "$LIB_DIR/*" "$@"
}

# Does something accept TCP connections on $HOST:$1 ?
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

# Print the broker pid if the pid file points at a live Kafka broker process.
live_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against pid reuse: it must really be our kafka.Kafka JVM.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}

# Ask the broker something real (list topics): proves metadata + client port work.
broker_answers() {
  timeout 30 java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j2.configurationFile="$TOOLS_LOG4J" -cp "$LIB_DIR/*" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --list \
    >/dev/null 2>&1
}

show_log_tail() {
  log "last lines of $LOG_FILE:"
  tail -n 40 "$LOG_FILE" >&2 2>/dev/null || true
}

# ---------------------------------------------------------------------------
# Generated configuration (rewritten on every start; data survives)
# ---------------------------------------------------------------------------
write_config() {
  mkdir -p "$DATA_DIR" "$LOG_DIR"
  cat >"$CONFIG" <<EOF
# Generated by deploy/kafka/kafka.sh - edits are overwritten on the next start.
# Single-node KRaft cluster: this process is both broker and controller.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT

log.dirs=$DATA_DIR

# Single node: internal topics cannot have more than one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1

# Test-friendly behaviour.
auto.create.topics.enable=true
delete.topic.enable=true
num.partitions=3
group.initial.rebalance.delay.ms=0

# Modest threads for a 2-core machine.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
EOF

  # Broker logging: everything to stdout, which start() appends to $LOG_FILE.
  cat >"$BROKER_LOG4J" <<'EOF'
# Generated by deploy/kafka/kafka.sh
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = STDOUT
# Per-request logging is far too chatty for tests.
logger.request.name = kafka.request.logger
logger.request.level = WARN
EOF

  # Tool logging (TopicCommand, StorageTool, ...): warnings only, to stderr.
  cat >"$TOOLS_LOG4J" <<'EOF'
# Generated by deploy/kafka/kafka.sh
status = warn
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
EOF
}

# Format the KRaft storage once; meta.properties marks a formatted log dir.
format_storage_once() {
  if [[ -f "$DATA_DIR/meta.properties" ]]; then
    return 0
  fi
  local cluster_id
  cluster_id="$(run_tool kafka.tools.StorageTool random-uuid | tail -n 1)"
  log "formatting storage in $DATA_DIR (cluster id $cluster_id)"
  run_tool kafka.tools.StorageTool format --config "$CONFIG" --cluster-id "$cluster_id" >&2 ||
    die "formatting storage in $DATA_DIR failed"
}

# Wait (bounded) until the broker answers; fail with the log tail otherwise.
wait_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      show_log_tail
      die "Kafka exited during startup (log: $LOG_FILE)"
    fi
    if port_open "$PORT" && broker_answers; then
      return 0
    fi
    sleep 1
  done
  show_log_tail
  die "Kafka (pid $pid) did not answer on $BOOTSTRAP within ${START_TIMEOUT}s (log: $LOG_FILE)." \
      "It is left running; use '$0 stop' to stop it."
}

# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------
cmd_start() {
  require_java
  local pid
  if pid="$(live_pid)"; then
    # Already running: a no-op, unless it is still starting up.
    if ! port_open "$PORT"; then
      log "Kafka (pid $pid) is starting; waiting for it to answer"
      wait_ready "$pid"
    fi
    log "Kafka already running (pid $pid); log: $LOG_FILE"
    echo "$BOOTSTRAP"
    return 0
  fi
  rm -f "$PID_FILE"

  for p in "$PORT" "$CONTROLLER_PORT"; do
    ! port_open "$p" ||
      die "port $HOST:$p is already in use by another process (not ours: no live pid in $PID_FILE)." \
          "Stop it or set KAFKA_PORT / KAFKA_CONTROLLER_PORT."
  done

  fetch_jars
  write_config
  format_storage_once

  # Keep the log from growing without bound across many test runs.
  if [[ -f "$LOG_FILE" && $(stat -c %s "$LOG_FILE") -gt $MAX_LOG_BYTES ]]; then
    mv -f "$LOG_FILE" "$LOG_FILE.1"
  fi
  echo "===== kafka.sh start $(date -Is) (Kafka $KAFKA_VERSION) =====" >>"$LOG_FILE"

  # Detached from this shell (setsid + nohup, stdin closed), so it outlives the caller.
  # shellcheck disable=SC2086  # HEAP_OPTS is intentionally word-split
  setsid nohup java $HEAP_OPTS \
    -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$BROKER_LOG4J" \
    -cp "$LIB_DIR/*" kafka.Kafka "$CONFIG" \
    </dev/null >>"$LOG_FILE" 2>&1 &
  pid=$!
  echo "$pid" >"$PID_FILE"
  log "started Kafka $KAFKA_VERSION (pid $pid); log: $LOG_FILE"

  wait_ready "$pid"
  log "Kafka is ready"
  echo "$BOOTSTRAP"
}

cmd_stop() {
  local pid
  if ! pid="$(live_pid)"; then
    rm -f "$PID_FILE"
    log "Kafka is not running"
    return 0
  fi
  log "stopping Kafka (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "Kafka did not stop within ${STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  local pid
  if pid="$(live_pid)" && port_open "$PORT"; then
    echo "running (pid $pid) at $BOOTSTRAP; log: $LOG_FILE"
    return 0
  elif [[ -n "${pid:-}" ]]; then
    echo "starting or unresponsive (pid $pid), $BOOTSTRAP not answering; log: $LOG_FILE"
    return 1
  fi
  echo "not running"
  return 1
}

cmd_logs() {
  [[ -f "$LOG_FILE" ]] || die "no log yet at $LOG_FILE"
  log "log: $LOG_FILE"
  if [[ "${1:-}" == "-f" ]]; then
    exec tail -n 100 -F "$LOG_FILE"
  fi
  tail -n 200 "$LOG_FILE"
}

cmd_classpath() {
  require_java
  fetch_jars
  echo "$LIB_DIR/*"
}

usage() {
  sed -n '5,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  logs) cmd_logs "${2:-}" ;;
  classpath) cmd_classpath ;;
  *) usage ;;
esac
