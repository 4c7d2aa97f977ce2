#include "services/education/pg_legal_test_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/time/calendar.h"
#include "services/education/pg_case_command.h"
#include "services/education/pg_case_store.h"
#include "services/education/pg_service_file_store.h"

namespace ccms::education {
namespace {

using db::Name;

constexpr db::Query kPublish = {
    "education_legal_publish_paper",
    "INSERT INTO legal_test_papers (paper_id, version, title, answer_key, published_by,"
    " created_at) SELECT $1, COALESCE(MAX(version), 0) + 1, $2, string_to_array($3, ','), $4,"
    " $5::timestamptz FROM legal_test_papers WHERE paper_id = $1"
    " RETURNING version"};
constexpr db::Query kLockPaperId = {
    "education_legal_lock_paper_id",
    "SELECT pg_advisory_xact_lock(hashtext('legal_test_paper:' || $1))"};
constexpr db::Query kPaper = {
    "education_legal_paper",
    "SELECT paper_id, version, title, array_to_string(answer_key, ','), published_by,"
    " (extract(epoch FROM created_at) * 1000000)::bigint FROM legal_test_papers"
    " WHERE paper_id = $1 AND ($2 = 0 OR version = $2) ORDER BY version DESC LIMIT 1"};
constexpr db::Query kSittings = {
    "education_legal_sittings",
    "SELECT sitting_id::text, paper_id, paper_version, sat_on::text,"
    " array_to_string(answers, ',', ''), correct_count, question_count, score_percent, pass_mark,"
    " passed, attempt, retake_due_on::text, policy_version, recorded_by"
    " FROM legal_test_sittings WHERE case_id = $1::uuid ORDER BY sat_on, created_at, sitting_id"};
constexpr db::Query kInsertSitting = {
    "education_legal_insert_sitting",
    "INSERT INTO legal_test_sittings (sitting_id, case_id, paper_id, paper_version, sat_on,"
    " answers, correct_count, question_count, score_percent, pass_mark, passed, attempt,"
    " retake_due_on, policy_version, recorded_by) VALUES ($1::uuid, $2::uuid, $3, $4, $5::date,"
    " string_to_array($6, ','), $7, $8, $9, $10, $11, $12, NULLIF($13, '')::date, $14, $15)"};
constexpr db::Query kRetakes = {
    "education_legal_retakes",
    "SELECT s.case_id::text, c.district_code, s.paper_id, s.sitting_id::text,"
    " s.retake_due_on::text FROM (SELECT DISTINCT ON (case_id, paper_id) case_id, paper_id,"
    " sitting_id, passed, retake_due_on FROM legal_test_sittings"
    " ORDER BY case_id, paper_id, sat_on DESC, created_at DESC) s"
    " JOIN cases c ON c.case_id = s.case_id"
    " WHERE NOT s.passed AND c.status = 'ACTIVE'"
    " AND ($1::boolean OR c.district_code = ANY($2::text[])) AND ($3 = '' OR c.district_code = $3)"
    " AND (NOT $4::boolean OR s.retake_due_on < $5::date)"
    " AND ($6 = '' OR (s.case_id, s.paper_id) > (NULLIF($6, '')::uuid, $7))"
    " ORDER BY s.case_id, s.paper_id LIMIT $8"};

std::string TimeText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6S+00:00", t, absl::UTCTimeZone());
}

std::vector<std::string> SplitList(const std::string& s) { return absl::StrSplit(s, ','); }

absl::StatusOr<LegalTestState> LoadState(pqxx::transaction_base& tx,
                                         const auth::Principal& principal,
                                         const std::string& case_id, bool for_update) {
  auto row = LoadCaseInScope(tx, principal, case_id, for_update);
  if (!row.ok()) return row.status();
  LegalTestState s;
  s.case_row = *std::move(row);
  for (const auto& r : tx.exec_prepared(Name(kSittings), case_id)) {
    TestSittingRecord x;
    x.sitting_id = r[0].as<std::string>();
    x.case_id = case_id;
    x.paper_id = r[1].as<std::string>();
    x.paper_version = r[2].as<int>();
    x.sat_on = DayOf(r[3].c_str()).value_or(absl::CivilDay());
    x.answers = SplitList(r[4].as<std::string>());
    x.correct_count = r[5].as<int>();
    x.question_count = r[6].as<int>();
    x.score_percent = r[7].as<int>();
    x.pass_mark = r[8].as<int>();
    x.passed = r[9].as<bool>();
    x.attempt = r[10].as<int>();
    x.retake_due_on = DayOf(r[11].c_str());
    x.policy_version = r[12].as<std::string>();
    x.recorded_by = r[13].as<std::string>();
    s.sittings.push_back(std::move(x));
  }
  return s;
}

}  // namespace

