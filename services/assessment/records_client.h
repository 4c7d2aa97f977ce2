#pragma once

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "ccms/records/v1/case_service.grpc.pb.h"
#include "common/grpc/client.h"
#include "services/assessment/domain/types.h"

namespace ccms::assessment {

// The facts of a case that assessment needs and records owns.
struct CaseFacts {
  std::string case_id;
  std::string district_code;
  std::string office_id;
  domain::CaseStatus status = domain::CaseStatus::kPendingIntake;
  bool minor = false;
  std::optional<absl::CivilDay> supervision_start;
  std::optional<absl::CivilDay> supervision_end;
  std::optional<absl::CivilDay> intake_reported_on;
};

// Where assessment asks about cases it has not heard of yet.
class CaseDirectory {
 public:
  virtual ~CaseDirectory() = default;
  // NOT_FOUND if records has no such case; UNAVAILABLE ("records service unavailable; retry
  // later") when records cannot be reached after the retries.
  virtual absl::StatusOr<CaseFacts> GetCase(const std::string& case_id) = 0;
};

// CaseService.GetCase over gRPC with the service token (authorization: Bearer), a deadline
// per attempt and retries with backoff on UNAVAILABLE.
class GrpcRecordsClient final : public CaseDirectory {
 public:
  // `tls`: how the channel to records is secured (grpc_util::LoadClientTls; empty: plaintext).
  GrpcRecordsClient(const std::string& address, std::string service_token,
                    grpc_util::RetryOptions options, const grpc_util::ClientTlsConfig& tls = {});

  absl::StatusOr<CaseFacts> GetCase(const std::string& case_id) override;

 private:
  std::unique_ptr<records::v1::CaseService::Stub> stub_;
  std::string token_;
  grpc_util::RetryOptions options_;
};

// The answer records gave, as CaseFacts (exposed for tests).
CaseFacts FactsOf(const records::v1::Case& c);

}  // namespace ccms::assessment
