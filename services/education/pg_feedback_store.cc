#include "services/education/pg_feedback_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_join.h"
#include "common/db/audit.h"
#include "common/db/scope.h"
#include "common/time/calendar.h"
#include "services/education/pg_case_command.h"
#include "services/education/pg_case_store.h"
#include "services/education/pg_service_file_store.h"

namespace ccms::education {
namespace {

using db::Name;

constexpr db::Query kLockQuestionnaireId = {
    "education_feedback_lock_questionnaire_id",
    "SELECT pg_advisory_xact_lock(hashtext('questionnaire:' || $1))"};
constexpr db::Query kPublish = {
    "education_feedback_publish",
    "INSERT INTO questionnaires (questionnaire_id, version, title, question_count, scale_max,"
    " published_by, created_at) SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5,"
    " $6::timestamptz FROM questionnaires WHERE questionnaire_id = $1 RETURNING version"};
constexpr db::Query kQuestionnaire = {
    "education_feedback_questionnaire",
    "SELECT questionnaire_id, version, title, question_count, scale_max, published_by,"
    " (extract(epoch FROM created_at) * 1000000)::bigint FROM questionnaires"
    " WHERE questionnaire_id = $1 AND ($2 = 0 OR version = $2) ORDER BY version DESC LIMIT 1"};
#define CCMS_COMPLAINT_COLUMNS                                                            \
  "complaint_id::text, case_id::text, district_code, subject_kind, subject_id, category," \
  " text_blob, received_on::text, handle_by::text, status, closed_on::text, version,"     \
  " policy_version, recorded_by"
constexpr db::Query kComplaintsOfCase = {
    "education_feedback_complaints_of_case",
    "SELECT " CCMS_COMPLAINT_COLUMNS
    " FROM complaints WHERE case_id = $1::uuid ORDER BY received_on, complaint_id"};
constexpr db::Query kListComplaints = {
    "education_feedback_list_complaints",
    "SELECT " CCMS_COMPLAINT_COLUMNS
    " FROM complaints WHERE status IN ('OPEN', 'IN_HANDLING')"
    " AND ($1::boolean OR district_code = ANY($2::text[])) AND ($3 = '' OR district_code = $3)"
    " AND (NOT $4::boolean OR handle_by < $5::date)"
    " AND ($6 = '' OR (handle_by, complaint_id) > (NULLIF($6, '')::date, NULLIF($7, '')::uuid))"
    " ORDER BY handle_by, complaint_id LIMIT $8"};
constexpr db::Query kInsertResponse = {
    "education_feedback_insert_response",
    "INSERT INTO survey_responses (response_id, case_id, questionnaire_id, questionnaire_version,"
    " subject_kind, subject_id, responded_on, scores, recorded_by) VALUES ($1::uuid, $2::uuid, $3,"
    " $4, $5, $6, $7::date, string_to_array($8, ',')::integer[], $9)"};
constexpr db::Query kInsertComplaint = {
    "education_feedback_insert_complaint",
    "INSERT INTO complaints (complaint_id, case_id, district_code, subject_kind, subject_id,"
    " category, text_blob, received_on, handle_by, status, version, policy_version, recorded_by)"
    " VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8::date, $9::date, $10, $11, $12, $13)"};
constexpr db::Query kUpdateComplaint = {
    "education_feedback_update_complaint",
    "UPDATE complaints SET status = $3, closed_on = NULLIF($4, '')::date, version = $5,"
    " updated_at = now() WHERE complaint_id = $1::uuid AND case_id = $2::uuid"
    " AND version = $5 - 1"};

ComplaintRecord RowToComplaint(const pqxx::row& r) {
  ComplaintRecord c;
  c.complaint_id = r[0].as<std::string>();
  c.case_id = r[1].as<std::string>();
  c.district_code = r[2].as<std::string>();
  c.subject_kind = r[3].as<std::string>();
  c.subject_id = r[4].as<std::string>();
  c.category = r[5].as<std::string>();
  c.text_blob = pqxx::binarystring(r[6]).str();
  c.received_on = DayOf(r[7].c_str()).value_or(absl::CivilDay());
  c.handle_by = DayOf(r[8].c_str()).value_or(absl::CivilDay());
  c.status = r[9].as<std::string>();
  c.closed_on = DayOf(r[10].c_str());
  c.version = r[11].as<int>();
  c.policy_version = r[12].as<std::string>();
  c.recorded_by = r[13].as<std::string>();
  return c;
}

std::string TimeText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6S+00:00", t, absl::UTCTimeZone());
}

}  // namespace

