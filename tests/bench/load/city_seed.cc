// ccms-load city-seed: a city of cases written in bulk straight into the services' databases
// (docs/benchmarks.md, "City scale"), for measuring the lists and reads with a million cases
// behind them. Opening cases through OpenCase would take hours on the benchmark machine.
//
//   ccms-load city-seed [--run-dir .run] [--cases 1000000] [--active 30000] [--batch 5000]
//
// What the services would have written, at the ratios of docs/benchmarks.md ("City scale"):
// records' people (identity number encrypted and hashed with the stack's PII key, as OpenCase
// does), their details' first version, cases, contacts, leave, violations and sanctions;
// assessment's cases, assessments and the open dues; reporting's case projection, time line
// spans, counted flows and worklist rows. No events and no audit rows: the relay and the audit
// sealer would have a million rows to work through before the measurements.
//
// Case i (0 <= i < --cases) is a pure function of i and the flags: its ids, dates, district and
// office are computed in SQL from i (and the identity number here, from i), so every database
// gets the same case without reading another one. The last --active of them are open (2% of them
// pending intake), the others closed, their closing days spread over five years in i order.
//
// Resumable: each database has a table city_seed_batch; a batch of cases is written in one
// transaction with its row there, and a rerun skips the batches done. The flags are kept in
// city_seed_run; a rerun with other flags is refused (--fresh is not offered: drop the stack's
// databases with deploy/dev/down --purge).
#include "tests/bench/load/city_seed.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/crypto/pii_cipher.h"
#include "tests/bench/load/workload.h"

namespace ccms::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct CityFlags {
  std::string run_dir = ".run";
  int64_t cases = 1000000;
  int64_t active = 30000;
  int64_t batch = 5000;
  std::string today;  // YYYY-MM-DD, default: today in Asia/Shanghai
  std::vector<std::string> services = {"records", "assessment", "reporting"};
  int jobs = 4;
  bool skip_fk_triggers = true;
  bool quiet = false;
};

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return std::string(absl::StripAsciiWhitespace(line));
}

std::string Hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The SQL. ${...} are the flags (numbers and a checked date), put in the text.

// A UUIDv7 from a time (milliseconds since the epoch) and 63 bits: the services' ids are
// time-ordered UUIDv7 (ids::NewUuid), and so are these, so inserts land at the right of the
// indexes as the services' do.
constexpr char kUuid7Function[] =
    "CREATE OR REPLACE FUNCTION pg_temp.seed_uuid7(ms bigint, bits bigint) RETURNS uuid"
    " LANGUAGE sql IMMUTABLE AS $$ SELECT (lpad(to_hex(ms), 12, '0') || '7'"
    " || lpad(to_hex(bits & 4095), 3, '0') || '8'"
    " || lpad(to_hex((bits >> 12) & 1152921504606846975), 15, '0'))::uuid $$";

// One batch's cases [lo, hi), computed from i (docs/benchmarks.md, "City scale", the ratios).
constexpr char kBatchCases[] = R"SQL(
CREATE TEMP TABLE sc ON COMMIT DROP AS
WITH g AS (
  SELECT i, hashtextextended(i::text, 7) & 9223372036854775807 AS h
  FROM generate_series(${lo}::bigint, ${hi}::bigint - 1) i),
d AS (
  SELECT i, h, i >= ${closed} AS open_case, 6 + ((h >> 3) % 19)::int AS months,
         (h >> 10) % 200 AS office_no, (h >> 20) % 1000 AS r1, (h >> 30) % 1000 AS r2,
         (h >> 40) % 1000 AS r3, (h >> 50) % 1000 AS r4
  FROM g),
s AS (
  SELECT d.*,
    CASE WHEN NOT open_case THEN
           ((date '${today}' - 1826 + (i * 1826 / greatest(${closed}, 1))::int)
            - make_interval(months => months))::date
         WHEN r1 < 20 THEN date '${today}' - (r2 % 20)::int
         ELSE date '${today}' - (30 + r2 * (months * 30 - 31) / 1000)::int END AS start_date,
    (ARRAY['110101', '110102', '110105', '110106', '110107', '110108', '110109', '110111',
           '110112', '110113', '110114', '110115', '110116', '110117', '110118',
           '110119'])[office_no % 16 + 1] AS district_code,
    date '1955-01-01' + ((i / 16) % 18000)::int AS birth_date,
    CASE WHEN (i * 37) % 100 < 88 THEN 'MALE' ELSE 'FEMALE' END AS sex
  FROM d),
