#include "services/education/correction_plan_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ccms/education/v1/education_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/education/domain/access.h"

namespace ccms::education {

CCMS_UNARY_HANDLER(CorrectionPlanServiceImpl, DraftPlan)
CCMS_UNARY_HANDLER(CorrectionPlanServiceImpl, RevisePlan)
CCMS_UNARY_HANDLER(CorrectionPlanServiceImpl, RecordPlanAgreement)
CCMS_UNARY_HANDLER(CorrectionPlanServiceImpl, ApprovePlan)
CCMS_UNARY_HANDLER(CorrectionPlanServiceImpl, ActivatePlan)
CCMS_UNARY_HANDLER(CorrectionPlanServiceImpl, ClosePlan)
CCMS_UNARY_HANDLER(CorrectionPlanServiceImpl, GetPlan)
CCMS_UNARY_HANDLER(CorrectionPlanServiceImpl, ListOverdueRevisions)

namespace {

using domain::Action;
using domain::PlanCommand;
using domain::PlanStatus;
using domain::PlanVersionRecord;
using grpc_util::FieldViolation;
using grpc_util::ToProtoDate;
using grpc_util::ToProtoTimestamp;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
constexpr int kMaxVersion = 10000;
constexpr char kPlanAgreedType[] = "ccms.education.plan_agreed";
constexpr char kPlanApprovedType[] = "ccms.education.plan_approved";
constexpr char kPlanRevisedType[] = "ccms.education.plan_revised";
constexpr char kPlanClosedType[] = "ccms.education.plan_closed";

v1::PlanStatus ToProto(PlanStatus s) {
  v1::PlanStatus out = v1::PLAN_STATUS_UNSPECIFIED;
  v1::PlanStatus_Parse(absl::StrCat("PLAN_STATUS_", std::string(domain::PlanStatusName(s))), &out);
  return out;
}
v1::GoalTerm ToProto(domain::GoalTerm t) {
  v1::GoalTerm out = v1::GOAL_TERM_UNSPECIFIED;
  v1::GoalTerm_Parse(absl::StrCat("GOAL_TERM_", std::string(domain::GoalTermName(t))), &out);
  return out;
}

}  // namespace

// Also used by the consumer of records' and assessment's events (plan_triggers.cc).
v1::RevisionReason RevisionReasonToProto(const std::optional<domain::RevisionReason>& r) {
  v1::RevisionReason out = v1::REVISION_REASON_UNSPECIFIED;
  if (r.has_value()) {
    v1::RevisionReason_Parse(
        absl::StrCat("REVISION_REASON_", std::string(domain::RevisionReasonName(*r))), &out);
  }
  return out;
}

namespace {

std::optional<domain::RevisionReason> ReasonOf(v1::RevisionReason r) {
  if (r == v1::REVISION_REASON_UNSPECIFIED || !v1::RevisionReason_IsValid(r)) return std::nullopt;
  return domain::RevisionReasonOf(
      v1::RevisionReason_Name(r).substr(std::string_view("REVISION_REASON_").size()));
}

void SetDate(const std::optional<absl::CivilDay>& d, google::type::Date* out) {
  if (d.has_value()) *out = ToProtoDate(*d);
}

// The content of a request, with its problems (dates that are missing or malformed, terms).
domain::PlanContent ContentOf(const v1::PlanContent& in, std::vector<FieldViolation>* violations) {
  domain::PlanContent c;
  c.need_codes.assign(in.need_codes().begin(), in.need_codes().end());
  c.needs_summary = in.needs_summary();
  for (int i = 0; i < in.goals_size(); ++i) {
    const v1::PlanGoal& g = in.goals(i);
    const std::string at = absl::StrCat("content.goals[", i, "]");
    domain::PlanGoal goal;
    auto term = g.term() == v1::GOAL_TERM_UNSPECIFIED || !v1::GoalTerm_IsValid(g.term())
                    ? std::nullopt
                    : domain::GoalTermOf(v1::GoalTerm_Name(g.term()).substr(10));
    if (!term.has_value()) {
      violations->push_back({at + ".term", "must be SHORT, MEDIUM or LONG"});
    } else {
      goal.term = *term;
    }
    goal.description = g.description();
    const std::string field = at + ".target_date";
    goal.target_date = grpc_util::RequiredDateField(g.target_date(), field.c_str(), violations)
                           .value_or(absl::CivilDay());
    c.goals.push_back(std::move(goal));
  }
  for (int i = 0; i < in.steps_size(); ++i) {
    const v1::PlanStep& s = in.steps(i);
    const std::string at = absl::StrCat("content.steps[", i, "]");
    domain::PlanStep step;
    step.step_id = s.step_id();
    step.step_code = s.step_code();
    step.description = s.description();
    step.schedule = s.schedule();
    const std::string start = at + ".start_date";
    const std::string end = at + ".end_date";
    step.start_date = grpc_util::RequiredDateField(s.start_date(), start.c_str(), violations)
                          .value_or(absl::CivilDay());
    step.end_date = grpc_util::RequiredDateField(s.end_date(), end.c_str(), violations)
                        .value_or(step.start_date);
    c.steps.push_back(std::move(step));
  }
  c.measures.assign(in.measures().begin(), in.measures().end());
  return c;
}

void FillContent(const domain::PlanContent& c, v1::PlanContent* out) {
  for (const auto& n : c.need_codes) out->add_need_codes(n);
  out->set_needs_summary(c.needs_summary);
  for (const auto& g : c.goals) {
    v1::PlanGoal* pg = out->add_goals();
    pg->set_term(ToProto(g.term));
    pg->set_description(g.description);
    *pg->mutable_target_date() = ToProtoDate(g.target_date);
  }
  for (const auto& s : c.steps) {
    v1::PlanStep* ps = out->add_steps();
    ps->set_step_id(s.step_id);
    ps->set_step_code(s.step_code);
    ps->set_description(s.description);
    *ps->mutable_start_date() = ToProtoDate(s.start_date);
    *ps->mutable_end_date() = ToProtoDate(s.end_date);
    ps->set_schedule(s.schedule);
  }
  for (const auto& m : c.measures) out->add_measures(m);
}

void FillVersion(const PlanVersionRecord& v, v1::PlanVersion* out) {
  out->set_case_id(v.case_id);
  out->set_version(v.version);
  out->set_version_id(v.version_id);
  out->set_status(ToProto(v.status));
  FillContent(v.content, out->mutable_content());
  out->set_revision_reason(RevisionReasonToProto(v.revision_reason));
  out->set_drafted_by(v.drafted_by);
  *out->mutable_drafted_at() = ToProtoTimestamp(v.drafted_at);
  out->set_guardian_required(v.guardian_required);
  SetDate(v.person_agreed_on, out->mutable_person_agreed_on());
  SetDate(v.guardian_agreed_on, out->mutable_guardian_agreed_on());
  out->set_approved_by(v.approved_by);
  SetDate(v.approved_on, out->mutable_approved_on());
  SetDate(v.active_from, out->mutable_active_from());
  SetDate(v.superseded_on, out->mutable_superseded_on());
  SetDate(v.closed_on, out->mutable_closed_on());
  out->set_closing_report(v.closing_report);
}

void FillRevision(const RevisionDueRecord& r, bool case_active, absl::CivilDay today,
                  v1::PlanRevisionDue* out) {
  out->set_revision_id(r.revision_id);
  out->set_case_id(r.case_id);
  out->set_district_code(r.district_code);
  out->set_reason(RevisionReasonToProto(r.reason));
  *out->mutable_triggered_on() = ToProtoDate(r.triggered_on);
  *out->mutable_due_on() = ToProtoDate(r.due_on);
  out->set_overdue(case_active && r.settled_by_version == 0 &&
                   domain::Overdue(r.due_on, false, today));
  out->set_plan_version(r.plan_version);
  out->set_settled_by_version(r.settled_by_version);
  out->set_policy_version(r.policy_version);
}

// The case's plan with version `version` (0: the latest) in `out`.
absl::Status FillCasePlan(const PlanState& s, int version, absl::CivilDay today,
                          v1::CasePlan* out) {
  const domain::CaseView& c = s.case_row.view;
  out->set_case_id(c.case_id);
  out->set_district_code(c.district_code);
  out->set_minor(c.minor);
  const PlanVersionRecord* chosen = nullptr;
  for (const auto& v : s.versions) {
    if (version == 0 || v.version == version) chosen = &v;
    v1::PlanVersionSummary* sum = out->add_versions();
    sum->set_version(v.version);
    sum->set_version_id(v.version_id);
    sum->set_status(ToProto(v.status));
    sum->set_revision_reason(RevisionReasonToProto(v.revision_reason));
    *sum->mutable_drafted_at() = ToProtoTimestamp(v.drafted_at);
  }
  if (version != 0 && chosen == nullptr) {
    return absl::NotFoundError(absl::StrCat("the case's plan has no version ", version));
  }
  if (chosen != nullptr) FillVersion(*chosen, out->mutable_plan());
  const bool active = c.status == domain::CaseStatus::kActive;
  for (const auto& r : s.revisions_due) FillRevision(r, active, today, out->add_revisions_due());
  return absl::OkStatus();
}

// Step ids the client left empty get one of the service's.
void GiveStepIds(domain::PlanContent& content) {
  for (auto& s : content.steps) {
    if (s.step_id.empty()) s.step_id = ids::NewUuid();
  }
}

absl::Status CheckVersionField(int version, bool zero_allowed, const char* field) {
  if ((version == 0 && !zero_allowed) || version < 0 || version > kMaxVersion) {
    return grpc_util::InvalidArgumentWithViolations(
        {{field, zero_allowed ? "must be between 0 and 10000" : "must be between 1 and 10000"}});
  }
  return absl::OkStatus();
}

std::optional<absl::CivilDay> Later(const std::optional<absl::CivilDay>& a,
                                    const std::optional<absl::CivilDay>& b) {
  if (!a.has_value()) return b;
  if (!b.has_value()) return a;
  return std::max(*a, *b);
}

}  // namespace

absl::StatusOr<PlanState> CorrectionPlanServiceImpl::Step(
    const auth::Principal& principal, const std::string& case_id, std::string_view method,
    const std::string& request_id, int version, PlanCommand command, const VersionStep& apply) {
  auto decide = [&](const PlanState& s) -> absl::StatusOr<PlanWrite> {
    // A plan is closed also after its case (the closing report comes at discharge).
    if (command != PlanCommand::kClose) {
      if (auto st = domain::CheckCaseTakesPlan(s.case_row.view); !st.ok()) return st;
    }
    auto it = std::find_if(s.versions.begin(), s.versions.end(),
                           [&](const PlanVersionRecord& v) { return v.version == version; });
    if (it == s.versions.end()) {
      return absl::NotFoundError(absl::StrCat("the case's plan has no version ", version));
    }
    PlanVersionRecord v = *it;
    auto next = domain::Transition(v.status, command);
    if (!next.ok()) return next.status();
    v.status = *next;
    PlanWrite w;
    if (auto st = apply(s, v, w); !st.ok()) return st;
    w.versions.insert(w.versions.begin(), std::move(v));
    return w;
  };
  return store_.Mutate(principal, case_id, method, request_id, decide);
}

absl::Status CorrectionPlanServiceImpl::DoDraftPlan(const auth::Principal& principal,
                                                    const v1::DraftPlanRequest& request,
                                                    v1::DraftPlanResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = CheckVersionField(request.expected_version(), true, "expected_version"); !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  domain::PlanContent content = ContentOf(request.content(), &violations);
  for (const auto& v : domain::CheckPlanContent(content, policies_.InForce(today).need_codes,
                                                policies_.InForce(today).plan_step_codes)) {
    violations.push_back({v.field, v.description});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  GiveStepIds(content);

  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  const int expected = request.expected_version();
  auto decide = [&](const PlanState& s) -> absl::StatusOr<PlanWrite> {
    if (auto st = domain::CheckCaseTakesPlan(s.case_row.view); !st.ok()) return st;
    PlanWrite w;
    if (s.versions.empty()) {
      if (expected != 0) {
        return absl::FailedPreconditionError("the case has no plan yet: expected_version is 0");
      }
      PlanVersionRecord v;
      v.case_id = case_id;
      v.version = 1;
      v.version_id = ids::NewUuid();
      v.status = PlanStatus::kDraft;
      v.content = content;
      v.drafted_by = principal.subject;
      v.drafted_at = now;
      v.guardian_required = s.case_row.view.minor;
      w.versions.push_back(std::move(v));
      return w;
    }
    PlanVersionRecord v = s.versions.back();
    if (expected != v.version) {
      return absl::FailedPreconditionError(
          absl::StrCat("the plan's latest version is ", v.version,
                       ": edit it with expected_version, or revise it with RevisePlan"));
    }
    auto next = domain::Transition(v.status, PlanCommand::kEditDraft);
    if (!next.ok()) return next.status();
    v.content = content;
    v.guardian_required = s.case_row.view.minor;
    w.versions.push_back(std::move(v));
    return w;
  };
  auto state = store_.Mutate(principal, case_id, "DraftPlan",
                             absl::AsciiStrToLower(request.request_id()), decide);
  if (!state.ok()) return state.status();
  return FillCasePlan(*state, 0, today, response->mutable_plan());
}

absl::Status CorrectionPlanServiceImpl::DoRevisePlan(const auth::Principal& principal,
                                                     const v1::RevisePlanRequest& request,
                                                     v1::RevisePlanResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = CheckVersionField(request.expected_version(), false, "expected_version");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const auto reason = ReasonOf(request.reason());
  if (!reason.has_value()) {
    violations.push_back({"reason", "is required: why the plan is revised"});
  }
  domain::PlanContent content = ContentOf(request.content(), &violations);
  for (const auto& v : domain::CheckPlanContent(content, policies_.InForce(today).need_codes,
                                                policies_.InForce(today).plan_step_codes)) {
    violations.push_back({v.field, v.description});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  GiveStepIds(content);

  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  const int expected = request.expected_version();
  auto decide = [&](const PlanState& s) -> absl::StatusOr<PlanWrite> {
    if (auto st = domain::CheckCaseTakesPlan(s.case_row.view); !st.ok()) return st;
    if (s.versions.empty()) return absl::FailedPreconditionError("the case has no plan yet");
    const PlanVersionRecord& latest = s.versions.back();
    if (latest.version != expected) {
      return absl::FailedPreconditionError(
          absl::StrCat("the plan's latest version is ", latest.version, " (",
                       std::string(domain::PlanStatusName(latest.status)), "), not ", expected));
    }
    if (auto next = domain::Transition(latest.status, PlanCommand::kRevise); !next.ok()) {
      return next.status();
    }
    PlanWrite w;
    PlanVersionRecord v;
    v.case_id = case_id;
    v.version = latest.version + 1;
    v.version_id = ids::NewUuid();
    v.status = PlanStatus::kDraft;
    v.content = content;
    v.revision_reason = reason;
    v.drafted_by = principal.subject;
    v.drafted_at = now;
    v.guardian_required = s.case_row.view.minor;
    v1::PlanRevised e;
    e.set_case_id(case_id);
    e.set_district_code(s.case_row.view.district_code);
    e.set_version_id(v.version_id);
    e.set_version(v.version);
    e.set_previous_version(latest.version);
    e.set_reason(request.reason());
    w.events.push_back(kafka::MakeEnvelope(kPlanRevisedType, case_id, s.case_row.view.district_code,
                                           now, now, principal.subject, e));
    w.versions.push_back(std::move(v));
    return w;
  };
  auto state = store_.Mutate(principal, case_id, "RevisePlan",
                             absl::AsciiStrToLower(request.request_id()), decide);
  if (!state.ok()) return state.status();
  return FillCasePlan(*state, 0, today, response->mutable_plan());
}

absl::Status CorrectionPlanServiceImpl::DoRecordPlanAgreement(
    const auth::Principal& principal, const v1::RecordPlanAgreementRequest& request,
    v1::RecordPlanAgreementResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = CheckVersionField(request.version(), false, "version"); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const auto person_on =
      grpc_util::DateField(request.person_agreed_on(), "person_agreed_on", &violations);
  const auto guardian_on =
      grpc_util::DateField(request.guardian_agreed_on(), "guardian_agreed_on", &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);

  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  auto state =
      Step(principal, case_id, "RecordPlanAgreement", absl::AsciiStrToLower(request.request_id()),
           request.version(), PlanCommand::kAgree,
           [&](const PlanState& s, PlanVersionRecord& v, PlanWrite& w) -> absl::Status {
             v.guardian_required = v.guardian_required || s.case_row.view.minor;
             if (auto st = domain::CheckAgreement(v, time::ShanghaiDay(v.drafted_at), person_on,
                                                  guardian_on, today);
                 !st.ok()) {
               return st;
             }
             v.person_agreed_on = person_on;
             v.guardian_agreed_on = guardian_on;
             v1::PlanAgreed e;
             e.set_case_id(case_id);
             e.set_district_code(s.case_row.view.district_code);
             e.set_version_id(v.version_id);
             e.set_version(v.version);
             SetDate(person_on, e.mutable_person_agreed_on());
             SetDate(guardian_on, e.mutable_guardian_agreed_on());
             w.events.push_back(kafka::MakeEnvelope(kPlanAgreedType, case_id,
                                                    s.case_row.view.district_code, now, now,
                                                    principal.subject, e));
             return absl::OkStatus();
           });
  if (!state.ok()) return state.status();
  return FillCasePlan(*state, request.version(), today, response->mutable_plan());
}

absl::Status CorrectionPlanServiceImpl::DoApprovePlan(const auth::Principal& principal,
                                                      const v1::ApprovePlanRequest& request,
                                                      v1::ApprovePlanResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kApprove); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = CheckVersionField(request.version(), false, "version"); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay approved_on =
      grpc_util::DayNotInFuture(request.approved_on(), "approved_on", today, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);

  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  auto state = Step(
      principal, case_id, "ApprovePlan", absl::AsciiStrToLower(request.request_id()),
      request.version(), PlanCommand::kApprove,
      [&](const PlanState& s, PlanVersionRecord& v, PlanWrite& w) -> absl::Status {
        if (auto st = domain::CheckStepDay(
                approved_on, Later(v.person_agreed_on, v.guardian_agreed_on), today, "approved_on");
            !st.ok()) {
          return st;
        }
        v.approved_by = principal.subject;
        v.approved_on = approved_on;
        v1::PlanApproved e;
        e.set_case_id(case_id);
        e.set_district_code(s.case_row.view.district_code);
        e.set_version_id(v.version_id);
        e.set_version(v.version);
        *e.mutable_approved_on() = ToProtoDate(approved_on);
        // The steps as employment follows them: codes and dates, no free text.
        for (const auto& step : v.content.steps) {
          v1::PlanStepRef* ref = e.add_steps();
          ref->set_step_id(step.step_id);
          ref->set_step_code(step.step_code.empty() ? domain::kStepCodeOther : step.step_code);
          *ref->mutable_start_date() = ToProtoDate(step.start_date);
          *ref->mutable_end_date() = ToProtoDate(step.end_date);
        }
        // The revisions due are settled by the version approved after them.
        for (const auto& r : s.revisions_due) {
          w.settle_revision_ids.push_back(r.revision_id);
          e.add_settled_revision_ids(r.revision_id);
        }
        w.settled_by_version = v.version;
        w.settled_on = approved_on;
        w.events.push_back(kafka::MakeEnvelope(kPlanApprovedType, case_id,
                                               s.case_row.view.district_code, now, now,
                                               principal.subject, e));
        return absl::OkStatus();
      });
  if (!state.ok()) return state.status();
  return FillCasePlan(*state, request.version(), today, response->mutable_plan());
}

absl::Status CorrectionPlanServiceImpl::DoActivatePlan(const auth::Principal& principal,
                                                       const v1::ActivatePlanRequest& request,
                                                       v1::ActivatePlanResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = CheckVersionField(request.version(), false, "version"); !st.ok()) return st;
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  std::vector<FieldViolation> violations;
  const absl::CivilDay active_from =
      grpc_util::DayNotInFuture(request.active_from(), "active_from", today, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);

  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  auto state =
      Step(principal, case_id, "ActivatePlan", absl::AsciiStrToLower(request.request_id()),
           request.version(), PlanCommand::kActivate,
           [&](const PlanState& s, PlanVersionRecord& v, PlanWrite& w) -> absl::Status {
             if (auto st = domain::CheckStepDay(active_from, v.approved_on, today, "active_from");
                 !st.ok()) {
               return st;
             }
             v.active_from = active_from;
             // The version in force until now is superseded from the same day.
             for (const auto& old : s.versions) {
               if (old.version == v.version) continue;
               auto next = domain::Transition(old.status, PlanCommand::kSupersede);
               if (!next.ok()) continue;
               PlanVersionRecord superseded = old;
               superseded.status = *next;
               superseded.superseded_on = active_from;
               w.versions.push_back(std::move(superseded));
             }
             return absl::OkStatus();
           });
  if (!state.ok()) return state.status();
  return FillCasePlan(*state, request.version(), today, response->mutable_plan());
}

absl::Status CorrectionPlanServiceImpl::DoClosePlan(const auth::Principal& principal,
                                                    const v1::ClosePlanRequest& request,
                                                    v1::ClosePlanResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = CheckVersionField(request.version(), false, "version"); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay closed_on =
      grpc_util::DayNotInFuture(request.closed_on(), "closed_on", today, &violations);
  if (request.closing_report().empty()) {
    violations.push_back({"closing_report", "is required (结案报告, seed 6.6.2)"});
  } else if (request.closing_report().size() > domain::kMaxClosingReportBytes) {
    violations.push_back({"closing_report", "must be at most 8000 bytes"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);

  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  auto state =
      Step(principal, case_id, "ClosePlan", absl::AsciiStrToLower(request.request_id()),
           request.version(), PlanCommand::kClose,
           [&](const PlanState& s, PlanVersionRecord& v, PlanWrite& w) -> absl::Status {
             if (auto st = domain::CheckStepDay(closed_on, v.active_from, today, "closed_on");
                 !st.ok()) {
               return st;
             }
             v.closed_on = closed_on;
             v.closing_report = request.closing_report();
             for (const auto& r : s.revisions_due) w.settle_revision_ids.push_back(r.revision_id);
             w.settled_by_version = v.version;
             w.settled_on = closed_on;
             v1::PlanClosed e;
             e.set_case_id(case_id);
             e.set_district_code(s.case_row.view.district_code);
             e.set_version_id(v.version_id);
             e.set_version(v.version);
             *e.mutable_closed_on() = ToProtoDate(closed_on);
             w.events.push_back(kafka::MakeEnvelope(kPlanClosedType, case_id,
                                                    s.case_row.view.district_code, now, now,
                                                    principal.subject, e));
             return absl::OkStatus();
           });
  if (!state.ok()) return state.status();
  return FillCasePlan(*state, request.version(), today, response->mutable_plan());
}

absl::Status CorrectionPlanServiceImpl::DoGetPlan(const auth::Principal& principal,
                                                  const v1::GetPlanRequest& request,
                                                  v1::GetPlanResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = CheckVersionField(request.version(), true, "version"); !st.ok()) return st;
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  auto state = store_.Get(principal, absl::AsciiStrToLower(request.case_id()));
  if (!state.ok()) return state.status();
  return FillCasePlan(*state, request.version(), today, response->mutable_plan());
}

absl::Status CorrectionPlanServiceImpl::DoListOverdueRevisions(
    const auth::Principal& principal, const v1::ListOverdueRevisionsRequest& request,
    v1::ListOverdueRevisionsResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  grpc_util::DistrictFilterField(request.district_code(), &violations);
  const int page_size =
      grpc_util::CheckPageSize(request.page_size(), kDefaultPageSize, kMaxPageSize, &violations);
  if (!request.page_token().empty() && !ids::IsUuid(request.page_token())) {
    violations.push_back({"page_token", "is not a token of this list"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  OverdueRevisionFilter f;
  f.district_code = request.district_code();
  f.today = today;
  f.page_size = page_size;
  f.after_revision_id = absl::AsciiStrToLower(request.page_token());
  auto page = store_.ListOverdue(principal, f);
  if (!page.ok()) return page.status();
  for (const auto& r : page->items) FillRevision(r, true, today, response->add_items());
  response->set_next_page_token(page->next_revision_id);
  return absl::OkStatus();
}

}  // namespace ccms::education
