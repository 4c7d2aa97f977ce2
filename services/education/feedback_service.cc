#include "services/education/feedback_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ccms/education/v1/education_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/education/domain/access.h"
#include "services/education/domain/feedback_rules.h"

namespace ccms::education {

CCMS_UNARY_HANDLER(FeedbackServiceImpl, PublishQuestionnaire)
CCMS_UNARY_HANDLER(FeedbackServiceImpl, RecordSurveyResponse)
CCMS_UNARY_HANDLER(FeedbackServiceImpl, FileComplaint)
CCMS_UNARY_HANDLER(FeedbackServiceImpl, UpdateComplaint)
CCMS_UNARY_HANDLER(FeedbackServiceImpl, ListComplaints)

namespace {

using domain::Action;
using grpc_util::FieldViolation;
using grpc_util::ToProtoDate;

constexpr char kSurveyRecordedType[] = "ccms.education.survey_response_recorded";
constexpr char kComplaintRecordedType[] = "ccms.education.complaint_recorded";
constexpr char kComplaintResolvedType[] = "ccms.education.complaint_resolved";
constexpr size_t kMaxComplaintBytes = 4000;

bool IsCode(const std::string& s) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::string SubjectName(v1::FeedbackSubject s) {
  switch (s) {
    case v1::FEEDBACK_SUBJECT_SESSION:
      return "SESSION";
    case v1::FEEDBACK_SUBJECT_PROVIDER:
      return "PROVIDER";
    case v1::FEEDBACK_SUBJECT_WORKER:
      return "WORKER";
    default:
      return "";
  }
}
v1::FeedbackSubject SubjectOf(const std::string& s) {
  v1::FeedbackSubject x = v1::FEEDBACK_SUBJECT_UNSPECIFIED;
  v1::FeedbackSubject_Parse("FEEDBACK_SUBJECT_" + s, &x);
  return x;
}
std::string CategoryName(v1::ComplaintCategory c) {
  if (c == v1::COMPLAINT_CATEGORY_UNSPECIFIED || !v1::ComplaintCategory_IsValid(c)) return "";
  return v1::ComplaintCategory_Name(c).substr(std::string_view("COMPLAINT_CATEGORY_").size());
}
v1::ComplaintCategory CategoryOf(const std::string& s) {
  v1::ComplaintCategory x = v1::COMPLAINT_CATEGORY_UNSPECIFIED;
  v1::ComplaintCategory_Parse("COMPLAINT_CATEGORY_" + s, &x);
  return x;
}
std::string StatusName(v1::ComplaintStatus s) {
  if (s == v1::COMPLAINT_STATUS_UNSPECIFIED || !v1::ComplaintStatus_IsValid(s)) return "";
  return v1::ComplaintStatus_Name(s).substr(std::string_view("COMPLAINT_STATUS_").size());
}
v1::ComplaintStatus StatusOf(const std::string& s) {
  v1::ComplaintStatus x = v1::COMPLAINT_STATUS_UNSPECIFIED;
  v1::ComplaintStatus_Parse("COMPLAINT_STATUS_" + s, &x);
  return x;
}

// Without the text unless `cipher` is given.
absl::Status ToProto(const ComplaintRecord& c, absl::CivilDay today,
                     const crypto::PiiCipher* cipher, v1::Complaint* out) {
  out->set_complaint_id(c.complaint_id);
  out->set_case_id(c.case_id);
  out->set_district_code(c.district_code);
  out->set_subject(SubjectOf(c.subject_kind));
  out->set_subject_id(c.subject_id);
  out->set_category(CategoryOf(c.category));
  if (cipher != nullptr) {
    auto text = cipher->Decrypt(c.text_blob, FeedbackServiceImpl::kComplaintContext);
    if (!text.ok()) return absl::InternalError("the complaint cannot be read");
    out->set_text(*text);
  }
  *out->mutable_received_on() = ToProtoDate(c.received_on);
  *out->mutable_handle_by() = ToProtoDate(c.handle_by);
  out->set_status(StatusOf(c.status));
  if (c.closed_on.has_value()) *out->mutable_closed_on() = ToProtoDate(*c.closed_on);
  out->set_overdue(domain::ComplaintOverdue(c.status, c.handle_by, today));
  out->set_version(c.version);
  return absl::OkStatus();
}

void CheckSubject(v1::FeedbackSubject subject, const std::string& subject_id,
                  std::vector<FieldViolation>* violations) {
  if (SubjectName(subject).empty()) {
    violations->push_back({"subject", "is required: SESSION, PROVIDER or WORKER"});
  }
  if (absl::StripAsciiWhitespace(subject_id).empty() || subject_id.size() > 128) {
    violations->push_back({"subject_id", "is required, at most 128 characters"});
  }
}

}  // namespace

absl::Status FeedbackServiceImpl::DoPublishQuestionnaire(
    const auth::Principal& principal, const v1::PublishQuestionnaireRequest& request,
    v1::PublishQuestionnaireResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kApprove); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  if (!IsCode(request.questionnaire_id())) {
    violations.push_back(
        {"questionnaire_id", "must be an upper-case code (letters, digits, _), at most 40"});
  }
  const std::string title(absl::StripAsciiWhitespace(request.title()));
  if (title.empty() || request.title().size() > 200) {
    violations.push_back({"title", "is required, at most 200 bytes"});
  }
  if (request.question_count() < 1 || request.question_count() > 50) {
    violations.push_back({"question_count", "must be between 1 and 50"});
  }
  if (request.scale_max() < 2 || request.scale_max() > 10) {
    violations.push_back({"scale_max", "must be between 2 and 10"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  QuestionnaireRecord q;
  q.questionnaire_id = request.questionnaire_id();
  q.title = title;
  q.question_count = request.question_count();
  q.scale_max = request.scale_max();
  q.published_by = principal.subject;
  q.created_at = clock_.Now();
  auto saved =
      store_.PublishQuestionnaire(principal, absl::AsciiStrToLower(request.request_id()), q);
  if (!saved.ok()) return saved.status();
  v1::Questionnaire* out = response->mutable_questionnaire();
  out->set_questionnaire_id(saved->questionnaire_id);
  out->set_version(saved->version);
  out->set_title(saved->title);
  out->set_question_count(saved->question_count);
  out->set_scale_max(saved->scale_max);
  *out->mutable_published_at() = grpc_util::ToProtoTimestamp(saved->created_at);
  return absl::OkStatus();
}

absl::Status FeedbackServiceImpl::DoRecordSurveyResponse(
    const auth::Principal& principal, const v1::RecordSurveyResponseRequest& request,
    v1::RecordSurveyResponseResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  if (!IsCode(request.questionnaire_id())) {
    violations.push_back({"questionnaire_id", "must be the code of a published questionnaire"});
  }
  if (request.questionnaire_version() < 0) {
    violations.push_back({"questionnaire_version", "must be 0 or more"});
  }
  CheckSubject(request.subject(), request.subject_id(), &violations);
  if (request.scores_size() == 0 || request.scores_size() > 50) {
    violations.push_back({"scores", "must hold one score per question (1-50)"});
  }
  const absl::CivilDay responded_on =
      grpc_util::DayNotInFuture(request.responded_on(), "responded_on", today, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const std::vector<int> scores(request.scores().begin(), request.scores().end());
  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  const std::string subject = SubjectName(request.subject());
  const std::string subject_id(absl::StripAsciiWhitespace(request.subject_id()));
  SurveyResponseRecord made;
  auto decide = [&](const FeedbackState& s,
                    const std::optional<QuestionnaireRecord>& q) -> absl::StatusOr<FeedbackWrite> {
    if (auto st = domain::CheckScores(scores, q->question_count, q->scale_max); !st.ok()) {
      return grpc_util::InvalidArgumentWithViolations({{"scores", std::string(st.message())}});
    }
    if (auto st = domain::CheckFeedbackDay(s.case_row.view, responded_on); !st.ok()) return st;
    SurveyResponseRecord x;
    x.response_id = ids::NewUuid();
    x.case_id = case_id;
    x.questionnaire_id = q->questionnaire_id;
    x.questionnaire_version = q->version;
    x.subject_kind = subject;
    x.subject_id = subject_id;
    x.responded_on = responded_on;
    x.scores = scores;
    x.recorded_by = principal.subject;
    v1::SurveyResponseRecorded e;
    e.set_case_id(case_id);
    e.set_district_code(s.case_row.view.district_code);
    e.set_response_id(x.response_id);
    e.set_questionnaire_id(x.questionnaire_id);
    e.set_questionnaire_version(x.questionnaire_version);
    e.set_subject_kind(subject);
    e.set_subject_id(subject_id);
    *e.mutable_responded_on() = ToProtoDate(responded_on);
    e.set_mean_score_centi(domain::MeanCenti(scores));
    FeedbackWrite w;
    w.events.push_back(kafka::MakeEnvelope(kSurveyRecordedType, case_id,
                                           s.case_row.view.district_code, now, now,
                                           principal.subject, e));
    made = x;
    w.response = std::move(x);
    return w;
  };
  auto state = store_.Mutate(principal, case_id, "RecordSurveyResponse",
                             absl::AsciiStrToLower(request.request_id()),
                             request.questionnaire_id(), request.questionnaire_version(), decide);
  if (!state.ok()) return state.status();
  v1::SurveyResponse* out = response->mutable_response();
  out->set_response_id(made.response_id);
  out->set_case_id(case_id);
  out->set_questionnaire_id(made.questionnaire_id);
  out->set_questionnaire_version(made.questionnaire_version);
  out->set_subject(request.subject());
  out->set_subject_id(subject_id);
  *out->mutable_responded_on() = ToProtoDate(responded_on);
  for (int s : scores) out->add_scores(s);
  return absl::OkStatus();
}

absl::Status FeedbackServiceImpl::DoFileComplaint(const auth::Principal& principal,
                                                  const v1::FileComplaintRequest& request,
                                                  v1::FileComplaintResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  CheckSubject(request.subject(), request.subject_id(), &violations);
  const std::string category = CategoryName(request.category());
  if (category.empty()) {
    violations.push_back(
        {"category", "is required: SERVICE_QUALITY, STAFF_CONDUCT, ACCESS, PRIVACY or OTHER"});
  }
  if (absl::StripAsciiWhitespace(request.text()).empty() ||
      request.text().size() > kMaxComplaintBytes) {
    violations.push_back({"text", "is required, at most 4000 bytes"});
  }
  const absl::CivilDay received_on =
      grpc_util::DayNotInFuture(request.received_on(), "received_on", today, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  std::string complaint_id;
  auto decide = [&](const FeedbackState& s,
                    const std::optional<QuestionnaireRecord>&) -> absl::StatusOr<FeedbackWrite> {
    if (auto st = domain::CheckFeedbackDay(s.case_row.view, received_on); !st.ok()) return st;
    const domain::ComplaintDue due = domain::ComplaintDueOf(received_on, policies_);
    ComplaintRecord c;
    c.complaint_id = ids::NewUuid();
    c.case_id = case_id;
    c.district_code = s.case_row.view.district_code;
    c.subject_kind = SubjectName(request.subject());
    c.subject_id = std::string(absl::StripAsciiWhitespace(request.subject_id()));
    c.category = category;
    c.text_blob = cipher_.Encrypt(request.text(), kComplaintContext);
    c.received_on = received_on;
    c.handle_by = due.handle_by;
    c.status = "OPEN";
    c.version = 1;
    c.policy_version = due.policy_version;
    c.recorded_by = principal.subject;
    v1::ComplaintRecorded e;
    e.set_case_id(case_id);
    e.set_district_code(c.district_code);
    e.set_complaint_id(c.complaint_id);
    e.set_subject_kind(c.subject_kind);
    e.set_subject_id(c.subject_id);
    e.set_category(category);
    *e.mutable_received_on() = ToProtoDate(received_on);
    *e.mutable_handle_by() = ToProtoDate(due.handle_by);
    e.set_policy_version(due.policy_version);
    FeedbackWrite w;
    w.events.push_back(kafka::MakeEnvelope(kComplaintRecordedType, case_id, c.district_code, now,
                                           now, principal.subject, e));
    complaint_id = c.complaint_id;
    w.new_complaint = std::move(c);
    return w;
  };
  auto state = store_.Mutate(principal, case_id, "FileComplaint",
                             absl::AsciiStrToLower(request.request_id()), "", 0, decide);
  if (!state.ok()) return state.status();
  for (const auto& c : state->complaints) {
    if (c.complaint_id == complaint_id) {
      return ToProto(c, today, &cipher_, response->mutable_complaint());
    }
  }
  return absl::InternalError("the complaint was not kept");
}

absl::Status FeedbackServiceImpl::DoUpdateComplaint(const auth::Principal& principal,
                                                    const v1::UpdateComplaintRequest& request,
                                                    v1::UpdateComplaintResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kApprove); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckUuidField(request.complaint_id(), "complaint_id",
                                          "a complaint id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const std::string status = StatusName(request.status());
  if (status.empty() || status == "OPEN") {
    violations.push_back({"status", "is required: IN_HANDLING, RESOLVED or REJECTED"});
  }
  if (request.version() < 1)
    violations.push_back({"version", "must be the version read (1 or more)"});
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  const std::string complaint_id = absl::AsciiStrToLower(request.complaint_id());
  auto decide = [&](const FeedbackState& s,
                    const std::optional<QuestionnaireRecord>&) -> absl::StatusOr<FeedbackWrite> {
    for (const auto& c : s.complaints) {
      if (c.complaint_id != complaint_id) continue;
      if (c.version != request.version()) {
        return absl::AbortedError(absl::StrCat("the complaint is at version ", c.version, ", not ",
                                               request.version(), "; read it again"));
      }
      if (auto st = domain::CheckComplaintTransition(c.status, status); !st.ok()) return st;
      ComplaintRecord next = c;
      next.status = status;
      next.version = c.version + 1;
      FeedbackWrite w;
      if (domain::ComplaintClosed(status)) {
        next.closed_on = today;
        v1::ComplaintResolved e;
        e.set_case_id(case_id);
        e.set_district_code(c.district_code);
        e.set_complaint_id(complaint_id);
        e.set_status(status);
        *e.mutable_closed_on() = ToProtoDate(today);
        e.set_within_deadline(today <= c.handle_by);
        w.events.push_back(kafka::MakeEnvelope(kComplaintResolvedType, case_id, c.district_code,
                                               now, now, principal.subject, e));
      }
      w.complaint_update = std::move(next);
      return w;
    }
    return absl::NotFoundError("complaint not found");
  };
  auto state = store_.Mutate(principal, case_id, "UpdateComplaint",
                             absl::AsciiStrToLower(request.request_id()), "", 0, decide);
  if (!state.ok()) return state.status();
  for (const auto& c : state->complaints) {
    if (c.complaint_id == complaint_id) {
      return ToProto(c, today, &cipher_, response->mutable_complaint());
    }
  }
  return absl::InternalError("the complaint was not kept");
}

absl::Status FeedbackServiceImpl::DoListComplaints(const auth::Principal& principal,
                                                   const v1::ListComplaintsRequest& request,
                                                   v1::ListComplaintsResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  grpc_util::CheckListDistrict(principal, request.district_code(), &violations);
  ComplaintFilter f;
  f.page_size = grpc_util::CheckPageSize(request.page_size(), 50, 500, &violations);
  if (!request.page_token().empty()) {
    std::vector<std::string> parts = absl::StrSplit(request.page_token(), absl::MaxSplits('/', 1));
    if (parts.size() != 2 || !time::ParseDate(parts[0]).has_value() || !ids::IsUuid(parts[1])) {
      violations.push_back({"page_token", "is not a token of this list"});
    } else {
      f.after_handle_by = parts[0];
      f.after_complaint_id = absl::AsciiStrToLower(parts[1]);
    }
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  f.district_code = request.district_code();
  f.overdue_only = request.overdue_only();
  f.today = time::ShanghaiDay(clock_.Now());
  auto page = store_.ListComplaints(principal, f);
  if (!page.ok()) return page.status();
  for (const auto& c : page->items) {
    if (auto st = ToProto(c, f.today, nullptr, response->add_items()); !st.ok()) return st;
  }
  response->set_next_page_token(page->next_token);
  return absl::OkStatus();
}

}  // namespace ccms::education
