#include "services/employment/schooling_service.h"

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "ccms/employment/v1/employment_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/employment/domain/access.h"
#include "services/employment/domain/schooling_rules.h"

namespace ccms::employment {

CCMS_UNARY_HANDLER(SchoolingServiceImpl, RecordSchoolingSituation)
CCMS_UNARY_HANDLER(SchoolingServiceImpl, RecordSchoolingSupport)
CCMS_UNARY_HANDLER(SchoolingServiceImpl, ListSchoolingItems)

namespace {

using domain::Action;
using domain::SchoolingKind;
using domain::SchoolingStatus;
using domain::SchoolingStep;
using grpc_util::FieldViolation;

v1::SchoolingItemStatus ToProto(SchoolingStatus s) {
  switch (s) {
    case SchoolingStatus::kOpen:
      return v1::SCHOOLING_ITEM_STATUS_OPEN;
    case SchoolingStatus::kMet:
      return v1::SCHOOLING_ITEM_STATUS_MET;
    case SchoolingStatus::kNotNeeded:
      return v1::SCHOOLING_ITEM_STATUS_NOT_NEEDED;
    case SchoolingStatus::kDeclined:
      return v1::SCHOOLING_ITEM_STATUS_DECLINED;
    case SchoolingStatus::kCancelled:
      return v1::SCHOOLING_ITEM_STATUS_CANCELLED;
  }
  return v1::SCHOOLING_ITEM_STATUS_UNSPECIFIED;
}

void ToProto(const SchoolingItemRecord& x, absl::CivilDay as_of, v1::SchoolingItem* out) {
  const domain::SchoolingItem& i = x.item;
  out->set_item_id(i.item_id);
  out->set_case_id(x.case_id);
  out->set_district_code(x.district_code);
  out->set_kind(i.kind == SchoolingKind::kCompulsoryEducation
                    ? v1::SCHOOLING_ITEM_KIND_COMPULSORY_EDUCATION
                    : v1::SCHOOLING_ITEM_KIND_CONTINUED_SCHOOLING);
  out->set_status(ToProto(i.status));
  *out->mutable_opened_on() = grpc_util::ToProtoDate(i.opened_on);
  if (i.due_on.has_value()) *out->mutable_due_on() = grpc_util::ToProtoDate(*i.due_on);
  if (i.closed_on.has_value()) *out->mutable_closed_on() = grpc_util::ToProtoDate(*i.closed_on);
  out->set_liaison_count(i.liaison_count);
  if (i.last_step_on.has_value()) {
    *out->mutable_last_step_on() = grpc_util::ToProtoDate(*i.last_step_on);
  }
  out->set_school_code(i.school_code);
  out->set_overdue(domain::IsOverdue(i, as_of));
}

// A rule's INVALID_ARGUMENT ("field: what") as a field violation; other statuses unchanged.
absl::Status AsViolation(const absl::Status& st) {
  if (st.code() != absl::StatusCode::kInvalidArgument) return st;
  const std::string what(st.message());
  const size_t colon = what.find(": ");
  if (colon == std::string::npos) return st;
  return grpc_util::InvalidArgumentWithViolations(
      {{what.substr(0, colon), what.substr(colon + 2)}});
}

}  // namespace

events::v1::Envelope SchoolingEvent(const SchoolingItemRecord& x, std::string_view step,
                                    absl::CivilDay on, absl::Time now, const std::string& actor) {
  v1::SchoolingSupportChanged ev;
  ev.set_item_id(x.item.item_id);
  ev.set_case_id(x.case_id);
  ev.set_district_code(x.district_code);
  ev.set_kind(std::string(domain::SchoolingKindName(x.item.kind)));
  ev.set_status(std::string(domain::SchoolingStatusName(x.item.status)));
  ev.set_step(std::string(step));
  *ev.mutable_on() = grpc_util::ToProtoDate(on);
  if (x.item.due_on.has_value()) *ev.mutable_due_on() = grpc_util::ToProtoDate(*x.item.due_on);
  ev.set_policy_version(x.policy_version);
  return kafka::MakeEnvelope("ccms.employment.schooling_support_changed", x.case_id,
                             x.district_code, now, now, actor, ev);
}

absl::Status SchoolingServiceImpl::DoRecordSchoolingSituation(
    const auth::Principal& principal, const v1::RecordSchoolingSituationRequest& request,
    v1::RecordSchoolingSituationResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWriteReferral); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay on = grpc_util::DayNotInFuture(request.on(), "on", today, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const domain::EmploymentPolicy& policy = policies_.InForce(on);
  domain::SchoolingSituation situation;
  situation.on = on;
  situation.compulsory_education_completed = request.compulsory_education_completed();
  situation.wishes_to_continue = request.wishes_to_continue();
  auto decide =
      [&](const domain::CaseView& c,
          const std::vector<SchoolingItemRecord>& records) -> absl::StatusOr<SchoolingWrite> {
    std::vector<domain::SchoolingItem> items;
    for (const auto& r : records) items.push_back(r.item);
    auto change =
        domain::ApplySituation(c, items, situation, policy.schooling_support_due_days, today);
    if (!change.ok()) return AsViolation(change.status());
    SchoolingWrite w;
    for (const auto& opened : change->opened) {
      SchoolingItemRecord x;
      x.item = opened;
      x.item.item_id = ids::NewUuid();
      x.case_id = c.case_id;
      x.district_code = c.district_code;
      x.policy_version = policy.version;
      x.recorded_by = principal.subject;
      w.events.push_back(SchoolingEvent(x, "OPENED", on, now, principal.subject));
      w.inserts.push_back(std::move(x));
    }
    for (const auto& closed : change->closed) {
      for (const auto& r : records) {
        if (r.item.item_id != closed.item_id) continue;
        SchoolingItemRecord x = r;
        x.item = closed;
        w.events.push_back(SchoolingEvent(x, "SITUATION", on, now, principal.subject));
        w.updates.push_back(std::move(x));
      }
    }
    return w;
  };
  auto saved = store_.RecordSituation(principal, absl::AsciiStrToLower(request.case_id()),
                                      absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  for (const auto& x : *saved) ToProto(x, today, response->add_items());
  return absl::OkStatus();
}

absl::Status SchoolingServiceImpl::DoRecordSchoolingSupport(
    const auth::Principal& principal, const v1::RecordSchoolingSupportRequest& request,
    v1::RecordSchoolingSupportResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWriteReferral); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.item_id(), "item_id", "a schooling item id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay on = grpc_util::DayNotInFuture(request.on(), "on", today, &violations);
  SchoolingStep step = SchoolingStep::kLiaison;
  switch (request.step()) {
    case v1::SCHOOLING_STEP_LIAISON:
      step = SchoolingStep::kLiaison;
      break;
    case v1::SCHOOLING_STEP_ENROLLED:
      step = SchoolingStep::kEnrolled;
      break;
    case v1::SCHOOLING_STEP_DECLINED:
      step = SchoolingStep::kDeclined;
      break;
    default:
      violations.push_back({"step", "must be LIAISON, ENROLLED or DECLINED"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  auto decide = [&](const domain::CaseView& c,
                    const SchoolingItemRecord& current) -> absl::StatusOr<SchoolingWrite> {
    auto after = domain::ApplyStep(c, current.item, step, on, request.school_code(), today);
    if (!after.ok()) return AsViolation(after.status());
    SchoolingWrite w;
    SchoolingItemRecord x = current;
    x.item = *after;
    x.district_code = c.district_code;
    w.events.push_back(
        SchoolingEvent(x, domain::SchoolingStepName(step), on, now, principal.subject));
    w.updates.push_back(std::move(x));
    return w;
  };
  auto saved = store_.RecordStep(principal, absl::AsciiStrToLower(request.item_id()),
                                 absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, today, response->mutable_item());
  return absl::OkStatus();
}

absl::Status SchoolingServiceImpl::DoListSchoolingItems(
    const auth::Principal& principal, const v1::ListSchoolingItemsRequest& request,
    v1::ListSchoolingItemsResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  std::vector<FieldViolation> violations;
  grpc_util::CheckListDistrict(principal, request.district_code(), &violations);
  const int page_size = grpc_util::CheckPageSize(request.page_size(), 50, 500, &violations);
  if (!request.case_id().empty() && !ids::IsUuid(request.case_id())) {
    violations.push_back({"case_id", "must be a case id (UUID)"});
  }
  if (!request.page_token().empty() && !ids::IsUuid(request.page_token())) {
    violations.push_back({"page_token", "must be a token of this list"});
  }
  const std::optional<absl::CivilDay> as_of =
      grpc_util::DateField(request.as_of(), "as_of", &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  SchoolingFilter f;
  f.district_code = request.district_code();
  f.case_id = absl::AsciiStrToLower(request.case_id());
  f.overdue_only = request.overdue_only();
  f.as_of = as_of.value_or(today);
  f.page_size = page_size;
  f.after_id = absl::AsciiStrToLower(request.page_token());
  auto page = store_.List(principal, f);
  if (!page.ok()) return page.status();
  for (const auto& x : page->first) ToProto(x, f.as_of, response->add_items());
  response->set_next_page_token(page->second);
  return absl::OkStatus();
}

}  // namespace ccms::employment
