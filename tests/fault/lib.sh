# Shared by the fault tests (sourced, not run): services started against tests/run's PostgreSQL
# and dev broker, faults (broker down/up, PostgreSQL restart, kill), load with ccms-load, the
# closing nothing-lost check and the figures each test prints.
#
# Needs tests/run's environment: CCMS_TEST_PG_ADMIN_DSN, CCMS_TEST_KAFKA_BOOTSTRAP,
# CCMS_TEST_KAFKA_CONTROL_PORT, CCMS_TEST_WORK_DIR (PostgreSQL's data folder is its pg/),
# CCMS_SOURCE_DIR, CCMS_BUILD_DIR.
#
#   source "$CCMS_SOURCE_DIR/tests/fault/lib.sh"
#   fault_init pg_restart                  # work folder, database, keys, cleanup trap
#   fault_start a records                  # instance "a" of ccms-records; waits until healthy
#   fault_load_start a open-case -c 8 --duration 20
#   fault_broker down all; fault_pg_restart; fault_wait_healthy a 15; fault_broker up all
#   fault_load_wait
#   fault_nothing_lost --topic ccms.records.v1
#   fault_figure recover_s 2.1
#
# Every process started here is stopped on exit (also on failure), the brokers are set up again
# and PostgreSQL is started again if a test left it down. Logs stay in $FAULT_DIR on failure.
set -euo pipefail

: "${CCMS_TEST_PG_ADMIN_DSN:?run fault tests through tests/run --label fault}"
: "${CCMS_TEST_KAFKA_BOOTSTRAP:?}" "${CCMS_TEST_KAFKA_CONTROL_PORT:?}" "${CCMS_TEST_WORK_DIR:?}"
: "${CCMS_SOURCE_DIR:?}" "${CCMS_BUILD_DIR:?}"
source "$CCMS_SOURCE_DIR/deploy/lib/common.sh"

# The services here listen in plaintext on loopback: a shell that sourced a dev stack's .run/env
# must not send ccmsctl and ccms-load over TLS to them.
unset CCMS_GRPC_CA_FILE CCMS_GRPC_CLIENT_CERT_FILE CCMS_GRPC_CLIENT_KEY_FILE CCMS_GRPC_TLS_SERVER_NAME

FAULT_PG_PORT="$(sed -n 's/.*port=\([0-9]*\).*/\1/p' <<<"$CCMS_TEST_PG_ADMIN_DSN")"
FAULT_PG_DATA="$CCMS_TEST_WORK_DIR/pg"
FAULT_CTL="$CCMS_BUILD_DIR/tools/ccmsctl/ccmsctl"
FAULT_LOAD_BIN="$CCMS_BUILD_DIR/tests/bench/ccms-load"
FAULT_NAME=""
FAULT_DIR=""
FAULT_DB=""
FAULT_DSN=""
FAULT_LOAD_PID=""
declare -A FAULT_PID=() FAULT_ADDR=() FAULT_METRICS=() FAULT_SERVICE=()
# FAULT_ARGS[NAME]: command-line arguments of instance NAME's next start (word-split; e.g.
# --rebuild for ccms-reporting), cleared once used.
declare -A FAULT_ARGS=()

fault_log() { echo "[$(date -u +%H:%M:%S.%N | cut -c1-12)] $*"; }
fault_fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Milliseconds since the epoch (for the figures).
fault_now_ms() { date +%s%3N; }

# fault_figure KEY VALUE: one line "figure NAME.KEY=VALUE" (CTest's output keeps it).
fault_figure() {
  echo "figure $FAULT_NAME.$1=$2"
  echo "$1=$2" >>"$FAULT_DIR/figures"
}

# psql on the admin database or, with -d, another one: fault_psql [-d DB] -c "SQL"
fault_psql() {
  local db=postgres
  if [ "${1:-}" = -d ]; then
    db="$2"
    shift 2
  fi
  psql -X -q -v ON_ERROR_STOP=1 -tA -h 127.0.0.1 -p "$FAULT_PG_PORT" -U postgres -d "$db" "$@"
}
# fault_sql "SQL": one query on the test's database, its rows unaligned.
fault_sql() { fault_psql -d "$FAULT_DB" -c "$1"; }

fault_pg_running() { [ -f "$FAULT_PG_DATA/postmaster.pid" ] && fault_psql -c 'SELECT 1' >/dev/null 2>&1; }

