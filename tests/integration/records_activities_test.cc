// The case file beyond intake against real PostgreSQL and the dev broker: the sanction ladder,
// the audit log, overdue lists, lost contact and the timeline.
#include <map>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "ccms/assessment/v1/assessment_events.pb.h"
#include "ccms/education/v1/education_events.pb.h"
#include "ccms/events/v1/envelope.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/kafka/producer.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "services/records/domain/records_policy.h"
#include "tests/integration/records_harness.h"

namespace ccms::testing {
namespace {

using auth::Role;
using records::v1::Case;

class RecordsActivitiesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() != nullptr) harness_ = new RecordsHarness();
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  void SetUp() override {
    if (harness_ == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
  }
  RecordsHarness& h() { return *harness_; }

  static google::type::Date D(int y, int m, int d) {
    google::type::Date out;
    out.set_year(y);
    out.set_month(m);
    out.set_day(d);
    return out;
  }

  // Opens a case in `district` and, when `reported_on` is given, records its intake then.
  Case OpenCase(const std::string& token, const std::string& district,
                std::optional<google::type::Date> reported_on = D(2025, 1, 15)) {
    records::v1::OpenCaseResponse resp;
    auto ctx = h().Context(token);
    const int n = seq_++;
    const std::string id =
        MakeIdNumber("19880808", 1 + 2 * (n % 499), absl::StrCat(140101 + n / 499));
    grpc::Status st = h().cases().OpenCase(ctx.get(), ValidOpenCase(id, district), &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    if (reported_on.has_value()) {
      records::v1::RecordIntakeCheckInRequest req;
      req.set_request_id(ids::NewUuid());
      req.set_case_id(resp.case_().case_id());
      *req.mutable_reported_on() = *reported_on;
      records::v1::RecordIntakeCheckInResponse in;
      auto ctx2 = h().Context(token);
      EXPECT_TRUE(h().cases().RecordIntakeCheckIn(ctx2.get(), req, &in).ok());
      return in.case_();
    }
    return resp.case_();
  }

  grpc::Status Sanction(const std::string& token, const std::string& case_id,
                        records::v1::SanctionKind kind,
                        std::vector<records::v1::RevocationGround> grounds = {},
                        records::v1::IssueSanctionResponse* out = nullptr) {
    records::v1::IssueSanctionRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_kind(kind);
    for (auto g : grounds) req.add_grounds(g);
    req.set_reason("confidential reasoning");
    records::v1::IssueSanctionResponse local;
    auto ctx = h().Context(token);
    return h().sanctions().IssueSanction(ctx.get(), req, out ? out : &local);
  }

  grpc::Status Contact(const std::string& token, const std::string& case_id,
                       records::v1::ContactKind kind, google::type::Date on) {
    records::v1::RecordContactRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(case_id);
    req.set_kind(kind);
    *req.mutable_occurred_on() = on;
    req.set_notes("private notes of the visit");
    records::v1::RecordContactResponse resp;
    auto ctx = h().Context(token);
    return h().supervision().RecordContact(ctx.get(), req, &resp);
  }

  static RecordsHarness* harness_;
  static int seq_;
};

RecordsHarness* RecordsActivitiesTest::harness_ = nullptr;
int RecordsActivitiesTest::seq_ = 0;

TEST_F(RecordsActivitiesTest, RevocationNeedsTwoUncorrectedWarnings) {
  const std::string staff = h().Token(Role::kOfficeStaff, {"110101"}, "ladder-staff");
  const Case c = OpenCase(staff, "110101");
  ASSERT_TRUE(Sanction(staff, c.case_id(), records::v1::SANCTION_KIND_WARNING).ok());
  grpc::Status refused = Sanction(staff, c.case_id(), records::v1::SANCTION_KIND_REVOCATION_REQUEST,
                                  {records::v1::REVOCATION_GROUND_REPEATED_WARNINGS});
  EXPECT_EQ(refused.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_NE(refused.error_message().find("REPEATED_WARNINGS"), std::string::npos)
      << refused.error_message();
  EXPECT_NE(refused.error_message().find("has 1"), std::string::npos) << refused.error_message();

  ASSERT_TRUE(Sanction(staff, c.case_id(), records::v1::SANCTION_KIND_WARNING).ok());
  records::v1::IssueSanctionResponse resp;
  ASSERT_TRUE(Sanction(staff, c.case_id(), records::v1::SANCTION_KIND_REVOCATION_REQUEST,
                       {records::v1::REVOCATION_GROUND_REPEATED_WARNINGS}, &resp)
                  .ok());
  EXPECT_TRUE(resp.status().revocation_requested());
  EXPECT_EQ(resp.status().uncorrected_warnings(), 2);

  // Its event reaches the topic, without the reasons.
  auto events = ReadTopic(
      "ccms.records.v1",
      [&](const std::vector<ConsumedRecord>& got) {
        for (const auto& r : got) {
          if (r.key == c.case_id() && r.headers.count("ce_type") &&
              r.headers.at("ce_type") == "ccms.records.sanction_issued" &&
              r.value.find("REVOCATION") == std::string::npos) {
            events::v1::Envelope env;
            records::v1::SanctionIssued s;
            if (env.ParseFromString(r.value) && env.payload().UnpackTo(&s) &&
                s.kind() == records::v1::SANCTION_KIND_REVOCATION_REQUEST) {
              return true;
            }
          }
        }
        return false;
      },
      absl::Seconds(30));
  int revocations = 0;
  for (const auto& r : events) {
    if (r.key != c.case_id()) continue;
    EXPECT_EQ(r.value.find("confidential reasoning"), std::string::npos);
    events::v1::Envelope env;
    records::v1::SanctionIssued s;
    if (env.ParseFromString(r.value) && env.payload().UnpackTo(&s) &&
        s.kind() == records::v1::SANCTION_KIND_REVOCATION_REQUEST) {
      ++revocations;
    }
  }
  EXPECT_EQ(revocations, 1);
  // A second request while one is pending is refused.
  EXPECT_EQ(Sanction(staff, c.case_id(), records::v1::SANCTION_KIND_REVOCATION_REQUEST,
                     {records::v1::REVOCATION_GROUND_REPEATED_WARNINGS})
                .error_code(),
            grpc::FAILED_PRECONDITION);
}

TEST_F(RecordsActivitiesTest, EveryCallTouchingAPersonIsAudited) {
  const std::string subject = "audited-" + ids::NewUuid().substr(24);
  const std::string staff = h().Token(Role::kOfficeStaff, {"110101"}, subject);
  const std::string sw = h().Token(Role::kSocialWorker, {"110101"}, subject + "-sw");
  const Case c = OpenCase(staff, "110101");  // OpenCase + RecordIntakeCheckIn
  std::vector<std::string> expected = {"OpenCase", "RecordIntakeCheckIn"};

  records::v1::GetCaseRequest get;
  get.set_case_id(c.case_id());
  records::v1::GetCaseResponse got;
  auto ctx = h().Context(staff);
  ASSERT_TRUE(h().cases().GetCase(ctx.get(), get, &got).ok());
  expected.push_back("GetCase");
  EXPECT_EQ(got.case_().supervision_level(), common::v1::SUPERVISION_LEVEL_STANDARD)
      << "2025-01-15 + 3 months is long past";
  ASSERT_TRUE(
      Contact(staff, c.case_id(), records::v1::CONTACT_KIND_HOME_VISIT, D(2025, 2, 1)).ok());
  expected.push_back("RecordContact");
  records::v1::GetCaseTimelineRequest tl;
  tl.set_case_id(c.case_id());
  records::v1::GetCaseTimelineResponse timeline;
  auto ctx2 = h().Context(staff);
  ASSERT_TRUE(h().cases().GetCaseTimeline(ctx2.get(), tl, &timeline).ok());
  expected.push_back("GetCaseTimeline");
  records::v1::GetSanctionStatusRequest ss;
  ss.set_case_id(c.case_id());
  records::v1::GetSanctionStatusResponse status;
  auto ctx3 = h().Context(staff);
  ASSERT_TRUE(h().sanctions().GetSanctionStatus(ctx3.get(), ss, &status).ok());
  expected.push_back("GetSanctionStatus");

  // The timeline lists the activities in time order, without notes.
  ASSERT_EQ(timeline.entries_size(), 3);
  EXPECT_EQ(timeline.entries(0).kind(), "CASE_OPENED");
  EXPECT_EQ(timeline.entries(1).kind(), "INTAKE_REPORTED");
  EXPECT_EQ(timeline.entries(2).kind(), "CONTACT:HOME_VISIT");
  EXPECT_EQ(timeline.DebugString().find("private notes"), std::string::npos);

  // A denied attempt is audited too.
  EXPECT_EQ(Sanction(sw, c.case_id(), records::v1::SANCTION_KIND_WARNING).error_code(),
            grpc::PERMISSION_DENIED);

  const std::string auditor = h().Token(Role::kAuditor, {"*"}, "prosecutor-7");
  records::v1::ListAuditEntriesRequest list;
  list.set_actor(subject);
  records::v1::ListAuditEntriesResponse entries;
  auto ctx4 = h().Context(auditor);
  ASSERT_TRUE(h().audit().ListAuditEntries(ctx4.get(), list, &entries).ok());
  std::vector<std::string> actions;
  for (const auto& e : entries.entries()) {
    actions.push_back(e.action());
    EXPECT_EQ(e.case_id(), c.case_id());
    EXPECT_EQ(e.actor_role(), "office_staff");
  }
  EXPECT_EQ(actions, expected);
  list.set_actor(subject + "-sw");
  auto ctx5 = h().Context(auditor);
  ASSERT_TRUE(h().audit().ListAuditEntries(ctx5.get(), list, &entries).ok());
  ASSERT_EQ(entries.entries_size(), 1);
  EXPECT_EQ(entries.entries(0).action(), "IssueSanction");
  EXPECT_EQ(entries.entries(0).result(), "DENIED");

  // Only auditors and the bureau read it; nobody changes it, not even with SQL.
  auto ctx6 = h().Context(staff);
  EXPECT_EQ(h().audit().ListAuditEntries(ctx6.get(), list, &entries).error_code(),
            grpc::PERMISSION_DENIED);
  EXPECT_THROW(h().db().QueryValue("UPDATE audit_log SET result = 'x'"), std::exception);
  EXPECT_THROW(h().db().QueryValue("DELETE FROM audit_log"), std::exception);
}

TEST_F(RecordsActivitiesTest, LostContactAndFoundAgain) {
  const std::string staff = h().Token(Role::kOfficeStaff, {"110101"}, "lost-staff");
  const Case c = OpenCase(staff, "110101");
  records::v1::MarkLostContactRequest lost;
  lost.set_request_id(ids::NewUuid());
  lost.set_case_id(c.case_id());
  *lost.mutable_since() = D(2025, 3, 1);
  records::v1::MarkLostContactResponse lost_resp;
  auto ctx = h().Context(staff);
  ASSERT_TRUE(h().supervision().MarkLostContact(ctx.get(), lost, &lost_resp).ok());
  auto ctx2 = h().Context(staff);
  lost.set_request_id(ids::NewUuid());
  EXPECT_EQ(h().supervision().MarkLostContact(ctx2.get(), lost, &lost_resp).error_code(),
            grpc::FAILED_PRECONDITION);

  records::v1::MarkFoundAgainRequest found;
  found.set_request_id(ids::NewUuid());
  found.set_case_id(c.case_id());
  *found.mutable_found_on() = D(2025, 3, 13);
  found.mutable_liability()->set_reason(records::v1::LOST_CONTACT_REASON_PERSON_ABSCONDED);
  records::v1::MarkFoundAgainResponse found_resp;
  auto ctx3 = h().Context(staff);
  ASSERT_TRUE(h().supervision().MarkFoundAgain(ctx3.get(), found, &found_resp).ok());
  EXPECT_EQ(found_resp.days_lost(), 12);
  EXPECT_NE(found_resp.assessment().find("grounds for a warning"), std::string::npos);
  // A retry returns the same answer.
  auto ctx4 = h().Context(staff);
  ASSERT_TRUE(h().supervision().MarkFoundAgain(ctx4.get(), found, &found_resp).ok());
  EXPECT_EQ(found_resp.days_lost(), 12);

  records::v1::GetSanctionStatusRequest ss;
  ss.set_case_id(c.case_id());
  records::v1::GetSanctionStatusResponse status;
  auto ctx5 = h().Context(staff);
  ASSERT_TRUE(h().sanctions().GetSanctionStatus(ctx5.get(), ss, &status).ok());
  EXPECT_EQ(status.status().longest_lost_contact_days(), 12);
  EXPECT_EQ(status.status().next_step(), "grounds for a warning are present");
}

// A new offence during the term (重新违法犯罪) reported by public security: recorded, a revocation
// ground on GetSanctionStatus, a revocation request may name it, and reoffence_recorded reaches
// the topic for reporting (without the reporting body).
TEST_F(RecordsActivitiesTest, AReoffenceIsARevocationGroundOnTheBus) {
  const std::string district = "150301";  // this test's own district
  const std::string staff = h().Token(Role::kOfficeStaff, {district}, "reoffence-staff");
  const Case c = OpenCase(staff, district);  // term 2025-01-10 .. 2027-01-09; today 2026-11-30
  auto record = [&](const std::string& token, google::type::Date occurred,
                    records::v1::RecordReoffenceResponse* out, const std::string& category) {
    records::v1::RecordReoffenceRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(c.case_id());
    req.set_reported_by("Secret District Public Security Bureau");
    *req.mutable_occurred_on() = occurred;
    req.set_offence_category(category);
    req.set_detained(true);
    auto ctx = h().Context(token);
    return h().sanctions().RecordReoffence(ctx.get(), req, out);
  };
  records::v1::RecordReoffenceResponse resp;
  // Before the term started: named by its field; a category outside the policy likewise.
  grpc::Status st = record(staff, D(2025, 1, 9), &resp, "theft");
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  st = record(staff, D(2026, 11, 20), &resp, "not-a-category");
  EXPECT_EQ(st.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(record(h().Token(Role::kSocialWorker, {district}, "w"), D(2026, 11, 20), &resp, "theft")
                .error_code(),
            grpc::PERMISSION_DENIED);
  ASSERT_TRUE(record(staff, D(2026, 11, 20), &resp, "theft").ok());
  ASSERT_EQ(resp.status().grounds_met_size(), 1);
  EXPECT_EQ(resp.status().grounds_met(0), records::v1::REVOCATION_GROUND_REOFFENDING_DURING_TERM);

  records::v1::GetSanctionStatusRequest ss;
  ss.set_case_id(c.case_id());
  records::v1::GetSanctionStatusResponse status;
  auto ctx = h().Context(staff);
  ASSERT_TRUE(h().sanctions().GetSanctionStatus(ctx.get(), ss, &status).ok());
  ASSERT_EQ(status.status().grounds_met_size(), 1);
  EXPECT_EQ(status.status().grounds_met(0), records::v1::REVOCATION_GROUND_REOFFENDING_DURING_TERM);
  bool explained = false;
  for (const auto& e : status.status().explanations()) {
    explained = explained || e.rfind("REOFFENDING_DURING_TERM: met", 0) == 0;
  }
  EXPECT_TRUE(explained);
  ASSERT_TRUE(Sanction(staff, c.case_id(), records::v1::SANCTION_KIND_REVOCATION_REQUEST,
                       {records::v1::REVOCATION_GROUND_REOFFENDING_DURING_TERM})
                  .ok());

  auto events = ReadTopic(
      "ccms.records.v1",
      [&](const std::vector<ConsumedRecord>& got) {
        for (const auto& r : got) {
          if (r.key == c.case_id() && r.headers.count("ce_type") &&
              r.headers.at("ce_type") == "ccms.records.reoffence_recorded")
            return true;
        }
        return false;
      },
      absl::Seconds(30));
  int seen = 0;
  for (const auto& r : events) {
    if (r.key != c.case_id() || r.headers.at("ce_type") != "ccms.records.reoffence_recorded")
      continue;
    ++seen;
    EXPECT_EQ(r.value.find("Secret District"), std::string::npos);
    events::v1::Envelope env;
    records::v1::ReoffenceRecorded payload;
    ASSERT_TRUE(env.ParseFromString(r.value));
    ASSERT_TRUE(env.payload().UnpackTo(&payload));
    EXPECT_EQ(payload.offence_category(), "theft");
    EXPECT_TRUE(payload.detained());
    EXPECT_EQ(payload.occurred_on().day(), 20);
    EXPECT_EQ(payload.reported_on().day(), 30);
    EXPECT_EQ(payload.reoffence_id(), resp.reoffence_id());
  }
  EXPECT_EQ(seen, 1);
}

// The overdue lists against an independent recomputation over a synthetic district.
TEST_F(RecordsActivitiesTest, OverdueListMatchesBruteForce) {
  const std::string district = "130102";
  const std::string staff = h().Token(Role::kOfficeStaff, {district}, "overdue-staff");
  std::mt19937 rng(20251122);
  struct Truth {
    std::optional<absl::CivilDay> reported;
    std::vector<std::pair<records::v1::ContactKind, absl::CivilDay>> contacts;
    std::optional<absl::CivilDay> exit_filed;
  };
  std::map<std::string, Truth> truth;
  const absl::CivilDay judgment(2025, 1, 10);
  std::mt19937 filing_rng(20261206);
  for (int i = 0; i < 40; ++i) {
    Truth t;
    if (rng() % 5 != 0) t.reported = judgment + static_cast<int>(rng() % 20);
    const Case c = OpenCase(
        staff, district,
        t.reported ? std::optional(D(t.reported->year(), t.reported->month(), t.reported->day()))
                   : std::nullopt);
    if (t.reported) {
      const int n = static_cast<int>(rng() % 6);
      for (int k = 0; k < n; ++k) {
        const auto kind = static_cast<records::v1::ContactKind>(1 + rng() % 7);
        const absl::CivilDay on = *t.reported + static_cast<int>(rng() % 200);
        ASSERT_TRUE(Contact(staff, c.case_id(), kind, D(on.year(), on.month(), on.day())).ok());
        t.contacts.emplace_back(kind, on);
      }
      // The exit-restriction filing on some cases, on time or late (due 5 days after intake).
      if (filing_rng() % 2 == 0) {
        const absl::CivilDay on = *t.reported + static_cast<int>(filing_rng() % 12);
        records::v1::RecordExitRestrictionRequest req;
        req.set_request_id(ids::NewUuid());
        req.set_case_id(c.case_id());
        req.set_action(records::v1::EXIT_RESTRICTION_ACTION_FILED);
        *req.mutable_done_on() = D(on.year(), on.month(), on.day());
        req.set_authority("exit-and-entry administration");
        records::v1::RecordExitRestrictionResponse resp;
        auto ctx = h().Context(staff);
        grpc::Status st = h().intake().RecordExitRestriction(ctx.get(), req, &resp);
        ASSERT_TRUE(st.ok()) << st.error_message();
        EXPECT_EQ(resp.late(), on > *t.reported + 5);
        t.exit_filed = on;
      }
    }
    truth[c.case_id()] = t;
  }

  // Independent rules: intervals by level (STRICT 7d report / 15d in person / 1m visit;
  // STANDARD 1m in person / 2m visit; self-report 1m), STRICT for 3 months from intake.
  auto add_months = [](absl::CivilDay d, int m) {
    absl::CivilMonth month = absl::CivilMonth(d) + m;
    absl::CivilDay last = absl::CivilDay(month + 1) - 1;
    return absl::CivilDay(month.year(), month.month(), std::min(d.day(), last.day()));
  };
  for (const absl::CivilDay as_of : {absl::CivilDay(2025, 1, 21), absl::CivilDay(2025, 2, 28),
                                     absl::CivilDay(2025, 5, 31), absl::CivilDay(2025, 9, 30)}) {
    std::set<std::tuple<std::string, int, int, int>> expected;  // case, kind, requirement, days
    for (const auto& [case_id, t] : truth) {
      if (!t.reported) {
        const absl::CivilDay deadline = judgment + 10;
        if (as_of > deadline) expected.insert({case_id, 1, 0, static_cast<int>(as_of - deadline)});
        continue;
      }
      const bool strict = as_of < add_months(*t.reported, 3);
      auto last_of = [&](std::set<int> kinds) {
        std::optional<absl::CivilDay> last;
        for (const auto& [k, on] : t.contacts) {
          if (kinds.count(k) && on <= as_of && (!last || on > *last)) last = on;
        }
        return last.value_or(*t.reported);
      };
      struct Req {
        int requirement;
        std::set<int> kinds;
        int days, months;
      };
      std::vector<Req> reqs;
      if (strict) reqs.push_back({1, {1, 2, 3, 4, 5, 6}, 7, 0});
      reqs.push_back({2, {1}, strict ? 15 : 0, strict ? 0 : 1});
      reqs.push_back({3, {4, 5, 6}, 0, strict ? 1 : 2});
      reqs.push_back({4, {7}, 0, 1});
      for (const auto& r : reqs) {
        const absl::CivilDay last = last_of(r.kinds);
        const absl::CivilDay due = r.days ? last + r.days : add_months(last, r.months);
        if (as_of > due) {
          expected.insert({case_id, 2, r.requirement, static_cast<int>(as_of - due)});
        }
      }
      // The intake home visit: within 20 days of the intake check-in.
      bool home_visited = false;
      for (const auto& [k, on] : t.contacts) {
        home_visited = home_visited || (k == records::v1::CONTACT_KIND_HOME_VISIT && on <= as_of);
      }
      if (!home_visited && as_of > *t.reported + 20) {
        expected.insert({case_id, 3, 0, static_cast<int>(as_of - (*t.reported + 20))});
      }
      // The exit-restriction filing within 5 days of the intake, unless filed by as_of.
      if (!(t.exit_filed && *t.exit_filed <= as_of) && as_of > *t.reported + 5) {
        expected.insert({case_id, 4, 0, static_cast<int>(as_of - (*t.reported + 5))});
      }
    }
    std::set<std::tuple<std::string, int, int, int>> listed;
    std::string token;
    do {
      records::v1::ListOverdueRequest req;
      req.set_district_code(district);
      *req.mutable_as_of() = D(as_of.year(), as_of.month(), as_of.day());
      req.set_page_size(7);
      req.set_page_token(token);
      records::v1::ListOverdueResponse resp;
      auto ctx = h().Context(staff);
      grpc::Status st = h().supervision().ListOverdue(ctx.get(), req, &resp);
      ASSERT_TRUE(st.ok()) << st.error_message();
      for (const auto& item : resp.items()) {
        EXPECT_FALSE(item.rule().empty());
        EXPECT_TRUE(
            listed.insert({item.case_id(), item.kind(), item.requirement(), item.days_overdue()})
                .second)
            << "listed twice";
      }
      token = resp.next_page_token();
    } while (!token.empty());
    EXPECT_EQ(listed, expected) << "as of " << as_of;
  }
}

}  // namespace
}  // namespace ccms::testing

namespace ccms::testing {
namespace {

// Records follows the assessment service: a supervision_level_changed event sets the level that
// GetCase shows, once, even when delivered twice; an older change arriving late is ignored.
TEST_F(RecordsActivitiesTest, LevelFollowsTheAssessmentService) {
  const std::string staff = h().Token(Role::kOfficeStaff, {"110101"}, "level-staff");
  const Case c = OpenCase(staff, "110101", D(2026, 11, 1));
  ASSERT_EQ(c.supervision_level(), common::v1::SUPERVISION_LEVEL_STRICT);

  auto produce = [&](common::v1::SupervisionLevel level, google::type::Date on,
                     const std::string& event_id) {
    assessment::v1::SupervisionLevelChanged change;
    change.set_case_id(c.case_id());
    change.set_district_code("110101");
    change.set_level(level);
    *change.mutable_effective_on() = on;
    change.set_policy_version("test");
    auto env = kafka::MakeEnvelope("ccms.assessment.supervision_level_changed", c.case_id(),
                                   "110101", absl::Now(), absl::Now(), "ccms-assessment", change);
    if (!event_id.empty()) env.set_event_id(event_id);
    std::atomic<int> delivered{0};
    auto producer =
        kafka::KafkaProducer::Create({.bootstrap_servers = IntegrationEnv::Get()->kafka_bootstrap},
                                     [&](const kafka::DeliveryReport& r) { delivered += r.ok; });
    ASSERT_TRUE(producer.ok());
    ASSERT_TRUE((*producer)
                    ->Produce({.topic = "ccms.assessment.v1",
                               .key = c.case_id(),
                               .value = env.SerializeAsString()})
                    .ok());
    ASSERT_TRUE((*producer)->Flush(10000));
    ASSERT_EQ(delivered.load(), 1);
  };
  auto level_now = [&] {
    records::v1::GetCaseRequest req;
    req.set_case_id(c.case_id());
    records::v1::GetCaseResponse resp;
    auto ctx = h().Context(staff);
    EXPECT_TRUE(h().cases().GetCase(ctx.get(), req, &resp).ok());
    return resp.case_().supervision_level();
  };
  auto wait_for = [&](common::v1::SupervisionLevel want) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline && level_now() != want) absl::SleepFor(absl::Milliseconds(100));
    return level_now();
  };
  const std::string event_id = ids::NewUuid();
  produce(common::v1::SUPERVISION_LEVEL_RELAXED, D(2026, 11, 10), event_id);
  EXPECT_EQ(wait_for(common::v1::SUPERVISION_LEVEL_RELAXED), common::v1::SUPERVISION_LEVEL_RELAXED);
  // The same event again, then an older change: neither moves the level.
  produce(common::v1::SUPERVISION_LEVEL_RELAXED, D(2026, 11, 10), event_id);
  produce(common::v1::SUPERVISION_LEVEL_STRICT, D(2026, 11, 5), "");
  absl::SleepFor(absl::Seconds(3));
  EXPECT_EQ(level_now(), common::v1::SUPERVISION_LEVEL_RELAXED);
  EXPECT_EQ(h().db().QueryValue("SELECT count(*) FROM inbox WHERE event_id = '" + event_id + "'"),
            "1");
}

}  // namespace
}  // namespace ccms::testing