t AS (
  SELECT s.*, (s.start_date + make_interval(months => months))::date AS end_date,
    CASE WHEN open_case AND r1 < 20 THEN 'PENDING_INTAKE' WHEN open_case THEN 'ACTIVE'
         WHEN r1 < 10 THEN 'REVOKED' WHEN r1 < 30 THEN 'TRANSFERRED_OUT'
         ELSE 'DISCHARGED' END AS status,
    CASE WHEN r3 < 936 THEN 'PROBATION' WHEN r3 < 986 THEN 'PAROLE'
         WHEN r3 < 989 THEN 'PUBLIC_SURVEILLANCE' ELSE 'TEMPORARY_OUTSIDE_PRISON' END
      AS sentence_kind,
    (ARRAY['theft', 'fraud', 'dangerous_driving', 'intentional_injury', 'gambling',
           'drug_possession', 'traffic_accident', 'affray'])[r4 % 8 + 1] AS offence_category,
    CASE WHEN r4 < 100 THEN 'STRICT' WHEN r4 < 800 THEN 'STANDARD' ELSE 'RELAXED' END AS level,
    ((s.start_date + time '09:30') AT TIME ZONE 'Asia/Shanghai')
      + make_interval(secs => (i % 20000) / 1000.0) AS created_at,
    extract(year FROM age(s.start_date, s.birth_date))::int AS age
  FROM s),
u AS (
  SELECT t.*,
    CASE WHEN status = 'PENDING_INTAKE' THEN NULL ELSE start_date + (r2 % 8)::int END
      AS intake_reported_on,
    CASE WHEN open_case THEN NULL WHEN status = 'DISCHARGED' THEN end_date
         ELSE start_date + (end_date - start_date) / 2 END AS closed_on,
    pg_temp.seed_uuid7((extract(epoch FROM created_at) * 1000)::bigint,
                       hashtextextended('c' || i, 7)) AS case_id,
    pg_temp.seed_uuid7((extract(epoch FROM created_at) * 1000)::bigint,
                       hashtextextended('p' || i, 7)) AS person_id,
    district_code || '-' || lpad((office_no / 16)::text, 2, '0') AS office_id,
    'officer-' || office_no || '-' || (h >> 55) % 4 AS officer_id,
    'worker-' || office_no || '-' || (h >> 57) % 4 AS social_worker_id,
    CASE WHEN age < 16 THEN 'UNDER_16' WHEN age < 18 THEN '16_TO_17' WHEN age < 26 THEN '18_TO_25'
         WHEN age < 36 THEN '26_TO_35' WHEN age < 46 THEN '36_TO_45' WHEN age < 60 THEN '46_TO_59'
         ELSE '60_AND_OVER' END AS age_band
  FROM t)
SELECT u.*, least(coalesce(closed_on, date '${today}' - 1), date '${today}' - 1) AS sup_end
FROM u
)SQL";

// Records: the people (their keys from the program, the rest from i), their details, the cases.
constexpr char kRecordsBatch[] = R"SQL(
INSERT INTO persons (person_id, id_hash, id_cipher, id_last4, name, birth_date, sex, phone,
                     household_address, residence_address, created_at, updated_at,
                     current_version)
SELECT sc.person_id, decode(k.id_hash, 'hex'), decode(k.id_cipher, 'hex'), k.id_last4,
       '城市对象' || sc.i, sc.birth_date, sc.sex, '139' || lpad((sc.i % 100000000)::text, 8, '0'),
       '测试市测试区户籍街' || (sc.i % 500) || '号', '测试市测试区居住路' || (sc.i % 700) || '号',
       sc.created_at, sc.created_at, 1
FROM sc JOIN seed_keys k USING (i);

INSERT INTO person_versions (person_id, version, name, phone, household_address,
                             residence_address, effective_at, district_code, recorded_by)
SELECT p.person_id, 1, p.name, p.phone, p.household_address, p.residence_address, p.created_at,
       sc.district_code, 'city-seed'
FROM persons p JOIN sc USING (person_id);

INSERT INTO cases (case_id, case_number, person_id, status, district_code, office_id, officer_id,
                   social_worker_id, sentence_kind, offence_category, deciding_authority,
                   judgment_effective_date, start_date, end_date, minor, intake_deadline,
                   intake_reported_on, intake_late, created_by, created_at, updated_at, version,
                   supervision_level, level_effective_on, level_policy_version, closed_on,
                   offence_date, facts_published_at, facts_age_band, person_version)
-- Seven-digit numbers from 1,000,001: apart from the six-digit ones OpenCase has already given
-- on the same stack (the benchmark opens cases before it seeds).
SELECT case_id, district_code || '-' || extract(year FROM start_date) || '-'
         || (i + 1000001)::text,
       person_id, status, district_code, office_id, officer_id, social_worker_id, sentence_kind,
       offence_category, '测试市人民法院', start_date, start_date, end_date, age < 18,
       start_date + 10, intake_reported_on, false, 'city-seed', created_at,
       coalesce(closed_on::timestamptz, created_at), CASE WHEN closed_on IS NULL THEN 2 ELSE 4 END,
       CASE WHEN intake_reported_on IS NULL THEN NULL ELSE level END, intake_reported_on,
       CASE WHEN intake_reported_on IS NULL THEN NULL ELSE '2026.11-default' END, closed_on,
       start_date - 200, created_at, age_band, 1
