#!/usr/bin/env bash
# A local Redis Cluster of three masters on 127.0.0.1, no replicas, nothing persisted: for the tests
# that run the read models on a cluster (npm run test:e2e:cluster, test/redis/cluster.int-spec.ts).
#
#   bash scripts/redis-cluster.sh start    start the three nodes and join them, unless the cluster answers (idempotent)
#   bash scripts/redis-cluster.sh stop     stop the nodes this script started and delete their directory
#   bash scripts/redis-cluster.sh status   tell whether the cluster answers with cluster_state:ok (exit 0 if it does)
#   bash scripts/redis-cluster.sh url      print the REDIS_URL that names it (redis+cluster://127.0.0.1:7101,...)
#
# Environment:
#   REDIS_CLUSTER_PORTS          the nodes' ports, space-separated (default "7101 7102 7103")
#   REDIS_CLUSTER_DIR            their directory: one sub-directory per port with its nodes.conf, log
#                                and pid (default .cache/redis-cluster)
#   REDIS_CLUSTER_START_TIMEOUT  seconds to wait for cluster_state:ok (default 30)
#
# Needs redis-server and redis-cli (Redis 7: `--cluster create` is redis-cli's).
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
read -r -a PORTS <<<"${REDIS_CLUSTER_PORTS:-7101 7102 7103}"
DIR="${REDIS_CLUSTER_DIR:-$ROOT/.cache/redis-cluster}"
[[ "$DIR" == /* ]] || DIR="$PWD/$DIR"
TIMEOUT="${REDIS_CLUSTER_START_TIMEOUT:-30}"
HOST=127.0.0.1

say() { printf 'redis-cluster: %s\n' "$*"; }

# Every node, not only the first: right after the join, one may still answer CLUSTERDOWN for a while.
cluster_ok() {
  for port in "${PORTS[@]}"; do
    redis-cli -h "$HOST" -p "$port" cluster info 2>/dev/null | tr -d '\r' | grep -qx 'cluster_state:ok' || return 1
  done
}

url() {
  local nodes=()
  for port in "${PORTS[@]}"; do nodes+=("$HOST:$port"); done
  (IFS=,; printf 'redis+cluster://%s\n' "${nodes[*]}")
}

start() {
  if cluster_ok; then
    say "a cluster already answers on $HOST, ports ${PORTS[*]}; using it"
    return 0
  fi
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || {
    say "redis-server and redis-cli are needed" >&2
    exit 1
  }
  local nodes=()
  for port in "${PORTS[@]}"; do
    # A node left from an earlier run holds slots in its nodes.conf: start each one afresh.
    redis-cli -h "$HOST" -p "$port" shutdown nosave >/dev/null 2>&1 || true
    rm -rf "${DIR:?}/$port"
    mkdir -p "$DIR/$port"
    redis-server --port "$port" --bind "$HOST" --cluster-enabled yes --cluster-config-file "$DIR/$port/nodes.conf" \
      --cluster-node-timeout 5000 --dir "$DIR/$port" --save "" --appendonly no \
      --daemonize yes --pidfile "$DIR/$port/redis.pid" --logfile "$DIR/$port/redis.log"
    nodes+=("$HOST:$port")
  done
  for port in "${PORTS[@]}"; do
    for _ in $(seq 1 50); do
      [[ "$(redis-cli -h "$HOST" -p "$port" ping 2>/dev/null)" == PONG ]] && break
      sleep 0.1
    done
  done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$DIR/create.log" 2>&1 || {
    cat "$DIR/create.log" >&2
    exit 1
  }
  local deadline=$((SECONDS + TIMEOUT))
  until cluster_ok; do
    ((SECONDS < deadline)) || {
      say "no cluster_state:ok within ${TIMEOUT}s; the nodes' logs are under $DIR" >&2
      exit 1
    }
    sleep 0.2
  done
  say "cluster_state:ok on ${nodes[*]} ($(url))"
}

stop() {
  for port in "${PORTS[@]}"; do
    local pidfile="$DIR/$port/redis.pid"
    [[ -f "$pidfile" ]] || continue
    redis-cli -h "$HOST" -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$pidfile")" 2>/dev/null || true
    say "stopped the node on $HOST:$port"
  done
  rm -rf "${DIR:?}"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if cluster_ok; then say "cluster_state:ok on $HOST, ports ${PORTS[*]}"; else say "no cluster answers with cluster_state:ok on $HOST, ports ${PORTS[*]}"; exit 1; fi
    ;;
  url) url ;;
  *)
    echo "usage: bash scripts/redis-cluster.sh start|stop|status|url" >&2
    exit 2
    ;;
esac
