// Volunteers join and leave supervision teams after registration (issue 15 item 10: "volunteers
// linked to supervision teams by id") on PostgreSQL: the teams change under the volunteer's lock,
// each change with its event (keyed by the volunteer, no name); joining twice, leaving a team it
// is not on, another district's staff (PERMISSION_DENIED for a district outside the token,
// NOT_FOUND for a district the volunteer does not serve, audited) are refused and write nothing;
// service for a team it left is refused.
#include <string>

#include "ccms/employment/v1/employment_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "gtest/gtest.h"
#include "tests/integration/employment_harness.h"

namespace ccms::testing {
namespace {

namespace v1 = employment::v1;

constexpr char kDistrictA[] = "110101";
constexpr char kDistrictB[] = "310101";

class EmploymentVolunteerTeamsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.consumer().Stop();
    h_.education_consumer().Stop();
    staff_ = h_.Token(auth::Role::kOfficeStaff, {kDistrictA}, "staff-a");
    staff_b_ = h_.Token(auth::Role::kOfficeStaff, {kDistrictB}, "staff-b");
  }
  std::string Count(const std::string& sql) { return h_.db().QueryValue(sql); }

  grpc::Status Change(bool join, const std::string& token, const std::string& volunteer_id,
                      const std::string& district, const std::string& team,
                      v1::Volunteer* out) {
    auto ctx = h_.Context(token);
    if (join) {
      v1::JoinSupervisionTeamRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_volunteer_id(volunteer_id);
      req.set_district_code(district);
      req.set_supervision_team_id(team);
      v1::JoinSupervisionTeamResponse resp;
      const grpc::Status st = h_.volunteers().JoinSupervisionTeam(ctx.get(), req, &resp);
      *out = resp.volunteer();
      return st;
    }
    v1::LeaveSupervisionTeamRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_volunteer_id(volunteer_id);
    req.set_district_code(district);
    req.set_supervision_team_id(team);
    v1::LeaveSupervisionTeamResponse resp;
    const grpc::Status st = h_.volunteers().LeaveSupervisionTeam(ctx.get(), req, &resp);
    *out = resp.volunteer();
    return st;
  }

  EmploymentHarness h_;
  std::string staff_;
  std::string staff_b_;
};

TEST_F(EmploymentVolunteerTeamsTest, JoinAndLeaveTeamsWithTheirEvents) {
  const std::string t1 = ids::NewUuid();
  const std::string t2 = ids::NewUuid();
  v1::RegisterVolunteerRequest reg;
  reg.set_request_id(ids::NewUuid());
  reg.set_kind(v1::VOLUNTEER_KIND_VOLUNTEER);
  reg.set_name("TEAM-VOLUNTEER-NAME");
  reg.set_district_code(kDistrictA);
  reg.add_supervision_team_ids(t1);
  v1::RegisterVolunteerResponse registered;
  {
    auto ctx = h_.Context(staff_);
    ASSERT_TRUE(h_.volunteers().RegisterVolunteer(ctx.get(), reg, &registered).ok());
  }
  const std::string id = registered.volunteer().volunteer_id();
  auto events = [&] {
    return Count(
        "SELECT count(*) FROM outbox WHERE event_type = 'ccms.employment.volunteer_team_changed'"
        " AND record_key = '" +
        id + "'");
  };

  v1::Volunteer v;
  ASSERT_TRUE(Change(true, staff_, id, kDistrictA, t2, &v).ok());
  ASSERT_EQ(v.supervision_team_ids_size(), 2);
  EXPECT_EQ(v.supervision_team_ids(1), t2);
  EXPECT_EQ(events(), "1");
  // Twice: ALREADY_EXISTS, nothing written.
  EXPECT_EQ(Change(true, staff_, id, kDistrictA, t2, &v).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(events(), "1");

  ASSERT_TRUE(Change(false, staff_, id, kDistrictA, t1, &v).ok());
  ASSERT_EQ(v.supervision_team_ids_size(), 1);
  EXPECT_EQ(v.supervision_team_ids(0), t2);
  EXPECT_EQ(events(), "2");
  EXPECT_EQ(Change(false, staff_, id, kDistrictA, t1, &v).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Count("SELECT array_to_string(supervision_team_ids, ',') FROM volunteers WHERE"
                  " volunteer_id = '" +
                  id + "'"),
            t2);

  // Another district's staff: outside their token, or a district the volunteer does not serve.
  EXPECT_EQ(Change(true, staff_b_, id, kDistrictA, ids::NewUuid(), &v).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Change(true, staff_b_, id, kDistrictB, ids::NewUuid(), &v).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'JoinSupervisionTeam' AND"
                  " result = 'NOT_FOUND'"),
            "1");
  EXPECT_EQ(events(), "2");

  // The last event: LEFT t1, one team left; codes and ids only.
  const std::string hex = Count(
      "SELECT encode(payload, 'hex') FROM outbox WHERE event_type ="
      " 'ccms.employment.volunteer_team_changed' AND record_key = '" +
      id + "' ORDER BY id DESC LIMIT 1");
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  events::v1::Envelope env;
  ASSERT_TRUE(env.ParseFromString(bytes));
  v1::VolunteerTeamChanged e;
  ASSERT_TRUE(env.payload().UnpackTo(&e));
  EXPECT_EQ(e.change(), "LEFT");
  EXPECT_EQ(e.supervision_team_id(), t1);
  EXPECT_EQ(e.team_count(), 1);
  EXPECT_EQ(e.district_code(), kDistrictA);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE position('TEAM-VOLUNTEER-NAME'::bytea in"
                  " payload) > 0"),
            "0");

  // Service for the team it left is refused; for the one it is on, recorded.
  v1::RecordVolunteerServiceRequest s;
  s.set_request_id(ids::NewUuid());
  s.set_volunteer_id(id);
  s.set_district_code(kDistrictA);
  s.set_hours(2);
  s.set_activity_code("TALK");
  s.set_supervision_team_id(t1);
  v1::RecordVolunteerServiceResponse sr;
  {
    auto ctx = h_.Context(staff_);
    EXPECT_FALSE(h_.volunteers().RecordVolunteerService(ctx.get(), s, &sr).ok());
  }
  s.set_request_id(ids::NewUuid());
  s.set_supervision_team_id(t2);
  {
    auto ctx = h_.Context(staff_);
    const grpc::Status st = h_.volunteers().RecordVolunteerService(ctx.get(), s, &sr);
    EXPECT_TRUE(st.ok()) << st.error_message();
  }
}

}  // namespace
}  // namespace ccms::testing
