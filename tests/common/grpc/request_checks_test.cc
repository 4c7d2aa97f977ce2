#include "common/grpc/request_checks.h"

#include "gtest/gtest.h"

namespace ccms::grpc_util {
namespace {

constexpr char kUuid[] = "f1b2c3d4-0000-4000-8000-000000000000";

google::type::Date Date(int y, int m, int d) {
  google::type::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

// The single violation of `status`, as "field: description".
std::string Violation(const absl::Status& status) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  auto v = ViolationsOf(status);
  if (v.size() != 1) return "violations: " + std::to_string(v.size());
  return v[0].field + ": " + v[0].description;
}

TEST(RequestChecksTest, Identifiers) {
  EXPECT_TRUE(CheckRequestId(kUuid).ok());
  EXPECT_EQ(Violation(CheckRequestId("")),
            "request_id: is required: a UUID chosen by the client, reused on retries");
  EXPECT_TRUE(CheckCaseId(kUuid).ok());
  EXPECT_EQ(Violation(CheckCaseId("case-1")), "case_id: must be a case id (UUID)");
  EXPECT_EQ(Violation(CheckUuidField("x", "leave_id", "a leave id (UUID)")),
            "leave_id: must be a leave id (UUID)");
  std::vector<FieldViolation> violations;
  OptionalUuidField("", "case_id", "a case id (UUID)", &violations);
  OptionalUuidField(kUuid, "case_id", "a case id (UUID)", &violations);
  EXPECT_TRUE(violations.empty());
  OptionalUuidField("nope", "case_id", "a case id (UUID)", &violations);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].description, "must be a case id (UUID)");
}

TEST(RequestChecksTest, Districts) {
  auth::Principal office;
  office.districts = {"110101"};
  auth::Principal city;
  city.all_districts = true;
  std::vector<FieldViolation> violations;
  CheckListDistrict(office, "110101", &violations);
  CheckListDistrict(city, "", &violations);
  DistrictFilterField("", &violations);
  EXPECT_TRUE(violations.empty());
  CheckListDistrict(office, "", &violations);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].description, "is required");
  violations.clear();
  CheckListDistrict(city, "11010", &violations);
  DistrictFilterField("1101011", &violations);
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].field, "district_code");
  EXPECT_EQ(violations[1].description, "must be a 6-digit district code");
}

TEST(RequestChecksTest, PageSize) {
  std::vector<FieldViolation> violations;
  EXPECT_EQ(CheckPageSize(0, 50, 500, &violations), 50);
  EXPECT_EQ(CheckPageSize(500, 50, 500, &violations), 500);
  EXPECT_TRUE(violations.empty());
  CheckPageSize(-1, 50, 500, &violations);
  CheckPageSize(501, 50, 500, &violations);
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[1].field, "page_size");
  EXPECT_EQ(violations[1].description, "must be between 1 and 500");
}

TEST(RequestChecksTest, Text) {
  EXPECT_TRUE(CheckText(std::string(8000, 'a'), "notes", 8000).ok());
  EXPECT_EQ(Violation(CheckText(std::string(8001, 'a'), "notes", 8000)),
            "notes: is too long (at most 8000 bytes)");
}

TEST(RequestChecksTest, Dates) {
  std::vector<FieldViolation> violations;
  EXPECT_FALSE(DateField(google::type::Date(), "as_of", &violations).has_value());
  EXPECT_EQ(DateField(Date(2026, 2, 28), "as_of", &violations), absl::CivilDay(2026, 2, 28));
  EXPECT_TRUE(violations.empty());
  EXPECT_FALSE(DateField(Date(2026, 2, 29), "as_of", &violations).has_value());
  EXPECT_FALSE(RequiredDateField(google::type::Date(), "ends_on", &violations).has_value());
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].description, "is not a valid calendar date (years 1900 to 2199)");
  EXPECT_EQ(violations[1].field, "ends_on");
  EXPECT_EQ(violations[1].description, "is required");
}

TEST(RequestChecksTest, DayNotInFuture) {
  const absl::CivilDay today(2026, 12, 5);
  EXPECT_EQ(*DayNotInFuture(google::type::Date(), "on", today), today);
  EXPECT_EQ(*DayNotInFuture(Date(2026, 12, 5), "on", today), today);
  EXPECT_EQ(Violation(DayNotInFuture(Date(2026, 12, 6), "on", today).status()),
            "on: must not be in the future");
  EXPECT_EQ(Violation(DayNotInFuture(Date(2026, 13, 1), "on", today).status()),
            "on: is not a valid calendar date (years 1900 to 2199)");
  std::vector<FieldViolation> violations;
  EXPECT_EQ(DayNotInFuture(Date(2026, 1, 2), "on", today, &violations), absl::CivilDay(2026, 1, 2));
  EXPECT_TRUE(violations.empty());
  DayNotInFuture(Date(2027, 1, 1), "occurred_on", today, &violations);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "occurred_on");
  EXPECT_EQ(violations[0].description, "must not be in the future");
}

}  // namespace
}  // namespace ccms::grpc_util
