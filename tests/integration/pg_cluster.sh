#!/usr/bin/env bash
# A private PostgreSQL cluster a test may stop and start again without touching the one tests/run
# shares between tests (deploy/lib/common.sh's ccms_pg_start/ccms_pg_stop, as the dev stack).
#
#   pg_cluster.sh start DATA_DIR PORT LOGFILE   initdb if needed, start on 127.0.0.1:PORT
#   pg_cluster.sh stop DATA_DIR                 pg_ctl stop -m fast (sessions end, as in a shutdown)
#   pg_cluster.sh purge DATA_DIR                stop, then delete DATA_DIR
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/deploy/lib/common.sh"
case "${1:-}" in
  start) ccms_pg_start "$2" "$3" "$4" ;;
  stop) ccms_pg_stop "$2" ;;
  purge) ccms_pg_stop "$2"; rm -rf "${2:?}" ;;
  *) echo "usage: pg_cluster.sh start DATA_DIR PORT LOGFILE | stop DATA_DIR | purge DATA_DIR" >&2; exit 2 ;;
esac