absl::StatusOr<QuestionnaireRecord> PgFeedbackStore::PublishQuestionnaire(
    const auth::Principal& principal, const std::string& request_id, const QuestionnaireRecord& q) {
  QuestionnaireRecord out = q;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    tx.exec_prepared(Name(kLockQuestionnaireId), q.questionnaire_id);
    pqxx::result r = tx.exec_prepared(Name(kPublish), q.questionnaire_id, q.title, q.question_count,
                                      q.scale_max, q.published_by, TimeText(q.created_at));
    out.version = r[0][0].as<int>();
    db::AppendAudit(tx, principal, "PublishQuestionnaire", "", "OK", request_id);
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<FeedbackState> PgFeedbackStore::Mutate(
    const auth::Principal& principal, const std::string& case_id, std::string_view method,
    const std::string& request_id, const std::string& questionnaire_id, int questionnaire_version,
    const FeedbackDecision& decide) {
  FeedbackState out;
  absl::Status st = RunCaseCommand(
      pool_, signal_, {principal, method, case_id, request_id},
      [&](pqxx::work& tx) -> absl::StatusOr<std::vector<events::v1::Envelope>> {
        auto row = LoadCaseInScope(tx, principal, case_id, /*for_update=*/true);
        if (!row.ok()) return row.status();
        FeedbackState state;
        state.case_row = *std::move(row);
        for (const auto& r : tx.exec_prepared(Name(kComplaintsOfCase), case_id)) {
          state.complaints.push_back(RowToComplaint(r));
        }
        std::optional<QuestionnaireRecord> q;
        if (!questionnaire_id.empty()) {
          pqxx::result r =
              tx.exec_prepared(Name(kQuestionnaire), questionnaire_id, questionnaire_version);
          if (r.empty()) return absl::NotFoundError("questionnaire not found");
          QuestionnaireRecord x;
          x.questionnaire_id = r[0][0].as<std::string>();
          x.version = r[0][1].as<int>();
          x.title = r[0][2].as<std::string>();
          x.question_count = r[0][3].as<int>();
          x.scale_max = r[0][4].as<int>();
          x.published_by = r[0][5].as<std::string>();
          x.created_at = absl::FromUnixMicros(r[0][6].as<int64_t>());
          q = std::move(x);
        }
        auto write = decide(state, q);
        if (!write.ok()) return write.status();
        if (write->response.has_value()) {
          const SurveyResponseRecord& x = *write->response;
          tx.exec_prepared(Name(kInsertResponse), x.response_id, case_id, x.questionnaire_id,
                           x.questionnaire_version, x.subject_kind, x.subject_id,
                           time::FormatDate(x.responded_on), absl::StrJoin(x.scores, ","),
                           x.recorded_by);
        }
        if (write->new_complaint.has_value()) {
          const ComplaintRecord& c = *write->new_complaint;
          tx.exec_prepared(Name(kInsertComplaint), c.complaint_id, case_id, c.district_code,
                           c.subject_kind, c.subject_id, c.category,
                           pqxx::binarystring(c.text_blob), time::FormatDate(c.received_on),
                           time::FormatDate(c.handle_by), c.status, c.version, c.policy_version,
                           c.recorded_by);
        }
        if (write->complaint_update.has_value()) {
          const ComplaintRecord& c = *write->complaint_update;
          pqxx::result r = tx.exec_prepared(Name(kUpdateComplaint), c.complaint_id, case_id,
                                            c.status, DayText(c.closed_on), c.version);
          if (r.affected_rows() == 0)
            return absl::AbortedError("the complaint changed; read it again");
        }
        out = std::move(state);
        return std::move(write->events);
      },
      [&](pqxx::work& tx) {
        out.complaints.clear();
        for (const auto& r : tx.exec_prepared(Name(kComplaintsOfCase), case_id)) {
          out.complaints.push_back(RowToComplaint(r));
        }
        return absl::OkStatus();
      });
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<ComplaintPage> PgFeedbackStore::ListComplaints(const auth::Principal& principal,
                                                              const ComplaintFilter& f) {
  ComplaintPage page;
  absl::Status st = pool_.InTransaction([&](pqxx::work& tx) -> absl::Status {
    const db::DistrictScope scope = db::ScopeOf(principal);
    pqxx::result r = tx.exec_prepared(Name(kListComplaints), scope.all, scope.districts,
                                      f.district_code, f.overdue_only, time::FormatDate(f.today),
                                      f.after_handle_by, f.after_complaint_id, f.page_size + 1);
    for (const auto& row : r) {
      if (static_cast<int>(page.items.size()) == f.page_size) {
        const ComplaintRecord& last = page.items.back();
        page.next_token = time::FormatDate(last.handle_by) + "/" + last.complaint_id;
        break;
      }
      page.items.push_back(RowToComplaint(row));
    }
    db::AppendAudit(tx, principal, "ListComplaints", "", std::to_string(page.items.size()), "");
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  return page;
}

std::vector<db::Query> PgFeedbackStore::Queries() {
  return {kLockQuestionnaireId, kPublish,        kQuestionnaire,   kComplaintsOfCase,
          kListComplaints,      kInsertResponse, kInsertComplaint, kUpdateComplaint};
}

}  // namespace ccms::education