absl::StatusOr<TestPaperRecord> PgLegalTestStore::PublishPaper(const auth::Principal& principal,
                                                               const std::string& request_id,
                                                               const TestPaperRecord& paper) {
  TestPaperRecord out = paper;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    // Two publications of one paper id take their versions one after the other.
    tx.exec_prepared(Name(kLockPaperId), paper.paper_id);
    pqxx::result r = tx.exec_prepared(Name(kPublish), paper.paper_id, paper.title,
                                      absl::StrJoin(paper.answer_key, ","), paper.published_by,
                                      TimeText(paper.created_at));
    out.version = r[0][0].as<int>();
    db::AppendAudit(tx, principal, "PublishTestPaper", "", "OK", request_id);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<LegalTestState> PgLegalTestStore::Mutate(
    const auth::Principal& principal, const std::string& case_id, std::string_view method,
    const std::string& request_id, const std::string& paper_id, int paper_version,
    const LegalTestDecision& decide) {
  LegalTestState out;
  absl::Status st = RunCaseCommand(
      pool_, signal_, {principal, method, case_id, request_id},
      [&](pqxx::work& tx) -> absl::StatusOr<std::vector<events::v1::Envelope>> {
        auto state = LoadState(tx, principal, case_id, /*for_update=*/true);
        if (!state.ok()) return state.status();
        pqxx::result p = tx.exec_prepared(Name(kPaper), paper_id, paper_version);
        if (p.empty()) return absl::NotFoundError("test paper not found");
        TestPaperRecord paper;
        paper.paper_id = p[0][0].as<std::string>();
        paper.version = p[0][1].as<int>();
        paper.title = p[0][2].as<std::string>();
        paper.answer_key = SplitList(p[0][3].as<std::string>());
        paper.published_by = p[0][4].as<std::string>();
        paper.created_at = absl::FromUnixMicros(p[0][5].as<int64_t>());
        auto write = decide(*state, paper);
        if (!write.ok()) return write.status();
        if (write->sitting.has_value()) {
          const TestSittingRecord& x = *write->sitting;
          tx.exec_prepared(Name(kInsertSitting), x.sitting_id, case_id, x.paper_id, x.paper_version,
                           time::FormatDate(x.sat_on), absl::StrJoin(x.answers, ","),
                           x.correct_count, x.question_count, x.score_percent, x.pass_mark,
                           x.passed, x.attempt, DayText(x.retake_due_on), x.policy_version,
                           x.recorded_by);
        }
        return std::move(write->events);
      },
      [&](pqxx::work& tx) {
        return MoveInto(LoadState(tx, principal, case_id, /*for_update=*/false), out);
      });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<LegalTestState> PgLegalTestStore::Get(const auth::Principal& principal,
                                                     const std::string& case_id) {
  LegalTestState out;
  absl::Status st =
      ReadCase(pool_, {principal, "ListTestSittings", case_id, ""}, [&](pqxx::work& tx) {
        return MoveInto(LoadState(tx, principal, case_id, /*for_update=*/false), out);
      });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<RetakePage> PgLegalTestStore::ListRetakes(const auth::Principal& principal,
                                                         const RetakeFilter& f) {
  RetakePage page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kRetakes), scope.all, scope.districts, f.district_code,
                                      f.overdue_only, time::FormatDate(f.today), f.after_case_id,
                                      f.after_paper_id, f.page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.items.size()) == f.page_size) {
        page.next_token = page.items.back().case_id + "/" + page.items.back().paper_id;
        break;
      }
      RetakeRecord x;
      x.case_id = row[0].as<std::string>();
      x.district_code = row[1].as<std::string>();
      x.paper_id = row[2].as<std::string>();
      x.failed_sitting_id = row[3].as<std::string>();
      x.retake_due_on = DayOf(row[4].c_str()).value_or(absl::CivilDay());
      page.items.push_back(std::move(x));
    }
    db::AppendAudit(tx, principal, "ListRetakesDue", "", std::to_string(page.items.size()), "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

std::vector<db::Query> PgLegalTestStore::Queries() {
  return {kPublish, kLockPaperId, kPaper, kSittings, kInsertSitting, kRetakes};
}

}  // namespace ccms::education