fault_pg_start() {
  # Same options as tests/run's ccms_pg_start; the output goes to tests/run's log.
  ccms_pg_start "$FAULT_PG_DATA" "$FAULT_PG_PORT" "$CCMS_TEST_WORK_DIR/logs/postgres.log"
}
fault_pg_stop() {
  (cd / && ccms_as_pg_user "$(ccms_pg_bin)/pg_ctl" -D "$FAULT_PG_DATA" -m fast -w stop) \
    >/dev/null
}
# pg_ctl restart -m fast (every session is cut); returns when PostgreSQL accepts connections.
fault_pg_restart() {
  (cd / && ccms_as_pg_user "$(ccms_pg_bin)/pg_ctl" -D "$FAULT_PG_DATA" -m fast -w -t 60 \
    -o "-p $FAULT_PG_PORT -c listen_addresses=127.0.0.1 -k $FAULT_PG_DATA -c max_connections=200 -c fsync=${CCMS_PG_FSYNC:-on}" \
    restart) >>"$CCMS_TEST_WORK_DIR/logs/postgres.log" 2>&1
}

# fault_broker CMD...: one line to the dev broker's control port ("down all", "up all",
# "status"); prints the reply, fails unless it starts with "ok".
fault_broker() {
  local reply
  exec 7<>"/dev/tcp/127.0.0.1/$CCMS_TEST_KAFKA_CONTROL_PORT"
  printf '%s\n' "$*" >&7
  IFS= read -r -t 10 reply <&7 || reply="error no reply"
  exec 7<&- 7>&-
  echo "$reply"
  [[ "$reply" == ok* ]]
}

# fault_init NAME: the work folder, a fresh database, the keys, and the cleanup trap.
fault_init() {
  FAULT_NAME="$1"
  FAULT_DIR="$(mktemp -d "$CCMS_TEST_WORK_DIR/fault-$FAULT_NAME.XXXXXX")"
  chmod 755 "$FAULT_DIR"
  FAULT_DB="fault_${FAULT_NAME}_$(ccms_random_hex 4)"
  FAULT_DSN="host=127.0.0.1 port=$FAULT_PG_PORT dbname=$FAULT_DB user=postgres"
  trap fault_cleanup EXIT
  trap 'exit 130' INT TERM
  fault_psql -c "CREATE DATABASE $FAULT_DB" >/dev/null
  ccms_random_hex 32 >"$FAULT_DIR/jwt.key"
  ccms_hmac_jwks fault-1 "$FAULT_DIR/jwt.key" >"$FAULT_DIR/jwt-keys.json"
  ccms_random_hex 32 >"$FAULT_DIR/pii.key"
  # The service token of assessment's calls: for records' audience.
  "$FAULT_CTL" token --role service --districts '*' --subject ccms-assessment --ttl-hours 2 \
    --audience ccms-records --key-set "$FAULT_DIR/jwt-keys.json" >"$FAULT_DIR/service.token"
  : >"$FAULT_DIR/figures"
  fault_log "fault test $FAULT_NAME: database $FAULT_DB, work folder $FAULT_DIR"
}

fault_cleanup() {
  local rc=$?
  set +e
  trap - EXIT
  [ -n "$FAULT_LOAD_PID" ] && kill -KILL "$FAULT_LOAD_PID" 2>/dev/null
  local name
  for name in "${!FAULT_PID[@]}"; do
    kill -KILL "${FAULT_PID[$name]}" 2>/dev/null
    wait "${FAULT_PID[$name]}" 2>/dev/null
  done
  fault_broker up all >/dev/null 2>&1
  if ! fault_pg_running; then
    echo "fault_cleanup: PostgreSQL was down; starting it again" >&2
    fault_pg_start
  fi
  if [ "$rc" -eq 0 ]; then
    fault_psql -c "DROP DATABASE IF EXISTS $FAULT_DB WITH (FORCE)" >/dev/null 2>&1
    rm -rf "$FAULT_DIR"
  else
    echo "fault test $FAULT_NAME failed (exit $rc); logs in $FAULT_DIR, database $FAULT_DB" >&2
    for name in "${!FAULT_PID[@]}"; do
      echo "--- last lines of $name.log" >&2
      tail -n 15 "$FAULT_DIR/$name.log" >&2
    done
  fi
  exit "$rc"
}