FROM sc;

-- Contacts: an in-person check-in and a thought report (思想汇报) each month, a home visit
-- every third month, from the intake day to the case's last supervised day.
INSERT INTO contacts (contact_id, case_id, kind, occurred_on, notes, recorded_by, recorded_at)
SELECT pg_temp.seed_uuid7(extract(epoch FROM x.day)::bigint * 1000 + 57600000,
                          (random() * 9.2e18)::bigint),
       sc.case_id, v.kind, x.day, '', sc.officer_id,
       (x.day + time '16:00') AT TIME ZONE 'Asia/Shanghai'
FROM sc
CROSS JOIN LATERAL generate_series(0, (sc.sup_end - sc.intake_reported_on) / 30) m
CROSS JOIN LATERAL (VALUES ('CHECK_IN_IN_PERSON', 2, 1), ('SELF_REPORT', 24, 1),
                           ('HOME_VISIT', 5, 3)) v(kind, dd, every)
CROSS JOIN LATERAL (SELECT (sc.intake_reported_on + make_interval(months => m)
                            + make_interval(days => v.dd))::date AS day) x
WHERE sc.intake_reported_on IS NOT NULL AND m % v.every = 0 AND x.day <= sc.sup_end;

-- Leave: a 4-day trip approved by the office in the middle of every six months supervised.
INSERT INTO leaves (leave_id, case_id, status, start_date, end_date, destination, reason,
                    requested_on, decision_due, approval_level, approval_rule, decided_on,
                    decided_by, returned_on, policy_version, requested_by, recorded_at,
                    updated_at)
SELECT pg_temp.seed_uuid7(extract(epoch FROM x.s - 5)::bigint * 1000,
                          (random() * 9.2e18)::bigint),
       sc.case_id, 'RETURNED', x.s, x.s + 3, '外省探亲', '探望亲属', x.s - 5, x.s - 2, 'OFFICE',
       'office: up to 7 days', x.s - 3, sc.officer_id, x.s + 3, '2026.11-default', sc.officer_id,
       (x.s - 5)::timestamptz, (x.s + 3)::timestamptz
FROM sc
CROSS JOIN LATERAL generate_series(1, (sc.sup_end - sc.intake_reported_on) / 180) n
CROSS JOIN LATERAL (SELECT (sc.intake_reported_on + make_interval(months => n * 6 - 3))::date
                      AS s) x
WHERE sc.intake_reported_on IS NOT NULL AND x.s + 3 <= sc.sup_end;

-- Violations and their sanctions: 15% of the cases an admonition (训诫), 10% a warning after
-- it (the seeds: 120 warnings in 1,147 cases), a revocation request for every revoked case.
CREATE TEMP TABLE sv ON COMMIT DROP AS
SELECT sc.case_id, sc.officer_id, v.kind, v.vkind, x.day,
       pg_temp.seed_uuid7(extract(epoch FROM x.day)::bigint * 1000, (random() * 9.2e18)::bigint)
         AS violation_id,
       pg_temp.seed_uuid7(extract(epoch FROM x.day)::bigint * 1000 + 3600000,
                          (random() * 9.2e18)::bigint) AS sanction_id
FROM sc
CROSS JOIN LATERAL (VALUES ('ADMONITION', 'MISSED_CHECK_IN', 0.3, 150),
                           ('WARNING', 'LEFT_AREA_WITHOUT_LEAVE', 0.6, 100),
                           ('REVOCATION_REQUEST', 'REOFFENDING_SUSPECTED', 0.9, 0)) v(kind, vkind,
                                                                              frac, per_mille)
CROSS JOIN LATERAL (SELECT sc.intake_reported_on
                      + ((sc.sup_end - sc.intake_reported_on) * v.frac)::int AS day) x
WHERE sc.intake_reported_on IS NOT NULL AND sc.sup_end > sc.intake_reported_on + 3
  AND ((sc.r1 % 1000) < v.per_mille OR (v.kind = 'REVOCATION_REQUEST' AND sc.status = 'REVOKED'));

INSERT INTO violations (violation_id, case_id, kind, occurred_on, facts, recorded_by,
                        recorded_at, severity)
SELECT violation_id, case_id, vkind, day, '', officer_id, day::timestamptz,
       CASE WHEN kind = 'REVOCATION_REQUEST' THEN 'SERIOUS' ELSE 'MINOR' END
FROM sv;
INSERT INTO sanctions (sanction_id, case_id, kind, issued_on, grounds, violation_ids, reason,
                       policy_version, recorded_by, recorded_at)
SELECT sanction_id, case_id, kind, day + 1, '', violation_id::text, '', '2026.11-default',
       officer_id, (day + 1)::timestamptz
FROM sv;
)SQL";

