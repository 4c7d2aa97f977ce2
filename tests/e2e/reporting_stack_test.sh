#!/usr/bin/env bash
# End to end, reporting on the dev stack (deploy/dev/up --detach, private run folder, free
# ports): ccms-load opens cases in records (16 districts round-robin, every supervision starting
# 2025-01-10, one in four on parole); ccms-reporting projects them from ccms.records.v1; the
# monthly report of January 2025 (ccmsctl report run) equals the counts taken here from the
# cases seeded and to the cases counted with psql in records' own database (by district and by
# sentence kind); a district bureau sees its district only; a partner is refused; the monthly report
# definition is run, published and exported (XLSX read back with openpyxl equals the CSV); then
# `ccms-reporting --rebuild` rebuilds from the beginning of the topic to the same figures, and
# the monthly report run again equals the published version.
set -euo pipefail
ROOT="${CCMS_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
BUILD_DIR="${CCMS_BUILD_DIR:-$ROOT/build}"
CTL="$BUILD_DIR/tools/ccmsctl/ccmsctl"
LOAD="$BUILD_DIR/tests/bench/ccms-load"
SEED=48

source "$ROOT/deploy/lib/common.sh"
source "$ROOT/tests/e2e/lib.sh"
quiet() { "$@" >/dev/null 2>&1; }

RUN_DIR="$(mktemp -d /tmp/ccms-e2e-reporting.XXXXXX)"
chmod 755 "$RUN_DIR"
export CCMS_RUN_DIR="$RUN_DIR"
CCMS_DEV_PORT_OFFSET="$(ccms_dev_port_offset 0)"
export CCMS_DEV_PORT_OFFSET
cleanup() {
  [ -n "${REBUILD_PID:-}" ] && kill -TERM "$REBUILD_PID" 2>/dev/null && wait "$REBUILD_PID" 2>/dev/null
  "$ROOT/deploy/dev/down" --purge >/dev/null 2>&1 || true
  if [ "$failed" = 0 ]; then rm -rf "$RUN_DIR"; else echo "logs kept in $RUN_DIR/logs"; fi
}
trap cleanup EXIT

"$ROOT/deploy/dev/up" --detach > "$RUN_DIR/up.out" 2>&1 || { cat "$RUN_DIR/up.out"; exit 1; }
# shellcheck disable=SC1091
. "$RUN_DIR/env"
check "stack lists ccms-reporting" grep -q "ccms-reporting" "$RUN_DIR/up.out"
check "reporting reports SERVING" quiet "$CTL" health --addr "$CCMS_REPORTING_ADDR" --timeout 2
check "report indicators lists the definitions" \
  grep -q "on_register" <("$CTL" report indicators 2>&1)

# Seed cases through records, as an office would open them.
"$LOAD" seed --addr "$CCMS_RECORDS_ADDR" --key-file "$CCMS_JWT_KEYS_FILE" --count "$SEED" \
  --id-base 0 --kv > "$RUN_DIR/seed.kv" 2> "$RUN_DIR/seed.err" || true
check "ccms-load opened $SEED cases" grep -q "^seed.ok $SEED\$\|^seed.ok=$SEED\$" "$RUN_DIR/seed.kv"

# The counts taken independently: ccms-load's case n goes to district n % 16 of its list and is
# on parole when n % 4 == 1 (tests/bench/load/workload.cc).
DISTRICTS=(110101 110102 110105 110106 110107 110108 110109 110111 110112 110113 110114 110115
  110116 110117 110118 110119)
declare -A want_district
parole=0
for ((n = 0; n < SEED; n++)); do
  d="${DISTRICTS[$((n % 16))]}"
  want_district[$d]=$((${want_district[$d]:-0} + 1))
  [ $((n % 4)) = 1 ] && parole=$((parole + 1))
done
probation=$((SEED - parole))

report() {  # report ARGS... -> the JSON of a January 2025 report
  "$CTL" report run --period month --day 2025-01-15 --json "$@" 2>/dev/null
}
total_cells() { /usr/bin/python3 -c 'import json,sys; print(",".join(json.load(sys.stdin)["total"]["cells"]))'; }
rows() { /usr/bin/python3 -c 'import json,sys; [print(r["key"], ",".join(r["cells"])) for r in json.load(sys.stdin).get("rows", [])]'; }

