# Shared shell helpers of the dev stack and the test harness (sourced, not run).

# A free TCP port on loopback (none listening there now).
ccms_free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
}

# Runs a command as the unprivileged user PostgreSQL needs (it refuses root).
ccms_as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

ccms_pg_bin() {
  echo "/usr/lib/postgresql/15/bin"
}

# ccms_pg_start DATA_DIR PORT LOGFILE: initdb if needed (trust on loopback: a private,
# throwaway cluster), then start it on 127.0.0.1:PORT with its socket in DATA_DIR.
ccms_pg_start() {
  local data="$1" port="$2" logfile="$3" bin
  bin="$(ccms_pg_bin)"
  mkdir -p "$data"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$data" "$(dirname "$logfile")" 2>/dev/null || true; fi
  chmod 700 "$data"
  if [ ! -f "$data/PG_VERSION" ]; then
    ccms_as_pg_user "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  touch "$logfile"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$logfile"; fi
  ccms_as_pg_user "$bin/pg_ctl" -D "$data" -l "$logfile" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $data -c max_connections=200 -c fsync=${CCMS_PG_FSYNC:-on}" start >/dev/null
}

ccms_pg_stop() {
  local data="$1"
  [ -f "$data/postmaster.pid" ] || return 0
  ccms_as_pg_user "$(ccms_pg_bin)/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

# ccms_wait_file FILE SECONDS
ccms_wait_file() {
  local f="$1" secs="$2"
  for _ in $(seq 1 $((secs * 10))); do
    [ -s "$f" ] && return 0
    sleep 0.1
  done
  return 1
}

ccms_random_hex() {
  od -An -tx1 -N "$1" /dev/urandom | tr -d ' \n'
}

# ccms_free_port_offset STEP_SALT BASE_PORT...: an offset (a multiple of 100 plus STEP_SALT) at
# which none of the base ports is taken, for a second dev stack beside the first (tests).
ccms_free_port_offset() {
  local salt="$1" off busy p
  shift
  for _ in $(seq 1 50); do
    off=$(( (RANDOM % 80 + 1) * 100 + salt ))
    busy=0
    for p in "$@"; do
      if (exec 3<>"/dev/tcp/127.0.0.1/$((p + off))") 2>/dev/null; then busy=1; break; fi
    done
    if [ "$busy" = 0 ]; then echo "$off"; return 0; fi
  done
  echo "no free port offset found" >&2
  return 1
}
