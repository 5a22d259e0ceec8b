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
#              With KAFKA_SASL_SSL_PORT set, also a SASL_SSL listener (see below).
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
#   KAFKA_SASL_SSL_PORT     also listen for SASL_SSL clients on this port (default: none)
#   KAFKA_SASL_USER         the SCRAM-SHA-512 user it creates  (default wirefeed)
#
# SASL_SSL (SCRAM-SHA-512 over TLS), for testing wirefeed against a broker that requires it:
#
#   WIREFEED_KAFKA_STATE=target/kafka-sasl KAFKA_PORT=19192 KAFKA_CONTROLLER_PORT=19193 \
#     KAFKA_SASL_SSL_PORT=19194 deploy/kafka/kafka.sh start
#
# adds the listener SASL_SSL://127.0.0.1:19194 (sasl.enabled.mechanisms=SCRAM-SHA-512); the
# PLAINTEXT listener stays, and so does inter-broker traffic on it. The first such start writes,
# into <state>/sasl/ and once only: a CA and a broker certificate for 127.0.0.1 and localhost
# signed by it, made with Java's keytool (keystore and truststore in PKCS12, their password in
# store.password), ca.pem (the CA for librdkafka's ssl.ca.location), a random password for the
# SCRAM user in <user>.password, and client.properties for Kafka's own Java tools
# (--command-config). The SCRAM credential is added when the storage is formatted
# (kafka-storage format --add-scram), or with kafka-configs on a broker formatted before.
# `start` then prints, before the PLAINTEXT address that stays its last line:
#   sasl_ssl_bootstrap=127.0.0.1:19194
#   sasl_username=wirefeed
#   sasl_password_file=<state>/sasl/wirefeed.password
#   ssl_ca_location=<state>/sasl/ca.pem
# A wirefeed client then takes (docs: deploy/README.md, "Kafka security"):
#   WIREFEED__BUS__KAFKA__BOOTSTRAP_SERVERS=127.0.0.1:19194
#   WIREFEED__BUS__KAFKA__OPTIONS__SECURITY.PROTOCOL=SASL_SSL
#   WIREFEED__BUS__KAFKA__OPTIONS__SASL.MECHANISMS=SCRAM-SHA-512
#   WIREFEED__BUS__KAFKA__OPTIONS__SASL.USERNAME=wirefeed
#   WIREFEED__BUS__KAFKA__OPTIONS__SASL.PASSWORD_FILE=<state>/sasl/wirefeed.password
#   WIREFEED__BUS__KAFKA__OPTIONS__SSL.CA.LOCATION=<state>/sasl/ca.pem
# Use another state directory than the plain broker's: the listener is part of its config.
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

# Absolute, so that the paths it prints and writes into the broker config hold from anywhere.
STATE_DIR="$(realpath -m "${WIREFEED_KAFKA_STATE:-$REPO_ROOT/target/kafka}")"
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

# Optional SASL_SSL listener (SCRAM-SHA-512); its files live in $SASL_DIR.
SASL_SSL_PORT="${KAFKA_SASL_SSL_PORT:-}"
SASL_USER="${KAFKA_SASL_USER:-wirefeed}"
SASL_DIR="$STATE_DIR/sasl"
SASL_PASSWORD_FILE="$SASL_DIR/$SASL_USER.password"
STORE_PASSWORD_FILE="$SASL_DIR/store.password"
CA_STORE="$SASL_DIR/ca.p12"                      # the CA's key: signs the broker certificate
CA_PEM="$SASL_DIR/ca.pem"                        # ssl.ca.location for librdkafka
KEYSTORE="$SASL_DIR/broker.keystore.p12"         # the broker's key and certificate chain
TRUSTSTORE="$SASL_DIR/truststore.p12"            # the CA, for Java clients
CLIENT_PROPERTIES="$SASL_DIR/client.properties"  # --command-config for Kafka's Java tools
SCRAM_STAMP="$SASL_DIR/.scram-$SASL_USER"        # the SCRAM credential is on the broker

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
# SASL_SSL (only with KAFKA_SASL_SSL_PORT): certificates, the SCRAM user, readiness
# ---------------------------------------------------------------------------
sasl_enabled() { [[ -n "$SASL_SSL_PORT" ]]; }

