// A synthetic district of 500 cases over a simulated year, against real PostgreSQL and the dev
// broker, with the records service on a fixed clock moved day by day. At the end of every month
// each due/overdue list the service gives equals what a brute-force recomputation over the
// test's own record of what happened finds (issue: "the overdue lists ... equal what a
// brute-force recomputation in the test finds").
#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/time/calendar.h"
#include "common/time/clock.h"
#include "gtest/gtest.h"
#include "tests/integration/records_harness.h"

namespace ccms::testing {
namespace {

using absl::CivilDay;
using auth::Role;
namespace v1 = records::v1;

constexpr char kDistrict[] = "320102";
constexpr int kCases = 500;

google::type::Date D(CivilDay d) { return grpc_util::ToProtoDate(d); }

// Calendar months with the day clamped to the month's end (Jan 31 + 1 month = Feb 28/29),
// written out here independently of the service's calendar code.
CivilDay AddMonths(CivilDay d, int months) {
  int y = static_cast<int>(d.year());
  int m = d.month() + months;
  while (m > 12) {
    m -= 12;
    ++y;
  }
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int last = kDays[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) last = 29;
  return CivilDay(y, m, std::min(d.day(), last));
}

// What the test did to one case, day by day.
struct CaseModel {
  std::string case_id;
  CivilDay judgment, end;
  std::optional<CivilDay> reported;
  std::vector<std::pair<v1::ContactKind, CivilDay>> contacts;
  std::optional<CivilDay> summary_on, discharged_on;
  std::vector<CivilDay> follow_up_visits;  // each closes the earliest open follow-up
};

// One thing to do on a day; `order` sorts a day's actions (open before intake before ...).
struct Action {
  CivilDay on;
  int order;
  int case_index;
  std::function<void()> run;
};

class RecordsYearTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() == nullptr) return;
    clock_ = new time::FakeClock(absl::Now());
    harness_ = new RecordsHarness(clock_);
  }
  static void TearDownTestSuite() {
    delete harness_;
    delete clock_;
    harness_ = nullptr;
  }
  void SetUp() override {
    if (harness_ == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
  }
  RecordsHarness& h() { return *harness_; }

  // The service's clock at noon of `day` in Asia/Shanghai.
  static void SetToday(CivilDay day) {
    clock_->Set(absl::FromCivil(absl::CivilSecond(day.year(), day.month(), day.day(), 12, 0, 0),
                                time::ShanghaiTimeZone()));
  }

  template <typename Request, typename Response>
  void Must(grpc::Status (v1::RecordsService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                             Response*),
            const Request& request, const std::string& what) {
    Response response;
    auto ctx = h().Context(staff_);
    grpc::Status st = (h().stub().*method)(ctx.get(), request, &response);
    ASSERT_TRUE(st.ok()) << what << ": " << st.error_message();
  }

  static time::FakeClock* clock_;
  static RecordsHarness* harness_;
  std::string staff_;
};

time::FakeClock* RecordsYearTest::clock_ = nullptr;
RecordsHarness* RecordsYearTest::harness_ = nullptr;

