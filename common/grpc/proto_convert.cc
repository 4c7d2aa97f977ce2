#include "common/grpc/proto_convert.h"

#include "common/time/calendar.h"

namespace ccms::grpc_util {

google::type::Date ToProtoDate(absl::CivilDay day) {
  google::type::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

std::optional<absl::CivilDay> FromProtoDate(const google::type::Date& date, bool* invalid) {
  *invalid = false;
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return std::nullopt;
  if (date.year() < kMinYear || date.year() > kMaxYear) {
    *invalid = true;
    return std::nullopt;
  }
  auto day = time::MakeDate(date.year(), date.month(), date.day());
  if (!day.has_value()) *invalid = true;
  return day;
}

std::optional<absl::Time> FromProtoTimestamp(const google::protobuf::Timestamp& ts, bool* invalid) {
  *invalid = false;
  if (ts.seconds() == 0 && ts.nanos() == 0) return std::nullopt;
  // Seconds of kMinYear-01-01T00:00:00Z and of (kMaxYear + 1)-01-01T00:00:00Z.
  static const int64_t kFirst =
      absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(kMinYear, 1, 1), absl::UTCTimeZone()));
  static const int64_t kEnd = absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilSecond(kMaxYear + 1, 1, 1), absl::UTCTimeZone()));
  if (ts.nanos() < 0 || ts.nanos() > 999999999 || ts.seconds() < kFirst || ts.seconds() >= kEnd) {
    *invalid = true;
    return std::nullopt;
  }
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

std::string EnumSuffix(const google::protobuf::EnumDescriptor* descriptor, int value,
                       std::string_view prefix) {
  if (value == 0) return "";
  const google::protobuf::EnumValueDescriptor* v = descriptor->FindValueByNumber(value);
  if (v == nullptr || v->name().compare(0, prefix.size(), prefix) != 0) return "";
  return v->name().substr(prefix.size());
}

google::protobuf::Timestamp ToProtoTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t ns = absl::ToUnixNanos(t);
  ts.set_seconds(ns >= 0 ? ns / 1000000000 : (ns - 999999999) / 1000000000);
  ts.set_nanos(static_cast<int32_t>(ns - ts.seconds() * 1000000000));
  return ts;
}

}  // namespace ccms::grpc_util
