#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "ccms/records/v1/case_service.pb.h"
#include "ccms/records/v1/supervision_service.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
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
  EXPECT_TRUE(ViolationsOf(g).empty());
  EXPECT_EQ(ReasonOf(g), "NOT_FOUND");
  const grpc::Status ok = ToGrpcStatus(absl::OkStatus());
  EXPECT_TRUE(ok.ok());
  EXPECT_TRUE(ok.error_details().empty());
}

// The details of `g`: its google.rpc.Status, whose ErrorInfo must be well formed.
google::rpc::ErrorInfo ErrorInfoOf(const grpc::Status& g) {
  google::rpc::Status details;
  EXPECT_TRUE(details.ParseFromString(g.error_details()));
  EXPECT_EQ(details.code(), static_cast<int>(g.error_code()));
  EXPECT_EQ(details.message(), g.error_message());
  google::rpc::ErrorInfo info;
  int infos = 0;
  for (const auto& any : details.details()) {
    if (any.Is<google::rpc::ErrorInfo>()) {
      ++infos;
      EXPECT_TRUE(any.UnpackTo(&info));
    }
  }
  EXPECT_EQ(infos, 1);
  return info;
}

TEST(GrpcStatusTest, EveryErrorCarriesErrorInfoWithTheReasonOfItsCode) {
  const std::vector<std::pair<absl::Status, std::string>> cases = {
      {absl::InvalidArgumentError("bad"), "INVALID_REQUEST"},
      {absl::OutOfRangeError("bad"), "INVALID_REQUEST"},
      {absl::UnauthenticatedError("no token"), "UNAUTHENTICATED"},
      {absl::PermissionDeniedError("not yours"), "PERMISSION_DENIED"},
      {absl::NotFoundError("case not found"), "NOT_FOUND"},
      {absl::AlreadyExistsError("the record already exists"), "ALREADY_EXISTS"},
      {absl::FailedPreconditionError("the case is closed"), "RULE_VIOLATED"},
      {absl::AbortedError("the case changed since it was read"), "CONFLICT"},
      {absl::ResourceExhaustedError("server busy"), "OVERLOADED"},
      {absl::DeadlineExceededError("too slow"), "DEADLINE_EXCEEDED"},
      {absl::CancelledError("call cancelled"), "CANCELLED"},
      {absl::UnavailableError("database unavailable"), "UNAVAILABLE"},
      {absl::UnimplementedError("no"), "UNIMPLEMENTED"},
      {absl::InternalError("internal error"), "INTERNAL"},
      {absl::UnknownError("?"), "INTERNAL"},
      {absl::DataLossError("?"), "INTERNAL"},
  };
  for (const auto& [status, reason] : cases) {
    const grpc::Status g = ToGrpcStatus(status);
    EXPECT_EQ(static_cast<int>(g.error_code()), static_cast<int>(status.code()));
    EXPECT_EQ(g.error_message(), status.message());
    const google::rpc::ErrorInfo info = ErrorInfoOf(g);
    EXPECT_EQ(info.reason(), reason) << status;
    EXPECT_EQ(info.domain(), "ccms");
    EXPECT_TRUE(info.metadata().empty());
    EXPECT_EQ(ReasonOf(g), reason);
  }
}

TEST(GrpcStatusTest, ANamedReasonReplacesTheDefault) {
  const grpc::Status g = ToGrpcStatus(errors::WithReason(
      absl::AlreadyExistsError("request_id was already used for a different request"),
      errors::kRequestIdReused));
  EXPECT_EQ(g.error_code(), grpc::ALREADY_EXISTS);
  EXPECT_EQ(ErrorInfoOf(g).reason(), "REQUEST_ID_REUSED");
  EXPECT_EQ(ReasonOf(ToGrpcStatus(
                errors::WithReason(absl::AbortedError("in progress"), errors::kRequestInProgress))),
            "REQUEST_IN_PROGRESS");
}

TEST(GrpcStatusTest, ViolationsAndErrorInfoTravelTogether) {
  const grpc::Status g =
      ToGrpcStatus(InvalidArgumentWithViolations({{"case_id", "must be a case id (UUID)"}}));
  EXPECT_EQ(ErrorInfoOf(g).reason(), "INVALID_REQUEST");
  ASSERT_EQ(ViolationsOf(g).size(), 1u);
  EXPECT_EQ(ViolationsOf(g)[0].field, "case_id");
}

TEST(GrpcStatusTest, AClientReadsNoReasonFromAStatusWithoutDetails) {
  EXPECT_EQ(ReasonOf(grpc::Status(grpc::UNAVAILABLE, "connection refused")), "");
  EXPECT_EQ(ReasonOf(grpc::Status(grpc::INTERNAL, "x", "not a proto")), "");
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
