#pragma once

#include "ccms/employment/v1/agency_referral_service.grpc.pb.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/employment/domain/employment_policy.h"
#include "services/employment/partner_store.h"
#include "services/employment/referral_store.h"

namespace ccms::employment {

// ccms.employment.v1.AgencyReferralService: the partner API (docs/employment.md, "Partner API").
// Only a partner principal (the kit has checked that its client certificate names the token's
// agency) of a registered, ACTIVE agency; the store keeps it to its own agency's sent referrals
// (anything else NOT_FOUND) and audits every read; answers go through the transition table as
// the partner's steps.
class AgencyReferralServiceImpl final : public v1::AgencyReferralService::CallbackService {
 public:
  AgencyReferralServiceImpl(ReferralStore& referrals, PartnerStore& partners,
                            grpc_util::CallExecutor& executor,
                            const domain::EmploymentPolicies& policies, const time::Clock& clock)
      : referrals_(referrals),
        partners_(partners),
        executor_(executor),
        policies_(policies),
        clock_(clock) {}

  grpc::ServerUnaryReactor* ListAgencyReferrals(grpc::CallbackServerContext* context,
                                                const v1::ListAgencyReferralsRequest* request,
                                                v1::ListAgencyReferralsResponse* response) override;
  grpc::ServerUnaryReactor* GetAgencyReferral(grpc::CallbackServerContext* context,
                                              const v1::GetAgencyReferralRequest* request,
                                              v1::GetAgencyReferralResponse* response) override;
  grpc::ServerUnaryReactor* AnswerAgencyReferral(
      grpc::CallbackServerContext* context, const v1::AnswerAgencyReferralRequest* request,
      v1::AnswerAgencyReferralResponse* response) override;

  absl::Status DoListAgencyReferrals(const auth::Principal& principal,
                                     const v1::ListAgencyReferralsRequest& request,
                                     v1::ListAgencyReferralsResponse* response);
  absl::Status DoGetAgencyReferral(const auth::Principal& principal,
                                   const v1::GetAgencyReferralRequest& request,
                                   v1::GetAgencyReferralResponse* response);
  absl::Status DoAnswerAgencyReferral(const auth::Principal& principal,
                                      const v1::AnswerAgencyReferralRequest& request,
                                      v1::AnswerAgencyReferralResponse* response);

 private:
  // The partner role, and its agency registered and ACTIVE (PERMISSION_DENIED otherwise).
  absl::Status CheckAgency(const auth::Principal& principal);

  ReferralStore& referrals_;
  PartnerStore& partners_;
  grpc_util::CallExecutor& executor_;
  const domain::EmploymentPolicies& policies_;
  const time::Clock& clock_;
};

}  // namespace ccms::employment
