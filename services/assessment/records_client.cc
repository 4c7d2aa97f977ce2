#include "services/assessment/records_client.h"

#include "common/grpc/call_executor.h"
#include "common/grpc/proto_convert.h"
#include "common/log/log.h"

namespace ccms::assessment {

CaseFacts FactsOf(const records::v1::GetCaseFactsResponse& c) {
  CaseFacts f;
  f.case_id = c.case_id();
  f.district_code = c.district_code();
  f.office_id = c.office_id();
  switch (c.status()) {
    case records::v1::CASE_STATUS_ACTIVE:
      f.status = domain::CaseStatus::kActive;
      break;
    case records::v1::CASE_STATUS_PENDING_INTAKE:
    case records::v1::CASE_STATUS_UNSPECIFIED:
      f.status = domain::CaseStatus::kPendingIntake;
      break;
    default:
      f.status = domain::CaseStatus::kClosed;
  }
  f.minor = c.minor();
  bool invalid = false;
  f.supervision_start = grpc_util::FromProtoDate(c.supervision_start_date(), &invalid);
  f.supervision_end = grpc_util::FromProtoDate(c.supervision_end_date(), &invalid);
  f.intake_reported_on = grpc_util::FromProtoDate(c.intake_reported_on(), &invalid);
  return f;
}

GrpcRecordsClient::GrpcRecordsClient(const std::string& address,
                                     std::function<std::string()> service_token,
                                     grpc_util::RetryOptions options,
                                     const grpc_util::ClientTlsConfig& tls)
    : stub_(records::v1::CaseService::NewStub(grpc_util::MakeServiceChannel(address, tls))),
      token_(std::move(service_token)),
      options_(options) {}

absl::StatusOr<CaseFacts> GrpcRecordsClient::GetCase(const std::string& case_id,
                                                     const OnBehalfOf& caller) {
  records::v1::GetCaseFactsRequest request;
  request.set_case_id(case_id);
  records::v1::GetCaseFactsResponse response;
  const std::string token = token_();
  const grpc::Status status = grpc_util::UnaryWithRetry(
      options_,
      [&](grpc::ClientContext* ctx) {
        ctx->AddMetadata("authorization", "Bearer " + token);
        if (!caller.end_user_token.empty()) {
          ctx->AddMetadata(grpc_util::CallExecutor::kEndUserMetadata, caller.end_user_token);
        }
      },
      [&](grpc::ClientContext* ctx) { return stub_->GetCaseFacts(ctx, request, &response); });
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return FactsOf(response);
    case grpc::StatusCode::NOT_FOUND:
      return absl::NotFoundError("case not found");
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      log::Warn("records_unavailable", {{"grpc_code", static_cast<int>(status.error_code())}});
      return absl::UnavailableError("records service unavailable; retry later");
    default:
      log::Error("records_call_failed", {{"grpc_code", static_cast<int>(status.error_code())}});
      return absl::InternalError("records service refused the lookup of the case");
  }
}

}  // namespace ccms::assessment
