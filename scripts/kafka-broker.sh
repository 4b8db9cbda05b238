#!/usr/bin/env bash
# A local single-node Kafka broker (KRaft, combined broker+controller) without Docker.
#
#   bash scripts/kafka-broker.sh fetch    copy the Kafka jars with Maven into .cache/kafka/<version>/libs
#   bash scripts/kafka-broker.sh start    start a broker unless one already answers (idempotent)
#   bash scripts/kafka-broker.sh stop     stop the broker this script started
#   bash scripts/kafka-broker.sh status   tell whether a broker answers (exit 0 if it does, 1 if not)
#   bash scripts/kafka-broker.sh wipe     stop, then delete the broker's data (its run directory)
#
# Environment:
#   KAFKA_BROKERS          where clients connect; its first host:port is the one checked and
#                          started (default 127.0.0.1:${KAFKA_PORT})
#   KAFKA_PORT             PLAINTEXT port, used when KAFKA_BROKERS is not set (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port (default 9093)
#   KAFKA_START_TIMEOUT    seconds to wait for the broker to answer (default 60)
#   KAFKA_HEAP_OPTS        JVM heap flags (default -Xms256m -Xmx768m)
#   KAFKA_VERSION          the Apache Kafka release to run (default 4.4.0, the pinned one; 3.9.x works too)
#   KAFKA_RUN_DIR          the broker's own directory: config, data, logs, pid (default
#                          .cache/kafka/run-<version>); another directory plus other ports runs a
#                          second broker beside the first
#   JAVA_HOME              JDK to run the broker with (default: java on PATH)
#
# SASL mode (KAFKA_SASL=true, for start, stop, status and wipe alike): the client listener is
# SASL_PLAINTEXT with SCRAM-SHA-512 instead of PLAINTEXT, ACLs are enforced (StandardAuthorizer,
# nothing allowed without an ACL) and the admin user is the only super user. Run it on a port and
# run directory of its own (KAFKA_PORT=9292 KAFKA_CONTROLLER_PORT=9293 KAFKA_RUN_DIR=...).
#   KAFKA_SASL_ADMIN_USER      the super user (default admin); the controller listener takes it too (PLAIN)
#   KAFKA_SASL_ADMIN_PASSWORD  its password, letters, digits, "_" and "-" (default: one made at the
#                              first start and kept in sasl-admin.password in the run directory)
#   KAFKA_SASL_USERS           more SCRAM-SHA-512 users, "name=password,name=password"
#   KAFKA_TLS_PORT             also a SASL_SSL listener on this port, with a self-signed certificate for
#                              127.0.0.1 and localhost made by keytool at the first start; clients trust
#                              its PEM, tls/ca.pem in the run directory (KAFKA_SSL=true KAFKA_SSL_CA_FILE=...)
# The users are created by the broker's own StorageTool (format --add-scram) when the storage is
# formatted: at the first start of a run directory, or after wipe. Their ACLs: npm run ops -- acls --apply.
#
# The broker always binds and advertises 127.0.0.1. Its log is broker.log in its run directory.
# The pinned release is the newest Kafka 4.x; kafkajs 2.2.4 works with it (and with 3.9.x, which CI
# also runs the integration tests against: KAFKA_VERSION=3.9.1).
set -euo pipefail

KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
[[ "$KAFKA_VERSION" =~ ^[34]\.[0-9]+\.[0-9]+$ ]] || {
  echo "kafka: KAFKA_VERSION must be a 3.x or 4.x release such as 4.4.0 or 3.9.1, got '$KAFKA_VERSION'" >&2
  exit 2
}
KAFKA_MAJOR="${KAFKA_VERSION%%.*}"

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
POM="$SCRIPT_DIR/kafka/pom.xml"
PING="$SCRIPT_DIR/kafka-ping.mjs"

