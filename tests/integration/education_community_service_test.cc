// Community service (issue 14 item 9) against a real PostgreSQL (tests/run): no overbooking under
// concurrent joins, the published list only suitable, open projects with a free place, a
// self-initiated activity credited only once office staff verified it, waivers across a month
// end, the month's totals the ledger reads checked against an independent recomputation, events
// in the outbox, district scope with audited refusals, retries replayed.
#include <atomic>
#include <pqxx/pqxx>
#include <thread>

#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "services/education/domain/community_service_rules.h"
#include "services/education/pg_community_service_store.h"
#include "tests/integration/education_harness.h"

namespace ccms::testing {
namespace {

using auth::Role;
using grpc_util::ToProtoDate;
namespace v1 = education::v1;

constexpr char kDistrictA[] = "110101";
constexpr char kDistrictB[] = "310101";

class EducationCommunityServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() == nullptr) return;
    harness_ = new EducationHarness();
    harness_->consumer().Stop();  // cases come from the events this test hands the consumer
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  void SetUp() override {
    if (harness_ == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
    h().clock().Set(FixedTestNow());
  }

  EducationHarness& h() { return *harness_; }
  std::string WorkerA() { return h().Token(Role::kSocialWorker, {kDistrictA}, "sw-a"); }
  std::string StaffA() { return h().Token(Role::kOfficeStaff, {kDistrictA}, "staff-a"); }
  std::string StaffB() { return h().Token(Role::kOfficeStaff, {kDistrictB}, "staff-b"); }
  absl::CivilDay Today() { return time::ShanghaiDay(h().clock().Now()); }
  int64_t Count(const std::string& sql) { return std::stoll(h().db().QueryValue(sql)); }

  // An active case of `district` (opened 20 days ago, intake 10 days ago).
  std::string ActiveCase(bool minor = false, const std::string& district = kDistrictA) {
    const std::string id = ids::NewUuid();
    records::v1::CaseOpened opened;
    opened.set_case_id(id);
    opened.set_district_code(district);
    opened.set_office_id("office-1");
    *opened.mutable_supervision_start_date() = ToProtoDate(Today() - 20);
    *opened.mutable_supervision_end_date() = ToProtoDate(Today() + 700);
    opened.set_minor(minor);
    opened.set_sex(common::v1::SEX_FEMALE);
    opened.set_age_band(minor ? records::v1::AGE_BAND_16_TO_17 : records::v1::AGE_BAND_26_TO_35);
    records::v1::IntakeReported intake;
    intake.set_case_id(id);
    intake.set_district_code(district);
    *intake.mutable_reported_on() = ToProtoDate(Today() - 10);
    for (const auto& [type, payload] :
         std::vector<std::pair<std::string, const google::protobuf::Message*>>{
             {"ccms.records.case_opened", &opened}, {"ccms.records.intake_reported", &intake}}) {
      auto e = kafka::MakeEnvelope(type, id, district, absl::Now(), absl::Now(), "records-test",
                                   *payload);
      auto r = h().consumer().Process("ccms.records.v1", 0, offset_++, e.SerializeAsString());
      EXPECT_TRUE(r.ok() && *r) << r.status();
    }
    return id;
  }

  v1::AddServiceProjectRequest ProjectRequest(int capacity) {
    v1::AddServiceProjectRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_district_code(kDistrictA);
    req.set_title("Park clean-up");
    req.set_organiser("Street committee");
    req.set_mode(v1::SERVICE_MODE_CENTRALIZED);
    req.set_effort(v1::SERVICE_EFFORT_LIGHT);
    req.set_capacity(capacity);
    *req.mutable_starts_on() = ToProtoDate(Today() - 5);
    *req.mutable_ends_on() = ToProtoDate(Today() + 60);
    return req;
  }

  std::string Project(const v1::AddServiceProjectRequest& req) {
    v1::AddServiceProjectResponse resp;
    auto ctx = h().Context(StaffA());
    const grpc::Status st = h().community_service().AddServiceProject(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp.project().project_id();
  }

  grpc::Status Join(const std::string& token, const std::string& case_id,
                    const std::string& project_id) {
    v1::JoinServiceProjectRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_project_id(project_id);
    v1::JoinServiceProjectResponse resp;
    auto ctx = h().Context(token);
    return h().community_service().JoinServiceProject(ctx.get(), req, &resp);
  }

  std::vector<std::string> Published(const std::string& case_id) {
    v1::ListServiceProjectsRequest req;
    req.set_case_id(case_id);
    req.set_page_size(500);
    v1::ListServiceProjectsResponse resp;
    auto ctx = h().Context(WorkerA());
    const grpc::Status st = h().community_service().ListServiceProjects(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    std::vector<std::string> ids;
    for (const auto& p : resp.items()) ids.push_back(p.project_id());
    return ids;
  }

  v1::ServiceActivity Record(const std::string& case_id, const std::string& project_id,
                             absl::CivilDay on, int minutes, grpc::Status* status = nullptr) {
    v1::RecordServiceActivityRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    if (project_id.empty()) {
      req.set_self_initiated(true);
      req.set_organiser("Neighbourhood library");
    } else {
      req.set_project_id(project_id);
    }
    *req.mutable_served_on() = ToProtoDate(on);
    req.set_minutes(minutes);
    v1::RecordServiceActivityResponse resp;
    auto ctx = h().Context(WorkerA());
    const grpc::Status st = h().community_service().RecordServiceActivity(ctx.get(), req, &resp);
    if (status != nullptr) {
      *status = st;
    } else {
      EXPECT_TRUE(st.ok()) << st.error_message();
    }
    return resp.activity();
  }

  v1::GetCommunityServiceResponse Get(const std::string& case_id, absl::CivilMonth month) {
    v1::GetCommunityServiceRequest req;
    req.set_case_id(case_id);
    req.set_year(static_cast<int>(month.year()));
    req.set_month(month.month());
    v1::GetCommunityServiceResponse resp;
    auto ctx = h().Context(WorkerA());
    const grpc::Status st = h().community_service().GetCommunityService(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return resp;
  }

  static EducationHarness* harness_;
  static int64_t offset_;
};

EducationHarness* EducationCommunityServiceTest::harness_ = nullptr;
int64_t EducationCommunityServiceTest::offset_ = 1;

TEST_F(EducationCommunityServiceTest, ConcurrentJoinsNeverOverbook) {
  const std::string project = Project(ProjectRequest(5));
  std::vector<std::string> cases;
  for (int i = 0; i < 16; ++i) cases.push_back(ActiveCase());
  const std::string token = WorkerA();
  std::atomic<int> joined{0}, full{0}, other{0};
  std::vector<std::thread> threads;
  for (const auto& c : cases) {
    threads.emplace_back([&, c] {
      const grpc::Status st = Join(token, c, project);
      if (st.ok()) {
        ++joined;
      } else if (st.error_code() == grpc::StatusCode::FAILED_PRECONDITION &&
                 st.error_message() == "the project is full") {
        ++full;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(joined.load(), 5);
  EXPECT_EQ(full.load(), 11);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM cs_members WHERE project_id = '" + project + "'"), 5);
  // A full project is not on anyone's published list.
  const std::vector<std::string> list = Published(ActiveCase());
  EXPECT_EQ(std::count(list.begin(), list.end(), project), 0);
}

TEST_F(EducationCommunityServiceTest, PublishedListHoldsOnlySuitableOpenProjects) {
  const std::string person = ActiveCase();
  const std::string suitable = Project(ProjectRequest(10));
  v1::AddServiceProjectRequest heavy = ProjectRequest(10);
  heavy.set_effort(v1::SERVICE_EFFORT_FULL);
  heavy.add_skills("COOKING");
  const std::string needs_health = Project(heavy);
  v1::AddServiceProjectRequest later = ProjectRequest(10);
  *later.mutable_starts_on() = ToProtoDate(Today() + 3);
  const std::string not_open = Project(later);
  v1::AddServiceProjectRequest men = ProjectRequest(10);
  men.add_sexes("MALE");
  const std::string other_sex = Project(men);
  v1::AddServiceProjectRequest minors = ProjectRequest(10);
  minors.add_age_bands("UNDER_16");
  minors.add_age_bands("16_TO_17");
  const std::string for_minors = Project(minors);

  std::vector<std::string> list = Published(person);
  auto on = [&](const std::string& id) { return std::count(list.begin(), list.end(), id) > 0; };
  EXPECT_TRUE(on(suitable));
  EXPECT_FALSE(on(needs_health));
  EXPECT_FALSE(on(not_open));
  EXPECT_FALSE(on(other_sex));
  EXPECT_FALSE(on(for_minors));
  EXPECT_EQ(Join(WorkerA(), person, needs_health).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Join(WorkerA(), person, for_minors).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Join(WorkerA(), person, not_open).error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  // Full health and the skill: the heavy project is on the list and may be joined.
  v1::SetServiceProfileRequest profile;
  profile.set_request_id(ids::NewUuid());
  profile.set_case_id(person);
  profile.set_max_effort(v1::SERVICE_EFFORT_FULL);
  profile.add_skills("COOKING");
  v1::SetServiceProfileResponse presp;
  auto ctx = h().Context(WorkerA());
  ASSERT_TRUE(h().community_service().SetServiceProfile(ctx.get(), profile, &presp).ok());
  list = Published(person);
  EXPECT_TRUE(on(needs_health));
  EXPECT_TRUE(Join(WorkerA(), person, needs_health).ok());
  EXPECT_EQ(Join(WorkerA(), person, needs_health).error_code(), grpc::StatusCode::ALREADY_EXISTS);

  // A minor sees the minors' project only.
  const std::string minor = ActiveCase(/*minor=*/true);
  list = Published(minor);
  EXPECT_TRUE(on(for_minors));
  EXPECT_FALSE(on(suitable));
  EXPECT_EQ(Join(WorkerA(), minor, suitable).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(EducationCommunityServiceTest, SelfInitiatedActivityCountsOnlyOnceVerified) {
  const std::string person = ActiveCase();
  const std::string project = Project(ProjectRequest(10));
  // Recording in a project the person has not joined is refused.
  grpc::Status st;
  Record(person, project, Today(), 60, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(Join(WorkerA(), person, project).ok());
  const v1::ServiceActivity in_project = Record(person, project, Today(), 120);
  EXPECT_EQ(in_project.status(), v1::ACTIVITY_STATUS_CREDITED);
  const v1::ServiceActivity own = Record(person, "", Today() - 1, 90);
  EXPECT_EQ(own.status(), v1::ACTIVITY_STATUS_PENDING_VERIFICATION);
  const absl::CivilMonth month(Today());
  const absl::CivilMonth own_month(Today() - 1);
  auto credited = [&] {
    int total = Get(person, month).month().credited_minutes();
    if (own_month != month) total += Get(person, own_month).month().credited_minutes();
    return total;
  };
  EXPECT_EQ(credited(), 120);
  EXPECT_EQ(Get(person, own_month).month().pending_minutes(), 90);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE record_key = '" + person +
                  "' AND event_type = 'ccms.education.community_service_recorded'"),
            1);

  v1::VerifyServiceActivityRequest verify;
  verify.set_request_id(ids::NewUuid());
  verify.set_case_id(person);
  verify.set_activity_id(own.activity_id());
  verify.set_accept(true);
  v1::VerifyServiceActivityResponse vresp;
  {  // a social worker does not verify
    auto ctx = h().Context(WorkerA());
    EXPECT_EQ(h().community_service().VerifyServiceActivity(ctx.get(), verify, &vresp).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    auto ctx = h().Context(StaffA());
    const grpc::Status vst =
        h().community_service().VerifyServiceActivity(ctx.get(), verify, &vresp);
    ASSERT_TRUE(vst.ok()) << vst.error_message();
  }
  EXPECT_EQ(vresp.activity().status(), v1::ACTIVITY_STATUS_CREDITED);
  EXPECT_EQ(vresp.activity().verified_by(), "staff-a");
  EXPECT_EQ(credited(), 210);
  EXPECT_EQ(Get(person, own_month).month().pending_minutes(), 0);
  {  // the same request again replays the first answer; a new one finds nothing pending
    auto ctx = h().Context(StaffA());
    EXPECT_TRUE(h().community_service().VerifyServiceActivity(ctx.get(), verify, &vresp).ok());
    verify.set_request_id(ids::NewUuid());
    auto ctx2 = h().Context(StaffA());
    EXPECT_EQ(
        h().community_service().VerifyServiceActivity(ctx2.get(), verify, &vresp).error_code(),
        grpc::StatusCode::FAILED_PRECONDITION);
  }
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE record_key = '" + person +
                  "' AND event_type = 'ccms.education.community_service_recorded'"),
            2);
  // Too many minutes for one record, or a day in the future.
  Record(person, project, Today(), 481, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  Record(person, project, Today() + 1, 60, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(EducationCommunityServiceTest, WaiverAcrossAMonthEndAndTheLedgerQuery) {
  const std::string person = ActiveCase();
  const absl::CivilDay from = Today();
  const absl::CivilDay until = absl::CivilDay(absl::CivilMonth(Today()) + 1) + 4;  // 5th next
  v1::WaiveCommunityServiceRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(person);
  req.set_reason(v1::WAIVER_REASON_HEALTH);
  *req.mutable_from_day() = ToProtoDate(from);
  *req.mutable_until_day() = ToProtoDate(until);
  v1::WaiveCommunityServiceResponse resp;
  {
    auto ctx = h().Context(WorkerA());
    EXPECT_EQ(h().community_service().WaiveCommunityService(ctx.get(), req, &resp).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    auto ctx = h().Context(StaffA());
    const grpc::Status st = h().community_service().WaiveCommunityService(ctx.get(), req, &resp);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  EXPECT_EQ(resp.waiver().reason(), v1::WAIVER_REASON_HEALTH);
  const absl::CivilMonth month(Today());
  const absl::CivilDay month_end = absl::CivilDay(month + 1) - 1;
  EXPECT_EQ(Get(person, month).month().waived_days(), static_cast<int>(month_end - from + 1));
  EXPECT_EQ(Get(person, month + 1).month().waived_days(), 5);
  EXPECT_EQ(Get(person, month + 2).month().waived_days(), 0);  // expired
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE record_key = '" + person +
                  "' AND event_type = 'ccms.education.community_service_waived'"),
            1);

  // The ledger's query (PgCommunityServiceStore::MonthTotals) against a recomputation from the
  // rows with the domain's day arithmetic, over three months.
  const std::string project = Project(ProjectRequest(10));
  ASSERT_TRUE(Join(WorkerA(), person, project).ok());
  Record(person, project, Today(), 45);
  Record(person, project, Today() - 2, 30);
  Record(person, "", Today(), 20);  // pending: never in the credited minutes
  const std::vector<education::domain::WaiverDays> waivers = {{from, until}};
  for (absl::CivilMonth m : {month - 1, month, month + 1}) {
    education::ServiceMonthTotals got;
    ASSERT_TRUE(h().host()
                    .pool()
                    .InTransaction([&](pqxx::work& tx) {
                      got = education::PgCommunityServiceStore::MonthTotals(tx, person, m);
                      return absl::OkStatus();
                    })
                    .ok());
    int want_credited = 0;
    for (const auto& [day, minutes] :
         std::vector<std::pair<absl::CivilDay, int>>{{Today(), 45}, {Today() - 2, 30}}) {
      if (absl::CivilMonth(day) == m) want_credited += minutes;
    }
    EXPECT_EQ(got.credited_minutes, want_credited) << m;
    EXPECT_EQ(got.pending_minutes, absl::CivilMonth(Today()) == m ? 20 : 0) << m;
    EXPECT_EQ(got.waived_days, education::domain::WaivedDaysIn(waivers, m)) << m;
  }
}

TEST_F(EducationCommunityServiceTest, OtherDistrictIsNotFoundAndAudited) {
  const std::string person = ActiveCase();
  v1::GetCommunityServiceRequest req;
  req.set_case_id(person);
  v1::GetCommunityServiceResponse resp;
  auto ctx = h().Context(StaffB());
  EXPECT_EQ(h().community_service().GetCommunityService(ctx.get(), req, &resp).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE case_id = '" + person +
                  "' AND action = 'GetCommunityService' AND result = 'NOT_FOUND'"),
            1);
  {  // staff of district B cannot add a project to district A
    v1::AddServiceProjectResponse presp;
    auto ctx2 = h().Context(StaffB());
    EXPECT_EQ(h().community_service()
                  .AddServiceProject(ctx2.get(), ProjectRequest(3), &presp)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  // A read of the person's community service is audited.
  Get(person, absl::CivilMonth(Today()));
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE case_id = '" + person +
                  "' AND action = 'GetCommunityService' AND result = 'OK'"),
            1);
}

}  // namespace
}  // namespace ccms::testing
