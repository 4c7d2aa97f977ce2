#pragma once

#include <memory>
#include <string>

#include "common/grpc/client.h"
#include "common/grpc/service_token.h"
#include "common/server/service_main.h"
#include "services/assessment/assessment_service.h"
#include "services/assessment/domain/assessment_policy.h"
#include "services/assessment/instrument_catalog.h"
#include "services/assessment/maintenance.h"
#include "services/assessment/pg_assessment_store.h"
#include "services/assessment/records_client.h"
#include "services/assessment/records_consumer.h"

namespace ccms::assessment {

// ccms-assessment as the kit runs it (server::ServiceMain, tests/support/service_harness.h):
// settings CCMS_RECORDS_ADDR, CCMS_SERVICE_TOKEN(_FILE), CCMS_RECORDS_TIMEOUT_MS, CCMS_RECORDS_ATTEMPTS,
// CCMS_MAINTENANCE_PERIOD_MS; the instruments, the store, the handlers, the records-events
// consumer and the maintenance (ledger months, levels, gauges).
class AssessmentWiring final : public server::Service {
 public:
  void Configure(config::Env& env) override;
  absl::Status Prepare(const policy::PolicyDocument& policy) override;
  absl::Status AfterMigrations(server::ServiceHost& host) override;
  absl::Status Build(server::ServiceHost& host) override;
  void StartBackground() override;
  void StopBackground() override;

  AssessmentServiceImpl& service() { return *service_; }
  PgAssessmentStore& store() { return *store_; }
  Maintenance& maintenance() { return *maintenance_; }
  const domain::AssessmentPolicies& policies() const { return *policy_; }
  const InstrumentCatalog& catalog() const { return *catalog_; }

 private:
  std::string records_addr_;
  std::string service_token_;
  grpc_util::ClientTlsConfig records_tls_;  // CCMS_GRPC_CA_FILE, CCMS_GRPC_CLIENT_CERT_FILE, ...
  std::string service_token_file_;
  std::unique_ptr<grpc_util::ServiceToken> token_source_;
  grpc_util::RetryOptions retry_;
  absl::Duration maintenance_period_;
  std::unique_ptr<InstrumentCatalog> catalog_;
  std::unique_ptr<domain::AssessmentPolicies> policy_;
  std::string policy_origin_;
  std::unique_ptr<PgAssessmentStore> store_;
  // The periodic maintenance runs on the host's background pool.
  std::unique_ptr<PgAssessmentStore> background_store_;
  std::unique_ptr<GrpcRecordsClient> records_;
  std::unique_ptr<AssessmentServiceImpl> service_;
  std::unique_ptr<Maintenance> maintenance_;
  std::unique_ptr<RecordsEventHandler> handler_;
};

server::ServiceDefinition Definition();

}  // namespace ccms::assessment