// After the last batch: the case-number counters above every number seeded (an OpenCase takes
// the next one), and fresh statistics.
constexpr char kRecordsFinish[] = R"SQL(
INSERT INTO case_number_counters (district_code, year, last_value)
SELECT district_code, split_part(case_number, '-', 2)::int,
       max(split_part(case_number, '-', 3)::bigint)
FROM cases WHERE created_by = 'city-seed' GROUP BY 1, 2
ON CONFLICT (district_code, year) DO UPDATE
  SET last_value = greatest(case_number_counters.last_value, EXCLUDED.last_value);
)SQL";

// Assessment: its copy of the case, an intake risk assessment and psychological screening, a
// periodic risk assessment every six months supervised, the open periodic due of an open case.
constexpr char kAssessmentBatch[] = R"SQL(
INSERT INTO cases (case_id, district_code, office_id, status, minor, supervision_start,
                   supervision_end, intake_reported_on, level, level_rule, level_effective_on,
                   level_policy_version, non_strict_since, review_on, version, created_at,
                   updated_at)
SELECT case_id, district_code, office_id,
       CASE WHEN status IN ('PENDING_INTAKE', 'ACTIVE') THEN status ELSE 'CLOSED' END, age < 18,
       start_date, end_date, intake_reported_on,
       CASE WHEN intake_reported_on IS NULL THEN NULL ELSE level END,
       CASE WHEN intake_reported_on IS NULL THEN '' ELSE 'INTAKE_RISK' END, intake_reported_on,
       CASE WHEN intake_reported_on IS NULL THEN '' ELSE '2026.11-default' END,
       CASE WHEN level <> 'STRICT' THEN intake_reported_on END,
       CASE WHEN status = 'ACTIVE' THEN intake_reported_on
              + make_interval(months => 6 * (1 + (date '${today}' - intake_reported_on) / 180))
       END::date,
       2, created_at, coalesce(closed_on::timestamptz, created_at)
FROM sc;

CREATE TEMP TABLE sa ON COMMIT DROP AS
SELECT sc.case_id, sc.officer_id, sc.level, x.kind, x.ikind, x.day,
       pg_temp.seed_uuid7(extract(epoch FROM x.day)::bigint * 1000 + 36000000,
                          (random() * 9.2e18)::bigint) AS assessment_id
FROM sc
CROSS JOIN LATERAL (
  SELECT 'INTAKE' AS kind, 'SOCIAL_RISK' AS ikind, sc.intake_reported_on AS day
  UNION ALL SELECT 'INTAKE', 'PSYCH_SCREENING', sc.intake_reported_on + 1
  UNION ALL SELECT 'PERIODIC', 'SOCIAL_RISK',
                   (sc.intake_reported_on + make_interval(months => 6 * n))::date
  FROM generate_series(1, (sc.sup_end - sc.intake_reported_on) / 183) n) x
WHERE sc.intake_reported_on IS NOT NULL AND x.day <= sc.sup_end;

INSERT INTO assessments (assessment_id, case_id, instrument_id, instrument_version,
                         instrument_sha256, instrument_kind, kind, assessed_on, assessor_id,
                         answers, total_score, sub_scores, risk_level, abnormal, policy_version,
                         created_by, created_at)
SELECT sa.assessment_id, sa.case_id, iv.instrument_id, iv.version, iv.sha256, sa.ikind, sa.kind,
       sa.day, sa.officer_id,
       '{"q01":1,"q02":0,"q03":2,"q04":1,"q05":0,"q06":1,"q07":0,"q08":2,"q09":1,"q10":0,"q11":1,"q12":0}'::jsonb,
       CASE sa.level WHEN 'STRICT' THEN 31 WHEN 'STANDARD' THEN 17 ELSE 6 END,
       '{"history":4,"attitude":3,"support":2}'::jsonb,
       CASE sa.level WHEN 'STRICT' THEN 'HIGH' WHEN 'STANDARD' THEN 'MEDIUM' ELSE 'LOW' END,
       false, '2026.11-default', sa.officer_id, (sa.day + time '11:00') AT TIME ZONE 'Asia/Shanghai'
FROM sa JOIN LATERAL (
  SELECT instrument_id, version, sha256 FROM instrument_versions
  WHERE instrument_id = CASE sa.ikind WHEN 'SOCIAL_RISK' THEN 'social_risk'
                                      ELSE 'psych_screening' END
  ORDER BY version DESC LIMIT 1) iv ON true;

INSERT INTO assessment_dues (due_id, case_id, instrument_kind, kind, window_opens_on, due_on,
                             created_at, district_code)
SELECT pg_temp.seed_uuid7(extract(epoch FROM created_at)::bigint * 1000 + 1,
                          (random() * 9.2e18)::bigint),
       case_id, 'SOCIAL_RISK', 'PERIODIC', d - 14, d, created_at, district_code