check_sasl_settings() {
  [[ "$SASL_SSL_PORT" =~ ^[0-9]+$ ]] ||
    die "KAFKA_SASL_SSL_PORT must be a port number, not '$SASL_SSL_PORT'"
  [[ "$SASL_USER" =~ ^[A-Za-z0-9._-]+$ ]] ||
    die "KAFKA_SASL_USER may hold letters, digits, '.', '_' and '-' only, not '$SASL_USER'"
  [[ "$SASL_SSL_PORT" != "$PORT" && "$SASL_SSL_PORT" != "$CONTROLLER_PORT" ]] ||
    die "KAFKA_SASL_SSL_PORT ($SASL_SSL_PORT) must differ from KAFKA_PORT and KAFKA_CONTROLLER_PORT"
}

# 36 hex digits from the kernel's random source (no pipe that could end in SIGPIPE).
random_secret() { od -An -tx1 -N18 /dev/urandom | tr -d ' \n'; }

# keytool with a small, fast-starting JVM; its chatter goes to stderr.
keytool_quiet() {
  keytool -J-Xmx128m -J-XX:+UseSerialGC -J-XX:TieredStopAtLevel=1 -noprompt "$@" >&2
}

# The passwords, the CA, the broker's keystore and the truststore: written once (a half-made
# set from an interrupted run is made again), kept across restarts.
make_sasl_files_once() {
  command -v keytool >/dev/null 2>&1 ||
    die "keytool not found (it comes with Java)." \
        "Install it with: apt-get install -y openjdk-17-jre-headless"
  mkdir -p "$SASL_DIR"
  chmod 700 "$SASL_DIR"
  local secret
  for secret in "$STORE_PASSWORD_FILE" "$SASL_PASSWORD_FILE"; do
    if [[ ! -s "$secret" ]]; then
      (umask 077 && random_secret >"$secret.tmp" && mv -f "$secret.tmp" "$secret")
    fi
  done
  if [[ ! -s "$CA_PEM" || ! -s "$KEYSTORE" || ! -s "$TRUSTSTORE" ]]; then
    log "making a CA and a broker certificate for $HOST with keytool in $SASL_DIR"
    local tmp="$SASL_DIR/tmp.$$" san="san=ip:$HOST,dns:localhost"
    local pass=(-storepass:file "$STORE_PASSWORD_FILE")
    local key=(-keyalg RSA -keysize 2048 -validity 3650 -storetype PKCS12)
    rm -rf "$tmp"
    mkdir -p "$tmp"
    keytool_quiet -genkeypair -alias ca -keystore "$tmp/ca.p12" "${pass[@]}" "${key[@]}" \
      -dname "CN=wirefeed test CA" -ext bc:c
    keytool_quiet -exportcert -rfc -alias ca -keystore "$tmp/ca.p12" "${pass[@]}" \
      -file "$tmp/ca.pem"
    keytool_quiet -genkeypair -alias broker -keystore "$tmp/broker.p12" "${pass[@]}" "${key[@]}" \
      -dname "CN=localhost" -ext "$san"
    keytool_quiet -certreq -alias broker -keystore "$tmp/broker.p12" "${pass[@]}" \
      -file "$tmp/broker.csr"
    keytool_quiet -gencert -alias ca -keystore "$tmp/ca.p12" "${pass[@]}" -rfc -validity 3650 \
      -infile "$tmp/broker.csr" -outfile "$tmp/broker.pem" \
      -ext "$san" -ext ku:c=digitalSignature,keyEncipherment -ext eku=serverAuth
    # The chain: the CA first, then the CA-signed certificate replaces the self-signed one.
    keytool_quiet -importcert -alias ca -keystore "$tmp/broker.p12" "${pass[@]}" \
      -file "$tmp/ca.pem"
    keytool_quiet -importcert -alias broker -keystore "$tmp/broker.p12" "${pass[@]}" \
      -file "$tmp/broker.pem"
    keytool_quiet -importcert -alias ca -keystore "$tmp/truststore.p12" "${pass[@]}" \
      -storetype PKCS12 -file "$tmp/ca.pem"
    mv -f "$tmp/ca.p12" "$CA_STORE"
    mv -f "$tmp/broker.p12" "$KEYSTORE"
    mv -f "$tmp/truststore.p12" "$TRUSTSTORE"
    mv -f "$tmp/ca.pem" "$CA_PEM"
    rm -rf "$tmp"
  fi
  local password store_password
  password="$(cat "$SASL_PASSWORD_FILE")"
  store_password="$(cat "$STORE_PASSWORD_FILE")"
  (umask 077 && cat >"$CLIENT_PROPERTIES" <<EOF
# Generated by deploy/kafka/kafka.sh: --command-config for Kafka's Java tools on $HOST:$SASL_SSL_PORT
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$SASL_USER" password="$password";
ssl.truststore.type=PKCS12
ssl.truststore.location=$TRUSTSTORE
ssl.truststore.password=$store_password
EOF
  )
}