namespace ccms::testing {
namespace {

// A transfer leaves the case visible to exactly one district at every step.
TEST_F(RecordsActivitiesTest, TransferKeepsTheCaseInExactlyOneDistrict) {
  const std::string a = h().Token(Role::kOfficeStaff, {"110105"}, "sending-staff");
  const std::string b = h().Token(Role::kOfficeStaff, {"310105"}, "receiving-staff");
  const Case c = OpenCase(h().Token(Role::kCityAdmin, {"*"}, "admin-t"), "110105");
  auto visible = [&](const std::string& token) {
    records::v1::GetCaseRequest req;
    req.set_case_id(c.case_id());
    records::v1::GetCaseResponse resp;
    auto ctx = h().Context(token);
    const grpc::StatusCode code = h().cases().GetCase(ctx.get(), req, &resp).error_code();
    EXPECT_TRUE(code == grpc::OK || code == grpc::NOT_FOUND) << code;
    return code == grpc::OK;
  };
  auto listed = [&](const std::string& token) {
    records::v1::ListCasesRequest req;
    req.set_page_size(500);
    records::v1::ListCasesResponse resp;
    auto ctx = h().Context(token);
    EXPECT_TRUE(h().cases().ListCases(ctx.get(), req, &resp).ok());
    for (const auto& x : resp.cases()) {
      if (x.case_id() == c.case_id()) return true;
    }
    return false;
  };
  auto exactly_one = [&](bool sending) {
    EXPECT_EQ(visible(a), sending);
    EXPECT_EQ(visible(b), !sending);
    EXPECT_EQ(listed(a), sending);
    EXPECT_EQ(listed(b), !sending);
  };
  // One decision (Consent, Accept, Reject or CompleteTransfer); the transfer it returns in *out.
  auto decide = [&]<typename Request, typename Response>(
                    const std::string& token, const std::string& id,
                    grpc::Status (records::v1::TransferService::Stub::*rpc)(
                        grpc::ClientContext*, const Request&, Response*),
                    records::v1::Transfer* out) {
    Request req;
    req.set_request_id(ids::NewUuid());
    req.set_transfer_id(id);
    Response resp;
    auto ctx = h().Context(token);
    grpc::Status st = (h().transfers().*rpc)(ctx.get(), req, &resp);
    *out = resp.transfer();
    return st;
  };

  SCOPED_TRACE("before");
  exactly_one(true);
  records::v1::RequestTransferRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_case_id(c.case_id());
  req.set_to_district_code("310105");
  req.set_to_office_id("office-b");
  const absl::CivilDay move = h().Today() + 40;
  *req.mutable_planned_move_on() = D(move.year(), move.month(), move.day());
  records::v1::RequestTransferResponse requested;
  auto ctx = h().Context(a);
  ASSERT_TRUE(h().transfers().RequestTransfer(ctx.get(), req, &requested).ok());
  const std::string id = requested.transfer().transfer_id();
  records::v1::Transfer t;
  {
    SCOPED_TRACE("requested");
    exactly_one(true);
  }
  // The receiving side sees the transfer, not the case; it cannot accept before consent, and
  // the sending side cannot accept at all.
  records::v1::ListTransfersRequest lt;
  records::v1::ListTransfersResponse incoming;
  auto ctx2 = h().Context(b);
  ASSERT_TRUE(h().transfers().ListTransfers(ctx2.get(), lt, &incoming).ok());
  ASSERT_EQ(incoming.transfers_size(), 1);
  EXPECT_EQ(incoming.transfers(0).case_number(), c.case_number());
  EXPECT_EQ(decide(b, id, &records::v1::TransferService::Stub::AcceptTransfer, &t).error_code(),
            grpc::FAILED_PRECONDITION);
  EXPECT_EQ(decide(a, id, &records::v1::TransferService::Stub::AcceptTransfer, &t).error_code(),
            grpc::NOT_FOUND);
  EXPECT_EQ(decide(b, id, &records::v1::TransferService::Stub::ConsentTransfer, &t).error_code(),
            grpc::NOT_FOUND);
  ASSERT_TRUE(decide(a, id, &records::v1::TransferService::Stub::ConsentTransfer, &t).ok());
  {
    SCOPED_TRACE("consented");
    exactly_one(true);
  }
  ASSERT_TRUE(decide(b, id, &records::v1::TransferService::Stub::AcceptTransfer, &t).ok());
  EXPECT_EQ(t.status(), records::v1::TRANSFER_STATUS_ACCEPTED);
  {
    SCOPED_TRACE("accepted");
    exactly_one(false);
  }
  ASSERT_TRUE(decide(b, id, &records::v1::TransferService::Stub::CompleteTransfer, &t).ok());
  {
    SCOPED_TRACE("completed");
    exactly_one(false);
  }
  // The move is an event keyed by the case, owned by the receiving district.
  auto events = ReadTopic(
      "ccms.records.v1",
      [&](const std::vector<ConsumedRecord>& got) {
        for (const auto& r : got) {
          if (r.key == c.case_id() && r.headers.count("ce_type") &&
              r.headers.at("ce_type") == "ccms.records.case_transferred") {
            return true;
          }
        }
        return false;
      },
      absl::Seconds(30));
  bool moved = false;
  for (const auto& r : events) {
    if (r.key != c.case_id() || r.headers.at("ce_type") != "ccms.records.case_transferred")
      continue;
    events::v1::Envelope env;
    ASSERT_TRUE(env.ParseFromString(r.value));
    EXPECT_EQ(env.district_code(), "310105");
    moved = true;
  }
  EXPECT_TRUE(moved);
}

}  // namespace
}  // namespace ccms::testing

