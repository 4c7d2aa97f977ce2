#pragma once

#include <memory>
#include <string>

#include "common/crypto/pii_cipher.h"
#include "common/server/service_main.h"
#include "services/education/catalogue_service.h"
#include "services/education/community_service_service.h"
#include "services/education/consumer.h"
#include "services/education/correction_plan_service.h"
#include "services/education/counselling_service.h"
#include "services/education/crisis_events.h"
#include "services/education/domain/education_policy.h"
#include "services/education/feedback_service.h"
#include "services/education/legal_test_service.h"
#include "services/education/pg_case_store.h"
#include "services/education/pg_catalogue_store.h"
#include "services/education/pg_community_service_hours.h"
#include "services/education/pg_community_service_store.h"
#include "services/education/pg_counselling_store.h"
#include "services/education/pg_feedback_store.h"
#include "services/education/pg_legal_test_store.h"
#include "services/education/pg_plan_store.h"
#include "services/education/pg_service_file_store.h"
#include "services/education/pg_session_store.h"
#include "services/education/plan_triggers.h"
#include "services/education/service_file_service.h"
#include "services/education/session_service.h"
#include "services/education/community_service_hours.h"
#include "services/education/hours_ledger_service.h"
#include "services/education/ledger_events.h"
#include "services/education/pg_hours_ledger_store.h"
#include "services/education/partner_session_service.h"
#include "services/education/pg_partner_session_store.h"

namespace ccms::education {

// ccms-education as the kit runs it (server::ServiceMain, tests/support/service_harness.h): the
// policy's `education` section, the stores, the handlers (one proto service per area) and the
// consumers of ccms.records.v1 and ccms.assessment.v1. Setting CCMS_PII_KEY: the key of the
// psychological files, complaints' texts and behaviour notes (AES-256-GCM, the kit's PiiCipher).
class EducationWiring final : public server::Service {
 public:
  void Configure(config::Env& env) override;
  absl::Status Prepare(const policy::PolicyDocument& policy) override;
  absl::Status Build(server::ServiceHost& host) override;

  ServiceFileServiceImpl& service_files() { return *service_files_; }
  PgServiceFileStore& service_file_store() { return *service_file_store_; }
  const domain::EducationPolicies& policies() const { return *policies_; }
  CorrectionPlanServiceImpl& plans() { return *plans_; }
  CounsellingServiceImpl& counselling() { return *counselling_; }
  SessionServiceImpl& sessions() { return *sessions_; }
  HoursLedgerServiceImpl& hours_ledger() { return *hours_ledger_; }
  PartnerSessionServiceImpl& partner_sessions() { return *partner_sessions_; }

 private:
  std::unique_ptr<domain::EducationPolicies> policies_;
  std::string policy_origin_;
  std::unique_ptr<PgCaseStore> cases_;
  std::unique_ptr<PgServiceFileStore> service_file_store_;
  std::unique_ptr<ServiceFileServiceImpl> service_files_;
  std::unique_ptr<RecordsEventHandler> handler_;
  // Correction plans (consumer group ccms-education-plans: records and assessment).
  std::unique_ptr<PgPlanStore> plan_store_;
  std::unique_ptr<CorrectionPlanServiceImpl> plans_;
  std::unique_ptr<PlanTriggerHandler> plan_triggers_;
  std::unique_ptr<PgCatalogueStore> catalogue_store_;
  std::unique_ptr<CatalogueServiceImpl> catalogue_;
  std::string pii_key_;
  std::unique_ptr<crypto::PiiCipher> cipher_;
  std::unique_ptr<PgCounsellingStore> counselling_store_;
  std::unique_ptr<CounsellingServiceImpl> counselling_;
  std::unique_ptr<CrisisEventHandler> crisis_handler_;
  std::unique_ptr<PgLegalTestStore> legal_test_store_;
  std::unique_ptr<LegalTestServiceImpl> legal_tests_;
  std::unique_ptr<PgFeedbackStore> feedback_store_;
  std::unique_ptr<FeedbackServiceImpl> feedback_;
  std::unique_ptr<PgSessionStore> session_store_;
  std::unique_ptr<SessionServiceImpl> sessions_;
  // Community service (issue 14 item 9).
  std::unique_ptr<PgCommunityServiceStore> community_service_store_;
  std::unique_ptr<CommunityServiceServiceImpl> community_service_;
  // The hours ledger, windows and individual education (issue 14 items 6-8; consumer group
  // ccms-education-ledger); its community-service hours come from community service's activities.
  PgCommunityServiceHours community_service_hours_;
  std::unique_ptr<PgHoursLedgerStore> hours_ledger_store_;
  std::unique_ptr<HoursLedgerServiceImpl> hours_ledger_;
  std::unique_ptr<LedgerEventHandler> ledger_events_;
  // The partner view of sessions (issue 14 item 14).
  std::unique_ptr<PgPartnerSessionStore> partner_session_store_;
  std::unique_ptr<PartnerSessionServiceImpl> partner_sessions_;
};

server::ServiceDefinition Definition();

}  // namespace ccms::education