# What the SCRAM stamp holds: the user and a hash of the password, so a new password is noticed.
scram_fingerprint() { echo "$SASL_USER $(sha256sum "$SASL_PASSWORD_FILE" | cut -d' ' -f1)"; }

# On a broker formatted without this SCRAM credential (or with another password), add it over
# the PLAINTEXT listener; kafka-configs replaces the user's existing SCRAM-SHA-512 credential.
ensure_scram_user() {
  if [[ -f "$SCRAM_STAMP" && "$(cat "$SCRAM_STAMP")" == "$(scram_fingerprint)" ]]; then
    return 0
  fi
  log "adding the SCRAM-SHA-512 credential of user $SASL_USER"
  run_tool kafka.admin.ConfigCommand --bootstrap-server "$BOOTSTRAP" --alter \
    --entity-type users --entity-name "$SASL_USER" \
    --add-config "SCRAM-SHA-512=[password=$(cat "$SASL_PASSWORD_FILE")]" >&2 ||
    die "adding the SCRAM credential of $SASL_USER failed"
  scram_fingerprint >"$SCRAM_STAMP"
}

# List topics over SASL_SSL with the generated client.properties: TLS and SCRAM both work.
sasl_answers() {
  timeout 30 java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j2.configurationFile="$TOOLS_LOG4J" -cp "$LIB_DIR/*" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$HOST:$SASL_SSL_PORT" \
    --command-config "$CLIENT_PROPERTIES" --list >/dev/null 2>&1
}

# Wait (bounded) until a SASL_SSL client gets in as the SCRAM user.
wait_sasl_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      show_log_tail
      die "Kafka exited during startup (log: $LOG_FILE)"
    fi
    if port_open "$SASL_SSL_PORT" && sasl_answers; then
      return 0
    fi
    sleep 1
  done
  show_log_tail
  die "Kafka (pid $pid) did not let $SASL_USER in over SASL_SSL on $HOST:$SASL_SSL_PORT within" \
      "${START_TIMEOUT}s (log: $LOG_FILE). It is left running; use '$0 stop' to stop it."
}

# What a SASL_SSL client needs, printed before the PLAINTEXT address (which stays the last line).
print_sasl_settings() {
  echo "sasl_ssl_bootstrap=$HOST:$SASL_SSL_PORT"
  echo "sasl_username=$SASL_USER"
  echo "sasl_password_file=$SASL_PASSWORD_FILE"
  echo "ssl_ca_location=$CA_PEM"
}