namespace ccms::testing {
namespace {

TEST_F(RecordsActivitiesTest, DischargeAtTheEndOfTheTermAndItsNotice) {
  const std::string staff = h().Token(Role::kOfficeStaff, {"110106"}, "discharge-staff");
  const absl::CivilDay today = h().Today();
  auto open_with_end = [&](absl::CivilDay end) {
    records::v1::OpenCaseRequest req =
        ValidOpenCase(MakeIdNumber("19770505", 1 + 2 * (seq_++ % 499), "150101"), "110106");
    *req.mutable_sentence()->mutable_end_date() = D(end.year(), end.month(), end.day());
    records::v1::OpenCaseResponse resp;
    auto ctx = h().Context(staff);
    EXPECT_TRUE(h().cases().OpenCase(ctx.get(), req, &resp).ok());
    records::v1::RecordIntakeCheckInRequest in;
    in.set_request_id(ids::NewUuid());
    in.set_case_id(resp.case_().case_id());
    *in.mutable_reported_on() = D(2025, 1, 15);
    records::v1::RecordIntakeCheckInResponse done;
    auto ctx2 = h().Context(staff);
    EXPECT_TRUE(h().cases().RecordIntakeCheckIn(ctx2.get(), in, &done).ok());
    return resp.case_().case_id();
  };
  auto discharge = [&](const std::string& id, records::v1::DischargeResponse* out) {
    records::v1::DischargeRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(id);
    req.set_certificate_number("CERT-1");
    req.set_announced(true);
    auto ctx = h().Context(staff);
    return h().discharge().Discharge(ctx.get(), req, out);
  };

  // Ten days before the end: the notice goes out once; discharge is refused.
  const std::string soon = open_with_end(today + 10);
  auto n = h().wiring().discharge().EmitDischargeNotices();
  ASSERT_TRUE(n.ok());
  EXPECT_GE(*n, 1);
  auto again = h().wiring().discharge().EmitDischargeNotices();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  records::v1::DischargeResponse resp;
  grpc::Status early = discharge(soon, &resp);
  EXPECT_EQ(early.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_NE(early.error_message().find(time::FormatDate(today + 10)), std::string::npos);

  // A term that has ended: discharged, with follow-ups and a case_closed event.
  const std::string ended = open_with_end(today - 1);
  ASSERT_TRUE(discharge(ended, &resp).ok());
  EXPECT_EQ(resp.case_().status(), records::v1::CASE_STATUS_DISCHARGED);
  EXPECT_EQ(resp.follow_ups_due_size(), 3);
  EXPECT_EQ(Contact(staff, ended, records::v1::CONTACT_KIND_HOME_VISIT, D(2025, 6, 1)).error_code(),
            grpc::FAILED_PRECONDITION);  // nothing more is recorded on a closed case

  auto events = ReadTopic(
      "ccms.records.v1",
      [&](const std::vector<ConsumedRecord>& got) {
        bool notice = false, closed = false;
        for (const auto& r : got) {
          if (!r.headers.count("ce_type")) continue;
          notice = notice || (r.key == soon &&
                              r.headers.at("ce_type") == "ccms.records.discharge_approaching");
          closed =
              closed || (r.key == ended && r.headers.at("ce_type") == "ccms.records.case_closed");
        }
        return notice && closed;
      },
      absl::Seconds(30));
  int notices = 0, closes = 0;
  for (const auto& r : events) {
    if (!r.headers.count("ce_type")) continue;
    notices += r.key == soon && r.headers.at("ce_type") == "ccms.records.discharge_approaching";
    closes += r.key == ended && r.headers.at("ce_type") == "ccms.records.case_closed";
  }
  EXPECT_EQ(notices, 1);
  EXPECT_EQ(closes, 1);
}

// After the discharge: the summary window, the discharge list, follow-up visits closing the
// follow-ups in order, the follow-up list, and exports withholding a minor's identity.
TEST_F(RecordsActivitiesTest, DischargeSummaryFollowUpsAndExport) {
  const std::string district = "110107";
  const std::string staff = h().Token(Role::kOfficeStaff, {district}, "after-staff");
  const std::string worker = h().Token(Role::kSocialWorker, {district}, "after-worker");
  const std::string other = h().Token(Role::kOfficeStaff, {"110108"}, "after-other");
  const absl::CivilDay today = h().Today();
  auto open_with_end = [&](absl::CivilDay end, const std::string& birth) {
    records::v1::OpenCaseRequest req =
        ValidOpenCase(MakeIdNumber(birth, 1 + 2 * (seq_++ % 499), "150102"), district);
    *req.mutable_sentence()->mutable_end_date() = D(end.year(), end.month(), end.day());
    records::v1::OpenCaseResponse resp;
    auto ctx = h().Context(staff);
    grpc::Status st = h().cases().OpenCase(ctx.get(), req, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    records::v1::RecordIntakeCheckInRequest in;
    in.set_request_id(ids::NewUuid());
    in.set_case_id(resp.case_().case_id());
    *in.mutable_reported_on() = D(2025, 1, 15);
    records::v1::RecordIntakeCheckInResponse done;
    auto ctx2 = h().Context(staff);
    EXPECT_TRUE(h().cases().RecordIntakeCheckIn(ctx2.get(), in, &done).ok());
    return resp.case_().case_id();
  };
  auto summary = [&](const std::string& token, const std::string& id, absl::CivilDay on,
                     const std::string& rid = ids::NewUuid()) {
    records::v1::RecordDischargeSummaryRequest req;
    req.set_request_id(rid);
    req.set_case_id(id);
    *req.mutable_received_on() = D(on.year(), on.month(), on.day());
    records::v1::RecordDischargeSummaryResponse resp;
    auto ctx = h().Context(token);
    return h().discharge().RecordDischargeSummary(ctx.get(), req, &resp);
  };
  auto discharges_due = [&](absl::CivilDay as_of) {
    std::map<std::string, std::pair<int, bool>> out;
    records::v1::ListDischargesDueRequest req;
    req.set_district_code(district);
    *req.mutable_as_of() = D(as_of.year(), as_of.month(), as_of.day());
    std::string token;
    do {
      req.set_page_size(1);
      req.set_page_token(token);
      records::v1::ListDischargesDueResponse resp;
      auto ctx = h().Context(staff);
      grpc::Status st = h().discharge().ListDischargesDue(ctx.get(), req, &resp);
      EXPECT_TRUE(st.ok()) << st.error_message();
      for (const auto& i : resp.items()) {
        EXPECT_FALSE(i.rule().empty());
        out[i.case_id()] = {i.days_left(), i.summary_received()};
      }
      token = resp.next_page_token();
    } while (!token.empty());
    return out;
  };

  // The 1st case ends in 40 days (outside the 30-day window), the 2nd in 20, the 3rd ended.
  const std::string far = open_with_end(today + 40, "19800101");
  const std::string near = open_with_end(today + 20, "19800102");
  const std::string ended = open_with_end(today - 3, "19800103");
  auto due = discharges_due(today);
  EXPECT_EQ(due.count(far), 0u);
  EXPECT_EQ(due[near], std::make_pair(20, false));
  EXPECT_EQ(due[ended], std::make_pair(-3, false));
  EXPECT_EQ(discharges_due(today + 10).count(far), 1u);  // the list as of a later day

  // The summary: refused before the window opens (naming the day), taken inside it, once.
  grpc::Status early = summary(staff, far, today);
  EXPECT_EQ(early.error_code(), grpc::FAILED_PRECONDITION);
  EXPECT_NE(early.error_message().find(time::FormatDate(today + 10)), std::string::npos);
  const std::string rid = ids::NewUuid();
  ASSERT_TRUE(summary(worker, near, today, rid).ok());
  ASSERT_TRUE(summary(worker, near, today, rid).ok());  // a retry
  EXPECT_EQ(summary(other, near, today).error_code(), grpc::NOT_FOUND);
  EXPECT_EQ(discharges_due(today)[near], std::make_pair(20, true));

  // Discharge the ended case; follow-up visits close the follow-ups earliest first.
  records::v1::DischargeRequest dreq;
  dreq.set_request_id(ids::NewUuid());
  dreq.set_case_id(ended);
  dreq.set_certificate_number("CERT-2");
  dreq.set_announced(true);
  records::v1::DischargeResponse dresp;
  auto dctx = h().Context(staff);
  ASSERT_TRUE(h().discharge().Discharge(dctx.get(), dreq, &dresp).ok());
  EXPECT_EQ(dresp.case_().closed_on().day(), today.day());
  EXPECT_EQ(dresp.case_().discharge_certificate(), "CERT-2");
  ASSERT_EQ(dresp.follow_ups_due_size(), 3);
  EXPECT_EQ(discharges_due(today).count(ended), 0u);

  auto follow_ups_due = [&](absl::CivilDay as_of) {
    std::vector<std::pair<std::string, int>> out;
    records::v1::ListFollowUpsDueRequest req;
    req.set_district_code(district);
    *req.mutable_as_of() = D(as_of.year(), as_of.month(), as_of.day());
    std::string token;
    do {
      req.set_page_size(1);
      req.set_page_token(token);
      records::v1::ListFollowUpsDueResponse resp;
      auto ctx = h().Context(staff);
      EXPECT_TRUE(h().discharge().ListFollowUpsDue(ctx.get(), req, &resp).ok());
      for (const auto& i : resp.items()) out.emplace_back(i.case_id(), i.days_overdue());
      token = resp.next_page_token();
    } while (!token.empty());
    return out;
  };
  const auto& f = dresp.follow_ups_due();
  const absl::CivilDay first(f[0].year(), f[0].month(), f[0].day());
  const absl::CivilDay second(f[1].year(), f[1].month(), f[1].day());
  EXPECT_TRUE(follow_ups_due(first - 1).empty());
  EXPECT_EQ(follow_ups_due(first), (std::vector<std::pair<std::string, int>>{{ended, 0}}));
  EXPECT_EQ(follow_ups_due(second + 2),
            (std::vector<std::pair<std::string, int>>{{ended, static_cast<int>(second + 2 - first)},
                                                      {ended, 2}}));
  records::v1::RecordFollowUpVisitRequest visit;
  visit.set_request_id(ids::NewUuid());
  visit.set_case_id(ended);
  visit.set_notes("private notes of the follow-up");
  records::v1::RecordFollowUpVisitResponse vresp;
  auto vctx = h().Context(worker);
  ASSERT_TRUE(h().discharge().RecordFollowUpVisit(vctx.get(), visit, &vresp).ok());
  EXPECT_EQ(vresp.due_on().month(), f[0].month());
  EXPECT_EQ(vresp.still_due_size(), 2);
  EXPECT_EQ(follow_ups_due(second + 2).size(), 1u);
  // The timeline shows the closing and the visit, without its notes.
  records::v1::GetCaseTimelineRequest tl;
  tl.set_case_id(ended);
  records::v1::GetCaseTimelineResponse timeline;
  auto tctx = h().Context(staff);
  ASSERT_TRUE(h().cases().GetCaseTimeline(tctx.get(), tl, &timeline).ok());
  std::set<std::string> kinds;
  for (const auto& e : timeline.entries()) {
    kinds.insert(e.kind());
    EXPECT_EQ(e.summary().find("private"), std::string::npos);
  }
  EXPECT_TRUE(kinds.count("CASE_CLOSED"));
  EXPECT_TRUE(kinds.count("FOLLOW_UP_VISIT"));
  // On an active case there is nothing to follow up yet.
  visit.set_request_id(ids::NewUuid());
  visit.set_case_id(near);
  auto vctx2 = h().Context(worker);
  EXPECT_EQ(h().discharge().RecordFollowUpVisit(vctx2.get(), visit, &vresp).error_code(),
            grpc::FAILED_PRECONDITION);

  // Export: a minor's case (17 on the judgment date 2025-01-10) keeps its identity out.
  const std::string minor = open_with_end(today + 200, "20070601");
  records::v1::ExportCasesRequest ereq;
  ereq.set_district_code(district);
  int rows = 0, withheld = 0;
  std::string token;
  do {
    ereq.set_page_size(2);
    ereq.set_page_token(token);
    records::v1::ExportCasesResponse eresp;
    auto ctx = h().Context(staff);
    grpc::Status st = h().cases().ExportCases(ctx.get(), ereq, &eresp);
    ASSERT_TRUE(st.ok()) << st.error_message();
    for (const auto& r : eresp.rows()) {
      ++rows;
      if (r.case_id() == minor) {
        EXPECT_TRUE(r.minor());
        EXPECT_TRUE(r.identity_withheld());
        EXPECT_TRUE(r.name().empty());
        EXPECT_FALSE(r.has_birth_date());
        ++withheld;
      } else {
        EXPECT_FALSE(r.name().empty());
      }
    }
    token = eresp.next_page_token();
  } while (!token.empty());
  EXPECT_EQ(rows, 4);
  EXPECT_EQ(withheld, 1);
  // One audit row per exported case.
  pqxx::connection conn(h().db().dsn());
  pqxx::work tx(conn);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM audit_log WHERE action = 'ExportCases' AND actor = "
                     "'after-staff' AND case_id IS NOT NULL")[0]
                .as<int>(),
            4);
  // The summary (once, despite the retry), the visit and the refused visit on an active case.
  auto audited = [&](const std::string& action, const std::string& case_id,
                     const std::string& result) {
    return tx
        .exec_params1(
            "SELECT count(*) FROM audit_log WHERE action = $1 AND case_id = $2::uuid"
            " AND result = $3",
            action, case_id, result)[0]
        .as<int>();
  };
  EXPECT_EQ(audited("RecordDischargeSummary", near, "OK"), 1);
  EXPECT_EQ(audited("RecordFollowUpVisit", ended, "OK"), 1);
  EXPECT_EQ(audited("Discharge", ended, "OK"), 1);
  // Other districts' staff see none of it; partners cannot export.
  ereq.set_page_token("");
  records::v1::ExportCasesResponse none;
  auto octx = h().Context(other);
  ereq.set_district_code("110108");
  ASSERT_TRUE(h().cases().ExportCases(octx.get(), ereq, &none).ok());
  EXPECT_EQ(none.rows_size(), 0);
  // A partner without its agency's client certificate is refused before the role is looked at.
  auto pctx = h().Context(h().Token(Role::kPartner, {}, "partner", "agency-1"));
  EXPECT_EQ(h().cases().ExportCases(pctx.get(), ereq, &none).error_code(), grpc::UNAUTHENTICATED);
}

}  // namespace
}  // namespace ccms::testing

