#include "services/records/pg_records_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/db/audit.h"
#include "common/db/command.h"
#include "common/db/one_statement.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/kafka/outbox_values.h"
#include "common/time/calendar.h"
#include "services/records/pg_records_internal.h"

namespace ccms::records {
namespace pg_internal {

using domain::CaseStatus;

// The columns every case read returns, in the order RowToCase reads them. The person's details
// are those of the version the case was opened with (pv), never the person's current ones.
// The number of CCMS_CASE_COLUMNS (RowToCase reads them; a query may add its own after them).
constexpr int kCaseColumnCount = 38;
#define CCMS_CASE_COLUMNS                                                                  \
  "c.case_id::text, c.case_number, c.status, c.person_id::text, pv.name, p.id_last4, "     \
  "p.birth_date::text, p.sex, pv.phone, pv.household_address, pv.residence_address, "      \
  "c.sentence_kind, c.offence_category, c.deciding_authority, "                            \
  "c.judgment_effective_date::text, c.start_date::text, c.end_date::text, "                \
  "c.prohibition_orders, c.district_code, c.office_id, c.officer_id, c.social_worker_id, " \
  "c.minor, c.intake_deadline::text, c.intake_reported_on::text, c.intake_late, "          \
  "(extract(epoch FROM c.created_at) * 1000000)::bigint, "                                 \
  "(extract(epoch FROM c.updated_at) * 1000000)::bigint, c.version, "                      \
  "c.supervision_level, c.level_effective_on::text, c.offence_date::text, "                \
  "c.closed_on::text, c.discharge_certificate, c.discharge_announced, "                    \
  "c.discharge_summary_on::text, c.person_version, "                                       \
  "(extract(epoch FROM pv.effective_at) * 1000000)::bigint"
// The tables of CCMS_CASE_COLUMNS: the case, its person, the person's details as of the case.
#define CCMS_CASE_FROM                             \
  " FROM cases c JOIN persons p USING (person_id)" \
  " JOIN person_versions pv ON pv.person_id = c.person_id AND pv.version = c.person_version"

// District scope as SQL: $2 = all districts, $3 = the principal's district codes.
#define CCMS_SCOPE "($2::boolean OR c.district_code = ANY($3::text[]))"

// The person, locked for the rest of the open (two opens of one person queue here); then, in a
// statement of its own, the current details. Not one statement: one that waits for the lock
// while another open adds a version re-checks only the locked row, and its join to the details
// would still read the version its snapshot knew, find no match and return nothing.
constexpr db::Query kLockPerson = {"records_lock_person",
                                   "SELECT person_id::text FROM persons WHERE id_hash = $1"
                                   " FOR UPDATE"};
constexpr db::Query kPersonDetails = {
    "records_person_details",
    "SELECT p.person_id::text, p.current_version, pv.name, pv.phone, pv.household_address,"
    " pv.residence_address, (extract(epoch FROM pv.effective_at) * 1000000)::bigint"
    " FROM persons p JOIN person_versions pv"
    " ON pv.person_id = p.person_id AND pv.version = p.current_version"
    " WHERE p.person_id = $1::uuid"};
constexpr db::Query kOpenCaseOfPerson = {"records_open_case_of_person",
                                         "SELECT case_id::text FROM cases WHERE person_id = $1"
                                         " AND status IN ('PENDING_INTAKE', 'ACTIVE') LIMIT 1"};
constexpr db::Query kNextCaseNumber = {
    "records_next_case_number",
    "INSERT INTO case_number_counters (district_code, year, last_value) VALUES ($1, $2, 1)"
    " ON CONFLICT (district_code, year) DO UPDATE"
    " SET last_value = case_number_counters.last_value + 1 RETURNING last_value"};
// OpenCase in two statements (besides the command's claim and response). The first: the person
// inserted if new (with details version 1), or locked if known, with the current details; and the
// next case number of the district and year ($11, $13), counted after the person (its lock first,
// as every open takes them). No person row comes back when another transaction added the person
// or a version of its details after this statement's snapshot: then kLockPerson, kPersonDetails
// and kNextCaseNumber, each with a fresh snapshot, do it again. Columns: the case number's sequence
// (NULL then), now() (the transaction's start: the case's created_at) in microseconds, the new
// person's id and details' effective_at, or the known person's id, current version, name,
// phone, household and residence address and effective_at; then whether the command's claim was
// made (db::TakeClaim's values $14-$16: the claim comes first, and nothing is written or locked
// when the request id is taken).
constexpr db::Query kOpenCasePerson = {
    "records_open_case_person",
    "WITH " CCMS_COMMAND_CLAIM_CTE("14", "15", "16") ","
    " ins AS (INSERT INTO persons (person_id, id_hash, id_cipher, id_last4, name, birth_date,"
    " sex, phone, household_address, residence_address, current_version) SELECT $1, $2, $3, $4,"
    " $5, $6::date, $7, $8, $9, $10, 1 WHERE " CCMS_COMMAND_CLAIMED("14")
    " ON CONFLICT (id_hash) DO NOTHING RETURNING person_id),"
    " insv AS (INSERT INTO person_versions (person_id, version, name, phone, household_address,"
    " residence_address, district_code, recorded_by)"
    " SELECT person_id, 1, $5, $8, $9, $10, $11, $12 FROM ins RETURNING person_id, effective_at),"
    " old AS (SELECT p.person_id, p.current_version, pv.name, pv.phone, pv.household_address,"
    " pv.residence_address, pv.effective_at FROM persons p JOIN person_versions pv"
    " ON pv.person_id = p.person_id AND pv.version = p.current_version"
    " WHERE p.id_hash = $2 AND " CCMS_COMMAND_CLAIMED("14") " FOR UPDATE OF p),"
    " ctr AS (INSERT INTO case_number_counters (district_code, year, last_value)"
    " SELECT $11::text, $13::int, 1 WHERE EXISTS (SELECT 1 FROM insv) OR EXISTS (SELECT 1 FROM old)"
    " ON CONFLICT (district_code, year) DO UPDATE"
    " SET last_value = case_number_counters.last_value + 1 RETURNING last_value)"
    " SELECT (SELECT last_value FROM ctr), (extract(epoch FROM now()) * 1000000)::bigint,"
    " insv.person_id::text, (extract(epoch FROM insv.effective_at) * 1000000)::bigint,"
    " old.person_id::text, old.current_version, old.name, old.phone, old.household_address,"
    " old.residence_address, (extract(epoch FROM old.effective_at) * 1000000)::bigint, "
    CCMS_COMMAND_CLAIMED("14") " FROM (SELECT 1) one LEFT JOIN insv ON true LEFT JOIN old ON true"};
// The second: the new version of the person's details if they changed ($25), the case unless
// the person has an open case (cases_one_open_per_person: then nothing here is written and no
// row comes back), the person's unlinked pre-sentence investigations linked to it, its audit
// row and its outbox row. $1-$20 the case's columns ($3 the person, $20 the details version it
// was opened with); $21-$24 the details, $26 the identity hash, $27-$33 the audit row
// (db::AuditValues), $34-$39 the outbox row (kafka::OutboxValues), $40-$41 the command's kept
// response (db::KeepResponse: written with the case, no statement of its own).
constexpr db::Query kOpenCaseWrite = {
    "records_open_case_write",
    "WITH " CCMS_COMMAND_KEEP_CTE("40", "41") ","
    " v AS (INSERT INTO person_versions (person_id, version, name, phone, household_address,"
    " residence_address, district_code, recorded_by)"
    " SELECT $3::uuid, $20::int, $21::text, $22::text, $23::text, $24::text, $4::text, $17::text"
    " WHERE $25::boolean RETURNING version),"
    " pu AS (UPDATE persons SET name = $21, phone = $22, household_address = $23,"
    " residence_address = $24, current_version = v.version, updated_at = now() FROM v"
    " WHERE person_id = $3::uuid),"
    " c AS (INSERT INTO cases (case_id, case_number, person_id, status, district_code, office_id,"
    " officer_id, social_worker_id, sentence_kind, offence_category, deciding_authority,"
    " judgment_effective_date, start_date, end_date, prohibition_orders, minor,"
    " intake_deadline, created_by, offence_date, facts_published_at, facts_age_band,"
    " person_version) VALUES ($1, $2, $3::uuid, 'PENDING_INTAKE', $4, $5, $6, $7, $8, $9, $10,"
    " $11::date, $12::date, $13::date, $14, $15, $16::date, $17, $18::date, now(), $19, $20)"
    " ON CONFLICT (person_id) WHERE status IN ('PENDING_INTAKE', 'ACTIVE') DO NOTHING"
    " RETURNING case_id),"
    " l AS (UPDATE investigations i SET case_id = c.case_id, updated_at = now() FROM c"
    " WHERE i.id_hash = $26 AND i.case_id IS NULL AND i.status <> 'WITHDRAWN'),"
    " a AS (INSERT INTO audit_log (actor, actor_role, action, case_id, result, request_id,"
    " on_behalf_of, on_behalf_of_role) SELECT $27::text, $28::text, $29::text, $30::uuid, 'OK',"
    " $31::text, $32::text, $33::text"
    " FROM c),"
    " o AS (INSERT INTO outbox (event_id, topic, record_key, event_type, payload, occurred_at)"
    " SELECT $34::uuid, $35::text, $36::text, $37::text, $38::bytea,"
    " to_timestamp($39::double precision / 1000000) FROM c)"
    " SELECT count(*) FROM c"};
// The facts scan: open cases and cases never published, by case id; then one case's published
// facts, if nobody published others meanwhile. Two branches, each the first $2 after the token
// with its person: the open cases (cases_open, V017) and the closed ones never published
// (cases_facts_unpublished). `status IN (...) OR facts_published_at IS NULL` walked the primary
// key over the closed cases between two open ones, 97% of a city's: 540,000 buffers and 2.3 s a
// page of 500 at a million cases, past the 5 s statement timeout on a busy machine
// (docs/benchmarks.md, "City scale"). The person is joined in each branch, under its LIMIT: one
// join over both branches' ids was planned as a merge join along the whole primary key.
#define CCMS_FACTS_BRANCH                                                                     \
  " (SELECT " CCMS_CASE_COLUMNS                                                               \
  ", c.facts_published_at IS NOT NULL AS published,"                                          \
  " c.facts_age_band, c.case_id AS id" CCMS_CASE_FROM                                         \
  " WHERE c.case_id > COALESCE(NULLIF($1, '')::uuid, '00000000-0000-0000-0000-000000000000')" \
  " AND "
constexpr db::Query kFactsCandidates = {
    "records_facts_candidates",
    "SELECT * FROM (" CCMS_FACTS_BRANCH
    "c.status IN ('PENDING_INTAKE', 'ACTIVE')"
    " ORDER BY c.case_id LIMIT $2)"
    " UNION ALL" CCMS_FACTS_BRANCH
    "c.facts_published_at IS NULL"
    " AND c.status NOT IN ('PENDING_INTAKE', 'ACTIVE') ORDER BY c.case_id LIMIT $2)"
    ") u ORDER BY u.id LIMIT $2"};
#undef CCMS_FACTS_BRANCH
constexpr db::Query kMarkFactsPublished = {
    "records_mark_facts_published",
    "UPDATE cases SET facts_published_at = now(), facts_age_band = $2"
    " WHERE case_id = $1 AND facts_age_band IS NOT DISTINCT FROM NULLIF($3, '')"
    " AND (facts_published_at IS NOT NULL) = $4"};
constexpr db::Query kGetCase = {"records_get_case", "SELECT " CCMS_CASE_COLUMNS CCMS_CASE_FROM
                                                    " WHERE c.case_id = $1 AND " CCMS_SCOPE};
// GetCase and GetCaseFacts as one statement, one round trip: the case (scope in the query), the
// person's current details when a district of the caller recorded them (after the case columns:
// version, name, phone, household and residence address, effective_at), and the read's audit row
// (OK or NOT_FOUND: a case out of scope is not found, and audited so). The audit row does not
// wait for the WAL flush ($11: synchronous_commit off for this statement's own transaction, as
// docs/adr/0002-read-audit.md accepts; false inside a command, whose writes must wait).
// $4-$10 the audit row's values (db::AuditValues, its result decided here).
constexpr db::Query kReadCaseAudited = {
    "records_read_case_audited",
    "WITH r AS (SELECT " CCMS_CASE_COLUMNS
    ", cur.version, cur.name, cur.phone, cur.household_address, cur.residence_address,"
    " (extract(epoch FROM cur.effective_at) * 1000000)::bigint" CCMS_CASE_FROM
    " LEFT JOIN person_versions cur ON cur.person_id = c.person_id"
    " AND cur.version = p.current_version"
    " AND ($2::boolean OR cur.district_code = ANY($3::text[]))"
    " WHERE c.case_id = $1 AND " CCMS_SCOPE
    "),"
    " a AS (INSERT INTO audit_log (actor, actor_role, action, case_id, result, request_id,"
    " on_behalf_of, on_behalf_of_role)"
    " SELECT $4::text, $5::text, $6::text, $7::uuid, CASE WHEN EXISTS (SELECT 1 FROM r)"
    " THEN 'OK' ELSE 'NOT_FOUND' END, $8::text, $9::text, $10::text"
    " WHERE set_config('synchronous_commit',"
    " CASE WHEN $11::boolean THEN 'off' ELSE current_setting('synchronous_commit') END, true)"
    " IS NOT NULL)"
    " SELECT * FROM r"};
constexpr db::Query kGetCaseForUpdate = {
    "records_get_case_for_update", "SELECT " CCMS_CASE_COLUMNS CCMS_CASE_FROM
                                   " WHERE c.case_id = $1 AND " CCMS_SCOPE " FOR UPDATE OF c"};
constexpr db::Query kRecordIntake = {
    "records_record_intake",
    "UPDATE cases SET status = 'ACTIVE', intake_reported_on = $2::date, intake_late = $3,"
    " version = version + 1, updated_at = now() WHERE case_id = $1"
    " RETURNING version, (extract(epoch FROM updated_at) * 1000000)::bigint"};
// ListCases: one statement per set of filters, each walking the index that gives the page in
// case id order: an office (cases_by_office, V018), a district and a status
// (cases_by_district_status), a district (cases_by_district or the primary key), an open status
// in every district in scope (cases_open: its generic plan walks the primary key over a million
// cases for `c.status = $6` alone), or the districts in scope with or without another status
// (the primary key). All take the same parameters; a filter a statement does not serve is
// `$x = ''` (always true there: PgRecordsStore::ListCases picks the statement by which filters
// are set). One statement with `($4 = '' OR c.district_code = $4)` could not use an index for
// the district in its generic plan (2.3 s for a district's active cases at a million cases, the
// primary key walked over the city); one with a `UNION ALL` branch per case planned every
// branch on every call (1.8 ms of planning, three times the statement's own; docs/benchmarks.md,
// "City scale").
// Each is one statement, one round trip (issue 18 item 2): a page of cases in id order and the
// list's audit row ("OK <n> cases", n the rows of the page: $1 asks one more) whose transaction
// does not wait for the WAL flush ($15, as kReadCaseAudited). $9-$14 the audit row's values
// (db::AuditValues). The rows come back in the CTE's order (case id).
#define CCMS_LIST_CASES(name, filters)                                                             \
  {                                                                                                \
    name,                                                                                          \
        "WITH r AS (SELECT " CCMS_CASE_COLUMNS CCMS_CASE_FROM " WHERE " filters                    \
        " AND $1::int > 0 AND " CCMS_SCOPE                                                         \
        " AND ($7 = '' OR c.sentence_kind = $7)"                                                   \
        " AND c.case_id > COALESCE(NULLIF($8, '')::uuid, '00000000-0000-0000-0000-000000000000')"  \
        " ORDER BY c.case_id LIMIT $1),"                                                           \
        " a AS (INSERT INTO audit_log (actor, actor_role, action, case_id, result, request_id,"    \
        " on_behalf_of, on_behalf_of_role)"                                                        \
        " SELECT $9::text, $10::text, $11::text, NULL,"                                            \
        " 'OK ' || LEAST((SELECT count(*) FROM r), $1::int - 1) || ' cases',"                      \
        " $12::text, $13::text, $14::text WHERE set_config('synchronous_commit',"                  \
        " CASE WHEN $15::boolean THEN 'off' ELSE current_setting('synchronous_commit') END, true)" \
        " IS NOT NULL)"                                                                            \
        " SELECT * FROM r"                                                                         \
  }
constexpr db::Query kListCasesByOffice = CCMS_LIST_CASES(
    "records_list_cases_by_office",
    "c.office_id = $5 AND ($4 = '' OR c.district_code = $4) AND ($6 = '' OR c.status = $6)");
constexpr db::Query kListCasesByDistrictStatus = CCMS_LIST_CASES(
    "records_list_cases_by_district_status", "$5 = '' AND c.district_code = $4 AND c.status = $6");
constexpr db::Query kListCasesByDistrict = CCMS_LIST_CASES(
    "records_list_cases_by_district", "$5 = '' AND $6 = '' AND c.district_code = $4");
constexpr db::Query kListCasesOpen = CCMS_LIST_CASES(
    "records_list_cases_open",
    "$5 = '' AND $4 = '' AND c.status IN ('PENDING_INTAKE', 'ACTIVE') AND c.status = $6");
constexpr db::Query kListCasesAudited = CCMS_LIST_CASES(
    "records_list_cases_audited", "$5 = '' AND $4 = '' AND ($6 = '' OR c.status = $6)");
#undef CCMS_LIST_CASES
// The export: like kListCasesAudited's page without the page-size guard; audited per case by the
// caller.
const db::Query kExportCases = {
    "records_export_cases",
    "SELECT " CCMS_CASE_COLUMNS CCMS_CASE_FROM " WHERE " CCMS_SCOPE
    " AND ($4 = '' OR c.district_code = $4) AND ($5 = '' OR c.status = $5)"
    " AND c.case_id > COALESCE(NULLIF($6, '')::uuid, '00000000-0000-0000-0000-000000000000')"
    " ORDER BY c.case_id LIMIT $1"};
constexpr db::Query kApplyLevel = {
    "records_apply_level",
    "UPDATE cases SET supervision_level = $2, level_effective_on = $3::date,"
    " level_policy_version = $4, updated_at = now()"
    " WHERE case_id = $1 AND (level_effective_on IS NULL OR level_effective_on <= $3::date)"};
constexpr db::Query kCountNeverReported = {
    "records_count_never_reported",
    "SELECT district_code, count(*) FROM cases WHERE status = 'PENDING_INTAKE'"
    " AND intake_deadline < $1::date GROUP BY district_code"};
// The open cases from cases_open_counts (V019) alone; the closed ones read the whole table, on
// one core (SET LOCAL max_parallel_workers_per_gather = 0 in CountCases): CaseMetrics asks for
// them seldom.
constexpr db::Query kCountOpenCases = {
    "records_count_open_cases",
    "SELECT district_code, status, count(*) FROM cases"
    " WHERE status IN ('PENDING_INTAKE', 'ACTIVE') GROUP BY district_code, status"};
constexpr db::Query kCountClosedCases = {
    "records_count_closed_cases",
    "SELECT district_code, status, count(*) FROM cases"
    " WHERE status NOT IN ('PENDING_INTAKE', 'ACTIVE') GROUP BY district_code, status"};

// Reads are audited in their own transaction; losing the last read-audit rows in a crash is
// accepted (docs/adr/0002-read-audit.md), so they do not wait for the WAL flush.
void RelaxCommitForReadAudit(pqxx::work& tx) {
  // Never for a read inside a command: the setting would hold for the command's writes too.
  if (db::InsideCommand()) return;
  tx.exec("SET LOCAL synchronous_commit = off");
}

absl::CivilDay DateOf(const pqxx::field& f) {
  return time::ParseDate(f.as<std::string>()).value_or(absl::CivilDay());
}

std::string SexName(domain::Sex sex) { return sex == domain::Sex::kFemale ? "FEMALE" : "MALE"; }

CaseRecord RowToCase(const pqxx::row& r) {
  CaseRecord c;
  c.case_id = r[0].as<std::string>();
  c.case_number = r[1].as<std::string>();
  c.status = domain::ParseCaseStatus(r[2].as<std::string>()).value_or(CaseStatus::kUnspecified);
  c.person_id = r[3].as<std::string>();
  c.name = r[4].as<std::string>();
  c.id_last4 = r[5].as<std::string>();
  c.birth_date = DateOf(r[6]);
  c.sex = r[7].as<std::string>() == "FEMALE" ? domain::Sex::kFemale : domain::Sex::kMale;
  c.phone = r[8].as<std::string>();
  c.household_address = r[9].as<std::string>();
  c.residence_address = r[10].as<std::string>();
  c.sentence_kind = domain::ParseSentenceKind(r[11].as<std::string>())
                        .value_or(domain::SentenceKind::kUnspecified);
  c.offence_category = r[12].as<std::string>();
  c.deciding_authority = r[13].as<std::string>();
  c.judgment_effective_date = DateOf(r[14]);
  c.start_date = DateOf(r[15]);
  c.end_date = DateOf(r[16]);
  c.prohibition_orders = r[17].as<std::string>();
  c.district_code = r[18].as<std::string>();
  c.office_id = r[19].as<std::string>();
  c.officer_id = r[20].as<std::string>();
  c.social_worker_id = r[21].as<std::string>();
  c.minor = r[22].as<bool>();
  c.intake_deadline = DateOf(r[23]);
  if (!r[24].is_null()) c.intake_reported_on = DateOf(r[24]);
  c.intake_late = r[25].as<bool>();
  c.created_at = absl::FromUnixMicros(r[26].as<int64_t>());
  c.updated_at = absl::FromUnixMicros(r[27].as<int64_t>());
  c.version = r[28].as<int64_t>();
  if (!r[29].is_null()) c.assessed_level = domain::ParseSupervisionLevel(r[29].as<std::string>());
  if (!r[30].is_null()) c.level_effective_on = DateOf(r[30]);
  if (!r[31].is_null()) c.offence_date = DateOf(r[31]);
  if (!r[32].is_null()) c.closed_on = DateOf(r[32]);
  c.discharge_certificate = r[33].as<std::string>();
  c.discharge_announced = r[34].as<bool>();
  if (!r[35].is_null()) c.discharge_summary_on = DateOf(r[35]);
  c.person_version = r[36].as<int>();
  c.person_effective_at = absl::FromUnixMicros(r[37].as<int64_t>());
  return c;
}

absl::Status NotFound() { return absl::NotFoundError("case not found"); }

absl::StatusOr<CaseRecord> LoadCase(pqxx::work& tx, const auth::Principal& principal,
                                    const std::string& case_id, bool for_update) {
  const Scope scope = ScopeOf(principal);
  pqxx::result r = tx.exec_prepared(Name(for_update ? kGetCaseForUpdate : kGetCase), case_id,
                                    scope.all, scope.districts);
  if (r.empty()) return NotFound();
  return RowToCase(r[0]);
}

}  // namespace pg_internal

using namespace pg_internal;  // NOLINT: this file defines them

std::vector<db::Query> PgRecordsStore::Queries() {
  std::vector<db::Query> all = ActivityQueries();
  for (const db::Query& q : TransferQueries()) all.push_back(q);
  for (const db::Query& q : DischargeQueries()) all.push_back(q);
  for (const db::Query& q : LeaveQueries()) all.push_back(q);
  for (const db::Query& q : OrderQueries()) all.push_back(q);
  for (const db::Query& q : InvestigationQueries()) all.push_back(q);
  for (const db::Query& q : SentenceQueries()) all.push_back(q);
  for (const db::Query& q : GroundQueries()) all.push_back(q);
  for (const db::Query& q : ExitRestrictionQueries()) all.push_back(q);
  for (const db::Query& q : FollowThroughQueries()) all.push_back(q);
  all.insert(all.end(),
             {kLockPerson, kPersonDetails, kOpenCaseOfPerson, kNextCaseNumber, kGetCase,
              kGetCaseForUpdate, kRecordIntake, kCountOpenCases, kCountClosedCases,
              kCountNeverReported, kApplyLevel, kExportCases, kFactsCandidates, kMarkFactsPublished,
              kReadCaseAudited, kOpenCasePerson, kOpenCaseWrite, kListCasesAudited});
  all.insert(all.end(), {kListCasesByOffice, kListCasesByDistrictStatus, kListCasesByDistrict,
                         kListCasesOpen});
  return all;
}

void PgRecordsStore::ApplySupervisionLevel(pqxx::work& tx, const std::string& case_id,
                                           const std::string& level, absl::CivilDay effective_on,
                                           const std::string& policy_version) {
  tx.exec_prepared(Name(kApplyLevel), case_id, level, time::FormatDate(effective_on),
                   policy_version);
}

absl::StatusOr<CaseRecord> PgRecordsStore::OpenCase(const auth::Principal& principal,
                                                    const OpenCaseCommand& cmd,
                                                    const EventFactory& make_event,
                                                    std::string* open_case_id) {
  CaseRecord out;
  // Inside a command, its claim of the request id rides on the first statement.
  const db::ClaimValues claim = db::TakeClaim(pool_);
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const domain::NewCase& in = cmd.input;
    const domain::ValidatedCase& v = cmd.validated;
    const pqxx::binarystring id_hash(cmd.id_hash);
    // The claim, the person (new, or known and locked) and the case number: one statement.
    const pqxx::row first = tx.exec_prepared1(
        Name(kOpenCasePerson), ids::NewUuid(), id_hash, pqxx::binarystring(cmd.id_cipher),
        cmd.id_last4, in.name, time::FormatDate(v.resident_id.birth_date),
        SexName(v.resident_id.sex), in.phone, in.household_address, in.residence_address,
        in.district_code, principal.subject, cmd.case_year, claim.request_id, claim.method,
        claim.subject);
    if (absl::Status claimed = db::SettleClaim(pool_, first[11].as<bool>()); !claimed.ok()) {
      return claimed;  // a retry, or a copy running at once: the command answers
    }
    const absl::Time created_at = absl::FromUnixMicros(first[1].as<int64_t>());
    std::string person_id;
    int person_version = 1;
    absl::Time person_effective_at;
    bool new_version = false;
    int64_t seq = 0;
    // Whether the current details (name, phone, household, residence) differ from the input.
    const auto details_differ = [&](const pqxx::field& name, const pqxx::field& phone,
                                    const pqxx::field& household, const pqxx::field& residence) {
      return name.as<std::string>() != in.name || phone.as<std::string>() != in.phone ||
             household.as<std::string>() != in.household_address ||
             residence.as<std::string>() != in.residence_address;
    };
    if (!first[2].is_null()) {  // a new person: this open wrote version 1 of the details
      person_id = first[2].as<std::string>();
      person_effective_at = absl::FromUnixMicros(first[3].as<int64_t>());
      seq = first[0].as<int64_t>();
    } else if (!first[4].is_null()) {  // a known person, locked
      person_id = first[4].as<std::string>();
      person_version = first[5].as<int>();
      person_effective_at = absl::FromUnixMicros(first[10].as<int64_t>());
      new_version = details_differ(first[6], first[7], first[8], first[9]);
      seq = first[0].as<int64_t>();
    } else {
      // Another transaction added the person, or a version of the details, after the first
      // statement's snapshot: lock and count again, each statement with a snapshot of its own.
      const std::string locked = tx.exec_prepared1(Name(kLockPerson), id_hash)[0].as<std::string>();
      const pqxx::row person = tx.exec_prepared1(Name(kPersonDetails), locked);
      person_id = person[0].as<std::string>();
      person_version = person[1].as<int>();
      person_effective_at = absl::FromUnixMicros(person[6].as<int64_t>());
      new_version = details_differ(person[2], person[3], person[4], person[5]);
      seq = tx.exec_prepared1(Name(kNextCaseNumber), in.district_code, cmd.case_year)[0]
                .as<int64_t>();
    }
    if (new_version) ++person_version;

    out.case_id = cmd.case_id;
    out.case_number = domain::FormatCaseNumber(in.district_code, cmd.case_year, seq);
    out.status = CaseStatus::kPendingIntake;
    out.person_id = person_id;
    out.name = in.name;
    out.id_last4 = cmd.id_last4;
    out.birth_date = v.resident_id.birth_date;
    out.sex = v.resident_id.sex;
    out.phone = in.phone;
    out.household_address = in.household_address;
    out.residence_address = in.residence_address;
    out.sentence_kind = in.sentence_kind;
    out.offence_category = in.offence_category;
    out.deciding_authority = in.deciding_authority;
    out.judgment_effective_date = *in.judgment_effective_date;
    out.offence_date = in.offence_date;
    out.start_date = *in.supervision_start_date;
    out.end_date = *in.supervision_end_date;
    out.prohibition_orders = in.prohibition_orders;
    out.district_code = in.district_code;
    out.office_id = in.office_id;
    out.officer_id = in.officer_id;
    out.social_worker_id = in.social_worker_id;
    out.minor = v.minor;
    out.intake_deadline = v.intake_deadline;
    // The case's created_at is now() of this transaction, as the first statement read it.
    out.created_at = out.updated_at = created_at;
    out.version = 1;
    out.person_version = person_version;
    // A version added here takes effect with this transaction, as the case is created.
    out.person_effective_at = new_version ? created_at : person_effective_at;

    // The case with its audit row, outbox row, details version and investigations: one statement.
    const std::string offence_date =
        in.offence_date.has_value() ? time::FormatDate(*in.offence_date) : "";
    const db::AuditValues audit =
        db::AuditValuesOf(principal, "OpenCase", cmd.case_id, cmd.request_id);
    const kafka::OutboxValues event = kafka::OutboxValuesOf(kRecordsTopic, make_event(out));
    // The call's response, kept by the same statement (inside a command).
    const db::KeptValues kept =
        cmd.response ? db::KeepResponse(pool_, *cmd.response(out)) : db::KeptValues{};
    const pqxx::row written = tx.exec_prepared1(
        Name(kOpenCaseWrite), cmd.case_id, out.case_number, person_id, in.district_code,
        in.office_id, in.officer_id, in.social_worker_id,
        std::string(domain::SentenceKindName(in.sentence_kind)), in.offence_category,
        in.deciding_authority, time::FormatDate(*in.judgment_effective_date),
        time::FormatDate(*in.supervision_start_date), time::FormatDate(*in.supervision_end_date),
        in.prohibition_orders, v.minor, time::FormatDate(v.intake_deadline), principal.subject,
        in.offence_date.has_value() ? offence_date.c_str() : nullptr, cmd.age_band, person_version,
        in.name, in.phone, in.household_address, in.residence_address, new_version, id_hash,
        audit.actor, audit.actor_role, audit.action, db::OrNull(audit.case_id), audit.request_id,
        db::OrNull(audit.on_behalf_of), db::OrNull(audit.on_behalf_of_role), event.event_id,
        event.topic, event.record_key, event.event_type, pqxx::binarystring(event.payload),
        event.occurred_us, kept.request_id, pqxx::binarystring(kept.bytes));
    if (written[0].as<int64_t>() == 0) {
      // The person has an open case (cases_one_open_per_person); a fresh snapshot finds it. The
      // caller's transaction rolls back what the two statements wrote.
      pqxx::result open = tx.exec_prepared(Name(kOpenCaseOfPerson), person_id);
      if (open.empty()) return absl::AbortedError("concurrent change; retry");
      *open_case_id = open[0][0].as<std::string>();
      return absl::AlreadyExistsError("this person already has an open case");
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<CaseRecord> PgRecordsStore::RecordIntakeCheckIn(const auth::Principal& principal,
                                                               const IntakeCheckInCommand& cmd,
                                                               const IntakeDecider& decide,
                                                               const EventFactory& make_event) {
  CaseRecord out;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    auto current = LoadCase(tx, principal, cmd.case_id, /*for_update=*/true);
    if (!current.ok()) return current.status();
    if (cmd.expected_version.has_value() && *cmd.expected_version != current->version) {
      return absl::AbortedError("the case changed since it was read; reload and retry");
    }
    auto outcome = decide(*current);
    if (!outcome.ok()) return outcome.status();
    pqxx::row r = tx.exec_prepared1(Name(kRecordIntake), cmd.case_id,
                                    time::FormatDate(outcome->reported_on), outcome->late);
    out = *std::move(current);
    out.status = CaseStatus::kActive;
    out.intake_reported_on = outcome->reported_on;
    out.intake_late = outcome->late;
    out.version = r[0].as<int64_t>();
    out.updated_at = absl::FromUnixMicros(r[1].as<int64_t>());
    db::AppendAudit(tx, principal, "RecordIntakeCheckIn", cmd.case_id, "OK", cmd.request_id);
    kafka::AppendToOutbox(tx, kRecordsTopic, make_event(out));
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (signal_ != nullptr) signal_->Notify();
  return out;
}

absl::StatusOr<CaseRecord> PgRecordsStore::GetCase(const auth::Principal& principal,
                                                   const std::string& case_id,
                                                   const std::string& request_id) {
  return ReadCase(principal, case_id, request_id, "GetCase");
}

absl::StatusOr<CaseRecord> PgRecordsStore::GetCaseFacts(const auth::Principal& principal,
                                                        const std::string& case_id,
                                                        const std::string& request_id) {
  absl::StatusOr<CaseRecord> c = ReadCase(principal, case_id, request_id, "GetCaseFacts");
  if (!c.ok()) return c;
  // Least privilege: what identifies the person, or tells the offence, never leaves the store.
  for (std::string* field :
       {&c->name, &c->id_last4, &c->phone, &c->household_address, &c->residence_address,
        &c->offence_category, &c->prohibition_orders, &c->deciding_authority}) {
    field->clear();
  }
  c->offence_date.reset();
  c->current_person.reset();  // a later case's name, phone and addresses
  return c;
}

absl::StatusOr<CaseRecord> PgRecordsStore::ReadCase(const auth::Principal& principal,
                                                    const std::string& case_id,
                                                    const std::string& request_id,
                                                    const char* action) {
  CaseRecord out;
  // One statement, one round trip: no BEGIN, no SET LOCAL, no COMMIT (kReadCaseAudited).
  absl::Status st = db::Autocommit(pool_, [&](pqxx::transaction_base& tx) -> absl::Status {
    const Scope scope = ScopeOf(principal);
    const db::AuditValues audit = db::AuditValuesOf(principal, action, case_id, request_id);
    // Never relaxed inside a command: the setting would hold for the command's writes too.
    const bool relax_commit = !db::InsideCommand();
    pqxx::result r = tx.exec_prepared(
        Name(kReadCaseAudited), case_id, scope.all, scope.districts, audit.actor, audit.actor_role,
        audit.action, db::OrNull(audit.case_id), audit.request_id, db::OrNull(audit.on_behalf_of),
        db::OrNull(audit.on_behalf_of_role), relax_commit);
    if (r.empty()) return absl::OkStatus();
    out = RowToCase(r[0]);
    const pqxx::row& row = r[0];
    constexpr int kCur = kCaseColumnCount;  // the current details follow the case columns
    if (!row[kCur].is_null() && row[kCur].as<int>() != out.person_version) {
      PersonDetails d;
      d.version = row[kCur].as<int>();
      d.name = row[kCur + 1].as<std::string>();
      d.phone = row[kCur + 2].as<std::string>();
      d.household_address = row[kCur + 3].as<std::string>();
      d.residence_address = row[kCur + 4].as<std::string>();
      d.effective_at = absl::FromUnixMicros(row[kCur + 5].as<int64_t>());
      out.current_person = std::move(d);
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (out.case_id.empty()) return NotFound();
  return out;
}

absl::StatusOr<CasePage> PgRecordsStore::ListCases(const auth::Principal& principal,
                                                   const CaseFilter& f,
                                                   const std::string& request_id) {
  CasePage page;
  // One statement, one round trip: the page and its audit row (kListCasesAudited and the
  // statements by filter beside it).
  absl::Status st = db::Autocommit(pool_, [&](pqxx::transaction_base& tx) -> absl::Status {
    const Scope scope = ScopeOf(principal);
    const std::string status =
        f.status == CaseStatus::kUnspecified ? "" : std::string(domain::CaseStatusName(f.status));
    const std::string kind = f.sentence_kind == domain::SentenceKind::kUnspecified
                                 ? ""
                                 : std::string(domain::SentenceKindName(f.sentence_kind));
    const db::AuditValues audit = db::AuditValuesOf(principal, "ListCases", "", request_id);
    // The statement of the filters set (an office first, then a district). One row more than
    // the page tells whether another page follows.
    const db::Query* query = &kListCasesAudited;
    if (!f.office_id.empty()) {
      query = &kListCasesByOffice;
    } else if (!f.district_code.empty()) {
      query = status.empty() ? &kListCasesByDistrict : &kListCasesByDistrictStatus;
    } else if (f.status == CaseStatus::kPendingIntake || f.status == CaseStatus::kActive) {
      query = &kListCasesOpen;
    }
    pqxx::result r = tx.exec_prepared(
        Name(*query), f.page_size + 1, scope.all, scope.districts, f.district_code, f.office_id,
        status, kind, f.after_case_id, audit.actor, audit.actor_role, audit.action,
        audit.request_id, db::OrNull(audit.on_behalf_of), db::OrNull(audit.on_behalf_of_role),
        /*relax_commit=*/!db::InsideCommand());
    for (const auto& row : r) {
      if (static_cast<int>(page.cases.size()) == f.page_size) {
        page.last_case_id = page.cases.back().case_id;
        break;
      }
      page.cases.push_back(RowToCase(row));
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

absl::StatusOr<std::vector<std::pair<std::string, int64_t>>> PgRecordsStore::CountNeverReported(
    absl::CivilDay today) {
  std::vector<std::pair<std::string, int64_t>> out;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    for (const auto& row : tx.exec_prepared(Name(kCountNeverReported), time::FormatDate(today))) {
      out.emplace_back(row[0].as<std::string>(), row[1].as<int64_t>());
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<std::vector<CaseCount>> PgRecordsStore::CountCases(bool closed) {
  std::vector<CaseCount> out;
  absl::Status st = pool_.Read([&](pqxx::transaction_base& tx) -> absl::Status {
    // A background count must not take every core from the calls.
    if (closed) tx.exec("SET LOCAL max_parallel_workers_per_gather = 0");
    for (const auto& row : tx.exec_prepared(Name(closed ? kCountClosedCases : kCountOpenCases))) {
      out.push_back(
          {row[0].as<std::string>(),
           domain::ParseCaseStatus(row[1].as<std::string>()).value_or(CaseStatus::kUnspecified),
           row[2].as<int64_t>()});
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<FactsScanPage> PgRecordsStore::PublishCaseFacts(const std::string& after_case_id,
                                                               int limit,
                                                               const CaseFactsDecider& decide) {
  FactsScanPage page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    page = FactsScanPage();
    for (const auto& r : tx.exec_prepared(Name(kFactsCandidates), after_case_id, limit)) {
      FactsCandidate candidate;
      candidate.c = RowToCase(r);
      candidate.ever_published = r[kCaseColumnCount].as<bool>();
      if (!r[kCaseColumnCount + 1].is_null()) {
        candidate.published_age_band = r[kCaseColumnCount + 1].as<std::string>();
      }
      page.last_case_id = candidate.c.case_id;
      std::optional<FactsPublication> publication = decide(candidate);
      if (!publication.has_value()) continue;
      const pqxx::result marked =
          tx.exec_prepared(Name(kMarkFactsPublished), candidate.c.case_id, publication->age_band,
                           candidate.published_age_band.value_or(""), candidate.ever_published);
      if (marked.affected_rows() != 1) continue;  // another scan got there first
      kafka::AppendToOutbox(tx, kRecordsTopic, publication->event);
      ++page.published;
    }
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (page.published > 0 && signal_ != nullptr) signal_->Notify();
  return page;
}

}  // namespace ccms::records