FROM (SELECT case_id, created_at, district_code,
             (intake_reported_on + make_interval(
                months => 6 * (1 + (date '${today}' - intake_reported_on) / 183)))::date AS d
      FROM sc WHERE status = 'ACTIVE') due;
)SQL";

// Reporting: the case projection, its time line (one span), the counted flows (opened, intake,
// sanctions, closed) and the worklists: NEVER_REPORTED for a pending case past its deadline,
// CONTACT_OVERDUE for 3% of the active ones.
constexpr char kReportingBatch[] = R"SQL(
INSERT INTO case_projection (case_id, start_on, closed_on, close_reason, district_code, office_id,
                             sentence_kind, sex, age_band, offence_category, level, minor,
                             key_attention, lost_contact, never_reported, updated_at)
SELECT case_id::text, start_date, closed_on, CASE WHEN closed_on IS NULL THEN '' ELSE status END,
       district_code, office_id, sentence_kind, sex, age_band, offence_category,
       CASE WHEN intake_reported_on IS NULL THEN '' ELSE level END, age < 18, false, false,
       status = 'PENDING_INTAKE' AND start_date + 10 < date '${today}',
       coalesce(closed_on::timestamptz, created_at)
FROM sc;

INSERT INTO case_span (case_id, valid_from, valid_to, district_code, office_id, sentence_kind,
                       sex, age_band, offence_category, level, minor, key_attention,
                       lost_contact, never_reported)
SELECT case_id::text, start_date, closed_on, district_code, office_id, sentence_kind, sex,
       age_band, offence_category, CASE WHEN intake_reported_on IS NULL THEN '' ELSE level END,
       age < 18, false, false, false
FROM sc;

INSERT INTO case_flow (case_id, ord, kind, code, on_day, district_code, office_id, sentence_kind,
                       sex, age_band, offence_category, level, minor, key_attention,
                       lost_contact, never_reported)
SELECT sc.case_id::text, f.ord, f.kind, f.code, f.day, district_code, office_id, sentence_kind,
       sex, age_band, offence_category, level, age < 18, false, false, false
FROM sc CROSS JOIN LATERAL (
  SELECT 1 AS ord, 'case_opened' AS kind, '' AS code, sc.start_date AS day
  UNION ALL SELECT 2, 'intake_reported', '', sc.intake_reported_on
    WHERE sc.intake_reported_on IS NOT NULL
  UNION ALL SELECT 3, 'sanction', 'ADMONITION',
                   sc.intake_reported_on + ((sc.sup_end - sc.intake_reported_on) * 0.3)::int + 1
    WHERE sc.intake_reported_on IS NOT NULL AND sc.sup_end > sc.intake_reported_on + 3
      AND sc.r1 % 1000 < 150
  UNION ALL SELECT 4, 'sanction', 'WARNING',
                   sc.intake_reported_on + ((sc.sup_end - sc.intake_reported_on) * 0.6)::int + 1
    WHERE sc.intake_reported_on IS NOT NULL AND sc.sup_end > sc.intake_reported_on + 3
      AND sc.r1 % 1000 < 100
  UNION ALL SELECT 9, 'closed', sc.status, sc.closed_on WHERE sc.closed_on IS NOT NULL) f;

INSERT INTO worklist_item (kind, case_id, item_id, district_code, office_id, since_on, due_on,
                           listed_from, reason_code)
SELECT 'NEVER_REPORTED', case_id::text, '', district_code, office_id, start_date, start_date + 10,
       start_date + 11, 'INTAKE_DEADLINE_PASSED'
FROM sc WHERE status = 'PENDING_INTAKE' AND start_date + 10 < date '${today}'
UNION ALL
SELECT 'CONTACT_OVERDUE', case_id::text, '', district_code, office_id, date '${today}' - 40,
       date '${today}' - 10, date '${today}' - 9, 'CONTACT_INTERVAL_EXCEEDED'
FROM sc WHERE status = 'ACTIVE' AND r2 % 100 < 3;
)SQL";

constexpr char kProgressTables[] = R"SQL(
CREATE TABLE IF NOT EXISTS city_seed_run (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  flags     text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz);
CREATE TABLE IF NOT EXISTS city_seed_batch (
  lo      bigint PRIMARY KEY,
  hi      bigint NOT NULL,
  rows    bigint NOT NULL,
  done_at timestamptz NOT NULL DEFAULT now());
-- Owned like the service's tables (the superuser made them): a service grants its runtime role
-- every table of its owner at start, and stops when it cannot.
DO $$ BEGIN
  EXECUTE format('ALTER TABLE city_seed_run OWNER TO %I',
                 (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()));
  EXECUTE format('ALTER TABLE city_seed_batch OWNER TO %I',
                 (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()));
END $$;
)SQL";