namespace ccms::testing {
namespace {

// The ground's entry of a sanction status by its rule name (a default entry when absent).
records::v1::SanctionGround GroundOf(const records::v1::SanctionStatus& s,
                                     const std::string& rule) {
  for (const auto& g : s.grounds()) {
    if (g.rule() == rule) return g;
  }
  return {};
}

// Records follows education back (issue 14 item 13): an attendance with outcome
// ABSENT_AFTER_NOTICE on ccms.education.v1 is an admonition ground GetSanctionStatus lists,
// named with its rule and policy version; a redelivery counts once, a second session counts
// again, a corrected attendance of the same session removes it; no sanction is issued by it.
TEST_F(RecordsActivitiesTest, AnEducationAbsenceAfterNoticeIsAnAdmonitionGround) {
  const std::string staff = h().Token(Role::kOfficeStaff, {"110101"}, "grounds-staff");
  const Case c = OpenCase(staff, "110101", D(2026, 11, 1));
  constexpr char kRule[] = "ADMONITION_EDUCATION_ABSENT_AFTER_NOTICE";
  auto status_now = [&] {
    records::v1::GetSanctionStatusRequest req;
    req.set_case_id(c.case_id());
    records::v1::GetSanctionStatusResponse resp;
    auto ctx = h().Context(staff);
    EXPECT_TRUE(h().sanctions().GetSanctionStatus(ctx.get(), req, &resp).ok());
    return resp.status();
  };
  {
    const auto before = status_now();
    const auto g = GroundOf(before, kRule);
    EXPECT_EQ(g.rule(), kRule);
    EXPECT_FALSE(g.met());
    EXPECT_EQ(g.ground_for(), records::v1::SANCTION_KIND_ADMONITION);
    EXPECT_EQ(before.next_step(), "no sanction pending");
  }
  auto produce = [&](const std::string& case_id, const std::string& session_id,
                     education::v1::AttendanceOutcome outcome, google::type::Date day,
                     const std::string& event_id) {
    education::v1::AttendanceRecorded a;
    a.set_case_id(case_id);
    a.set_district_code("110101");
    a.set_session_id(session_id);
    a.set_kind(education::v1::SESSION_KIND_ROUTINE);
    *a.mutable_session_day() = day;
    a.set_outcome(outcome);
    a.set_notice_given(true);
    a.set_policy_version("edu-test");
    auto env = kafka::MakeEnvelope("ccms.education.attendance_recorded", case_id, "110101",
                                   absl::Now(), absl::Now(), "ccms-education", a);
    if (!event_id.empty()) env.set_event_id(event_id);
    std::atomic<int> delivered{0};
    auto producer =
        kafka::KafkaProducer::Create({.bootstrap_servers = IntegrationEnv::Get()->kafka_bootstrap},
                                     [&](const kafka::DeliveryReport& r) { delivered += r.ok; });
    ASSERT_TRUE(producer.ok());
    ASSERT_TRUE(
        (*producer)
            ->Produce(
                {.topic = "ccms.education.v1", .key = case_id, .value = env.SerializeAsString()})
            .ok());
    ASSERT_TRUE((*producer)->Flush(10000));
    ASSERT_EQ(delivered.load(), 1);
  };
  auto wait_for_count = [&](int want) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline && GroundOf(status_now(), kRule).count() != want) {
      absl::SleepFor(absl::Milliseconds(100));
    }
    return GroundOf(status_now(), kRule);
  };