IND=(--indicator on_register --indicator received --indicator on_register_probation
  --indicator on_register_parole --indicator discharged)
want_total="$SEED,$SEED,$probation,$parole,0"
got=""
for _ in $(seq 1 120); do
  got="$(report "${IND[@]}" | total_cells || true)"
  [ "$got" = "$want_total" ] && break
  sleep 0.5
done
check "January 2025: on register, received, probation, parole, discharged = $want_total (got $got)" \
  test "$got" = "$want_total"

report "${IND[@]}" --by district | rows > "$RUN_DIR/by-district.txt" || true
ok=1
for d in "${!want_district[@]}"; do
  n="${want_district[$d]}"
  grep -q "^$d $n,$n," "$RUN_DIR/by-district.txt" || { ok=0; echo "  district $d: want $n"; }
done
[ "$(wc -l < "$RUN_DIR/by-district.txt")" = "${#want_district[@]}" ] || ok=0
check "by district: each district's on-register and received equal the seeded counts" test "$ok" = 1

# The same figures counted in records' own database (psql, not through any service): on the
# register at the end of January 2025 and received in January, by district and by sentence kind.
RPSQL=(psql -X -q -At -F ' ' -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "${CCMS_PG_ADDR##*:}" -U postgres
  -d ccms_records)
counted() {  # counted COLUMN -> "value on_register,received" lines, sorted
  "${RPSQL[@]}" -c "SELECT $1, (count(*) FILTER (WHERE start_date < '2025-02-01'
      AND (closed_on IS NULL OR closed_on >= '2025-02-01')))::text || ',' || (count(*) FILTER (
      WHERE start_date >= '2025-01-01' AND start_date < '2025-02-01'))::text
    FROM cases GROUP BY 1 ORDER BY 1"
}
for by in district_code:district sentence_kind:sentence_kind; do
  counted "${by%%:*}" > "$RUN_DIR/psql-${by#*:}.txt" 2> "$RUN_DIR/psql-${by#*:}.err" || true
  report --indicator on_register --indicator received --by "${by#*:}" | rows | sort \
    > "$RUN_DIR/report-${by#*:}.txt" || true
  check "by ${by#*:}: the report's on-register and received equal records' database" \
    bash -c "[ -s '$RUN_DIR/psql-${by#*:}.txt' ] && diff '$RUN_DIR/psql-${by#*:}.txt' '$RUN_DIR/report-${by#*:}.txt'"
done

# December 2024, before every start: nothing on the register.
got="$("$CTL" report run --period month --day 2024-12-01 --indicator on_register --json 2>/dev/null | total_cells || true)"
check "December 2024: nobody on the register yet (got $got)" test "$got" = 0

BUREAU="$("$CTL" token --role district_bureau --districts 110101 --subject bureau-e2e --key-set "$CCMS_JWT_KEYS_FILE")"
got="$("$CTL" --token "$BUREAU" report run --period month --day 2025-01-15 --indicator on_register --json 2>/dev/null | total_cells || true)"
check "district bureau of 110101 counts its district only (${want_district[110101]}, got $got)" \
  test "$got" = "${want_district[110101]}"
PARTNER="$("$CTL" token --role partner --districts 110101 --subject partner-e2e --agency agency-1 --key-set "$CCMS_JWT_KEYS_FILE")"
out="$("$CTL" --token "$PARTNER" report run --period month --day 2025-01-15 2>&1 || true)"
check "a partner is refused" grep -q "PERMISSION_DENIED" <<<"$out"

# The monthly report definition for the city: run, published, exported as XLSX and CSV, and the
# workbook read back with openpyxl equals the CSV files cell for cell.
snapshot_json() { "$CTL" report snapshot --report monthly --day 2025-01-15 --json 2>/dev/null; }
field() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
snap="$(snapshot_json || true)"
version="$(field 'd["snapshot"]["version"]' <<<"$snap" 2>/dev/null || true)"
checksum="$(field 'd["snapshot"]["checksum"]' <<<"$snap" 2>/dev/null || true)"
on_register="$(field '[t for t in d["snapshot"]["tables"] if t["id"]=="register"][0]["total"]["cells"][0]' <<<"$snap" 2>/dev/null || true)"
check "monthly report of January 2025: version 1, $SEED on the register (got v$version, $on_register)" \
  test "$version:$on_register" = "1:$SEED"
