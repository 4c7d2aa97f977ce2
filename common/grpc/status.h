#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "common/errors/reason.h"
#include "grpcpp/support/status.h"

namespace ccms::grpc_util {

struct FieldViolation {
  std::string field;
  std::string description;
};

// INVALID_ARGUMENT carrying a google.rpc.BadRequest with one violation per bad field.
absl::Status InvalidArgumentWithViolations(const std::vector<FieldViolation>& violations);

// The violations attached by InvalidArgumentWithViolations (empty if none).
std::vector<FieldViolation> ViolationsOf(const absl::Status& status);

// absl::Status -> grpc::Status. Every error carries, as a serialized google.rpc.Status in the
// grpc-status-details-bin trailer (which grpcurl and other clients decode), a
// google.rpc.ErrorInfo{reason, domain "ccms", no metadata}: the reason named with
// errors::WithReason where the error arose, else the one its code implies (common/errors/reason.h,
// docs/api.md "Errors"); and the google.rpc.BadRequest of InvalidArgumentWithViolations, if any.
// Code and message are passed on unchanged.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The reverse, for clients: decodes BadRequest details from a grpc::Status.
std::vector<FieldViolation> ViolationsOf(const grpc::Status& status);

// For clients: the ErrorInfo reason of a grpc::Status ("" if it carries none).
std::string ReasonOf(const grpc::Status& status);

}  // namespace ccms::grpc_util