  const std::string session1 = ids::NewUuid();
  const std::string event1 = ids::NewUuid();
  // An attendance of another case records does not hold, and one ATTENDED: nothing.
  produce(ids::NewUuid(), session1, education::v1::ATTENDANCE_OUTCOME_ABSENT_AFTER_NOTICE,
          D(2026, 11, 20), "");
  produce(c.case_id(), ids::NewUuid(), education::v1::ATTENDANCE_OUTCOME_ATTENDED, D(2026, 11, 19),
          "");
  produce(c.case_id(), session1, education::v1::ATTENDANCE_OUTCOME_ABSENT_AFTER_NOTICE,
          D(2026, 11, 20), event1);
  auto g = wait_for_count(1);
  EXPECT_TRUE(g.met());
  EXPECT_FALSE(g.policy_version().empty());
  EXPECT_NE(g.explanation().find("2026-11-20"), std::string::npos) << g.explanation();
  EXPECT_NE(g.explanation().find("Measures 2020"), std::string::npos) << g.explanation();
  auto s = status_now();
  EXPECT_EQ(s.next_step(), "grounds for an admonition are present");
  EXPECT_EQ(s.uncorrected_admonitions(), 0) << "a ground is not a sanction";

  // The same event again: once. A second session: twice.
  produce(c.case_id(), session1, education::v1::ATTENDANCE_OUTCOME_ABSENT_AFTER_NOTICE,
          D(2026, 11, 20), event1);
  const std::string session2 = ids::NewUuid();
  produce(c.case_id(), session2, education::v1::ATTENDANCE_OUTCOME_ABSENT_AFTER_NOTICE,
          D(2026, 11, 27), "");
  EXPECT_EQ(wait_for_count(2).count(), 2);
  // The first session's attendance corrected to EXCUSED: one remains.
  produce(c.case_id(), session1, education::v1::ATTENDANCE_OUTCOME_EXCUSED, D(2026, 11, 20), "");
  EXPECT_EQ(wait_for_count(1).count(), 1);
  EXPECT_EQ(h().db().QueryValue("SELECT count(*) FROM inbox WHERE event_id = '" + event1 + "'"),
            "1");
}