check "report publish freezes version 1" quiet "$CTL" report publish --report monthly \
  --day 2025-01-15 --version 1 --checksum "$checksum"
mkdir -p "$RUN_DIR/export"
check "report export --format xlsx writes the workbook" quiet "$CTL" report export \
  --report monthly --day 2025-01-15 --format xlsx --out-dir "$RUN_DIR/export"
check "report export --format csv writes one file per table" quiet "$CTL" report export \
  --report monthly --day 2025-01-15 --format csv --out-dir "$RUN_DIR/export"
pairs=()
for t in register=在册与收发 supervision=监督管理 offices=司法所 sentence_kinds=矫正类别 services=服务人数; do
  pairs+=("${t#*=}=$RUN_DIR/export/monthly-2025-01-01-city-v1-${t%%=*}.csv")
done
check "the XLSX read back (openpyxl) equals the CSV files cell for cell" \
  /usr/bin/python3 "$ROOT/tests/support/xlsx_matches_csv.py" \
  "$RUN_DIR/export/monthly-2025-01-01-city-v1.xlsx" "${pairs[@]}"
check "the CSV's total row counts the seeded cases" \
  grep -q "^合计,$SEED,$probation,0,$parole,0,$SEED," "$RUN_DIR/export/monthly-2025-01-01-city-v1-register.csv"
# The same export as a job: ccmsctl polls it, then fetches every file chunk by chunk
# (GetExportChunk); the files equal the direct export's byte for byte.
mkdir -p "$RUN_DIR/export-job"
check "report export --job fetches every file of the job in chunks" quiet "$CTL" report export \
  --report monthly --day 2025-01-15 --format csv --job --out-dir "$RUN_DIR/export-job"
check "the job's CSV files equal the direct export byte for byte" bash -c \
  "cd '$RUN_DIR/export-job' && [ \"\$(ls *.csv | wc -l)\" = 5 ] && for f in *.csv; do cmp -s \"\$f\" '$RUN_DIR/export/'\"\$f\" || exit 1; done"

# --rebuild: stop the service, start it with --rebuild on the same settings; same figures.
pid="$(cat "$RUN_DIR/pids/reporting")"
cmdline_env="$(tr '\0' '\n' < "/proc/$pid/environ" | grep '^CCMS_' || true)"
kill -TERM "$pid"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
(
  while IFS= read -r kv; do export "${kv?}"; done <<<"$cmdline_env"
  exec "$BUILD_DIR/services/reporting/ccms-reporting" --rebuild
) > "$RUN_DIR/logs/reporting-rebuild.log" 2>&1 &
REBUILD_PID=$!
echo "$REBUILD_PID" > "$RUN_DIR/pids/reporting"
for _ in $(seq 1 100); do quiet "$CTL" health --addr "$CCMS_REPORTING_ADDR" --timeout 1 && break; sleep 0.3; done
check "ccms-reporting --rebuild logs the reset" grep -q "projections_reset" "$RUN_DIR/logs/reporting-rebuild.log"
got=""
for _ in $(seq 1 120); do
  got="$(report "${IND[@]}" | total_cells || true)"
  [ "$got" = "$want_total" ] && break
  sleep 0.5
done
check "after --rebuild the same figures ($got)" test "$got" = "$want_total"
unchanged="$(snapshot_json | field 'd.get("unchanged", False)' 2>/dev/null || true)"
check "after --rebuild the monthly report equals the published version (unchanged: $unchanged)" \
  test "$unchanged" = True

# No personal data in reporting's log or in its reports.
check "no names, ID numbers or addresses in reporting's logs" \
  bash -c "! grep -Eq '压测对象|测试街道|[0-9]{17}[0-9X]' '$RUN_DIR'/logs/reporting*.log"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
