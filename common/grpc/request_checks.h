#pragma once

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace ccms::grpc_util {

// Checks every string field of a request, nested and repeated ones included, for what no field of
// ccms may hold: a NUL byte (PostgreSQL's text cannot store it, and no name, note or id has one).
// Protobuf's parser has already refused strings that are not UTF-8. INVALID_ARGUMENT names the
// first offending fields by path ("contacts[2].name").
absl::Status CheckRequestStrings(const google::protobuf::Message& request);

}  // namespace ccms::grpc_util
