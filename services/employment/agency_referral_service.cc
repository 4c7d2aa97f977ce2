#include "services/employment/agency_referral_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/time/calendar.h"
#include "services/employment/domain/access.h"
#include "services/employment/referral_views.h"

namespace ccms::employment {

CCMS_UNARY_HANDLER(AgencyReferralServiceImpl, ListAgencyReferrals)
CCMS_UNARY_HANDLER(AgencyReferralServiceImpl, GetAgencyReferral)
CCMS_UNARY_HANDLER(AgencyReferralServiceImpl, AnswerAgencyReferral)

using grpc_util::FieldViolation;

absl::Status AgencyReferralServiceImpl::CheckAgency(const auth::Principal& principal) {
  if (auto st = domain::Authorize(principal, domain::Action::kPartnerCall); !st.ok()) return st;
  auto status = partners_.AgencyStatus(principal.agency_id);
  if (status.status().code() == absl::StatusCode::kNotFound) {
    return absl::PermissionDeniedError("the agency is not registered as a partner");
  }
  if (!status.ok()) return status.status();
  if (*status != "ACTIVE") return absl::PermissionDeniedError("the agency is suspended");
  return absl::OkStatus();
}

absl::Status AgencyReferralServiceImpl::DoListAgencyReferrals(
    const auth::Principal& principal, const v1::ListAgencyReferralsRequest& request,
    v1::ListAgencyReferralsResponse* response) {
  if (auto st = CheckAgency(principal); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  const int page_size = grpc_util::CheckPageSize(request.page_size(), 50, 500, &violations);
  grpc_util::OptionalUuidField(request.page_token(), "page_token", "a token of this list",
                               &violations);
  std::string status;
  if (request.status() != v1::REFERRAL_STATUS_UNSPECIFIED) {
    const auto s = FromProtoStatus(request.status());
    if (!s.has_value()) {
      violations.push_back({"status", "is not a referral status"});
    } else {
      status = std::string(domain::StatusName(*s));
    }
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  ReferralFilter f;
  f.status = status;
  f.page_size = page_size;
  f.after_referral_id = absl::AsciiStrToLower(request.page_token());
  auto page = referrals_.List(principal, f, "ListAgencyReferrals");
  if (!page.ok()) return page.status();
  for (const auto& r : page->items) ToAgencyView(r, response->add_referrals());
  response->set_next_page_token(page->next_referral_id);
  return absl::OkStatus();
}

absl::Status AgencyReferralServiceImpl::DoGetAgencyReferral(
    const auth::Principal& principal, const v1::GetAgencyReferralRequest& request,
    v1::GetAgencyReferralResponse* response) {
  if (auto st = CheckAgency(principal); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.referral_id(), "referral_id", "a referral id (UUID)");
      !st.ok()) {
    return st;
  }
  auto r =
      referrals_.Get(principal, absl::AsciiStrToLower(request.referral_id()), "GetAgencyReferral");
  if (!r.ok()) return r.status();
  ToAgencyView(*r, response->mutable_referral());
  return absl::OkStatus();
}

absl::Status AgencyReferralServiceImpl::DoAnswerAgencyReferral(
    const auth::Principal& principal, const v1::AnswerAgencyReferralRequest& request,
    v1::AnswerAgencyReferralResponse* response) {
  if (auto st = CheckAgency(principal); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.referral_id(), "referral_id", "a referral id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay on = grpc_util::DayNotInFuture(request.on(), "on", today, &violations);
  const std::optional<domain::ReferralStatus> to = FromProtoStatus(request.to_status());
  if (!to.has_value()) violations.push_back({"to_status", "is required"});
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const domain::EmploymentPolicy& policy = policies_.InForce(on);
  const std::string recorded_by = absl::StrCat("partner:", principal.agency_id);
  auto decide = [&](const ReferralRecord& current, const domain::CaseView&,
                    const PartnerBrief&) -> absl::StatusOr<ReferralWrite> {
    auto w = StepWrite(current, *to, domain::Actor::kPartner, request.reason_code(), on,
                       recorded_by, now, policy);
    if (!w.ok() && w.status().code() == absl::StatusCode::kInvalidArgument) {
      return grpc_util::InvalidArgumentWithViolations(
          {{"reason_code", std::string(w.status().message())}});
    }
    return w;
  };
  auto saved = referrals_.Mutate(principal, absl::AsciiStrToLower(request.referral_id()),
                                 "AnswerAgencyReferral",
                                 absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToAgencyView(*saved, response->mutable_referral());
  return absl::OkStatus();
}

}  // namespace ccms::employment