// Prohibition-order breaches are told apart: a MINOR one is a warning ground, a SERIOUS one the
// revocation ground; the severity is required for a breach and refused for other kinds.
TEST_F(RecordsActivitiesTest, MinorAndSeriousProhibitionOrderBreachesAreToldApart) {
  const std::string staff = h().Token(Role::kOfficeStaff, {"110101"}, "breach-staff");
  const Case c = OpenCase(staff, "110101", D(2026, 11, 1));
  auto violation = [&](records::v1::ViolationKind kind, records::v1::BreachSeverity severity) {
    records::v1::RecordViolationRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(c.case_id());
    req.set_kind(kind);
    req.set_severity(severity);
    req.set_facts("entered a place the order forbids");
    records::v1::RecordViolationResponse resp;
    auto ctx = h().Context(staff);
    return h().sanctions().RecordViolation(ctx.get(), req, &resp);
  };
  EXPECT_EQ(violation(records::v1::VIOLATION_KIND_PROHIBITION_ORDER_BREACH,
                      records::v1::BREACH_SEVERITY_UNSPECIFIED)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(
      violation(records::v1::VIOLATION_KIND_LATE_REPORTING, records::v1::BREACH_SEVERITY_MINOR)
          .error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(violation(records::v1::VIOLATION_KIND_PROHIBITION_ORDER_BREACH,
                        records::v1::BREACH_SEVERITY_MINOR)
                  .ok());
  records::v1::IssueSanctionResponse out;
  const auto serious = records::v1::REVOCATION_GROUND_SERIOUS_PROHIBITION_ORDER_BREACH;
  grpc::Status st =
      Sanction(staff, c.case_id(), records::v1::SANCTION_KIND_REVOCATION_REQUEST, {serious}, &out);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << st.error_message();
  {
    records::v1::GetSanctionStatusRequest req;
    req.set_case_id(c.case_id());
    records::v1::GetSanctionStatusResponse resp;
    auto ctx = h().Context(staff);
    ASSERT_TRUE(h().sanctions().GetSanctionStatus(ctx.get(), req, &resp).ok());
    const auto g = GroundOf(resp.status(), "WARNING_MINOR_PROHIBITION_ORDER_BREACH");
    EXPECT_TRUE(g.met());
    EXPECT_EQ(g.count(), 1);
    EXPECT_EQ(g.ground_for(), records::v1::SANCTION_KIND_WARNING);
    EXPECT_EQ(resp.status().next_step(), "grounds for a warning are present");
    EXPECT_EQ(resp.status().grounds_met_size(), 0);
  }
  ASSERT_TRUE(violation(records::v1::VIOLATION_KIND_PROHIBITION_ORDER_BREACH,
                        records::v1::BREACH_SEVERITY_SERIOUS)
                  .ok());
  st = Sanction(staff, c.case_id(), records::v1::SANCTION_KIND_REVOCATION_REQUEST, {serious}, &out);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(h().db().QueryValue("SELECT string_agg(severity, ',' ORDER BY severity) FROM "
                                "violations WHERE case_id = '" +
                                c.case_id() + "'"),
            "MINOR,SERIOUS");
}

// The exit-restriction filing: filed once on an open case, due 5 days after the intake (late
// when after); its lifting refused before the end of the term.
TEST_F(RecordsActivitiesTest, ExitRestrictionFiledOnceAndLiftedOnlyAtTheEnd) {
  const std::string staff = h().Token(Role::kOfficeStaff, {"110101"}, "exit-staff");
  const Case c = OpenCase(staff, "110101", D(2026, 11, 1));
  auto record = [&](records::v1::ExitRestrictionAction action, google::type::Date on,
                    records::v1::RecordExitRestrictionResponse* resp) {
    records::v1::RecordExitRestrictionRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_case_id(c.case_id());
    req.set_action(action);
    *req.mutable_done_on() = on;
    req.set_authority("exit-and-entry administration");
    req.set_document_number("EX-1");
    auto ctx = h().Context(staff);
    return h().intake().RecordExitRestriction(ctx.get(), req, resp);
  };
  records::v1::RecordExitRestrictionResponse resp;
  EXPECT_EQ(record(records::v1::EXIT_RESTRICTION_ACTION_LIFTED, D(2026, 11, 7), &resp).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(record(records::v1::EXIT_RESTRICTION_ACTION_FILED, D(2026, 11, 7), &resp).ok());
  EXPECT_TRUE(resp.late());  // due 2026-11-06
  EXPECT_EQ(resp.due().day(), 6);
  EXPECT_FALSE(resp.policy_version().empty());
  EXPECT_EQ(record(records::v1::EXIT_RESTRICTION_ACTION_FILED, D(2026, 11, 8), &resp).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  grpc::Status st = record(records::v1::EXIT_RESTRICTION_ACTION_LIFTED, D(2026, 11, 9), &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(st.error_message().find("end of supervision"), std::string::npos) << st.error_message();
  EXPECT_EQ(h().db().QueryValue("SELECT count(*) FROM outbox WHERE event_type = "
                                "'ccms.records.exit_restriction_recorded' AND record_key = '" +
                                c.case_id() + "'"),
            "1");
}

}  // namespace
}  // namespace ccms::testing
