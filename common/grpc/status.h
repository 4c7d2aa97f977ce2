#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
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

// absl::Status -> grpc::Status; attached details travel as a serialized google.rpc.Status in
// the grpc-status-details-bin trailer, which grpcurl and other clients decode.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The reverse, for clients: decodes BadRequest details from a grpc::Status.
std::vector<FieldViolation> ViolationsOf(const grpc::Status& status);

}  // namespace ccms::grpc_util