# fault_start NAME SERVICE [VAR=VALUE...]: starts instance NAME of build/services/SERVICE/
# ccms-SERVICE on free loopback ports, on the test's database and the dev broker, with the extra
# settings given; waits (30 s) until it reports SERVING. Its log is $FAULT_DIR/NAME.log.
fault_start() {
  local name="$1" service="$2"
  shift 2
  fault_spawn "$name" "$service" "$@"
  fault_wait_healthy "$name" 30 || fault_fail "ccms-$service ($name) did not become healthy"
}

# fault_spawn: fault_start without waiting; ports are kept across restarts of one NAME.
fault_spawn() {
  local name="$1" service="$2"
  shift 2
  [ -n "${FAULT_ADDR[$name]:-}" ] || FAULT_ADDR[$name]="127.0.0.1:$(ccms_free_port)"
  [ -n "${FAULT_METRICS[$name]:-}" ] || FAULT_METRICS[$name]="127.0.0.1:$(ccms_free_port)"
  FAULT_SERVICE[$name]="$service"
  env CCMS_GRPC_LISTEN="${FAULT_ADDR[$name]}" \
    CCMS_METRICS_LISTEN="${FAULT_METRICS[$name]}" \
    CCMS_DB_DSN="$FAULT_DSN" \
    CCMS_KAFKA_BOOTSTRAP="$CCMS_TEST_KAFKA_BOOTSTRAP" \
    CCMS_PROFILE=dev \
    CCMS_JWT_KEYS_FILE="$FAULT_DIR/jwt-keys.json" \
    CCMS_PII_KEY_FILE="$FAULT_DIR/pii.key" \
    CCMS_SERVICE_TOKEN_FILE="$FAULT_DIR/service.token" \
    CCMS_RECORDS_ADDR="${FAULT_RECORDS_ADDR:-127.0.0.1:1}" \
    CCMS_LOG_LEVEL=info \
    "$@" \
    "$CCMS_BUILD_DIR/services/$service/ccms-$service" ${FAULT_ARGS[$name]:-} \
    >>"$FAULT_DIR/$name.log" 2>&1 &
  FAULT_PID[$name]=$!
  unset "FAULT_ARGS[$name]"
  fault_log "started $name (ccms-$service, pid ${FAULT_PID[$name]}) on ${FAULT_ADDR[$name]}"
}

# fault_wait_healthy NAME SECONDS: until health says SERVING; fails if the process died.
fault_wait_healthy() {
  local name="$1" secs="$2" deadline
  deadline=$(($(fault_now_ms) + secs * 1000))
  while [ "$(fault_now_ms)" -lt "$deadline" ]; do
    if "$FAULT_CTL" health --addr "${FAULT_ADDR[$name]}" --timeout 1 >/dev/null 2>&1; then
      return 0
    fi
    fault_alive "$name" || fault_fail "$name (pid ${FAULT_PID[$name]}) exited"
    sleep 0.1
  done
  return 1
}

fault_alive() { kill -0 "${FAULT_PID[$1]}" 2>/dev/null; }

# fault_signal NAME SIGNAL: sends it; fault_stop NAME [SECONDS]: SIGTERM and wait, the exit
# status in FAULT_RC (137: it had to be killed); fault_kill9 NAME: kill -9 and reap. Call them
# in this shell, not in $(...): only this shell can reap its children.
FAULT_RC=""
fault_signal() { kill -"$2" "${FAULT_PID[$1]}"; }
fault_stop() {
  local name="$1" secs="${2:-20}" rc=0
  kill -TERM "${FAULT_PID[$name]}" 2>/dev/null || true
  local deadline=$(($(fault_now_ms) + secs * 1000))
  while fault_alive "$name" && [ "$(fault_now_ms)" -lt "$deadline" ]; do sleep 0.1; done
  if fault_alive "$name"; then
    kill -KILL "${FAULT_PID[$name]}" 2>/dev/null
    rc=137
    wait "${FAULT_PID[$name]}" 2>/dev/null || true
  else
    wait "${FAULT_PID[$name]}" || rc=$?
  fi
  unset "FAULT_PID[$name]"
  FAULT_RC="$rc"
}
fault_kill9() {
  kill -KILL "${FAULT_PID[$1]}" 2>/dev/null || true
  wait "${FAULT_PID[$1]}" 2>/dev/null || true
  unset "FAULT_PID[$1]"
}