std::string Fill(absl::string_view sql, const CityFlags& f, int64_t lo, int64_t hi) {
  return absl::StrReplaceAll(sql, {{"${lo}", absl::StrCat(lo)},
                                   {"${hi}", absl::StrCat(hi)},
                                   {"${closed}", absl::StrCat(f.cases - f.active)},
                                   {"${today}", f.today}});
}

// ---------------------------------------------------------------------------------------------
// Progress on stderr: cases done per database, rows written, cases per second, ETA.

class Progress {
 public:
  Progress(int64_t total, int64_t done, bool quiet)
      : total_(total), start_done_(done), done_(done), quiet_(quiet) {}
  void Add(int64_t cases, int64_t rows) {
    std::lock_guard lock(mu_);
    done_ += cases;
    rows_ += rows;
    if (quiet_) return;
    const double secs = std::chrono::duration<double>(Clock::now() - start_).count();
    const double rate = secs > 0 ? (done_ - start_done_) / secs : 0;
    const double eta = rate > 0 ? (total_ - done_) / rate : 0;
    const int width = 30;
    const int filled = total_ > 0 ? static_cast<int>(width * done_ / total_) : width;
    std::fprintf(stderr, "\rcity-seed [%s%s] %lld/%lld case rows, %lld rows, %.0f/s, ETA %dm%02ds ",
                 std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(),
                 static_cast<long long>(done_), static_cast<long long>(total_),
                 static_cast<long long>(rows_), rate, static_cast<int>(eta) / 60,
                 static_cast<int>(eta) % 60);
    std::fflush(stderr);
  }
  void Finish() {
    if (!quiet_) std::fprintf(stderr, "\n");
  }
  int64_t rows() {
    std::lock_guard lock(mu_);
    return rows_;
  }

 private:
  std::mutex mu_;
  int64_t total_;
  int64_t start_done_;
  int64_t done_;
  bool quiet_;
  int64_t rows_ = 0;
  Clock::time_point start_ = Clock::now();
};

int64_t Affected(const pqxx::result& r) { return static_cast<int64_t>(r.affected_rows()); }

// Runs every statement of `sql` (separated by ";\n") and sums the rows they wrote.
int64_t ExecAll(pqxx::work& tx, const std::string& sql) {
  int64_t rows = 0;
  for (absl::string_view stmt : absl::StrSplit(sql, ";\n")) {
    if (absl::StripAsciiWhitespace(stmt).empty()) continue;
    rows += Affected(tx.exec(std::string(stmt)));
  }
  return rows;
}

// The identity keys of people [lo, hi) as seed_keys (i, hash and cipher in hex, last four).
void LoadKeys(pqxx::work& tx, const crypto::PiiCipher& cipher, int64_t lo, int64_t hi) {
  tx.exec(
      "CREATE TEMP TABLE seed_keys (i bigint PRIMARY KEY, id_hash text, id_cipher text,"
      " id_last4 text) ON COMMIT DROP");
  std::string is, hashes, ciphers, last4s;
  for (int64_t i = lo; i < hi; ++i) {
    const std::string id = CityIdNumber(i);
    const char* sep = i == lo ? "" : ",";
    absl::StrAppend(&is, sep, i);
    absl::StrAppend(&hashes, sep, Hex(cipher.KeyedHash(id)));
    absl::StrAppend(&ciphers, sep, Hex(cipher.Encrypt(id, "persons.id_cipher")));
    absl::StrAppend(&last4s, sep, id.substr(14));
  }
  tx.exec_params(
      "INSERT INTO seed_keys SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[],"
      " $4::text[])",
      absl::StrCat("{", is, "}"), absl::StrCat("{", hashes, "}"), absl::StrCat("{", ciphers, "}"),
      absl::StrCat("{", last4s, "}"));
}

std::string FlagsText(const CityFlags& f) {
  return absl::StrFormat("cases=%d active=%d batch=%d today=%s", f.cases, f.active, f.batch,
                         f.today);
}

// A batch of cases [lo, hi) for one database.
struct Task {
  size_t service;
  int64_t lo;
  int64_t hi;
};

// The progress tables of one database, the flags checked against a previous run's; adds the
// batches not done yet to `tasks` and returns how many cases were done before.
absl::StatusOr<int64_t> Prepare(size_t index, const std::string& service, const std::string& dsn,
                                const CityFlags& f, std::vector<Task>* tasks) {
  pqxx::connection conn(dsn);
  pqxx::work tx(conn);
  tx.exec(kProgressTables);
  pqxx::result run = tx.exec("SELECT flags FROM city_seed_run");
  if (run.empty()) {
    tx.exec_params("INSERT INTO city_seed_run (flags) VALUES ($1)", FlagsText(f));
  } else if (run[0][0].as<std::string>() != FlagsText(f)) {
    return absl::FailedPreconditionError(
        absl::StrCat(service, " was seeded with ", run[0][0].as<std::string>(), ", not ",
                     FlagsText(f), " (deploy/dev/down --purge starts over)"));
  }
  if (service == "assessment" &&
      tx.exec("SELECT 1 FROM instrument_versions WHERE instrument_id IN ('social_risk',"
              " 'psych_screening')")
              .size() < 2) {
    return absl::FailedPreconditionError(
        "assessment has not registered its instruments yet (start the dev stack once)");
  }
  std::set<int64_t> done;
  for (const auto& r : tx.exec("SELECT lo FROM city_seed_batch")) done.insert(r[0].as<int64_t>());
  tx.commit();
  int64_t done_cases = 0;
  for (int64_t lo = 0; lo < f.cases; lo += f.batch) {
    const int64_t hi = std::min(lo + f.batch, f.cases);
    if (done.count(lo)) {
      done_cases += hi - lo;
    } else {
      tasks->push_back({index, lo, hi});
    }
  }
  return done_cases;
}

