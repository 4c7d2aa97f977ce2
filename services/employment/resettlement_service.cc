// ReferralService's resettlement items (issue 15 item 12; domain/resettlement_rules.h;
// docs/employment.md "Resettlement due").
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/time/calendar.h"
#include "services/employment/domain/access.h"
#include "services/employment/domain/resettlement_rules.h"
#include "services/employment/pg_resettlement_store.h"
#include "services/employment/referral_service.h"

namespace ccms::employment {

CCMS_UNARY_HANDLER(ReferralServiceImpl, ListResettlementItems)
CCMS_UNARY_HANDLER(ReferralServiceImpl, DeclineResettlement)

namespace {

using domain::Action;
using domain::ResettlementStatus;
using grpc_util::FieldViolation;

v1::ResettlementItemStatus ToProto(ResettlementStatus s) {
  switch (s) {
    case ResettlementStatus::kOpen:
      return v1::RESETTLEMENT_ITEM_STATUS_OPEN;
    case ResettlementStatus::kSatisfied:
      return v1::RESETTLEMENT_ITEM_STATUS_SATISFIED;
    case ResettlementStatus::kDeclined:
      return v1::RESETTLEMENT_ITEM_STATUS_DECLINED;
    case ResettlementStatus::kCancelled:
      return v1::RESETTLEMENT_ITEM_STATUS_CANCELLED;
  }
  return v1::RESETTLEMENT_ITEM_STATUS_UNSPECIFIED;
}

void ToProto(const ResettlementRecord& x, absl::CivilDay as_of, v1::ResettlementItem* out) {
  const domain::ResettlementItem& i = x.item;
  out->set_item_id(i.item_id);
  out->set_case_id(x.case_id);
  out->set_district_code(x.district_code);
  out->set_status(ToProto(i.status));
  *out->mutable_end_date() = grpc_util::ToProtoDate(i.end_date);
  *out->mutable_raised_on() = grpc_util::ToProtoDate(i.raised_on);
  *out->mutable_due_on() = grpc_util::ToProtoDate(i.due_on);
  if (i.closed_on.has_value()) *out->mutable_closed_on() = grpc_util::ToProtoDate(*i.closed_on);
  out->set_referral_id(i.referral_id);
  out->set_reason_code(i.reason_code);
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

absl::Status ReferralServiceImpl::DoListResettlementItems(
    const auth::Principal& principal, const v1::ListResettlementItemsRequest& request,
    v1::ListResettlementItemsResponse* response) {
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
  ResettlementFilter f;
  f.district_code = request.district_code();
  f.case_id = absl::AsciiStrToLower(request.case_id());
  f.overdue_only = request.overdue_only();
  f.as_of = as_of.value_or(today);
  f.page_size = page_size;
  f.after_id = absl::AsciiStrToLower(request.page_token());
  auto page = resettlement_.List(principal, f);
  if (!page.ok()) return page.status();
  for (const auto& x : page->first) ToProto(x, f.as_of, response->add_items());
  response->set_next_page_token(page->second);
  return absl::OkStatus();
}

absl::Status ReferralServiceImpl::DoDeclineResettlement(
    const auth::Principal& principal, const v1::DeclineResettlementRequest& request,
    v1::DeclineResettlementResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWriteReferral); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.item_id(), "item_id", "a resettlement item id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay on = grpc_util::DayNotInFuture(request.on(), "on", today, &violations);
  const domain::EmploymentPolicy& policy = policies_.InForce(on);
  if (!domain::HasCode(policy.resettlement_decline_reasons, request.reason_code())) {
    violations.push_back(
        {"reason_code", "must be a code of the policy's employment.resettlement.decline_reasons"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  auto decide = [&](const domain::CaseView& c,
                    const ResettlementRecord& current) -> absl::StatusOr<ResettlementWrite> {
    auto after = domain::Decline(c, current.item, request.reason_code(), on,
                                 policy.resettlement_decline_reasons, today);
    if (!after.ok()) return AsViolation(after.status());
    ResettlementWrite w;
    if (after->status == current.item.status) return w;  // repeated: declined with this code
    ResettlementRecord x = current;
    x.item = *after;
    x.district_code = c.district_code;
    w.events.push_back(
        ResettlementEvent("ccms.employment.resettlement_declined", x, on, now, principal.subject));
    w.update = std::move(x);
    return w;
  };
  auto saved = resettlement_.Decline(principal, absl::AsciiStrToLower(request.item_id()),
                                     absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, today, response->mutable_item());
  return absl::OkStatus();
}

}  // namespace ccms::employment
