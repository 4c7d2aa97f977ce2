# Shared shell helpers of the dev stack and the test harness (sourced, not run).

# A free TCP port on loopback (none listening there now).
ccms_free_port() {
  # Below the kernel's ephemeral range (ip_local_port_range, 32768-60999 on Debian): a port from
  # inside it can be taken by any outgoing connection (a service's own PostgreSQL or broker
  # socket) between this check and the listener's bind, which CI saw as "Address already in use".
  local low=32768 port
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  ((low > 12000)) || low=32768
  for _ in $(seq 1 200); do
    port=$((10000 + RANDOM % (low - 10000)))
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
# throwaway cluster), then start it on 127.0.0.1:PORT with its socket in DATA_DIR. As root the
# cluster runs as the postgres user, who must be able to reach DATA_DIR (see ccms_dev_pg_dir);
# LOGFILE is opened by this shell, so it may sit in a folder that user cannot enter.
# CCMS_PG_OPTIONS, when set, adds server options (tests/bench/run --profile loads
# pg_stat_statements with it).
ccms_pg_start() {
  local data="$1" port="$2" logfile="$3" bin
  bin="$(ccms_pg_bin)"
  mkdir -p "$data"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$data"; fi
  chmod 700 "$data"
  if [ ! -f "$data/PG_VERSION" ]; then
    (cd / && ccms_as_pg_user "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 \
      --locale=C.UTF-8) >/dev/null
  fi
  # No -l: the server writes to pg_ctl's output, the descriptor opened here.
  if ! (cd / && ccms_as_pg_user "$bin/pg_ctl" -D "$data" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $data -c max_connections=200 -c fsync=${CCMS_PG_FSYNC:-on} ${CCMS_PG_OPTIONS:-}" \
      start) >>"$logfile" 2>&1; then
    echo "PostgreSQL did not start; last lines of $logfile:" >&2
    tail -n 5 "$logfile" >&2
    return 1
  fi
}

ccms_pg_stop() {
  local data="$1"
  [ -f "$data/postmaster.pid" ] || return 0
  (cd / && ccms_as_pg_user "$(ccms_pg_bin)/pg_ctl" -D "$data" -m fast -w stop) >/dev/null 2>&1 || true
}

# ccms_dev_pg_dir RUN_DIR: where the dev stack run from RUN_DIR keeps its PostgreSQL cluster.
# As root, PostgreSQL runs as the postgres user, who cannot enter a private folder (/root, any
# mktemp -d folder) and so not a checkout there: the cluster lives outside the checkout, in
# /var/lib/ccms-dev/<first 12 hex digits of sha256(RUN_DIR's absolute path)>/pg, owned by
# postgres and kept across restarts of the stack. A user who is not root runs PostgreSQL as
# himself: RUN_DIR/pg. A cluster already in RUN_DIR/pg (made before this rule) stays in use.
# CCMS_PG_DATA_DIR overrides all of this.
ccms_dev_pg_dir() {
  local run_dir="$1" key
  if [ -n "${CCMS_PG_DATA_DIR:-}" ]; then
    echo "$CCMS_PG_DATA_DIR"
  elif [ "$(id -u)" -ne 0 ] || [ -f "$run_dir/pg/PG_VERSION" ]; then
    echo "$run_dir/pg"
  else
    key="$(realpath -m "$run_dir" | sha256sum | cut -c1-12)"
    echo "/var/lib/ccms-dev/$key/pg"
  fi
}

# ccms_port_taken PORT: whether something listens on 127.0.0.1:PORT.
ccms_port_taken() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
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

# ccms_hmac_jwks KID SECRET_FILE: prints a JWKS (CCMS_JWT_KEYS_FILE) holding the file's secret as
# one HS256 key named KID: the dev profile's key set (docs/security.md, "Tokens").
ccms_hmac_jwks() {
  local k
  k="$(tr -d '\n' <"$2" | base64 -w0 | tr '+/' '-_' | tr -d '=')"
  printf '{"keys": [{"kty": "oct", "kid": "%s", "alg": "HS256", "use": "sig", "k": "%s"}]}\n' "$1" "$k"
}

# ccms_local_ports_in_use: every local TCP port that some socket of this network namespace holds,
# in any state (a listener, or the local end of a connection: either makes a later bind fail), one
# per line, from /proc/net/tcp and tcp6.
ccms_local_ports_in_use() {
  local f local_address hex
  for f in /proc/net/tcp /proc/net/tcp6; do
    [ -r "$f" ] || continue
    while read -r _ local_address _; do
      hex="${local_address##*:}"
      [[ "$hex" =~ ^[0-9A-Fa-f]{4}$ ]] && echo "$((16#$hex))"
    done <"$f"
  done | sort -un
}

# ccms_ports_free PORT...: whether no socket holds any of the PORTs (nothing listens on them and
# no connection uses one as its local port).
ccms_ports_free() {
  local used p
  used=" $(ccms_local_ports_in_use | tr '\n' ' ') "
  for p in "$@"; do
    [[ "$used" == *" $p "* ]] && return 1
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && return 1
  done
  return 0
}

# ccms_free_port_offset STEP_SALT BASE_PORT...: an offset (a multiple of 100 plus STEP_SALT) at
# which none of the base ports is held by any socket, for a second dev stack beside the first
# (tests).
ccms_free_port_offset() {
  local salt="$1" off p ports
  shift
  for _ in $(seq 1 50); do
    off=$(( (RANDOM % 80 + 1) * 100 + salt ))
    ports=()
    for p in "$@"; do ports+=("$((p + off))"); done
    if ccms_ports_free "${ports[@]}"; then echo "$off"; return 0; fi
  done
  echo "no free port offset found" >&2
  return 1
}

# ccms_dev_port_offset STEP_SALT: ccms_free_port_offset over every port deploy/dev/up opens
# (PostgreSQL, the five services' gRPC and metrics ports): a second dev stack for a test.
# The gRPC and PostgreSQL ports land in the kernel's ephemeral range, where an outgoing
# connection made before the stack binds them could take one ("cannot listen"): as root, they are
# also added to net.ipv4.ip_local_reserved_ports (tests/run restores the list when it ends).
CCMS_DEV_BASE_PORTS=(55432 50061 50062 50063 50064 50065 9461 9462 9463 9464 9465)
# The ports are checked again once reserved: a connection made between the first check and the
# reservation may have taken one, and then another offset is chosen.
ccms_dev_port_offset() {
  local off p ports
  for _ in 1 2 3 4 5; do
    off="$(ccms_free_port_offset "$1" "${CCMS_DEV_BASE_PORTS[@]}")" || return 1
    ports=()
    for p in "${CCMS_DEV_BASE_PORTS[@]}"; do ports+=("$((p + off))"); done
    ccms_reserve_ports "${ports[@]}"
    if ccms_ports_free "${ports[@]}"; then echo "$off"; return 0; fi
  done
  echo "no free port offset found" >&2
  return 1
}

# ccms_reserve_ports PORT...: keeps the kernel from handing PORTs out as ephemeral ports
# (net.ipv4.ip_local_reserved_ports; a listener may still bind them). A no-op unless writable.
ccms_reserve_ports() {
  local f=/proc/sys/net/ipv4/ip_local_reserved_ports list p
  [ -w "$f" ] || return 0
  list="$(cat "$f" 2>/dev/null)" || return 0
  for p in "$@"; do list="${list:+$list,}$p"; done
  echo "$list" 2>/dev/null >"$f" || true
}

# ccms_dev_tls DIR: the dev stack's private PKI in DIR (0700; keys 0600), made with openssl once
# and reused by every start; made again when a file is missing, a certificate no longer verifies
# against its CA, or one expires within a day. EC P-256 keys; CAs 10 years, leaves 2 years.
#   ca.crt          the dev CA: clients verify servers against it (CCMS_GRPC_CA_FILE)
#   server.crt/key  the services' certificate: DNS localhost, IP 127.0.0.1 (server auth)
#   client-ca.crt   issues staff and service client certificates (CCMS_GRPC_TLS_CLIENT_CA_FILE)
#   client.crt/key  a dev staff client certificate (ccmsctl, ccms-load, grpc_call.py)
#   service.crt/key the services' client certificate for their calls to each other
#   partner-ca.crt  issues partner agencies' certificates (CCMS_GRPC_TLS_PARTNER_CA_FILE)
#   partner.crt/key agency dev-agency: SAN URI ccms-partner://dev-agency (client auth)
# Prints "made" or "reused".
ccms_dev_tls() {
  local dir="$1" f ok=1
  mkdir -p "$dir"
  chmod 700 "$dir"
  for f in ca client-ca partner-ca server client service partner; do
    [ -s "$dir/$f.crt" ] && [ -s "$dir/$f.key" ] &&
      openssl x509 -in "$dir/$f.crt" -noout -checkend 86400 >/dev/null 2>&1 || { ok=0; break; }
  done
  if [ "$ok" = 1 ]; then
    openssl verify -CAfile "$dir/ca.crt" "$dir/server.crt" >/dev/null 2>&1 &&
      openssl verify -CAfile "$dir/client-ca.crt" "$dir/client.crt" "$dir/service.crt" >/dev/null 2>&1 &&
      openssl verify -CAfile "$dir/partner-ca.crt" "$dir/partner.crt" >/dev/null 2>&1 || ok=0
  fi
  if [ "$ok" = 1 ]; then echo reused; return 0; fi
  rm -f "$dir"/*.crt "$dir"/*.key "$dir"/*.csr
  (
    umask 077
    set -e
    cd "$dir"
    ca() {  # ca NAME SUBJECT
      openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
        -days 3650 -subj "$2" -keyout "$1.key" -out "$1.crt" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
        2>/dev/null
    }
    leaf() {  # leaf NAME CA SUBJECT EXTENSIONS
      openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
        -subj "$3" -keyout "$1.key" -out "$1.csr" 2>/dev/null
      openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -sha256 -days 730 \
        -set_serial "0x$(ccms_random_hex 16)" -out "$1.crt" \
        -extfile <(printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n%s\n' "$4") \
        2>/dev/null
      rm -f "$1.csr"
    }
    ca ca "/O=ccms dev/CN=ccms dev CA"
    ca client-ca "/O=ccms dev/CN=ccms dev client CA"
    ca partner-ca "/O=ccms dev/CN=ccms dev partner CA"
    leaf server ca "/O=ccms dev/CN=localhost" \
      "extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1"
    leaf client client-ca "/O=ccms dev/CN=dev-staff" "extendedKeyUsage=clientAuth"
    leaf service client-ca "/O=ccms dev/CN=ccms-service" "extendedKeyUsage=clientAuth"
    leaf partner partner-ca "/O=ccms dev partner/CN=dev-agency" \
      "extendedKeyUsage=clientAuth
subjectAltName=URI:ccms-partner://dev-agency"
    chmod 600 ./*.key
    chmod 644 ./*.crt
  ) || { echo "ccms_dev_tls: openssl could not make the dev certificates in $dir" >&2; return 1; }
  echo made
}
