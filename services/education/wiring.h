#pragma once

#include <memory>
#include <string>

#include "common/crypto/pii_cipher.h"
#include "common/server/service_main.h"
#include "services/education/consumer.h"
#include "services/education/domain/education_policy.h"
#include "services/education/pg_case_store.h"
#include "services/education/pg_service_file_store.h"
#include "services/education/pg_session_store.h"
#include "services/education/service_file_service.h"
#include "services/education/session_service.h"

namespace ccms::education {

// ccms-education as the kit runs it (server::ServiceMain, tests/support/service_harness.h): the
// policy's `education` section, the stores, the handlers (one proto service per area) and the
// consumer of ccms.records.v1. Settings beyond the kit's: CCMS_PII_KEY (behaviour notes).
class EducationWiring final : public server::Service {
 public:
  void Configure(config::Env& env) override;
  absl::Status Prepare(const policy::PolicyDocument& policy) override;
  absl::Status Build(server::ServiceHost& host) override;

  ServiceFileServiceImpl& service_files() { return *service_files_; }
  PgServiceFileStore& service_file_store() { return *service_file_store_; }
  const domain::EducationPolicies& policies() const { return *policies_; }
  SessionServiceImpl& sessions() { return *sessions_; }

 private:
  std::unique_ptr<domain::EducationPolicies> policies_;
  std::string policy_origin_;
  std::unique_ptr<PgCaseStore> cases_;
  std::unique_ptr<PgServiceFileStore> service_file_store_;
  std::unique_ptr<ServiceFileServiceImpl> service_files_;
  std::unique_ptr<RecordsEventHandler> handler_;
  std::string pii_key_;
  std::unique_ptr<crypto::PiiCipher> cipher_;
  std::unique_ptr<PgSessionStore> session_store_;
  std::unique_ptr<SessionServiceImpl> sessions_;
};

server::ServiceDefinition Definition();

}  // namespace ccms::education
