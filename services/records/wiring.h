#pragma once

#include <memory>
#include <string>

#include "common/concurrency/periodic_task.h"
#include "common/crypto/pii_cipher.h"
#include "common/server/service_main.h"
#include "services/records/case_metrics.h"
#include "services/records/domain/records_policy.h"
#include "services/records/pg_records_store.h"
#include "services/records/records_service.h"

namespace ccms::records {

// ccms-records as the kit runs it (server::ServiceMain, tests/support/service_harness.h):
// settings CCMS_PII_KEY; the store, the handlers, the assessment-events consumer, the case
// gauges and the discharge notices.
class RecordsWiring final : public server::Service {
 public:
  void Configure(config::Env& env) override;
  absl::Status Prepare(const policy::PolicyDocument& policy) override;
  absl::Status Build(server::ServiceHost& host) override;
  void StartBackground() override;
  void StopBackground() override;

  RecordsServiceImpl& service() { return *service_; }
  PgRecordsStore& store() { return *store_; }

 private:
  std::string pii_key_;
  std::unique_ptr<crypto::PiiCipher> cipher_;
  std::unique_ptr<domain::RecordsPolicies> policy_;
  std::string policy_origin_;
  std::unique_ptr<PgRecordsStore> store_;
  std::unique_ptr<RecordsServiceImpl> service_;
  std::unique_ptr<CaseMetrics> case_metrics_;
  std::unique_ptr<concurrency::PeriodicTask> discharge_notices_;
};

server::ServiceDefinition Definition();

}  // namespace ccms::records