// Writes one batch in one transaction with its row in city_seed_batch; returns the rows written.
// As the dev stack's superuser the foreign keys' triggers are skipped (session_replication_role
// replica): every reference is to a row of the same transaction or one committed before.
int64_t RunBatch(pqxx::connection& conn, const std::string& service, const Task& t,
                 const CityFlags& f, const crypto::PiiCipher& cipher) {
  pqxx::work tx(conn);
  tx.exec("SET LOCAL synchronous_commit = off");
  if (f.skip_fk_triggers) tx.exec("SET LOCAL session_replication_role = replica");
  tx.exec(kUuid7Function);
  tx.exec(Fill(kBatchCases, f, t.lo, t.hi));
  if (service == "records") LoadKeys(tx, cipher, t.lo, t.hi);
  const std::string& sql = service == "records"      ? kRecordsBatch
                           : service == "assessment" ? kAssessmentBatch
                                                     : kReportingBatch;
  const int64_t rows = ExecAll(tx, Fill(sql, f, t.lo, t.hi));
  tx.exec_params("INSERT INTO city_seed_batch (lo, hi, rows) VALUES ($1, $2, $3)", t.lo, t.hi,
                 rows);
  tx.commit();
  return rows;
}

// The connection string of a service's database: its migration role's (the tables' owner), or
// the dev stack's superuser on the same database (trust on loopback).
std::string DsnOf(const CityFlags& f, const std::string& service) {
  std::string dsn = ReadFirstLine(f.run_dir + "/secrets/" + service + ".migration-dsn");
  if (dsn.empty() || !f.skip_fk_triggers) return dsn;
  std::vector<std::string> kept;
  for (absl::string_view part : absl::StrSplit(dsn, ' ', absl::SkipEmpty())) {
    if (absl::StartsWith(part, "user=") || absl::StartsWith(part, "password=")) continue;
    kept.emplace_back(part);
  }
  kept.push_back("user=postgres");
  return absl::StrJoin(kept, " ");
}

}  // namespace

int64_t CityBirthDayIndex(int64_t i) { return (i / 16) % 18000; }

bool CityPersonMale(int64_t i) { return (i * 37) % 100 < 88; }

std::string CityIdNumber(int64_t i) {
  const absl::CivilDay birth = absl::CivilDay(1955, 1, 1) + CityBirthDayIndex(i);
  // (region, birth day, s) is a one-to-one function of i: region i % 16, birth (i / 16) % 18000,
  // s = i / (16 * 18000); the sequence's last digit is odd for a man, as GB 11643 has it.
  const int64_t s = i / (16 * 18000);
  const int64_t sequence = s * 2 + (CityPersonMale(i) ? 1 : 0);
  const std::string body = absl::StrFormat("3301%02d%04d%02d%02d%03d", 10 + i % 16, birth.year(),
                                           birth.month(), birth.day(), sequence % 1000);
  return body + IdCheckCharacter(body);
}

