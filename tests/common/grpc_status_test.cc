#include <limits>

#include "ccms/records/v1/records_service.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
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

TEST(ProtoConvertTest, DatesOutsideTheYearsAClientMayNameAreInvalid) {
  bool invalid = false;
  for (int year : {-1, 0, 1, 1899, 2200, 10000, std::numeric_limits<int32_t>::min()}) {
    google::type::Date d;
    d.set_year(year);
    d.set_month(1);
    d.set_day(1);
    EXPECT_FALSE(FromProtoDate(d, &invalid).has_value()) << year;
    EXPECT_TRUE(invalid) << year;
  }
  google::type::Date d;
  d.set_year(kMinYear);
  d.set_month(1);
  d.set_day(1);
  EXPECT_TRUE(FromProtoDate(d, &invalid).has_value());
  d.set_year(kMaxYear);
  d.set_month(12);
  d.set_day(31);
  EXPECT_TRUE(FromProtoDate(d, &invalid).has_value());
}

TEST(ProtoConvertTest, Timestamps) {
  bool invalid = true;
  EXPECT_FALSE(FromProtoTimestamp(google::protobuf::Timestamp(), &invalid).has_value());
  EXPECT_FALSE(invalid);
  google::protobuf::Timestamp ts = ToProtoTimestamp(absl::FromUnixSeconds(1796400000));
  auto t = FromProtoTimestamp(ts, &invalid);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(*t, absl::FromUnixSeconds(1796400000));
  for (auto [seconds, nanos] :
       std::vector<std::pair<int64_t, int32_t>>{{-62135596801, 0},  // before year 1
                                                {253402300800, 0},  // after 9999
                                                {std::numeric_limits<int64_t>::min(), 0},  //
                                                {std::numeric_limits<int64_t>::max(), 0},  //
                                                {1796400000, -1},  // nanos out of range
                                                {1796400000, 1000000000}}) {
    ts.set_seconds(seconds);
    ts.set_nanos(nanos);
    EXPECT_FALSE(FromProtoTimestamp(ts, &invalid).has_value()) << seconds << " " << nanos;
    EXPECT_TRUE(invalid);
  }
}

TEST(ProtoConvertTest, EnumSuffixIsEmptyForUnspecifiedAndUndefinedValues) {
  const auto* kinds = ccms::records::v1::ContactKind_descriptor();
  EXPECT_EQ(EnumSuffix(kinds, ccms::records::v1::CONTACT_KIND_HOME_VISIT, "CONTACT_KIND_"),
            "HOME_VISIT");
  for (int value :
       {0, 8, -1, 9999, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()}) {
    EXPECT_EQ(EnumSuffix(kinds, value, "CONTACT_KIND_"), "") << value;
  }
  EXPECT_EQ(EnumSuffix(kinds, 4, "SOMETHING_ELSE_"), "");
}

TEST(RequestChecksTest, NulBytesAreRefusedWithTheFieldsPath) {
  ccms::records::v1::OpenCaseRequest request;
  request.set_request_id("f1b2c3d4-0000-4000-8000-000000000000");
  request.mutable_person()->set_name("Zhang San");
  EXPECT_TRUE(CheckRequestStrings(request).ok());
  request.mutable_person()->set_phone(std::string("138\0", 4));
  const absl::Status st = CheckRequestStrings(request);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(ViolationsOf(st).size(), 1u);
  EXPECT_EQ(ViolationsOf(st)[0].field, "person.phone");
}

}  // namespace
}  // namespace ccms::grpc_util
