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
  auto day = time::MakeDate(date.year(), date.month(), date.day());
  if (!day.has_value()) *invalid = true;
  return day;
}

google::protobuf::Timestamp ToProtoTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t ns = absl::ToUnixNanos(t);
  ts.set_seconds(ns >= 0 ? ns / 1000000000 : (ns - 999999999) / 1000000000);
  ts.set_nanos(static_cast<int32_t>(ns - ts.seconds() * 1000000000));
  return ts;
}

}  // namespace ccms::grpc_util
