#pragma once

#include <optional>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"

namespace ccms::grpc_util {

google::type::Date ToProtoDate(absl::CivilDay day);

// A google.type.Date that is all zero means "not given" (nullopt, *invalid false). A partial or
// impossible date (2023-02-29, month 13) gives nullopt with *invalid set.
std::optional<absl::CivilDay> FromProtoDate(const google::type::Date& date, bool* invalid);

google::protobuf::Timestamp ToProtoTimestamp(absl::Time t);

}  // namespace ccms::grpc_util