CACHE="$ROOT/.cache/kafka"
LIBS="$CACHE/$KAFKA_VERSION/libs"
LIBS_MARKER="$LIBS/.complete"
RUN="${KAFKA_RUN_DIR:-$CACHE/run-$KAFKA_VERSION}"
[[ "$RUN" == /* ]] || RUN="$PWD/$RUN"
DATA="$RUN/data"
PROPS="$RUN/server.properties"
# Kafka 3.x logs through log4j 1 (reload4j), 4.x through log4j 2: each has its own config file.
if [[ "$KAFKA_MAJOR" == 3 ]]; then
  LOG4J="$RUN/log4j.properties"
  LOG_CONFIG_FLAG="-Dlog4j.configuration=file:$LOG4J"
  MAVEN_PROFILE="-Pkafka3"
else
  LOG4J="$RUN/log4j2.properties"
  LOG_CONFIG_FLAG="-Dlog4j2.configurationFile=$LOG4J"
  MAVEN_PROFILE="-Pkafka4"
fi
LOG="$RUN/broker.log"
OUT="$RUN/broker.out"
PIDFILE="$RUN/broker.pid"
# One lock per broker (per run directory); the default broker keeps its historical lock file.
if [[ -n "${KAFKA_RUN_DIR:-}" ]]; then LOCKFILE="$RUN.lock"; else LOCKFILE="$CACHE/broker.lock"; fi
CLUSTER_ID_FILE="$RUN/cluster.id"

# --- addresses ---------------------------------------------------------------------------
if [[ -n "${KAFKA_BROKERS:-}" ]]; then
  FIRST="${KAFKA_BROKERS%%,*}"
  FIRST="${FIRST//[[:space:]]/}"
  FIRST="${FIRST#*://}"
  PORT="${FIRST##*:}"
  if [[ "$FIRST" != *:* || ! "$PORT" =~ ^[0-9]+$ ]]; then
    echo "kafka: cannot read host:port from KAFKA_BROKERS='$KAFKA_BROKERS'" >&2
    exit 2
  fi
else
  PORT="${KAFKA_PORT:-9092}"
  FIRST="127.0.0.1:$PORT"
fi
CPORT="${KAFKA_CONTROLLER_PORT:-9093}"
SASL="${KAFKA_SASL:-false}"
[[ "$SASL" == true || "$SASL" == false ]] || {
  echo "kafka: KAFKA_SASL must be true or false, got '$SASL'" >&2
  exit 2
}
TLS_PORT="${KAFKA_TLS_PORT:-}"
[[ -z "$TLS_PORT" || ("$SASL" == true && "$TLS_PORT" =~ ^[0-9]+$) ]] || {
  echo "kafka: KAFKA_TLS_PORT must be a port number, and needs KAFKA_SASL=true, got '$TLS_PORT'" >&2
  exit 2
}
if [[ "$SASL" == true ]]; then
  LISTENERS="SASL_PLAINTEXT://127.0.0.1:$PORT${TLS_PORT:+,SASL_SSL://127.0.0.1:$TLS_PORT},CONTROLLER://127.0.0.1:$CPORT"
else
  LISTENERS="PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT"
fi
ADMIN_USER="${KAFKA_SASL_ADMIN_USER:-admin}"
ADMIN_PASSWORD_FILE="$RUN/sasl-admin.password"
USERS_FILE="$RUN/sasl-users"
TLS_DIR="$RUN/tls"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"

if [[ -n "${JAVA_HOME:-}" ]]; then
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA="java"
fi

log() { echo "kafka: $*"; }
die() {
  echo "kafka: $*" >&2
  exit 1
}

# --- helpers -----------------------------------------------------------------------------
answers() { # a real Kafka check, not just an open port (in SASL mode, as the super user)
  if [[ "$SASL" == true ]]; then
    [[ -n "$(admin_password)" ]] || return 1
    KAFKA_SSL=false KAFKA_SASL_MECHANISM=scram-sha-512 KAFKA_SASL_USERNAME="$ADMIN_USER" \
      KAFKA_SASL_PASSWORD="$(admin_password)" node "$PING" "$FIRST" >/dev/null 2>&1
  else
    node "$PING" "$FIRST" >/dev/null 2>&1
  fi
}

# --- SASL mode ---------------------------------------------------------------------------
admin_password() { # the given one, else the one kept in the run directory
  if [[ -n "${KAFKA_SASL_ADMIN_PASSWORD:-}" ]]; then
    echo "$KAFKA_SASL_ADMIN_PASSWORD"
  elif [[ -s "$ADMIN_PASSWORD_FILE" ]]; then
    tr -d '[:space:]' <"$ADMIN_PASSWORD_FILE"
  fi
}

# Checks the SASL settings, makes the super user's password when none is given, and writes the
# users (the super user first) one "name=password" a line into the run directory, for this user only.
prepare_sasl() {
  local word='^[A-Za-z0-9_-]+$' pair name password users
  [[ "$ADMIN_USER" =~ $word ]] || die "KAFKA_SASL_ADMIN_USER may hold only letters, digits, '_' and '-'"
  mkdir -p "$RUN"
  chmod 700 "$RUN"
  if [[ -z "$(admin_password)" ]]; then
    (umask 077 && od -An -N18 -tx1 /dev/urandom | tr -d ' \n' >"$ADMIN_PASSWORD_FILE")
    log "made a password for the super user $ADMIN_USER: ${ADMIN_PASSWORD_FILE#"$ROOT"/}"
  fi
  [[ "$(admin_password)" =~ $word ]] || die "KAFKA_SASL_ADMIN_PASSWORD may hold only letters, digits, '_' and '-'"
  users="$ADMIN_USER=$(admin_password)"$'\n'
  IFS=',' read -r -a pairs <<<"${KAFKA_SASL_USERS:-}"
  for pair in "${pairs[@]}"; do
    pair="${pair//[[:space:]]/}"
    [[ -n "$pair" ]] || continue
    name="${pair%%=*}"
    password="${pair#*=}"
    [[ "$pair" == *=* && "$name" =~ $word && "$password" =~ $word ]] ||
      die "KAFKA_SASL_USERS must be name=password pairs of letters, digits, '_' and '-', separated by commas"
    [[ "$name" != "$ADMIN_USER" ]] || die "KAFKA_SASL_USERS must not name the super user $ADMIN_USER"
    users+="$name=$password"$'\n'
  done
  if [[ -f "$DATA/meta.properties" && -f "$USERS_FILE" && "$(cat "$USERS_FILE")"$'\n' != "$users" ]]; then
    die "the storage in ${DATA#"$ROOT"/} was formatted with other SASL users or passwords; users are created" \
      "only when it is formatted: wipe it first (KAFKA_SASL=true ... bash scripts/kafka-broker.sh wipe)"
  fi
  (umask 077 && printf '%s' "$users" >"$USERS_FILE")
}

# The TLS listener's key and self-signed certificate (for 127.0.0.1 and localhost), made once per run
# directory with keytool; tls/ca.pem is what clients trust (KAFKA_SSL_CA_FILE).
make_certificate() {
  [[ -s "$TLS_DIR/broker.p12" && -s "$TLS_DIR/ca.pem" && -s "$TLS_DIR/keystore.password" ]] && return 0
  local keytool="keytool"
  [[ -z "${JAVA_HOME:-}" ]] || keytool="$JAVA_HOME/bin/keytool"
  command -v "$keytool" >/dev/null 2>&1 || die "keytool not found (it comes with the JDK); KAFKA_TLS_PORT needs it"
  rm -rf "$TLS_DIR"
  (umask 077 && mkdir -p "$TLS_DIR" && od -An -N18 -tx1 /dev/urandom | tr -d ' \n' >"$TLS_DIR/keystore.password")
  local password
  password="$(cat "$TLS_DIR/keystore.password")"
  "$keytool" -genkeypair -alias broker -keyalg RSA -keysize 2048 -validity 825 -dname "CN=127.0.0.1" \
    -ext "SAN=ip:127.0.0.1,dns:localhost" -keystore "$TLS_DIR/broker.p12" -storetype PKCS12 \
    -storepass "$password" -keypass "$password" >"$TLS_DIR/keytool.out" 2>&1 || {
    cat "$TLS_DIR/keytool.out" >&2
    die "keytool could not make the TLS certificate"
  }
  "$keytool" -exportcert -rfc -alias broker -keystore "$TLS_DIR/broker.p12" -storetype PKCS12 \
    -storepass "$password" >"$TLS_DIR/ca.pem" 2>"$TLS_DIR/keytool.out" || {
    cat "$TLS_DIR/keytool.out" >&2
    die "keytool could not export the TLS certificate"
  }
  chmod 644 "$TLS_DIR/ca.pem"
  log "made a self-signed TLS certificate for 127.0.0.1 and localhost; clients trust ${TLS_DIR#"$ROOT"/}/ca.pem"
}

# The --add-scram arguments of StorageTool format, one a line: a SCRAM-SHA-512 credential per user.
scram_arguments() {
  local name password
  while IFS='=' read -r name password; do
    [[ -n "$name" ]] || continue
    printf '%s\n' --add-scram "SCRAM-SHA-512=[name=$name,password=$password]"
  done <"$USERS_FILE"
}

port_open() { # $1 port on 127.0.0.1
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The pid in the pid file, if it is a live broker that this script started; else nothing.
our_pid() {
  [[ -f "$PIDFILE" ]] || return 0
  local pid
  pid="$(tr -dc '0-9' <"$PIDFILE")"
  [[ -n "$pid" ]] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  # Guard against a reused pid: the process must be a kafka.Kafka JVM using our config.
  if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $PROPS"; then
    echo "$pid"
  fi
}

LOG_FROM_LINE=1 # broker.log appends across runs; show only what this start wrote

show_log_tail() {
  if [[ -s "$OUT" ]]; then
    echo "----- ${OUT#"$ROOT"/} -----" >&2
    tail -n 20 "$OUT" >&2
  fi
  if [[ -s "$LOG" ]]; then
    echo "----- last lines of ${LOG#"$ROOT"/} (this start) -----" >&2
    tail -n "+$LOG_FROM_LINE" "$LOG" | tail -n 40 >&2
  fi
  echo "-----" >&2
}

# One start/stop/wipe at a time (e.g. two test runners calling start in parallel).
# The lock is on fd 9; the broker JVM is started with 9>&- so it does not keep holding it.
take_lock() {
  mkdir -p "$(dirname -- "$LOCKFILE")"
  exec 9>"$LOCKFILE"
  if command -v flock >/dev/null 2>&1; then
    flock -w 120 9 || die "another kafka-broker.sh has held $LOCKFILE for 120 s"
  fi
}

jar_count() {
  local jars=("$LIBS"/*.jar)
  echo "${#jars[@]}"
}

need() {
  command -v "$1" >/dev/null 2>&1 || die "$1 not found on PATH ($2)"
}

# --- fetch -------------------------------------------------------------------------------
cmd_fetch() {
  if [[ -f "$LIBS_MARKER" ]]; then
    log "jars for Kafka $KAFKA_VERSION already in ${LIBS#"$ROOT"/} ($(jar_count) jars)"
    return 0
  fi
  need mvn "Maven is needed to fetch the Kafka jars"
  local t0=$SECONDS tmp
  mkdir -p "$CACHE/$KAFKA_VERSION"
  tmp="$(mktemp -d "$CACHE/$KAFKA_VERSION/libs.tmp.XXXXXX")"
  log "fetching Kafka $KAFKA_VERSION jars with Maven..."
  # Maven 3.8 prints colour resets even with colour off: they are stripped (pipefail keeps its status).
  if ! mvn -q -B -Dstyle.color=never -f "$POM" "$MAVEN_PROFILE" dependency:copy-dependencies \
    -Dkafka.version="$KAFKA_VERSION" -DoutputDirectory="$tmp" -DincludeScope=runtime 2>&1 | sed 's/\x1b\[[0-9;]*m//g'; then
    rm -rf "$tmp"
    die "mvn dependency:copy-dependencies failed"
  fi
  ls "$tmp"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 || {
    rm -rf "$tmp"
    die "Maven finished but kafka_2.13-$KAFKA_VERSION.jar is missing"
  }
  chmod 755 "$tmp" # mktemp -d makes it 0700
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  date -u +%Y-%m-%dT%H:%M:%SZ >"$LIBS_MARKER"
  log "fetched $(jar_count) jars into ${LIBS#"$ROOT"/} in $((SECONDS - t0)) s"
}

# --- config ------------------------------------------------------------------------------
# The listeners: PLAINTEXT, or in SASL mode SASL_PLAINTEXT (the controller listener too).
listeners_config() {
  local protocol=PLAINTEXT
  [[ "$SASL" == false ]] || protocol=SASL_PLAINTEXT
  cat <<EOF
listeners=$LISTENERS
advertised.listeners=$protocol://127.0.0.1:$PORT${TLS_PORT:+,SASL_SSL://127.0.0.1:$TLS_PORT}
listener.security.protocol.map=$protocol:$protocol,CONTROLLER:$protocol${TLS_PORT:+,SASL_SSL:SASL_SSL}
controller.listener.names=CONTROLLER
inter.broker.listener.name=$protocol
EOF
  [[ "$SASL" == false ]] || sasl_config
  [[ -z "$TLS_PORT" ]] || tls_config
}

# The SASL_SSL listener: the same SCRAM-SHA-512 users over TLS, with the certificate of make_certificate.
tls_config() {
  local password
  password="$(cat "$TLS_DIR/keystore.password")"
  cat <<EOF
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$ADMIN_USER" password="$(admin_password)";
listener.name.sasl_ssl.ssl.keystore.type=PKCS12
listener.name.sasl_ssl.ssl.keystore.location=$TLS_DIR/broker.p12
listener.name.sasl_ssl.ssl.keystore.password=$password
listener.name.sasl_ssl.ssl.key.password=$password
EOF
}

# SASL mode: clients and the broker itself authenticate with SCRAM-SHA-512 (the credentials are kept
# in the cluster's metadata); the controller listener, which must answer before that metadata is
# read, takes the super user with PLAIN. Nothing is allowed without an ACL, except to the super user.
sasl_config() {
  local password
  password="$(admin_password)"
  cat <<EOF
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$ADMIN_USER" password="$password";
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$ADMIN_USER" password="$password" user_$ADMIN_USER="$password";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:$ADMIN_USER
allow.everyone.if.no.acl.found=false
EOF
}

write_config() {
  mkdir -p "$DATA"
  cat >"$PROPS" <<EOF
# Written by scripts/kafka-broker.sh on every start; edits here are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
$(listeners_config)
log.dirs=$DATA
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
EOF
  # In SASL mode it holds the super user's password: readable by this user only.
  [[ "$SASL" == false ]] || chmod 600 "$PROPS"

  if [[ "$KAFKA_MAJOR" == 3 ]]; then
    cat >"$LOG4J" <<EOF
# Written by scripts/kafka-broker.sh: everything goes to broker.log, nothing to the console.
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$LOG
log4j.appender.file.Append=true
log4j.appender.file.MaxFileSize=50MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n

log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.network.RequestChannel\$=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.authorizer.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
EOF
  else
    cat >"$LOG4J" <<EOF
# Written by scripts/kafka-broker.sh: everything goes to broker.log, nothing to the console.
appender.file.type=RollingFile
appender.file.name=file
appender.file.fileName=$LOG
appender.file.filePattern=$LOG.%i
appender.file.append=true
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
appender.file.policies.type=Policies
appender.file.policies.size.type=SizeBasedTriggeringPolicy
appender.file.policies.size.size=50MB
appender.file.strategy.type=DefaultRolloverStrategy
appender.file.strategy.max=2

rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file

logger.request.name=kafka.request.logger
logger.request.level=WARN
logger.cleaner.name=kafka.log.LogCleaner
logger.cleaner.level=WARN
logger.statechange.name=state.change.logger
logger.statechange.level=WARN
logger.authorizer.name=kafka.authorizer.logger
logger.authorizer.level=WARN
logger.clients.name=org.apache.kafka.clients
logger.clients.level=WARN
EOF
  fi
}

cluster_id() {
  local id=""
  # Storage that is already formatted carries its own id; reuse it so the two always agree.
  if [[ -f "$DATA/meta.properties" ]]; then
    id="$(sed -n 's/^cluster\.id=//p' "$DATA/meta.properties" | tr -d '[:space:]')"
  fi
  if [[ -z "$id" && -s "$CLUSTER_ID_FILE" ]]; then
    id="$(tr -d '[:space:]' <"$CLUSTER_ID_FILE")"
  fi
  if [[ -z "$id" ]]; then
    id="$("$JAVA" -cp "$LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1 | tr -d '[:space:]')"
    [[ -n "$id" ]] || die "kafka.tools.StorageTool random-uuid printed nothing"
  fi
  echo "$id" >"$CLUSTER_ID_FILE"
  echo "$id"
}

# --- start -------------------------------------------------------------------------------
wait_until_answers() { # $1 pid
  local pid=$1 deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PIDFILE"
      show_log_tail
      die "the broker (pid $pid) exited during start-up"
    fi
    if answers; then
      return 0
    fi
    sleep 0.5
  done
  show_log_tail
  die "no answer on $FIRST after ${START_TIMEOUT} s (broker pid $pid still running; see ${LOG#"$ROOT"/})"
}

cmd_start() {
  if answers; then
    log "a broker already answers on $FIRST; reusing it"
    return 0
  fi
  take_lock
  if answers; then # a parallel start finished while we waited for the lock
    log "a broker already answers on $FIRST; reusing it"
    return 0
  fi

  local t0=$SECONDS pid
  pid="$(our_pid)"
  if [[ -n "$pid" ]] && ! grep -qx "listeners=$LISTENERS" "$PROPS" 2>/dev/null; then
    die "this script's broker (pid $pid) is running with other ports ($(sed -n 's/^listeners=//p' "$PROPS"));" \
      "stop it first: bash scripts/kafka-broker.sh stop"
  fi
  if [[ -n "$pid" ]]; then
    # Ours, but not answering yet (still starting, or started by a parallel call): wait for it.
    log "broker pid $pid is running but not answering yet; waiting..."
    wait_until_answers "$pid"
    log "broker answers on $FIRST (pid $pid)"
    return 0
  fi
  rm -f "$PIDFILE"

  local p
  for p in "$PORT" "$CPORT" ${TLS_PORT:+"$TLS_PORT"}; do
    if port_open "$p"; then
      die "port $p on 127.0.0.1 is taken by something that is not an answering Kafka broker;" \
        "free it or choose other ports (KAFKA_BROKERS / KAFKA_PORT, KAFKA_CONTROLLER_PORT)"
    fi
  done

  need node "node runs the readiness check"
  [[ -x "$JAVA" ]] || command -v "$JAVA" >/dev/null 2>&1 || die "java not found ($JAVA); install a JDK 17+ or set JAVA_HOME"

  cmd_fetch
  local scram=()
  if [[ "$SASL" == true ]]; then
    prepare_sasl
    mapfile -t scram < <(scram_arguments)
    [[ -z "$TLS_PORT" ]] || make_certificate
  fi
  write_config

  local cid
  cid="$(cluster_id)"
  # Formatting is a one-time step; skipping it on formatted storage saves a JVM start (~1 s).
  if [[ ! -f "$DATA/meta.properties" ]]; then
    if ! "$JAVA" "$LOG_CONFIG_FLAG" -cp "$LIBS/*" \
      kafka.tools.StorageTool format -t "$cid" -c "$PROPS" --ignore-formatted "${scram[@]}" >"$RUN/format.out" 2>&1; then
      cat "$RUN/format.out" >&2
      die "formatting the storage in ${DATA#"$ROOT"/} failed (try: bash scripts/kafka-broker.sh wipe)"
    fi
    # In SASL mode it lists the users' salted credentials: not kept.
    [[ "$SASL" == false ]] || rm -f "$RUN/format.out"
  fi

  local mode=""
  [[ "$SASL" == false ]] || mode=" with SASL_PLAINTEXT${TLS_PORT:+ (and SASL_SSL on 127.0.0.1:$TLS_PORT)}, SCRAM-SHA-512, ACLs, super user $ADMIN_USER,"
  log "starting Kafka $KAFKA_VERSION on $FIRST$mode (controller 127.0.0.1:$CPORT, data ${DATA#"$ROOT"/})..."
  : >"$OUT"
  if [[ -f "$LOG" ]]; then
    LOG_FROM_LINE=$(($(wc -l <"$LOG") + 1))
  fi
  # setsid: a new session, so the broker outlives the calling shell and its Ctrl-C.
  # In a script job control is off, so the background child is not a group leader and
  # setsid execs java in place: $! is the JVM's own pid.
  # shellcheck disable=SC2086 # HEAP_OPTS is a list of flags
  nohup setsid "$JAVA" $HEAP_OPTS \
    -XX:+UseG1GC -Djava.awt.headless=true \
    "$LOG_CONFIG_FLAG" \
    -Dkafka.logs.dir="$RUN" \
    -cp "$LIBS/*" kafka.Kafka "$PROPS" \
    >>"$OUT" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PIDFILE"

  wait_until_answers "$pid"
  log "broker answers on $FIRST (pid $pid) after $((SECONDS - t0)) s"
}

# --- stop / status / wipe ----------------------------------------------------------------
cmd_stop() {
  take_lock
  local pid
  pid="$(our_pid)"
  if [[ -z "$pid" ]]; then
    if [[ -f "$PIDFILE" ]]; then
      rm -f "$PIDFILE"
      log "no broker of ours is running (removed a stale pid file)"
    else
      log "no broker of ours is running"
    fi
    return 0
  fi
  local t0=$SECONDS
  log "stopping broker pid $pid..."
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still running after 30 s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$PIDFILE"
  log "stopped after $((SECONDS - t0)) s"
}

cmd_status() {
  local pid
  pid="$(our_pid)"
  if answers; then
    if [[ -n "$pid" ]]; then
      log "a broker answers on $FIRST (started by this script, pid $pid)"
    else
      log "a broker answers on $FIRST (not started by this script)"
    fi
    return 0
  fi
  if [[ -n "$pid" ]]; then
    log "no broker answers on $FIRST, but this script's broker (pid $pid) is running (starting up?)"
  else
    log "no broker answers on $FIRST"
  fi
  return 1
}

cmd_wipe() {
  cmd_stop
  rm -rf "$RUN"
  [[ "$LOCKFILE" != "$RUN.lock" ]] || rm -f "$LOCKFILE"
  log "deleted ${RUN#"$ROOT"/}"
}

usage() {
  sed -n '2,37p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  wipe) cmd_wipe ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
