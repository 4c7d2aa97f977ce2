// ReferralService's plan steps due (issue 15 item 12; domain/plan_step_rules.h;
// docs/employment.md "Plan steps due").
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/time/calendar.h"
#include "services/employment/domain/access.h"
#include "services/employment/domain/plan_step_rules.h"
#include "services/employment/referral_service.h"

namespace ccms::employment {

CCMS_UNARY_HANDLER(ReferralServiceImpl, ListPlanStepsDue)

namespace {

using domain::Action;
using domain::StepAction;
using grpc_util::FieldViolation;

v1::PlanStepAction ToProto(const std::optional<StepAction>& a) {
  if (!a.has_value()) return v1::PLAN_STEP_ACTION_UNSPECIFIED;
  switch (*a) {
    case StepAction::kReferral:
      return v1::PLAN_STEP_ACTION_REFERRAL;
    case StepAction::kTrainingEnrolment:
      return v1::PLAN_STEP_ACTION_TRAINING_ENROLMENT;
    case StepAction::kSchoolingSupport:
      return v1::PLAN_STEP_ACTION_SCHOOLING_SUPPORT;
    case StepAction::kAssistance:
      return v1::PLAN_STEP_ACTION_ASSISTANCE;
    case StepAction::kHalfwayPlacement:
      return v1::PLAN_STEP_ACTION_HALFWAY_PLACEMENT;
  }
  return v1::PLAN_STEP_ACTION_UNSPECIFIED;
}

void ToProto(const PlanStepItemRecord& x, absl::CivilDay as_of, v1::PlanStepItem* out) {
  out->set_case_id(x.case_id);
  out->set_district_code(x.district_code);
  out->set_plan_version(x.plan_version);
  *out->mutable_approved_on() = grpc_util::ToProtoDate(x.approved_on);
  out->set_step_id(x.step.step.step_id);
  out->set_step_code(x.step.step.step_code);
  out->set_action(ToProto(x.step.action));
  *out->mutable_start_date() = grpc_util::ToProtoDate(x.step.step.start_date);
  *out->mutable_end_date() = grpc_util::ToProtoDate(x.step.step.end_date);
  const absl::CivilDay due_on = x.step.due_on.value_or(x.step.step.start_date);
  *out->mutable_due_on() = grpc_util::ToProtoDate(due_on);
  if (x.met_on.has_value()) *out->mutable_met_on() = grpc_util::ToProtoDate(*x.met_on);
  out->set_closed(x.closed);
  out->set_overdue(domain::StepOverdue(due_on, x.met_on, x.closed, as_of));
}

// A page token of this list: "<case id>:<step id>" of the last item of the previous page.
bool ParseToken(const std::string& token, std::string* case_id, std::string* step_id) {
  const size_t colon = token.find(':');
  if (colon == std::string::npos) return false;
  *case_id = absl::AsciiStrToLower(token.substr(0, colon));
  *step_id = token.substr(colon + 1);
  if (!ids::IsUuid(*case_id) || step_id->empty() || step_id->size() > 64) return false;
  for (char c : *step_id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

}  // namespace

absl::Status ReferralServiceImpl::DoListPlanStepsDue(const auth::Principal& principal,
                                                     const v1::ListPlanStepsDueRequest& request,
                                                     v1::ListPlanStepsDueResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  std::vector<FieldViolation> violations;
  grpc_util::CheckListDistrict(principal, request.district_code(), &violations);
  const int page_size = grpc_util::CheckPageSize(request.page_size(), 50, 500, &violations);
  if (!request.case_id().empty() && !ids::IsUuid(request.case_id())) {
    violations.push_back({"case_id", "must be a case id (UUID)"});
  }
  PlanStepFilter f;
  if (!request.page_token().empty() &&
      !ParseToken(request.page_token(), &f.after_case_id, &f.after_step_id)) {
    violations.push_back({"page_token", "must be a token of this list"});
  }
  const std::optional<absl::CivilDay> as_of =
      grpc_util::DateField(request.as_of(), "as_of", &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  f.district_code = request.district_code();
  f.case_id = absl::AsciiStrToLower(request.case_id());
  f.overdue_only = request.overdue_only();
  f.as_of = as_of.value_or(today);
  f.page_size = page_size;
  auto page = plan_steps_.List(principal, f);
  if (!page.ok()) return page.status();
  for (const auto& x : page->first) ToProto(x, f.as_of, response->add_items());
  if (page->second && !page->first.empty()) {
    const PlanStepItemRecord& last = page->first.back();
    response->set_next_page_token(absl::StrCat(last.case_id, ":", last.step.step.step_id));
  }
  return absl::OkStatus();
}

}  // namespace ccms::employment
