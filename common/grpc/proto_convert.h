#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"

namespace ccms::grpc_util {

// The years a date or timestamp from a client may name. Nothing ccms records happened before
// 1900 or is due after 2199; the bounds keep typos (20266) and hostile values (year -1, which
// PostgreSQL would refuse) out of the rules and the store.
inline constexpr int kMinYear = 1900;
inline constexpr int kMaxYear = 2199;

google::type::Date ToProtoDate(absl::CivilDay day);

// A google.type.Date that is all zero means "not given" (nullopt, *invalid false). A partial or
// impossible date (2023-02-29, month 13) or one outside kMinYear..kMaxYear gives nullopt with
// *invalid set.
std::optional<absl::CivilDay> FromProtoDate(const google::type::Date& date, bool* invalid);

google::protobuf::Timestamp ToProtoTimestamp(absl::Time t);

// A Timestamp that is unset (both fields zero) means "not given" (nullopt, *invalid false); one
// whose nanos are outside 0..999,999,999 or whose instant lies outside kMinYear..kMaxYear (UTC)
// gives nullopt with *invalid set.
std::optional<absl::Time> FromProtoTimestamp(const google::protobuf::Timestamp& ts, bool* invalid);

// The name of enum value `value` without `prefix` (CONTACT_KIND_VISIT -> "VISIT"), or "" when the
// value is 0 (unspecified) or not one `descriptor` defines: a client may send any number.
std::string EnumSuffix(const google::protobuf::EnumDescriptor* descriptor, int value,
                       std::string_view prefix);

}  // namespace ccms::grpc_util
