#pragma once

#include <string>
#include <string_view>

#include "ccms/employment/v1/retention_service.grpc.pb.h"
#include "common/grpc/call_executor.h"
#include "common/time/clock.h"
#include "services/employment/domain/employment_policy.h"
#include "services/employment/partner_store.h"
#include "services/employment/retention_store.h"

namespace ccms::employment {

// A partner principal's agency must be registered and ACTIVE (PERMISSION_DENIED otherwise), and
// the principal must be a partner's (domain::Action::kPartnerCall).
absl::Status CheckPartnerAgency(PartnerStore& partners, const auth::Principal& principal);

// The events of a spell (ccms.employment.placement_started / placement_ended) and of a check
// (retention_confirmed / retention_missed), keyed by the case: codes, dates and ids only.
events::v1::Envelope SpellEvent(std::string_view type, const SpellRecord& s, absl::CivilDay on,
                                int checks_cancelled, std::string_view recorded_by_kind,
                                absl::Time now, const std::string& actor);
events::v1::Envelope CheckEvent(std::string_view type, const CheckRecord& k, absl::CivilDay on,
                                std::string_view recorded_by_kind, absl::Time now,
                                const std::string& actor);

// ccms.employment.v1.RetentionService: employment spells and their retention checks
// (docs/employment.md "Employment spells and retention checks"). Staff roles: domain/access.h
// (kWriteReferral to record, kRead to list); the employer partner confirms its own checks.
class RetentionServiceImpl final : public v1::RetentionService::CallbackService {
 public:
  RetentionServiceImpl(RetentionStore& store, PartnerStore& partners,
                       grpc_util::CallExecutor& executor,
                       const domain::EmploymentPolicies& policies, const time::Clock& clock)
      : store_(store),
        partners_(partners),
        executor_(executor),
        policies_(policies),
        clock_(clock) {}

  grpc::ServerUnaryReactor* StartEmploymentSpell(
      grpc::CallbackServerContext* context, const v1::StartEmploymentSpellRequest* request,
      v1::StartEmploymentSpellResponse* response) override;
  grpc::ServerUnaryReactor* EndEmploymentSpell(grpc::CallbackServerContext* context,
                                               const v1::EndEmploymentSpellRequest* request,
                                               v1::EndEmploymentSpellResponse* response) override;
  grpc::ServerUnaryReactor* ConfirmRetentionCheck(
      grpc::CallbackServerContext* context, const v1::ConfirmRetentionCheckRequest* request,
      v1::ConfirmRetentionCheckResponse* response) override;
  grpc::ServerUnaryReactor* ListRetentionChecks(grpc::CallbackServerContext* context,
                                                const v1::ListRetentionChecksRequest* request,
                                                v1::ListRetentionChecksResponse* response) override;
  grpc::ServerUnaryReactor* ListAgencyRetentionChecks(
      grpc::CallbackServerContext* context, const v1::ListAgencyRetentionChecksRequest* request,
      v1::ListAgencyRetentionChecksResponse* response) override;

  // The work of each RPC, without gRPC (tests call these).
  absl::Status DoStartEmploymentSpell(const auth::Principal& principal,
                                      const v1::StartEmploymentSpellRequest& request,
                                      v1::StartEmploymentSpellResponse* response);
  absl::Status DoEndEmploymentSpell(const auth::Principal& principal,
                                    const v1::EndEmploymentSpellRequest& request,
                                    v1::EndEmploymentSpellResponse* response);
  absl::Status DoConfirmRetentionCheck(const auth::Principal& principal,
                                       const v1::ConfirmRetentionCheckRequest& request,
                                       v1::ConfirmRetentionCheckResponse* response);
  absl::Status DoListRetentionChecks(const auth::Principal& principal,
                                     const v1::ListRetentionChecksRequest& request,
                                     v1::ListRetentionChecksResponse* response);
  absl::Status DoListAgencyRetentionChecks(const auth::Principal& principal,
                                           const v1::ListAgencyRetentionChecksRequest& request,
                                           v1::ListAgencyRetentionChecksResponse* response);

 private:
  RetentionStore& store_;
  PartnerStore& partners_;
  grpc_util::CallExecutor& executor_;
  const domain::EmploymentPolicies& policies_;
  const time::Clock& clock_;
};

// Marks pending checks whose confirmation window closed before today MISSED, each with the event
// retention_missed (run by the escalation task; tests call RunOnce).
class RetentionSweeper {
 public:
  RetentionSweeper(RetentionStore& store, const time::Clock& clock)
      : store_(store), clock_(clock) {}
  // How many checks were marked missed.
  absl::StatusOr<int> RunOnce();

 private:
  RetentionStore& store_;
  const time::Clock& clock_;
};

}  // namespace ccms::employment
