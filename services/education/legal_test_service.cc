#include "services/education/legal_test_service.h"

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
#include "services/education/domain/legal_test_rules.h"

namespace ccms::education {

CCMS_UNARY_HANDLER(LegalTestServiceImpl, PublishTestPaper)
CCMS_UNARY_HANDLER(LegalTestServiceImpl, RecordTestSitting)
CCMS_UNARY_HANDLER(LegalTestServiceImpl, ListTestSittings)
CCMS_UNARY_HANDLER(LegalTestServiceImpl, ListRetakesDue)

namespace {

using domain::Action;
using grpc_util::FieldViolation;
using grpc_util::ToProtoDate;

constexpr char kLegalTestRecordedType[] = "ccms.education.legal_test_recorded";

bool IsCode(const std::string& s) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

void ToProto(const TestSittingRecord& x, v1::TestSitting* out) {
  out->set_sitting_id(x.sitting_id);
  out->set_case_id(x.case_id);
  out->set_paper_id(x.paper_id);
  out->set_paper_version(x.paper_version);
  *out->mutable_sat_on() = ToProtoDate(x.sat_on);
  out->set_correct_count(x.correct_count);
  out->set_question_count(x.question_count);
  out->set_score_percent(x.score_percent);
  out->set_pass_mark_percent(x.pass_mark);
  out->set_passed(x.passed);
  out->set_attempt(x.attempt);
  if (x.retake_due_on.has_value()) *out->mutable_retake_due_on() = ToProtoDate(*x.retake_due_on);
  out->set_recorded_by(x.recorded_by);
  out->set_policy_version(x.policy_version);
}

}  // namespace

absl::Status LegalTestServiceImpl::DoPublishTestPaper(const auth::Principal& principal,
                                                      const v1::PublishTestPaperRequest& request,
                                                      v1::PublishTestPaperResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kApprove); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  if (!IsCode(request.paper_id())) {
    violations.push_back(
        {"paper_id", "must be an upper-case code (letters, digits, _), at most 40"});
  }
  const std::string title(absl::StripAsciiWhitespace(request.title()));
  if (title.empty() || request.title().size() > 200) {
    violations.push_back({"title", "is required, at most 200 bytes"});
  }
  const std::vector<std::string> key(request.answer_key().begin(), request.answer_key().end());
  for (const auto& v : domain::CheckAnswerKey(key)) violations.push_back({v.field, v.description});
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  TestPaperRecord p;
  p.paper_id = request.paper_id();
  p.title = title;
  for (const auto& a : key) p.answer_key.push_back(*domain::NormalizeAnswer(a));
  p.published_by = principal.subject;
  p.created_at = clock_.Now();
  auto saved = store_.PublishPaper(principal, absl::AsciiStrToLower(request.request_id()), p);
  if (!saved.ok()) return saved.status();
  v1::TestPaper* out = response->mutable_paper();
  out->set_paper_id(saved->paper_id);
  out->set_version(saved->version);
  out->set_title(saved->title);
  out->set_question_count(static_cast<int>(saved->answer_key.size()));
  *out->mutable_published_at() = grpc_util::ToProtoTimestamp(saved->created_at);
  return absl::OkStatus();
}

