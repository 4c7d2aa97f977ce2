#pragma once

#include <memory>
#include <string>

#include "common/concurrency/periodic_task.h"
#include "common/crypto/pii_cipher.h"
#include "common/server/service_main.h"
#include "services/records/audit_service.h"
#include "services/records/case_metrics.h"
#include "services/records/case_service.h"
#include "services/records/discharge_service.h"
#include "services/records/domain/records_policy.h"
#include "services/records/intake_service.h"
#include "services/records/leave_service.h"
#include "services/records/order_service.h"
#include "services/records/pg_records_store.h"
#include "services/records/sanction_service.h"
#include "services/records/supervision_service.h"
#include "services/records/transfer_service.h"

namespace ccms::records {

// ccms-records as the kit runs it (server::ServiceMain, tests/support/service_harness.h):
// settings CCMS_PII_KEY; the store, the nine handler classes (one per proto service of
// ccms.records.v1, all on the one port), the assessment-events consumer, the case gauges and the
// discharge notices and the case facts scan.
class RecordsWiring final : public server::Service {
 public:
  void Configure(config::Env& env) override;
  absl::Status Prepare(const policy::PolicyDocument& policy) override;
  absl::Status Build(server::ServiceHost& host) override;
  void StartBackground() override;
  void StopBackground() override;

  CaseServiceImpl& cases() { return *cases_; }
  SupervisionServiceImpl& supervision() { return *supervision_; }
  SanctionServiceImpl& sanctions() { return *sanctions_; }
  LeaveServiceImpl& leave() { return *leave_; }
  OrderServiceImpl& orders() { return *orders_; }
  IntakeServiceImpl& intake() { return *intake_; }
  TransferServiceImpl& transfers() { return *transfers_; }
  DischargeServiceImpl& discharge() { return *discharge_; }
  AuditServiceImpl& audit() { return *audit_; }
  PgRecordsStore& store() { return *store_; }

 private:
  std::string pii_key_;
  std::unique_ptr<crypto::PiiCipher> cipher_;
  std::unique_ptr<domain::RecordsPolicies> policy_;
  std::string policy_origin_;
  std::unique_ptr<PgRecordsStore> store_;
  std::unique_ptr<HandlerContext> handler_context_;
  std::unique_ptr<CaseServiceImpl> cases_;
  std::unique_ptr<SupervisionServiceImpl> supervision_;
  std::unique_ptr<SanctionServiceImpl> sanctions_;
  std::unique_ptr<LeaveServiceImpl> leave_;
  std::unique_ptr<OrderServiceImpl> orders_;
  std::unique_ptr<IntakeServiceImpl> intake_;
  std::unique_ptr<TransferServiceImpl> transfers_;
  std::unique_ptr<DischargeServiceImpl> discharge_;
  std::unique_ptr<AuditServiceImpl> audit_;
  // Periodic work runs on the host's background pool: its own store, a discharge handler for
  // the notices and a case handler for the facts scan.
  std::unique_ptr<PgRecordsStore> background_store_;
  std::unique_ptr<HandlerContext> background_context_;
  std::unique_ptr<DischargeServiceImpl> background_discharge_;
  std::unique_ptr<CaseServiceImpl> background_cases_;  // the facts scan
  std::unique_ptr<CaseMetrics> case_metrics_;
  std::unique_ptr<concurrency::PeriodicTask> discharge_notices_;
  std::unique_ptr<concurrency::PeriodicTask> case_facts_;
};

server::ServiceDefinition Definition();

}  // namespace ccms::records