int CitySeedMain(int argc, char** argv) {
  CityFlags f;
  CLI::App app{
      "ccms-load city-seed: grows a city of cases straight in the dev stack's databases\n"
      "(docs/benchmarks.md, \"City scale\"); resumable, a rerun continues."};
  app.add_option("--run-dir", f.run_dir,
                 "The dev stack's run folder (its secrets: <svc>.migration-dsn, pii.key)")
      ->capture_default_str();
  app.add_option("--cases", f.cases, "Cases in all")->capture_default_str();
  app.add_option("--active", f.active, "Of which open (2% of them pending intake)")
      ->capture_default_str();
  app.add_option("--batch", f.batch, "Cases per transaction")->capture_default_str();
  app.add_option("--today", f.today, "The city's today, YYYY-MM-DD (default: today, Shanghai)");
  app.add_option("--services", f.services, "Databases to seed")
      ->check(CLI::IsMember({"records", "assessment", "reporting"}))
      ->capture_default_str();
  app.add_option("--jobs,-j", f.jobs, "Batches written at once")->capture_default_str();
  app.add_flag("!--owner-role", f.skip_fk_triggers,
               "Connect as each database's migration role (foreign-key triggers kept; slower)"
               " instead of the dev stack's superuser");
  app.add_flag("--quiet,-q", f.quiet, "No progress bar");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (f.cases <= 0 || f.active < 0 || f.active > f.cases || f.batch <= 0 ||
      f.cases > 16 * 18000 * 250) {
    std::cerr
        << "city-seed: need 0 < --cases <= 72,000,000, 0 <= --active <= --cases, --batch > 0\n";
    return 2;
  }
  if (f.today.empty()) {
    f.today = absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(8 * 3600)));
  }
  absl::CivilDay today;
  if (!absl::ParseCivilTime(f.today, &today)) {
    std::cerr << "city-seed: --today is not YYYY-MM-DD\n";
    return 2;
  }
  f.today = absl::FormatCivilTime(today);
  const std::string key = ReadFirstLine(f.run_dir + "/secrets/pii.key");
  auto cipher = crypto::PiiCipher::FromHexKey(key);
  if (!cipher.ok()) {
    std::cerr << "city-seed: " << f.run_dir << "/secrets/pii.key: " << cipher.status().message()
              << " (is the dev stack's run folder there? deploy/dev/up makes it)\n";
    return 2;
  }
  std::vector<std::string> dsns;
  std::vector<Task> tasks;
  int64_t done_before = 0;
  for (size_t k = 0; k < f.services.size(); ++k) {
    dsns.push_back(DsnOf(f, f.services[k]));
    if (dsns.back().empty()) {
      std::cerr << "city-seed: no " << f.run_dir << "/secrets/" << f.services[k]
                << ".migration-dsn (deploy/dev/up makes it)\n";
      return 2;
    }
    try {
      auto done = Prepare(k, f.services[k], dsns.back(), f, &tasks);
      if (!done.ok()) {
        std::cerr << "city-seed: " << done.status().message() << "\n";
        return 1;
      }
      done_before += *done;
    } catch (const std::exception& e) {
      std::cerr << "city-seed: " << f.services[k] << ": " << e.what() << "\n";
      return 1;
    }
  }
  if (!f.quiet && done_before > 0) {
    std::fprintf(stderr, "city-seed: %lld case rows were written before, resuming\n",
                 static_cast<long long>(done_before));
  }
  // Batches in case order, the databases interleaved, taken by --jobs workers.
  std::stable_sort(tasks.begin(), tasks.end(),
                   [](const Task& a, const Task& b) { return a.lo < b.lo; });
  const auto started = Clock::now();
  Progress progress(f.cases * static_cast<int64_t>(f.services.size()), done_before, f.quiet);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex err_mu;
  std::string error;
  auto worker = [&] {
    std::vector<std::unique_ptr<pqxx::connection>> conns(f.services.size());
    for (size_t n = next++; n < tasks.size() && !failed; n = next++) {
      const Task& t = tasks[n];
      try {
        if (!conns[t.service])
          conns[t.service] = std::make_unique<pqxx::connection>(dsns[t.service]);
        const int64_t rows = RunBatch(*conns[t.service], f.services[t.service], t, f, *cipher);
        progress.Add(t.hi - t.lo, rows);
      } catch (const std::exception& e) {
        std::lock_guard lock(err_mu);
        if (!failed.exchange(true)) {
          error =
              absl::StrCat(f.services[t.service], " cases [", t.lo, ", ", t.hi, "): ", e.what());
        }
      }
    }
  };
  std::vector<std::thread> workers;
  for (int j = 0; j < std::max(1, f.jobs); ++j) workers.emplace_back(worker);
  for (auto& w : workers) w.join();
  progress.Finish();
  if (failed) {
    std::cerr << "city-seed: " << error << "\n(a rerun continues from the batches done)\n";
    return 1;
  }
  for (size_t k = 0; k < f.services.size(); ++k) {
    try {
      pqxx::connection conn(dsns[k]);
      {
        pqxx::work tx(conn);
        if (f.services[k] == "records") ExecAll(tx, kRecordsFinish);
        tx.exec("UPDATE city_seed_run SET finished_at = now() WHERE finished_at IS NULL");
        tx.commit();
      }
      pqxx::nontransaction q(conn);
      q.exec("VACUUM ANALYZE");
    } catch (const std::exception& e) {
      std::cerr << "city-seed: " << f.services[k] << ": " << e.what() << "\n";
      return 1;
    }
  }
  const double secs = std::chrono::duration<double>(Clock::now() - started).count();
  std::printf("city-seed: %lld cases in %s, %lld rows written in %.1f s (%d jobs)\n",
              static_cast<long long>(f.cases), absl::StrJoin(f.services, ", ").c_str(),
              static_cast<long long>(progress.rows()), secs, f.jobs);
  return 0;
}

}  // namespace ccms::bench
