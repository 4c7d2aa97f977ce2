#pragma once

#include <functional>
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

// Whom a lookup is for: the bearer token of the end user whose call caused it (records verifies
// it and audits the lookup on that user's behalf), or empty for event-driven work.
struct OnBehalfOf {
  std::string end_user_token;
};

// Where assessment asks about cases it has not heard of yet.
class CaseDirectory {
 public:
  virtual ~CaseDirectory() = default;
  // NOT_FOUND if records has no such case; UNAVAILABLE ("records service unavailable; retry
  // later") when records cannot be reached after the retries.
  virtual absl::StatusOr<CaseFacts> GetCase(const std::string& case_id,
                                            const OnBehalfOf& caller) = 0;
};

// CaseService.GetCaseFacts (the least records gives a service: no name, ID number, phone,
// address or offence) over gRPC with the service token (authorization: Bearer) and the end
// user's token (x-ccms-end-user) when there is one, a deadline per attempt and retries with
// backoff on UNAVAILABLE. The service token is read through `service_token` before each call,
// so a token file rotated by a sidecar is picked up (server::ServiceTokenFile).
class GrpcRecordsClient final : public CaseDirectory {
 public:
  // `tls`: how the channel to records is secured (grpc_util::LoadClientTls; empty: plaintext).
  GrpcRecordsClient(const std::string& address, std::function<std::string()> service_token,
                    grpc_util::RetryOptions options, const grpc_util::ClientTlsConfig& tls = {});

  absl::StatusOr<CaseFacts> GetCase(const std::string& case_id, const OnBehalfOf& caller) override;

 private:
  std::unique_ptr<records::v1::CaseService::Stub> stub_;
  std::function<std::string()> token_;
  grpc_util::RetryOptions options_;
};

// The answer records gave, as CaseFacts (exposed for tests).
CaseFacts FactsOf(const records::v1::GetCaseFactsResponse& c);

}  // namespace ccms::assessment
