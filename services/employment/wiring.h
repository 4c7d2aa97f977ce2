#pragma once

#include <memory>
#include <string>

#include "common/concurrency/periodic_task.h"
#include "common/crypto/pii_cipher.h"
#include "common/server/service_main.h"
#include "services/employment/agency_referral_service.h"
#include "services/employment/assistance_service.h"
#include "services/employment/consumer.h"
#include "services/employment/domain/employment_policy.h"
#include "services/employment/escalation.h"
#include "services/employment/halfway_house_service.h"
#include "services/employment/needs_service.h"
#include "services/employment/opening_service.h"
#include "services/employment/partner_contract_service.h"
#include "services/employment/partner_service.h"
#include "services/employment/pg_assistance_store.h"
#include "services/employment/pg_case_store.h"
#include "services/employment/pg_halfway_house_store.h"
#include "services/employment/pg_needs_store.h"
#include "services/employment/pg_opening_store.h"
#include "services/employment/pg_partner_contract_store.h"
#include "services/employment/pg_partner_store.h"
#include "services/employment/pg_plan_step_store.h"
#include "services/employment/pg_referral_store.h"
#include "services/employment/pg_resettlement_store.h"
#include "services/employment/pg_retention_store.h"
#include "services/employment/pg_schooling_store.h"
#include "services/employment/pg_training_store.h"
#include "services/employment/pg_volunteer_store.h"
#include "services/employment/referral_service.h"
#include "services/employment/retention_service.h"
#include "services/employment/schooling_service.h"
#include "services/employment/training_service.h"
#include "services/employment/volunteer_service.h"

namespace ccms::employment {

// ccms-employment as the kit runs it (server::ServiceMain, tests/support/service_harness.h): the
// policy's `employment` section; settings CCMS_PII_KEY (contacts and given names at rest) and
// CCMS_EMPLOYMENT_ESCALATION_PERIOD_MS; the stores; the handlers (PartnerService,
// ReferralService, AgencyReferralService, HalfwayHouseService, RetentionService,
// TrainingService, NeedsService, OpeningService); the consumer of ccms.records.v1; the escalation
// task (referrals unanswered, retention checks missed).
// TrainingService, PartnerContractService, AssistanceService, VolunteerService); the consumer of
// ccms.records.v1; the escalation task (referrals unanswered, retention checks missed).
class EmploymentWiring final : public server::Service {
 public:
  void Configure(config::Env& env) override;
  absl::Status Prepare(const policy::PolicyDocument& policy) override;
  absl::Status Build(server::ServiceHost& host) override;
  void StartBackground() override;
  void StopBackground() override;

  PartnerServiceImpl& partners() { return *partner_service_; }
  ReferralServiceImpl& referrals() { return *referral_service_; }
  AgencyReferralServiceImpl& agency_referrals() { return *agency_service_; }
  HalfwayHouseServiceImpl& halfway_houses() { return *house_service_; }
  ReferralEscalator& escalator() { return *escalator_; }
  RetentionServiceImpl& retention() { return *retention_service_; }
  TrainingServiceImpl& training() { return *training_service_; }
  SchoolingServiceImpl& schooling() { return *schooling_service_; }
  RetentionSweeper& retention_sweeper() { return *retention_sweeper_; }
  ContractSweeper& contract_sweeper() { return *contract_sweeper_; }
  const domain::EmploymentPolicies& policies() const { return *policies_; }
  NeedsServiceImpl& needs() { return *needs_service_; }
  OpeningServiceImpl& openings() { return *opening_service_; }
  PartnerContractServiceImpl& partner_contracts() { return *contract_service_; }
  AssistanceServiceImpl& assistance() { return *assistance_service_; }
  VolunteerServiceImpl& volunteers() { return *volunteer_service_; }

 private:
  std::string pii_key_;
  absl::Duration escalation_period_;
  std::unique_ptr<crypto::PiiCipher> cipher_;
  std::unique_ptr<domain::EmploymentPolicies> policies_;
  std::string policy_origin_;
  std::unique_ptr<PgCaseStore> cases_;
  std::unique_ptr<PgPartnerStore> partner_store_;
  std::unique_ptr<PgReferralStore> referral_store_;
  std::unique_ptr<PgReferralStore> background_referrals_;
  std::unique_ptr<PartnerServiceImpl> partner_service_;
  std::unique_ptr<ReferralServiceImpl> referral_service_;
  std::unique_ptr<AgencyReferralServiceImpl> agency_service_;
  std::unique_ptr<PgHalfwayHouseStore> house_store_;
  std::unique_ptr<HalfwayHouseServiceImpl> house_service_;
  std::unique_ptr<RecordsEventHandler> handler_;
  std::unique_ptr<EducationEventHandler> education_handler_;
  std::unique_ptr<ReferralEscalator> escalator_;
  std::unique_ptr<concurrency::PeriodicTask> escalation_task_;
  std::unique_ptr<PgRetentionStore> retention_store_;
  std::unique_ptr<PgRetentionStore> background_retention_;
  std::unique_ptr<RetentionServiceImpl> retention_service_;
  std::unique_ptr<RetentionSweeper> retention_sweeper_;
  std::unique_ptr<PgPartnerContractStore> background_contracts_;
  std::unique_ptr<ContractSweeper> contract_sweeper_;
  std::unique_ptr<PgTrainingStore> training_store_;
  std::unique_ptr<TrainingServiceImpl> training_service_;
  std::unique_ptr<PgSchoolingStore> schooling_store_;
  std::unique_ptr<SchoolingServiceImpl> schooling_service_;
  std::unique_ptr<PgNeedsStore> needs_store_;
  std::unique_ptr<NeedsServiceImpl> needs_service_;
  std::unique_ptr<PgOpeningStore> opening_store_;
  std::unique_ptr<OpeningServiceImpl> opening_service_;
  std::unique_ptr<PgPartnerContractStore> contract_store_;
  std::unique_ptr<PartnerContractServiceImpl> contract_service_;
  std::unique_ptr<PgAssistanceStore> assistance_store_;
  std::unique_ptr<AssistanceServiceImpl> assistance_service_;
  std::unique_ptr<PgVolunteerStore> volunteer_store_;
  std::unique_ptr<VolunteerServiceImpl> volunteer_service_;
  std::unique_ptr<PgResettlementStore> resettlement_store_;
  std::unique_ptr<PgPlanStepStore> plan_step_store_;
};

server::ServiceDefinition Definition();

}  // namespace ccms::employment