# fault_metric NAME METRIC [LABEL_MATCH]: the value of the first sample of METRIC (optionally
# whose line contains LABEL_MATCH) on instance NAME's /metrics; empty if absent.
fault_metric() {
  local name="$1" metric="$2" match="${3:-}" host port
  host="${FAULT_METRICS[$name]%:*}"
  port="${FAULT_METRICS[$name]##*:}"
  (
    exec 3<>"/dev/tcp/$host/$port" || exit 0
    printf 'GET /metrics HTTP/1.0\r\nHost: %s\r\n\r\n' "$host" >&3
    cat <&3
  ) 2>/dev/null | tr -d '\r' | grep -E "^$metric(\{| )" | grep -F -- "$match" | head -n 1 |
    awk '{print $NF}'
}

# fault_load_start NAME SCENARIO [ccms-load options...]: ccms-load against instance NAME in the
# background, with retries under the same request ids (--retries 50) and the acknowledged
# OpenCase calls written to $FAULT_DIR/acked (appended across runs). Output: $FAULT_DIR/load.N.out.
FAULT_LOAD_RUNS=0
fault_load_start() {
  local name="$1"
  shift
  FAULT_LOAD_RUNS=$((FAULT_LOAD_RUNS + 1))
  FAULT_LOAD_OUT="$FAULT_DIR/load.$FAULT_LOAD_RUNS.out"
  "$FAULT_LOAD_BIN" "$@" --addr "${FAULT_ADDR[$name]}" --key-file "$FAULT_DIR/jwt-keys.json" \
    --warmup 0 --quiet --retries 50 --timeout 5 --acked "$FAULT_DIR/acked.$FAULT_LOAD_RUNS" \
    >"$FAULT_LOAD_OUT" 2>&1 &
  FAULT_LOAD_PID=$!
}
# fault_load_wait: waits for the background ccms-load; fails if it failed. Prints its summary.
fault_load_wait() {
  local rc=0
  wait "$FAULT_LOAD_PID" || rc=$?
  FAULT_LOAD_PID=""
  cat "$FAULT_DIR/acked.$FAULT_LOAD_RUNS" >>"$FAULT_DIR/acked" 2>/dev/null || true
  sed 's/^/  load: /' "$FAULT_LOAD_OUT"
  [ "$rc" -eq 0 ] || fault_fail "ccms-load exited $rc"
}
# fault_load NAME SCENARIO [options...]: the same in the foreground.
fault_load() {
  fault_load_start "$@"
  fault_load_wait
}
fault_acked_count() { cat "$FAULT_DIR/acked" 2>/dev/null | wc -l; }

# fault_nothing_lost [nothing_lost.py options...]: the closing check on the test's database
# and the acknowledged ids of every ccms-load run (see tests/fault/nothing_lost.py). Prints its
# counts as figures.
fault_nothing_lost() {
  touch "$FAULT_DIR/acked"
  local out rc=0
  out="$(/usr/bin/python3 "$CCMS_SOURCE_DIR/tests/fault/nothing_lost.py" \
    --dsn "$FAULT_DSN" --bootstrap "$CCMS_TEST_KAFKA_BOOTSTRAP" --acked "$FAULT_DIR/acked" "$@")" ||
    rc=$?
  echo "$out"
  local line
  while IFS= read -r line; do
    case "$line" in figure\ *) echo "${line#figure }" >>"$FAULT_DIR/figures" ;; esac
  done <<<"$out"
  [ "$rc" -eq 0 ] || fault_fail "nothing_lost.py found a loss (exit $rc)"
}

# fault_wait_until SECONDS COMMAND...: polls COMMAND every 0.1 s; prints the seconds it took.
# Gives up early (status 2) when an instance started here (and not stopped) has died.
fault_wait_until() {
  local secs="$1" t0 deadline name
  shift
  t0=$(fault_now_ms)
  deadline=$((t0 + secs * 1000))
  while ! "$@" >/dev/null 2>&1; do
    [ "$(fault_now_ms)" -lt "$deadline" ] || return 1
    for name in "${!FAULT_PID[@]}"; do
      if ! fault_alive "$name"; then
        echo "fault_wait_until: $name (pid ${FAULT_PID[$name]}) died" >&2
        return 2
      fi
    done
    sleep 0.1
  done
  awk -v ms=$(($(fault_now_ms) - t0)) 'BEGIN { printf "%.1f\n", ms / 1000 }'
}

# fault_unsent: the outbox rows not yet stamped sent.
fault_unsent() { fault_sql "SELECT count(*) FROM outbox WHERE sent_at IS NULL"; }
fault_outbox_drained() { [ "$(fault_unsent)" = 0 ]; }
