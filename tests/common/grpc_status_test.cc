#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "gtest/gtest.h"

namespace ccms::grpc_util {
namespace {

TEST(GrpcStatusTest, ViolationsSurviveTheTrip) {
  absl::Status st = InvalidArgumentWithViolations(
      {{"person.id_number", "check digit does not match"}, {"sentence.end_date", "is required"}});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(ViolationsOf(st).size(), 2u);
  grpc::Status g = ToGrpcStatus(st);
  EXPECT_EQ(g.error_code(), grpc::INVALID_ARGUMENT);
  auto v = ViolationsOf(g);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].field, "person.id_number");
  EXPECT_EQ(v[1].description, "is required");
}

TEST(GrpcStatusTest, PlainStatusKeepsCodeAndMessage) {
  grpc::Status g = ToGrpcStatus(absl::NotFoundError("case not found"));
  EXPECT_EQ(g.error_code(), grpc::NOT_FOUND);
  EXPECT_EQ(g.error_message(), "case not found");
  EXPECT_TRUE(g.error_details().empty());
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

TEST(ProtoConvertTest, Dates) {
  bool invalid = true;
  EXPECT_FALSE(FromProtoDate(google::type::Date(), &invalid).has_value());
  EXPECT_FALSE(invalid);
  google::type::Date d;
  d.set_year(2024);
  d.set_month(2);
  d.set_day(29);
  auto day = FromProtoDate(d, &invalid);
  ASSERT_TRUE(day.has_value());
  EXPECT_EQ(*day, absl::CivilDay(2024, 2, 29));
  d.set_year(2023);
  EXPECT_FALSE(FromProtoDate(d, &invalid).has_value());
  EXPECT_TRUE(invalid);
  d.set_year(2024);
  d.set_month(13);
  EXPECT_FALSE(FromProtoDate(d, &invalid).has_value());
  EXPECT_TRUE(invalid);
  auto back = ToProtoDate(absl::CivilDay(2026, 12, 31));
  EXPECT_EQ(back.year(), 2026);
  EXPECT_EQ(back.month(), 12);
  EXPECT_EQ(back.day(), 31);
}

TEST(ProtoConvertTest, TimestampBeforeEpoch) {
  auto ts = ToProtoTimestamp(absl::FromUnixMillis(-1500));
  EXPECT_EQ(ts.seconds(), -2);
  EXPECT_EQ(ts.nanos(), 500000000);
}

}  // namespace
}  // namespace ccms::grpc_util