absl::Status LegalTestServiceImpl::DoRecordTestSitting(const auth::Principal& principal,
                                                       const v1::RecordTestSittingRequest& request,
                                                       v1::RecordTestSittingResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  if (!IsCode(request.paper_id())) {
    violations.push_back({"paper_id", "must be the code of a published paper"});
  }
  if (request.paper_version() < 0) violations.push_back({"paper_version", "must be 0 or more"});
  if (request.answers_size() == 0 || request.answers_size() > 200) {
    violations.push_back({"answers", "must hold the answers of the paper's questions (1-200)"});
  }
  const absl::CivilDay sat_on =
      grpc_util::DayNotInFuture(request.sat_on(), "sat_on", today, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const std::vector<std::string> answers(request.answers().begin(), request.answers().end());
  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  std::string sitting_id;
  auto decide = [&](const LegalTestState& s,
                    const TestPaperRecord& paper) -> absl::StatusOr<LegalTestWrite> {
    std::vector<std::string> normalized;
    if (auto st = domain::CheckSittingAnswers(answers, paper.answer_key.size(), &normalized);
        !st.ok()) {
      return grpc_util::InvalidArgumentWithViolations({{"answers", std::string(st.message())}});
    }
    if (auto st = domain::CheckSitting(s.case_row.view, sat_on); !st.ok()) return st;
    const domain::TestScore score =
        domain::ScoreSitting(paper.answer_key, normalized, sat_on, policies_);
    TestSittingRecord x;
    x.sitting_id = ids::NewUuid();
    x.case_id = case_id;
    x.paper_id = paper.paper_id;
    x.paper_version = paper.version;
    x.sat_on = sat_on;
    x.answers = normalized;
    x.correct_count = score.correct;
    x.question_count = score.questions;
    x.score_percent = score.percent;
    x.pass_mark = score.pass_mark;
    x.passed = score.passed;
    x.attempt = 1;
    for (const auto& prev : s.sittings) x.attempt += prev.paper_id == paper.paper_id ? 1 : 0;
    x.retake_due_on = score.retake_due_on;
    x.policy_version = score.policy_version;
    x.recorded_by = principal.subject;
    v1::LegalTestRecorded e;
    e.set_case_id(case_id);
    e.set_district_code(s.case_row.view.district_code);
    e.set_sitting_id(x.sitting_id);
    e.set_paper_id(x.paper_id);
    e.set_paper_version(x.paper_version);
    *e.mutable_sat_on() = ToProtoDate(sat_on);
    e.set_score_percent(x.score_percent);
    e.set_passed(x.passed);
    e.set_attempt(x.attempt);
    if (x.retake_due_on.has_value()) *e.mutable_retake_due_on() = ToProtoDate(*x.retake_due_on);
    e.set_policy_version(x.policy_version);
    LegalTestWrite w;
    w.events.push_back(kafka::MakeEnvelope(kLegalTestRecordedType, case_id,
                                           s.case_row.view.district_code, now, now,
                                           principal.subject, e));
    sitting_id = x.sitting_id;
    w.sitting = std::move(x);
    return w;
  };
  auto state = store_.Mutate(principal, case_id, "RecordTestSitting",
                             absl::AsciiStrToLower(request.request_id()), request.paper_id(),
                             request.paper_version(), decide);
  if (!state.ok()) return state.status();
  for (const auto& x : state->sittings) {
    if (x.sitting_id == sitting_id) ToProto(x, response->mutable_sitting());
  }
  return absl::OkStatus();
}

absl::Status LegalTestServiceImpl::DoListTestSittings(const auth::Principal& principal,
                                                      const v1::ListTestSittingsRequest& request,
                                                      v1::ListTestSittingsResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  auto state = store_.Get(principal, absl::AsciiStrToLower(request.case_id()));
  if (!state.ok()) return state.status();
  for (const auto& x : state->sittings) ToProto(x, response->add_items());
  return absl::OkStatus();
}

absl::Status LegalTestServiceImpl::DoListRetakesDue(const auth::Principal& principal,
                                                    const v1::ListRetakesDueRequest& request,
                                                    v1::ListRetakesDueResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  grpc_util::CheckListDistrict(principal, request.district_code(), &violations);
  RetakeFilter f;
  f.page_size = grpc_util::CheckPageSize(request.page_size(), 50, 500, &violations);
  if (!request.page_token().empty()) {
    std::vector<std::string> parts = absl::StrSplit(request.page_token(), absl::MaxSplits('/', 1));
    if (parts.size() != 2 || !ids::IsUuid(parts[0]) || !IsCode(parts[1])) {
      violations.push_back({"page_token", "is not a token of this list"});
    } else {
      f.after_case_id = absl::AsciiStrToLower(parts[0]);
      f.after_paper_id = parts[1];
    }
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  f.district_code = request.district_code();
  f.overdue_only = request.overdue_only();
  f.today = time::ShanghaiDay(clock_.Now());
  auto page = store_.ListRetakes(principal, f);
  if (!page.ok()) return page.status();
  for (const auto& r : page->items) {
    v1::RetakeDue* out = response->add_items();
    out->set_case_id(r.case_id);
    out->set_district_code(r.district_code);
    out->set_paper_id(r.paper_id);
    out->set_failed_sitting_id(r.failed_sitting_id);
    *out->mutable_retake_due_on() = ToProtoDate(r.retake_due_on);
    out->set_overdue(domain::RetakeOverdue(r.retake_due_on, f.today));
  }
  response->set_next_page_token(page->next_token);
  return absl::OkStatus();
}

}  // namespace ccms::education