TEST_F(RecordsYearTest, ListsEqualBruteForceOverASimulatedYear) {
  staff_ = h().Token(Role::kOfficeStaff, {kDistrict}, "year-staff");
  std::mt19937 rng(20270101);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
  const CivilDay first_day(2026, 12, 1), last_day(2027, 12, 31);

  std::vector<CaseModel> model(kCases);
  std::vector<Action> actions;
  // Plans every case's year; the service learns of each step on its day.
  for (int i = 0; i < kCases; ++i) {
    CaseModel& m = model[i];
    m.judgment = first_day + pick(0, 330);
    m.end = AddMonths(m.judgment, pick(3, 14)) - 1;
    if (pick(1, 100) <= 88) m.reported = m.judgment + pick(0, 14);  // some late, some never
    actions.push_back({m.judgment, 0, i, nullptr});
    if (!m.reported) continue;
    actions.push_back({*m.reported, 1, i, nullptr});
    // Contacts every 3..45 days, some kinds more often than others.
    for (CivilDay on = *m.reported + pick(1, 20); on <= std::min(m.end, last_day);
         on += pick(3, 45)) {
      static const v1::ContactKind kKinds[] = {
          v1::CONTACT_KIND_CHECK_IN_PHONE,     v1::CONTACT_KIND_CHECK_IN_PHONE,
          v1::CONTACT_KIND_CHECK_IN_IN_PERSON, v1::CONTACT_KIND_CHECK_IN_VIDEO,
          v1::CONTACT_KIND_HOME_VISIT,         v1::CONTACT_KIND_WORKPLACE_VISIT,
          v1::CONTACT_KIND_COMMUNITY_VISIT,    v1::CONTACT_KIND_SELF_REPORT};
      m.contacts.emplace_back(kKinds[rng() % 8], on);
      actions.push_back({on, 2, i, nullptr});
    }
    if (pick(1, 100) <= 60) {
      const CivilDay on = m.end - pick(0, 29);
      if (on > *m.reported && on <= last_day) {
        m.summary_on = on;
        actions.push_back({on, 3, i, nullptr});
      }
    }
    if (pick(1, 100) <= 75) {
      const CivilDay on = m.end + pick(0, 6);
      if (on <= last_day) {
        m.discharged_on = on;
        actions.push_back({on, 4, i, nullptr});
        // Follow-up visits: some on time, some late, some never.
        for (int months : {1, 3, 6}) {
          const CivilDay visit = AddMonths(on, months) + pick(-3, 20);
          if (pick(1, 100) <= 60 && visit <= last_day && visit >= on) {
            m.follow_up_visits.push_back(visit);
          }
        }
        std::sort(m.follow_up_visits.begin(), m.follow_up_visits.end());
        for (size_t k = 0; k < m.follow_up_visits.size(); ++k) {
          actions.push_back({m.follow_up_visits[k], 5, i, nullptr});
        }
      }
    }
  }
  // Contacts recorded after the discharge would be refused: drop them from the model.
  for (CaseModel& m : model) {
    if (!m.discharged_on) continue;
    std::erase_if(m.contacts, [&](const auto& c) { return c.second >= *m.discharged_on; });
  }
  std::erase_if(actions, [&](const Action& a) {
    const CaseModel& m = model[a.case_index];
    if (a.order != 2 || !m.discharged_on) return false;
    return a.on >= *m.discharged_on;
  });
  std::stable_sort(actions.begin(), actions.end(), [](const Action& a, const Action& b) {
    return std::tie(a.on, a.order, a.case_index) < std::tie(b.on, b.order, b.case_index);
  });

  // The service's answers at the end of each month.
  std::vector<CivilDay> checkpoints;
  for (int month = 1; month <= 12; ++month) {
    checkpoints.push_back(CivilDay(absl::CivilMonth(2027, month) + 1) - 1);
  }
  checkpoints.push_back(CivilDay(2027, 2, 28) + 1);  // the day after a short month's end

  // Per case, how far the replay has got (contact / follow-up indexes).
  std::vector<size_t> next_contact(kCases, 0);
  size_t next_action = 0;
  int compared = 0;
  std::sort(checkpoints.begin(), checkpoints.end());
  for (const CivilDay checkpoint : checkpoints) {
    // Replay every action up to and including the checkpoint day, each on its own day.
    while (next_action < actions.size() && actions[next_action].on <= checkpoint) {
      const Action& a = actions[next_action++];
      CaseModel& m = model[a.case_index];
      SetToday(a.on);
      switch (a.order) {
        case 0: {
          v1::OpenCaseRequest req =
              ValidOpenCase(MakeIdNumber("19850315", 1 + 2 * (a.case_index % 499),
                                         absl::StrCat(330101 + a.case_index / 499)),
                            kDistrict);
          *req.mutable_sentence()->mutable_judgment_effective_date() = D(m.judgment);
          *req.mutable_sentence()->mutable_start_date() = D(m.judgment);
          *req.mutable_sentence()->mutable_end_date() = D(m.end);
          v1::OpenCaseResponse resp;
          auto ctx = h().Context(staff_);
          grpc::Status st = h().stub().OpenCase(ctx.get(), req, &resp);
          ASSERT_TRUE(st.ok()) << st.error_message();
          m.case_id = resp.case_().case_id();
          break;
        }
        case 1: {
          v1::RecordIntakeCheckInRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          *req.mutable_reported_on() = D(a.on);
          Must(&v1::RecordsService::Stub::RecordIntakeCheckIn, req, "intake");
          break;
        }
        case 2: {
          const auto& [kind, on] = m.contacts[next_contact[a.case_index]++];
          v1::RecordContactRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          req.set_kind(kind);
          *req.mutable_occurred_on() = D(on);
          Must(&v1::RecordsService::Stub::RecordContact, req, "contact");
          break;
        }
        case 3: {
          v1::RecordDischargeSummaryRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          Must(&v1::RecordsService::Stub::RecordDischargeSummary, req, "summary");
          break;
        }
        case 4: {
          v1::DischargeRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          req.set_certificate_number(absl::StrCat("C-", a.case_index));
          req.set_announced(true);
          Must(&v1::RecordsService::Stub::Discharge, req, "discharge");
          break;
        }
        case 5: {
          v1::RecordFollowUpVisitRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          Must(&v1::RecordsService::Stub::RecordFollowUpVisit, req, "follow-up");
          break;
        }
      }
      if (HasFatalFailure()) return;
    }
    SetToday(checkpoint);
    const CivilDay as_of = checkpoint;

    // ---- brute force, from the model only ----
    std::set<std::tuple<std::string, int, int, int>> want_overdue;  // case, kind, req, days
    std::map<std::string, std::pair<int, bool>> want_discharge;     // case -> days left, summary
    std::multiset<std::pair<std::string, int>> want_follow_ups;     // case, days overdue
    for (const CaseModel& m : model) {
      if (m.judgment > as_of) continue;  // not opened yet
      const bool discharged = m.discharged_on && *m.discharged_on <= as_of;
      if (!m.reported || *m.reported > as_of) {
        const CivilDay deadline = m.judgment + 10;
        if (as_of > deadline) want_overdue.insert({m.case_id, 1, 0, int(as_of - deadline)});
        continue;
      }
      if (discharged) {
        std::vector<CivilDay> due;
        for (int months : {1, 3, 6}) due.push_back(AddMonths(*m.discharged_on, months));
        size_t closed = 0;
        for (CivilDay v : m.follow_up_visits) closed += v <= as_of;
        for (size_t k = closed; k < due.size(); ++k) {
          if (due[k] <= as_of) want_follow_ups.insert({m.case_id, int(as_of - due[k])});
        }
        continue;
      }
      // Active: contacts by requirement. STRICT for 3 months after intake, then STANDARD.
      const bool strict = as_of < AddMonths(*m.reported, 3);
      auto last_of = [&](std::set<int> kinds) {
        CivilDay last = *m.reported;
        for (const auto& [k, on] : m.contacts) {
          if (kinds.count(k) && on <= as_of && on > last) last = on;
        }
        return last;
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
        const CivilDay last = last_of(r.kinds);
        const CivilDay due = r.days ? last + r.days : AddMonths(last, r.months);
        if (as_of > due) want_overdue.insert({m.case_id, 2, r.requirement, int(as_of - due)});
      }
      if (m.end <= as_of + 30) {
        want_discharge[m.case_id] = {int(m.end - as_of), m.summary_on && *m.summary_on <= as_of};
      }
    }

    // ---- the service ----
    std::set<std::tuple<std::string, int, int, int>> got_overdue;
    std::string token;
    do {
      v1::ListOverdueRequest req;
      req.set_district_code(kDistrict);
      *req.mutable_as_of() = D(as_of);
      req.set_page_size(200);
      req.set_page_token(token);
      v1::ListOverdueResponse resp;
      auto ctx = h().Context(staff_);
      grpc::Status st = h().stub().ListOverdue(ctx.get(), req, &resp);
      ASSERT_TRUE(st.ok()) << st.error_message();
      for (const auto& i : resp.items()) {
        EXPECT_TRUE(
            got_overdue.insert({i.case_id(), i.kind(), i.requirement(), i.days_overdue()}).second);
      }
      token = resp.next_page_token();
    } while (!token.empty());
    EXPECT_EQ(got_overdue, want_overdue) << "never reported / contact overdue as of " << as_of;

    std::map<std::string, std::pair<int, bool>> got_discharge;
    do {
      v1::ListDischargesDueRequest req;
      req.set_district_code(kDistrict);
      *req.mutable_as_of() = D(as_of);
      req.set_page_size(100);
      req.set_page_token(token);
      v1::ListDischargesDueResponse resp;
      auto ctx = h().Context(staff_);
      ASSERT_TRUE(h().stub().ListDischargesDue(ctx.get(), req, &resp).ok());
      for (const auto& i : resp.items()) {
        got_discharge[i.case_id()] = {i.days_left(), i.summary_received()};
      }
      token = resp.next_page_token();
    } while (!token.empty());
    EXPECT_EQ(got_discharge, want_discharge) << "discharges due as of " << as_of;

    std::multiset<std::pair<std::string, int>> got_follow_ups;
    do {
      v1::ListFollowUpsDueRequest req;
      req.set_district_code(kDistrict);
      *req.mutable_as_of() = D(as_of);
      req.set_page_size(100);
      req.set_page_token(token);
      v1::ListFollowUpsDueResponse resp;
      auto ctx = h().Context(staff_);
      ASSERT_TRUE(h().stub().ListFollowUpsDue(ctx.get(), req, &resp).ok());
      for (const auto& i : resp.items()) got_follow_ups.insert({i.case_id(), i.days_overdue()});
      token = resp.next_page_token();
    } while (!token.empty());
    EXPECT_EQ(got_follow_ups, want_follow_ups) << "follow-ups due as of " << as_of;
    ++compared;
    // The lists are not trivially empty: the simulation must exercise them.
    if (checkpoint == CivilDay(2027, 12, 31)) {
      EXPECT_GT(want_overdue.size(), 20u);
      EXPECT_GT(want_discharge.size(), 5u);
      EXPECT_GT(want_follow_ups.size(), 5u);
    }
  }
  EXPECT_EQ(compared, 13);
  EXPECT_EQ(next_action, actions.size());
}

}  // namespace
}  // namespace ccms::testing