# ---------------------------------------------------------------------------
# Generated configuration (rewritten on every start; data survives)
# ---------------------------------------------------------------------------
write_config() {
  mkdir -p "$DATA_DIR" "$LOG_DIR"
  local listeners="PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT"
  local advertised="PLAINTEXT://$HOST:$PORT"
  local protocols="CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
  if sasl_enabled; then
    listeners+=",SASL_SSL://$HOST:$SASL_SSL_PORT"
    advertised+=",SASL_SSL://$HOST:$SASL_SSL_PORT"
    protocols+=",SASL_SSL:SASL_SSL"
  fi
  # It may hold the keystore password.
  : >"$CONFIG"
  chmod 600 "$CONFIG"
  cat >"$CONFIG" <<EOF
# Generated by deploy/kafka/kafka.sh - edits are overwritten on the next start.
# Single-node KRaft cluster: this process is both broker and controller.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=$listeners
advertised.listeners=$advertised
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=$protocols

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
  if sasl_enabled; then
    local store_password
    store_password="$(cat "$STORE_PASSWORD_FILE")"
    cat >>"$CONFIG" <<EOF

# SASL_SSL listener (KAFKA_SASL_SSL_PORT): SCRAM-SHA-512 over TLS, the users' credentials in the
# KRaft metadata. Inter-broker and controller traffic stay on PLAINTEXT.
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PKCS12
ssl.keystore.location=$KEYSTORE
ssl.keystore.password=$store_password
ssl.key.password=$store_password
ssl.truststore.type=PKCS12
ssl.truststore.location=$TRUSTSTORE
ssl.truststore.password=$store_password
ssl.client.auth=none
EOF
  fi

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
  local scram=()
  if sasl_enabled; then
    scram=(--add-scram "SCRAM-SHA-512=[name=$SASL_USER,password=$(cat "$SASL_PASSWORD_FILE")]")
  fi
  log "formatting storage in $DATA_DIR (cluster id $cluster_id)"
  run_tool kafka.tools.StorageTool format --config "$CONFIG" --cluster-id "$cluster_id" \
    "${scram[@]}" >&2 || die "formatting storage in $DATA_DIR failed"
  if sasl_enabled; then
    scram_fingerprint >"$SCRAM_STAMP"
  fi
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
  if sasl_enabled; then
    check_sasl_settings
  fi
  local pid
  if pid="$(live_pid)"; then
    # Already running: a no-op, unless it is still starting up.
    if sasl_enabled && ! grep -q "^listeners=.*SASL_SSL://$HOST:$SASL_SSL_PORT\b" "$CONFIG"; then
      die "Kafka (pid $pid) runs without a SASL_SSL listener on $HOST:$SASL_SSL_PORT." \
          "Stop it first ('$0 stop'), or use another WIREFEED_KAFKA_STATE."
    fi
    if ! port_open "$PORT"; then
      log "Kafka (pid $pid) is starting; waiting for it to answer"
      wait_ready "$pid"
    fi
    if sasl_enabled; then
      ensure_scram_user
      port_open "$SASL_SSL_PORT" || wait_sasl_ready "$pid"
    fi
    log "Kafka already running (pid $pid); log: $LOG_FILE"
    if sasl_enabled; then
      print_sasl_settings
    fi
    echo "$BOOTSTRAP"
    return 0
  fi
  rm -f "$PID_FILE"

  local ports=("$PORT" "$CONTROLLER_PORT")
  if sasl_enabled; then
    ports+=("$SASL_SSL_PORT")
  fi
  for p in "${ports[@]}"; do
    ! port_open "$p" ||
      die "port $HOST:$p is already in use by another process (not ours: no live pid in $PID_FILE)." \
          "Stop it or set KAFKA_PORT / KAFKA_CONTROLLER_PORT / KAFKA_SASL_SSL_PORT."
  done

  fetch_jars
  if sasl_enabled; then
    make_sasl_files_once
  fi
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
  if sasl_enabled; then
    ensure_scram_user
    wait_sasl_ready "$pid"
    log "Kafka is ready, SASL_SSL on $HOST:$SASL_SSL_PORT (user $SASL_USER)"
    print_sasl_settings
  else
    log "Kafka is ready"
  fi
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
    local sasl=""
    if sasl_enabled && port_open "$SASL_SSL_PORT"; then
      sasl=", SASL_SSL at $HOST:$SASL_SSL_PORT"
    fi
    echo "running (pid $pid) at $BOOTSTRAP$sasl; log: $LOG_FILE"
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
  sed -n '5,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
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
