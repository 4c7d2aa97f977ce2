// Two districts of 500 cases over a simulated year, against real PostgreSQL and the dev broker,
// with the records service on a fixed clock moved day by day. Cases open in two districts and
// offices; supervision levels change through ccms.assessment.v1 events published to the broker
// as the assessment service publishes them; sanctions are issued and corrected; some cases are
// transferred between the districts (from the acceptance day a case is on the receiving
// district's lists and no longer on the sending one's); some terms are reduced by a court. At
// the end of every month and every Sunday, every list in kLists below — for each district and
// for an all-districts principal — equals what a brute-force recomputation over the test's own
// record of what happened finds (issue 17: "at every checkpoint every list equals its
// brute-force recomputation").
//
// The brute force is then checked itself, at the end of the same test: each rule of it moved by
// one day (or one count) in turn, compared with the service's answers already fetched at every
// checkpoint, must disagree somewhere; the test prints which checkpoint caught each.
#include <algorithm>
#include <atomic>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ccms/assessment/v1/assessment_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/kafka/producer.h"
#include "common/time/calendar.h"
#include "common/time/clock.h"
#include "gtest/gtest.h"
#include "tests/integration/records_harness.h"

namespace ccms::testing {
namespace {

using absl::CivilDay;
using auth::Role;
namespace v1 = records::v1;

constexpr const char* kDistricts[] = {"320102", "320105"};
constexpr int kCases = 500;  // case i opens in kDistricts[i % 2]

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

// The brute force's rules, each as a shift from the policy (deploy/policy/default.yaml). All
// zero is the rule as written; the mutation check moves one of them at a time.
struct Rules {
  int never_reported = 0;           // intake check-in due 10 days after the judgment
  int initial_strict = 0;           // STRICT for 3 months after intake, before any assessment
  int level_effective = 0;          // an assessed level applies from its effective day
  int contact[3][4] = {};           // [level][requirement]: the contact intervals below
  int intake_home_visit = 0;        // a home visit within 20 days of intake
  int exit_filing = 0;              // the exit-restriction filing within 5 days of intake
  int transfer_effective = 0;       // a case moves districts on the day its transfer is accepted
  int leave_return = 0;             // leave is not returned from the day after its last day
  int expiring_window = 0;          // monitoring ending within 7 days
  int health_report = 0;            // temporary execution outside prison: a health report a month
  int medical_review = 0;           // and a medical review every 3 months
  int discharge_window = 0;         // on the discharge list 30 days before the end
  int reduction_effective = 0;      // a reduced term ends at its new end from the ruling day
  int follow_up = 0;                // follow-ups 1, 3, 6 months after discharge
  int sanction_corrected = 0;       // a sanction no longer counts from the day it is corrected
  int report_received = 0;          // the daily-performance report counts from the day recorded
  int warnings_for_revocation = 0;  // 2 uncorrected warnings: a revocation ground
};

// Contact intervals per level (STRICT, STANDARD, RELAXED) and requirement (REPORT, IN_PERSON,
// VISIT, SELF_REPORT) as the policy sets them: {days, months}; {0, 0} = not required.
struct Interval {
  int days, months;
};
constexpr Interval kIntervals[3][4] = {{{7, 0}, {15, 0}, {0, 1}, {0, 1}},
                                       {{0, 0}, {0, 1}, {0, 2}, {0, 1}},
                                       {{0, 0}, {0, 2}, {0, 3}, {0, 1}}};
// Contact kinds (v1::ContactKind numbers) that satisfy each requirement.
const std::set<int> kSatisfies[4] = {{1, 2, 3, 4, 5, 6}, {1}, {4, 5, 6}, {7}};
constexpr common::v1::SupervisionLevel kLevels[3] = {common::v1::SUPERVISION_LEVEL_STRICT,
                                                     common::v1::SUPERVISION_LEVEL_STANDARD,
                                                     common::v1::SUPERVISION_LEVEL_RELAXED};

// What the test did to one case, day by day.
struct CaseModel {
  std::string case_id;
  int home = 0;  // index into kDistricts where the case opened
  CivilDay judgment, end;
  std::optional<CivilDay> reported;
  std::vector<std::pair<v1::ContactKind, CivilDay>> contacts;
  std::optional<CivilDay> summary_on, discharged_on;
  std::optional<CivilDay> report_on;  // the daily-performance report (日常表现综合评估报告)
  std::vector<CivilDay> follow_up_visits;  // each closes the earliest open follow-up
  bool temporary_outside_prison = false;
  // Leave: requested and approved on `requested`, returned on `returned` (or never).
  struct Leave {
    CivilDay requested, start, end;
    std::optional<CivilDay> returned;
    std::string leave_id;
  };
  std::vector<Leave> leaves;
  // One electronic monitoring order: renewed and/or ended early, each on its day.
  struct Order {
    CivilDay starts, ends;
    std::optional<std::pair<CivilDay, CivilDay>> renewal;  // on, new end
    std::optional<CivilDay> ended;
    std::string order_id;
  };
  std::optional<Order> order;
  std::vector<CivilDay> health_reports, medical_reviews;
  // A sentence reduction (减刑): ruled on `first`, the term ended on `second` before it; `end`
  // is the end after it.
  std::optional<std::pair<CivilDay, CivilDay>> reduction;
  // Levels set by the assessment service: effective day (= the day published), index into
  // kLevels; in order, apart.
  std::vector<std::pair<CivilDay, int>> levels;
  // A transfer to the other district: requested and consented, accepted (the case moves),
  // completed (the person reported to the new office).
  struct Transfer {
    CivilDay requested, accepted, completed;
    std::string transfer_id;
  };
  std::optional<Transfer> transfer;
  // Sanctions: each on a violation of the same day; some corrected later.
  struct Sanction {
    CivilDay on;
    bool warning = false;
    std::optional<CivilDay> corrected;
    std::string sanction_id;
  };
  std::vector<Sanction> sanctions;

  // The end of the term in force on `day`.
  CivilDay EndOn(CivilDay day, const Rules& r) const {
    return reduction && reduction->first + r.reduction_effective > day ? reduction->second : end;
  }
  // The district (index) the case belongs to on `day`.
  int DistrictOn(CivilDay day, const Rules& r) const {
    return transfer && transfer->accepted + r.transfer_effective <= day ? 1 - home : home;
  }
};

// What each action does, in order within a day (a transfer's acceptance before the day's other
// actions, which the receiving district then records).
enum Step {
  kOpen = 0,
  kIntake,
  kTransferRequest,
  kTransferAccept,
  kTransferComplete,
  kReduce,  // before the day's summary: its window is counted from the end in force
  kContact,
  kSummary,
  kPerformanceReport,
  kDischarge,
  kFollowUp,
  kLeaveRequest,
  kLeaveReturn,
  kOrder,
  kRenew,
  kEndOrder,
  kHealthReport,
  kMedicalReview,
  kLevel,
  kSanction,
  kCorrect,
};

// One thing to do on a day; `order` sorts a day's actions (open before intake before ...).
struct Action {
  CivilDay on;
  int order;
  int case_index;
  int item = 0;  // which level change / sanction of the case
};

// A list's rows as comparable strings ("case|kind|...|district"), one per item.
using Rows = std::multiset<std::string>;

// Who asks: one district's staff, or a principal of all districts (district "" ).
struct Scope {
  std::string district;  // "" = all
  std::string token;
};

// One list the test compares: how to fetch it from the service for a scope, and how the brute
// force computes it from the model. To compare a new list (another overdue kind, say), add one
// entry to the table built in the test (`lists`): a name, a fetch (page through the RPC for
// `scope.district` as of the day and turn each item into a row) and a brute force over
// `model` with `rules` (shift every day rule it uses by a new field of Rules and add that
// field to `mutations`, so the mutation check covers it). ListOverdue's kinds share one entry:
// a new OverdueKind needs only its rows added to the overdue brute force.
struct ListSpec {
  std::string name;
  std::function<Rows(const Scope& scope, CivilDay as_of)> fetch;
  std::function<Rows(const Rules& rules, CivilDay as_of, const std::string& district)> brute;
};

class RecordsYearTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() == nullptr) return;
    clock_ = new time::FakeClock(FixedTestNow());  // each test sets its days
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

  // Calls `method` of one of the records services' stubs with `token`; the call must succeed.
  template <typename Stub, typename Request, typename Response>
  void Must(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
            const Request& request, const std::string& token, const std::string& what,
            Response* out = nullptr) {
    Response response;
    auto ctx = h().Context(token);
    grpc::Status st = (h().StubFor<Stub>().*method)(ctx.get(), request, out ? out : &response);
    ASSERT_TRUE(st.ok()) << what << ": " << st.error_message();
  }

  // Pages through a list RPC: `page(token, response)` makes one call; `each(response)` takes
  // its items.
  template <typename Response>
  void Pages(const std::function<grpc::Status(const std::string&, Response*)>& page,
             const std::function<void(const Response&)>& each) {
    std::string token;
    do {
      Response resp;
      grpc::Status st = page(token, &resp);
      ASSERT_TRUE(st.ok()) << st.error_message();
      each(resp);
      token = resp.next_page_token();
    } while (!token.empty());
  }

  static time::FakeClock* clock_;
  static RecordsHarness* harness_;
};

time::FakeClock* RecordsYearTest::clock_ = nullptr;
RecordsHarness* RecordsYearTest::harness_ = nullptr;

std::string Row(std::initializer_list<std::string> fields) { return absl::StrJoin(fields, "|"); }
std::string N(int n) { return absl::StrCat(n); }

TEST_F(RecordsYearTest, ListsEqualBruteForceOverASimulatedYear) {
  const absl::Time started = absl::Now();
  std::string staff[2], bureau[2];
  for (int d = 0; d < 2; ++d) {
    staff[d] = h().Token(Role::kOfficeStaff, {kDistricts[d]}, absl::StrCat("year-staff-", d));
    bureau[d] = h().Token(Role::kDistrictBureau, {kDistricts[d]}, absl::StrCat("year-bureau-", d));
  }
  const std::vector<Scope> scopes = {{kDistricts[0], staff[0]},
                                     {kDistricts[1], staff[1]},
                                     {"", h().Token(Role::kCityAdmin, {"*"}, "year-city")}};
  std::mt19937 rng(20270101);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
  // Sentence reductions, levels, transfers and sanctions draw from their own generators, so the
  // other plans stay as they were.
  std::mt19937 reductions_rng(20270102);
  auto pick_reduction = [&](int lo, int hi) {
    return lo + static_cast<int>(reductions_rng() % (hi - lo + 1));
  };
  std::mt19937 events_rng(20270103);
  auto pick_event = [&](int lo, int hi) {
    return lo + static_cast<int>(events_rng() % (hi - lo + 1));
  };
  // Late reductions (ruled inside the last stretch) draw from their own generator too.
  std::mt19937 late_rng(20270104);
  auto pick_late = [&](int lo, int hi) {
    return lo + static_cast<int>(late_rng() % (hi - lo + 1));
  };
  const CivilDay first_day(2026, 12, 1), last_day(2027, 12, 31);

  std::vector<CaseModel> model(kCases);
  std::vector<Action> actions;
  // Plans every case's year; the service learns of each step on its day.
  for (int i = 0; i < kCases; ++i) {
    CaseModel& m = model[i];
    m.home = i % 2;
    m.judgment = first_day + pick(0, 330);
    m.end = AddMonths(m.judgment, pick(3, 14)) - 1;
    m.temporary_outside_prison = pick(1, 100) <= 15;
    if (pick(1, 100) <= 88) m.reported = m.judgment + pick(0, 14);  // some late, some never
    actions.push_back({m.judgment, kOpen, i});
    if (!m.reported) continue;
    actions.push_back({*m.reported, kIntake, i});
    // Sentence reductions for some: ruled before the summary window opens; the rest of the year
    // is planned with the new end (monitoring, leave, contacts, summary, discharge).
    if (m.end - *m.reported > 120 && pick_reduction(1, 100) <= 12) {
      const CivilDay on = *m.reported + pick_reduction(20, 60);
      const CivilDay new_end = m.end - pick_reduction(10, 60);
      if (on <= last_day && new_end - 30 > on) {
        m.reduction = {on, m.end};
        m.end = new_end;
        actions.push_back({on, kReduce, i});
      }
    } else if (m.end - *m.reported > 60 && pick_late(1, 100) <= 10) {
      // A late reduction: ruled on a Sunday (a checkpoint) before the old end's last stretch,
      // moving the end into it, so the case joins the discharge list on the ruling day.
      CivilDay on = m.end - pick_late(36, 60);
      while (absl::GetWeekday(on) != absl::Weekday::sunday) ++on;
      const CivilDay new_end = on + pick_late(1, 29);
      if (on > *m.reported + 10 && on >= CivilDay(2027, 1, 3) && on <= last_day &&
          m.end - 30 > on) {
        m.reduction = {on, m.end};
        m.end = new_end;
        actions.push_back({on, kReduce, i});
      }
    }
    const CivilDay active_until = std::min(m.end - 1, last_day);
    // Level changes from the assessment service for some, 20..90 days apart.
    if (pick_event(1, 100) <= 40) {
      for (CivilDay on = *m.reported + pick_event(15, 100); on <= active_until;
           on += pick_event(20, 90)) {
        m.levels.push_back({on, pick_event(0, 2)});
        actions.push_back({on, kLevel, i, static_cast<int>(m.levels.size()) - 1});
        if (m.levels.size() == 3) break;
      }
    }
    // A transfer to the other district for some: requested, accepted 1..10 days later, the
    // person reports 1..7 days after that.
    if (pick_event(1, 100) <= 12) {
      CaseModel::Transfer t;
      t.requested = *m.reported + pick_event(20, 150);
      t.accepted = t.requested + pick_event(1, 10);
      t.completed = t.accepted + pick_event(1, 7);
      if (t.completed < m.end - 1 && t.completed <= last_day) {
        m.transfer = t;
        actions.push_back({t.requested, kTransferRequest, i});
        actions.push_back({t.accepted, kTransferAccept, i});
        actions.push_back({t.completed, kTransferComplete, i});
      }
    }
    // Sanctions for some: admonitions and warnings, some corrected later.
    if (pick_event(1, 100) <= 15) {
      for (CivilDay on = *m.reported + pick_event(5, 90); on <= active_until;
           on += pick_event(10, 80)) {
        CaseModel::Sanction s;
        s.on = on;
        s.warning = pick_event(1, 100) <= 50;
        if (pick_event(1, 100) <= 40) {
          const CivilDay c = on + pick_event(0, 40);
          if (c <= active_until) s.corrected = c;
        }
        m.sanctions.push_back(s);
        const int k = static_cast<int>(m.sanctions.size()) - 1;
        actions.push_back({on, kSanction, i, k});
        if (s.corrected) actions.push_back({*s.corrected, kCorrect, i, k});
        if (m.sanctions.size() == 4) break;
      }
    }
    // Leave: up to three short trips, apart; most come back on time, some late, some not yet.
    for (CivilDay r = *m.reported + pick(5, 30); r + 40 < m.end && r <= last_day;
         r += pick(25, 60)) {
      if (pick(1, 100) > 45 || m.leaves.size() == 3) continue;
      CaseModel::Leave l;
      l.requested = r;
      l.start = r + pick(0, 3);
      l.end = l.start + pick(0, 8);  // 1..9 days: office or bureau approval
      const int fate = pick(1, 100);
      if (fate <= 70) {
        l.returned = l.start + pick(0, static_cast<int>(l.end - l.start));
      } else if (fate <= 88) {
        l.returned = l.end + pick(1, 8);
      }
      if (l.returned && *l.returned > last_day) l.returned.reset();
      actions.push_back({l.requested, kLeaveRequest, i});
      if (l.returned) actions.push_back({*l.returned, kLeaveReturn, i});
      m.leaves.push_back(l);
      r = std::max(r, l.end + 10);
    }
    // Electronic monitoring for some: a prohibition-order breach, up to 3 months.
    if (pick(1, 100) <= 12) {
      const CivilDay starts = *m.reported + pick(10, 60);
      if (starts + 100 < m.end && starts <= last_day) {
        CaseModel::Order o;
        o.starts = starts;
        o.ends = std::min(AddMonths(starts, 3), starts + pick(20, 92));
        const int fate = pick(1, 100);
        if (fate <= 40) {
          const CivilDay on = o.ends - pick(0, 10);
          const CivilDay new_end =
              std::min({AddMonths(o.ends, 3), o.ends + pick(10, 60), m.end - 1});
          if (on > o.starts && new_end > o.ends) o.renewal = {on, new_end};
        } else if (fate <= 60) {
          o.ended = o.starts + pick(1, static_cast<int>(o.ends - o.starts));
        }
        actions.push_back({o.starts, kOrder, i});
        if (o.renewal && o.renewal->first <= last_day) {
          actions.push_back({o.renewal->first, kRenew, i});
        } else {
          o.renewal.reset();
        }
        if (o.ended && *o.ended <= last_day) {
          actions.push_back({*o.ended, kEndOrder, i});
        } else {
          o.ended.reset();
        }
        m.order = o;
      }
    }
    // Temporary execution outside prison: health reports and medical reviews, some late.
    if (m.temporary_outside_prison) {
      for (CivilDay on = *m.reported + pick(20, 40); on <= active_until; on += pick(20, 45)) {
        m.health_reports.push_back(on);
        actions.push_back({on, kHealthReport, i});
      }
      for (CivilDay on = *m.reported + pick(60, 100); on <= active_until; on += pick(70, 110)) {
        m.medical_reviews.push_back(on);
        actions.push_back({on, kMedicalReview, i});
      }
    }
    // Contacts every 3..45 days, some kinds more often than others.
    for (CivilDay on = *m.reported + pick(1, 20); on <= std::min(m.end, last_day);
         on += pick(3, 45)) {
      static const v1::ContactKind kKinds[] = {
          v1::CONTACT_KIND_CHECK_IN_PHONE,     v1::CONTACT_KIND_CHECK_IN_PHONE,
          v1::CONTACT_KIND_CHECK_IN_IN_PERSON, v1::CONTACT_KIND_CHECK_IN_VIDEO,
          v1::CONTACT_KIND_HOME_VISIT,         v1::CONTACT_KIND_WORKPLACE_VISIT,
          v1::CONTACT_KIND_COMMUNITY_VISIT,    v1::CONTACT_KIND_SELF_REPORT};
      m.contacts.emplace_back(kKinds[rng() % 8], on);
      actions.push_back({on, kContact, i});
    }
    // Not before a reduction: the window is counted from the end in force on the day.
    const CivilDay not_before = m.reduction ? m.reduction->first : *m.reported + 1;
    if (pick(1, 100) <= 60) {
      const CivilDay on = std::max(m.end - pick(0, 29), not_before);
      if (on > *m.reported && on <= last_day) {
        m.summary_on = on;
        actions.push_back({on, kSummary, i});
      }
    }
    // The daily-performance report for most, in the last stretch (its own generator).
    if (pick_event(1, 100) <= 65) {
      const CivilDay on = std::max(m.end - pick_event(0, 29), not_before);
      if (on > *m.reported && on <= last_day) {
        m.report_on = on;
        actions.push_back({on, kPerformanceReport, i});
      }
    }
    if (pick(1, 100) <= 75) {
      const CivilDay on = m.end + pick(0, 6);
      if (on <= last_day) {
        m.discharged_on = on;
        actions.push_back({on, kDischarge, i});
        // Follow-up visits: some on time, some late, some never.
        for (int months : {1, 3, 6}) {
          const CivilDay visit = AddMonths(on, months) + pick(-3, 20);
          if (pick(1, 100) <= 60 && visit <= last_day && visit >= on) {
            m.follow_up_visits.push_back(visit);
          }
        }
        std::sort(m.follow_up_visits.begin(), m.follow_up_visits.end());
        for (size_t k = 0; k < m.follow_up_visits.size(); ++k) {
          actions.push_back({m.follow_up_visits[k], kFollowUp, i});
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
    if (a.order != kContact || !m.discharged_on) return false;
    return a.on >= *m.discharged_on;
  });
  std::stable_sort(actions.begin(), actions.end(), [](const Action& a, const Action& b) {
    return std::tie(a.on, a.order, a.case_index, a.item) <
           std::tie(b.on, b.order, b.case_index, b.item);
  });

  // The service's answers at the end of each month.
  std::vector<CivilDay> checkpoints;
  for (int month = 1; month <= 12; ++month) {
    checkpoints.push_back(CivilDay(absl::CivilMonth(2027, month) + 1) - 1);
  }
  checkpoints.push_back(CivilDay(2027, 2, 28) + 1);  // the day after a short month's end
  // And every Sunday, so that 7-day windows (monitoring expiring) are sampled all year.
  for (CivilDay d(2027, 1, 3); d <= last_day; d += 7) checkpoints.push_back(d);
  std::sort(checkpoints.begin(), checkpoints.end());
  checkpoints.erase(std::unique(checkpoints.begin(), checkpoints.end()), checkpoints.end());

  // ---- the lists: fetched from the service, and recomputed by brute force from the model ----
  // In scope: the case is open by `as_of` and in `district` ("" = every district) on that day.
  auto in_scope = [&](const CaseModel& m, const Rules& r, CivilDay as_of,
                      const std::string& district) {
    return m.judgment <= as_of &&
           (district.empty() || district == kDistricts[m.DistrictOn(as_of, r)]);
  };
  auto district_of = [&](const CaseModel& m, const Rules& r, CivilDay as_of) {
    return std::string(kDistricts[m.DistrictOn(as_of, r)]);
  };
  auto discharged = [](const CaseModel& m, CivilDay as_of) {
    return m.discharged_on && *m.discharged_on <= as_of;
  };
  auto active = [&](const CaseModel& m, CivilDay as_of) {
    return m.reported && *m.reported <= as_of && !discharged(m, as_of);
  };
  std::vector<ListSpec> lists;
  // ListOverdue: never reported (1), contact overdue by level and requirement (2), intake home
  // visit (3).
  lists.push_back(
      {"overdue",
       [&](const Scope& scope, CivilDay as_of) {
         Rows rows;
         Pages<v1::ListOverdueResponse>(
             [&](const std::string& token, v1::ListOverdueResponse* resp) {
               v1::ListOverdueRequest req;
               req.set_district_code(scope.district);
               *req.mutable_as_of() = D(as_of);
               req.set_page_size(200);
               req.set_page_token(token);
               auto ctx = h().Context(scope.token);
               return h().supervision().ListOverdue(ctx.get(), req, resp);
             },
             [&](const v1::ListOverdueResponse& resp) {
               for (const auto& i : resp.items()) {
                 rows.insert(Row({i.case_id(), N(i.kind()), N(i.requirement()), N(i.days_overdue()),
                                  i.district_code()}));
               }
             });
         return rows;
       },
       [&](const Rules& r, CivilDay as_of, const std::string& district) {
         Rows rows;
         for (const CaseModel& m : model) {
           if (!in_scope(m, r, as_of, district)) continue;
           const std::string dc = district_of(m, r, as_of);
           if (!m.reported || *m.reported > as_of) {
             const CivilDay deadline = m.judgment + 10 + r.never_reported;
             if (as_of > deadline) rows.insert(Row({m.case_id, "1", "0", N(as_of - deadline), dc}));
             continue;
           }
           if (discharged(m, as_of)) continue;
           // The level in force: the latest assessed level effective by `as_of`; before any,
           // STRICT for 3 months after intake, then STANDARD.
           int level = as_of < AddMonths(*m.reported, 3) + r.initial_strict ? 0 : 1;
           for (const auto& [on, l] : m.levels) {
             if (on + r.level_effective <= as_of) level = l;
           }
           for (int q = 0; q < 4; ++q) {
             const Interval iv = kIntervals[level][q];
             if (iv.days == 0 && iv.months == 0) continue;
             CivilDay last = *m.reported;
             for (const auto& [k, on] : m.contacts) {
               if (kSatisfies[q].count(k) && on <= as_of && on > last) last = on;
             }
             const CivilDay due =
                 (iv.days ? last + iv.days : AddMonths(last, iv.months)) + r.contact[level][q];
             if (as_of > due) rows.insert(Row({m.case_id, "2", N(q + 1), N(as_of - due), dc}));
           }
           bool home_visited = false;
           for (const auto& [k, on] : m.contacts) {
             home_visited = home_visited || (k == v1::CONTACT_KIND_HOME_VISIT && on <= as_of);
           }
           const CivilDay visit_due = *m.reported + 20 + r.intake_home_visit;
           if (!home_visited && as_of > visit_due) {
             rows.insert(Row({m.case_id, "3", "0", N(as_of - visit_due), dc}));
           }
           // The exit-restriction filing within 5 days of the intake (none is filed here).
           const CivilDay filing_due = *m.reported + 5 + r.exit_filing;
           if (as_of > filing_due) {
             rows.insert(Row({m.case_id, "4", "0", N(as_of - filing_due), dc}));
           }
         }
         return rows;
       }});
  lists.push_back(
      {"discharges due",
       [&](const Scope& scope, CivilDay as_of) {
         Rows rows;
         Pages<v1::ListDischargesDueResponse>(
             [&](const std::string& token, v1::ListDischargesDueResponse* resp) {
               v1::ListDischargesDueRequest req;
               req.set_district_code(scope.district);
               *req.mutable_as_of() = D(as_of);
               req.set_page_size(100);
               req.set_page_token(token);
               auto ctx = h().Context(scope.token);
               return h().discharge().ListDischargesDue(ctx.get(), req, resp);
             },
             [&](const v1::ListDischargesDueResponse& resp) {
               for (const auto& i : resp.items()) {
                 rows.insert(Row({i.case_id(), N(i.days_left()), N(i.summary_received()),
                                  N(i.performance_report_received()), i.district_code()}));
               }
             });
         return rows;
       },
       [&](const Rules& r, CivilDay as_of, const std::string& district) {
         Rows rows;
         for (const CaseModel& m : model) {
           if (!in_scope(m, r, as_of, district) || !active(m, as_of)) continue;
           const CivilDay end = m.EndOn(as_of, r);
           if (end <= as_of + 30 + r.discharge_window) {
             rows.insert(Row({m.case_id, N(end - as_of), N(m.summary_on && *m.summary_on <= as_of),
                              N(m.report_on && *m.report_on + r.report_received <= as_of),
                              district_of(m, r, as_of)}));
           }
         }
         return rows;
       }});
  lists.push_back(
      {"follow-ups due",
       [&](const Scope& scope, CivilDay as_of) {
         Rows rows;
         Pages<v1::ListFollowUpsDueResponse>(
             [&](const std::string& token, v1::ListFollowUpsDueResponse* resp) {
               v1::ListFollowUpsDueRequest req;
               req.set_district_code(scope.district);
               *req.mutable_as_of() = D(as_of);
               req.set_page_size(100);
               req.set_page_token(token);
               auto ctx = h().Context(scope.token);
               return h().discharge().ListFollowUpsDue(ctx.get(), req, resp);
             },
             [&](const v1::ListFollowUpsDueResponse& resp) {
               for (const auto& i : resp.items()) {
                 rows.insert(Row({i.case_id(), N(i.days_overdue()), i.district_code()}));
               }
             });
         return rows;
       },
       [&](const Rules& r, CivilDay as_of, const std::string& district) {
         Rows rows;
         for (const CaseModel& m : model) {
           if (!in_scope(m, r, as_of, district) || !discharged(m, as_of)) continue;
           std::vector<CivilDay> due;
           for (int months : {1, 3, 6}) {
             due.push_back(AddMonths(*m.discharged_on, months) + r.follow_up);
           }
           size_t closed = 0;
           for (CivilDay v : m.follow_up_visits) closed += v <= as_of;
           for (size_t k = closed; k < due.size(); ++k) {
             if (due[k] <= as_of) {
               rows.insert(Row({m.case_id, N(as_of - due[k]), district_of(m, r, as_of)}));
             }
           }
         }
         return rows;
       }});
  lists.push_back(
      {"leave not returned",
       [&](const Scope& scope, CivilDay as_of) {
         Rows rows;
         Pages<v1::ListLeavesNotReturnedResponse>(
             [&](const std::string& token, v1::ListLeavesNotReturnedResponse* resp) {
               v1::ListLeavesNotReturnedRequest req;
               req.set_district_code(scope.district);
               *req.mutable_as_of() = D(as_of);
               req.set_page_size(50);
               req.set_page_token(token);
               auto ctx = h().Context(scope.token);
               return h().leave().ListLeavesNotReturned(ctx.get(), req, resp);
             },
             [&](const v1::ListLeavesNotReturnedResponse& resp) {
               for (const auto& i : resp.items()) {
                 rows.insert(Row({i.leave_id(), N(i.days_overdue()), i.district_code()}));
               }
             });
         return rows;
       },
       [&](const Rules& r, CivilDay as_of, const std::string& district) {
         Rows rows;
         for (const CaseModel& m : model) {
           if (!in_scope(m, r, as_of, district) || !active(m, as_of)) continue;
           for (const auto& l : m.leaves) {
             const CivilDay late_from = l.end + 1 + r.leave_return;
             if (l.requested <= as_of && late_from <= as_of &&
                 !(l.returned && *l.returned <= as_of)) {
               rows.insert(Row({l.leave_id, N(as_of - late_from + 1), district_of(m, r, as_of)}));
             }
           }
         }
         return rows;
       }});
  lists.push_back(
      {"monitoring expiring",
       [&](const Scope& scope, CivilDay as_of) {
         Rows rows;
         Pages<v1::ListMonitoringExpiringResponse>(
             [&](const std::string& token, v1::ListMonitoringExpiringResponse* resp) {
               v1::ListMonitoringExpiringRequest req;
               req.set_district_code(scope.district);
               *req.mutable_as_of() = D(as_of);
               req.set_within_days(7);
               req.set_page_size(10);
               req.set_page_token(token);
               auto ctx = h().Context(scope.token);
               return h().orders().ListMonitoringExpiring(ctx.get(), req, resp);
             },
             [&](const v1::ListMonitoringExpiringResponse& resp) {
               for (const auto& i : resp.items()) {
                 rows.insert(Row({i.order_id(), N(i.days_left()), i.district_code()}));
               }
             });
         return rows;
       },
       [&](const Rules& r, CivilDay as_of, const std::string& district) {
         Rows rows;
         for (const CaseModel& m : model) {
           if (!in_scope(m, r, as_of, district) || !active(m, as_of) || !m.order) continue;
           if (m.order->starts > as_of || (m.order->ended && *m.order->ended <= as_of)) continue;
           CivilDay ends = m.order->ends;
           if (m.order->renewal && m.order->renewal->first <= as_of) {
             ends = m.order->renewal->second;
           }
           if (ends >= as_of && ends <= as_of + 7 + r.expiring_window) {
             rows.insert(Row({m.order->order_id, N(ends - as_of), district_of(m, r, as_of)}));
           }
         }
         return rows;
       }});
  lists.push_back({"medical due",
                   [&](const Scope& scope, CivilDay as_of) {
                     Rows rows;
                     Pages<v1::ListMedicalDueResponse>(
                         [&](const std::string& token, v1::ListMedicalDueResponse* resp) {
                           v1::ListMedicalDueRequest req;
                           req.set_district_code(scope.district);
                           *req.mutable_as_of() = D(as_of);
                           req.set_page_size(20);
                           req.set_page_token(token);
                           auto ctx = h().Context(scope.token);
                           return h().orders().ListMedicalDue(ctx.get(), req, resp);
                         },
                         [&](const v1::ListMedicalDueResponse& resp) {
                           for (const auto& i : resp.items()) {
                             rows.insert(Row({i.case_id(), N(i.kind()), N(i.days_overdue()),
                                              i.district_code()}));
                           }
                         });
                     return rows;
                   },
                   [&](const Rules& r, CivilDay as_of, const std::string& district) {
                     Rows rows;
                     for (const CaseModel& m : model) {
                       if (!in_scope(m, r, as_of, district) || !active(m, as_of)) continue;
                       if (!m.temporary_outside_prison) continue;
                       auto due_of = [&](const std::vector<CivilDay>& done, int months, int shift) {
                         CivilDay last = *m.reported;
                         for (CivilDay d : done) {
                           if (d <= as_of) last = std::max(last, d);
                         }
                         return AddMonths(last, months) + shift;
                       };
                       const CivilDay health = due_of(m.health_reports, 1, r.health_report);
                       const CivilDay review = due_of(m.medical_reviews, 3, r.medical_review);
                       const std::string dc = district_of(m, r, as_of);
                       if (health <= as_of) {
                         rows.insert(Row({m.case_id, N(v1::MEDICAL_DUE_KIND_HEALTH_REPORT),
                                          N(as_of - health), dc}));
                       }
                       if (review <= as_of) {
                         rows.insert(Row({m.case_id, N(v1::MEDICAL_DUE_KIND_MEDICAL_REVIEW),
                                          N(as_of - review), dc}));
                       }
                     }
                     return rows;
                   }});
  // Sanction status (GetSanctionStatus) of every case with a sanction by `as_of` that the scope
  // can see: uncorrected admonitions and warnings, and whether the warnings are a revocation
  // ground.
  lists.push_back({"sanction status",
                   [&](const Scope& scope, CivilDay as_of) {
                     Rows rows;
                     for (const CaseModel& m : model) {
                       if (m.sanctions.empty() || m.sanctions[0].on > as_of) continue;
                       v1::GetSanctionStatusRequest req;
                       req.set_case_id(m.case_id);
                       v1::GetSanctionStatusResponse resp;
                       auto ctx = h().Context(scope.token);
                       grpc::Status st = h().sanctions().GetSanctionStatus(ctx.get(), req, &resp);
                       if (st.error_code() == grpc::NOT_FOUND) continue;  // another district's case
                       EXPECT_TRUE(st.ok()) << st.error_message();
                       const auto& s = resp.status();
                       const bool repeated =
                           std::count(s.grounds_met().begin(), s.grounds_met().end(),
                                      v1::REVOCATION_GROUND_REPEATED_WARNINGS) > 0;
                       rows.insert(Row({m.case_id, N(s.uncorrected_admonitions()),
                                        N(s.uncorrected_warnings()), N(repeated)}));
                     }
                     return rows;
                   },
                   [&](const Rules& r, CivilDay as_of, const std::string& district) {
                     Rows rows;
                     for (const CaseModel& m : model) {
                       if (m.sanctions.empty() || m.sanctions[0].on > as_of) continue;
                       if (!in_scope(m, r, as_of, district)) continue;
                       int admonitions = 0, warnings = 0;
                       for (const auto& s : m.sanctions) {
                         if (s.on > as_of) continue;
                         if (s.corrected && *s.corrected + r.sanction_corrected <= as_of) continue;
                         (s.warning ? warnings : admonitions) += 1;
                       }
                       rows.insert(Row({m.case_id, N(admonitions), N(warnings),
                                        N(warnings >= 2 + r.warnings_for_revocation)}));
                     }
                     return rows;
                   }});

  // ---- the year ----
  std::atomic<int> undelivered{0};
  auto producer = kafka::KafkaProducer::Create(
      {.bootstrap_servers = IntegrationEnv::Get()->kafka_bootstrap},
      [&](const kafka::DeliveryReport& r) { undelivered += r.ok ? 0 : 1; });
  ASSERT_TRUE(producer.ok()) << producer.status();
  std::vector<std::string> level_event_ids;
  size_t levels_applied = 0;
  // Waits until records has taken every level event published so far from its inbox.
  auto wait_for_levels = [&] {
    ASSERT_TRUE((*producer)->Flush(10000));
    ASSERT_EQ(undelivered.load(), 0);
    if (levels_applied == level_event_ids.size()) return;
    const std::string sql = absl::StrCat(
        "SELECT count(*) FROM inbox WHERE event_id IN ('",
        absl::StrJoin(level_event_ids.begin() + levels_applied, level_event_ids.end(), "','"),
        "')");
    const std::string want = N(static_cast<int>(level_event_ids.size() - levels_applied));
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (h().db().QueryValue(sql) != want && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    ASSERT_EQ(h().db().QueryValue(sql), want) << "records did not apply the level events";
    levels_applied = level_event_ids.size();
  };

  const Rules rules;  // as written
  std::vector<size_t> next_contact(kCases, 0), next_leave(kCases, 0), next_return(kCases, 0);
  size_t next_action = 0;
  // What the service answered: per checkpoint, per list, per scope (kept for the mutation check).
  std::vector<std::vector<std::vector<Rows>>> got(checkpoints.size());
  std::vector<size_t> totals(lists.size(), 0);
  size_t reduced_on_discharge_list = 0, home_visits_overdue = 0, moved_on_lists = 0;
  absl::Duration replaying, fetching;
  for (size_t c = 0; c < checkpoints.size(); ++c) {
    const CivilDay checkpoint = checkpoints[c];
    const absl::Time replay_started = absl::Now();
    // Replay every action up to and including the checkpoint day, each on its own day.
    while (next_action < actions.size() && actions[next_action].on <= checkpoint) {
      const Action& a = actions[next_action++];
      CaseModel& m = model[a.case_index];
      SetToday(a.on);
      const int d = m.DistrictOn(a.on, rules);  // who records it: the case's district that day
      switch (a.order) {
        case kOpen: {
          v1::OpenCaseRequest req =
              ValidOpenCase(MakeIdNumber("19850315", 1 + 2 * (a.case_index % 499),
                                         absl::StrCat(330101 + a.case_index / 499)),
                            kDistricts[m.home]);
          req.mutable_assignment()->set_office_id(absl::StrCat("office-", 1 + a.case_index % 3));
          *req.mutable_sentence()->mutable_judgment_effective_date() = D(m.judgment);
          *req.mutable_sentence()->mutable_start_date() = D(m.judgment);
          *req.mutable_sentence()->mutable_end_date() =
              D(m.reduction ? m.reduction->second : m.end);
          if (m.temporary_outside_prison) {
            req.mutable_sentence()->set_kind(common::v1::SENTENCE_KIND_TEMPORARY_OUTSIDE_PRISON);
          }
          v1::OpenCaseResponse resp;
          Must(&v1::CaseService::Stub::OpenCase, req, staff[d], "open", &resp);
          m.case_id = resp.case_().case_id();
          break;
        }
        case kIntake: {
          v1::RecordIntakeCheckInRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          *req.mutable_reported_on() = D(a.on);
          Must(&v1::CaseService::Stub::RecordIntakeCheckIn, req, staff[d], "intake");
          break;
        }
        case kTransferRequest: {
          v1::RequestTransferRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          req.set_to_district_code(kDistricts[1 - m.home]);
          req.set_to_office_id("office-moved");
          *req.mutable_planned_move_on() = D(m.transfer->accepted);
          v1::RequestTransferResponse resp;
          Must(&v1::TransferService::Stub::RequestTransfer, req, staff[d], "transfer", &resp);
          m.transfer->transfer_id = resp.transfer().transfer_id();
          v1::ConsentTransferRequest consent;
          consent.set_request_id(ids::NewUuid());
          consent.set_transfer_id(m.transfer->transfer_id);
          Must(&v1::TransferService::Stub::ConsentTransfer, consent, staff[d], "consent");
          break;
        }
        case kTransferAccept: {
          v1::AcceptTransferRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_transfer_id(m.transfer->transfer_id);
          Must(&v1::TransferService::Stub::AcceptTransfer, req, staff[d], "accept");
          // The paper file arrives the same day: the year does not model the hand-over's
          // working-day deadline (RecordsFollowThroughTest.PaperFileHandoverAfterATransfer does),
          // so ListOverdue's FILE_HANDOVER kind stays empty here.
          v1::RecordFileHandoverRequest file;
          file.set_request_id(ids::NewUuid());
          file.set_transfer_id(m.transfer->transfer_id);
          Must(&v1::TransferService::Stub::RecordFileHandover, file, staff[d], "file handover");
          break;
        }
        case kTransferComplete: {
          v1::CompleteTransferRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_transfer_id(m.transfer->transfer_id);
          Must(&v1::TransferService::Stub::CompleteTransfer, req, staff[d], "complete");
          break;
        }
        case kContact: {
          const auto& [kind, on] = m.contacts[next_contact[a.case_index]++];
          v1::RecordContactRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          req.set_kind(kind);
          *req.mutable_occurred_on() = D(on);
          Must(&v1::SupervisionService::Stub::RecordContact, req, staff[d], "contact");
          break;
        }
        case kSummary: {
          v1::RecordDischargeSummaryRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          Must(&v1::DischargeService::Stub::RecordDischargeSummary, req, staff[d], "summary");
          break;
        }
        case kPerformanceReport: {
          v1::RecordPerformanceReportRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          req.set_author(absl::StrCat("officer-", d));
          Must(&v1::DischargeService::Stub::RecordPerformanceReport, req, staff[d],
               "performance report");
          break;
        }
        case kReduce: {
          v1::RecordSentenceChangeRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          req.set_kind(v1::SENTENCE_CHANGE_KIND_REDUCTION);
          req.set_court("a court");
          req.set_document_number(absl::StrCat("R-", a.case_index));
          *req.mutable_new_end_date() = D(m.end);
          Must(&v1::CaseService::Stub::RecordSentenceChange, req, staff[d], "sentence reduction");
          break;
        }
        case kDischarge: {
          v1::DischargeRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          req.set_certificate_number(absl::StrCat("C-", a.case_index));
          req.set_announced(true);
          Must(&v1::DischargeService::Stub::Discharge, req, staff[d], "discharge");
          break;
        }
        case kFollowUp: {
          v1::RecordFollowUpVisitRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          Must(&v1::DischargeService::Stub::RecordFollowUpVisit, req, staff[d], "follow-up");
          break;
        }
        case kLeaveRequest: {
          CaseModel::Leave& l = m.leaves[next_leave[a.case_index]++];
          v1::RequestLeaveRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          *req.mutable_start_date() = D(l.start);
          *req.mutable_end_date() = D(l.end);
          req.set_destination("a private destination");
          req.set_reason("a private reason");
          v1::RequestLeaveResponse resp;
          Must(&v1::LeaveService::Stub::RequestLeave, req, staff[d], "leave", &resp);
          l.leave_id = resp.leave().leave_id();
          // Up to 7 days the office approves; longer, the district bureau.
          v1::ApproveLeaveRequest approve;
          approve.set_request_id(ids::NewUuid());
          approve.set_case_id(m.case_id);
          approve.set_leave_id(l.leave_id);
          Must(&v1::LeaveService::Stub::ApproveLeave, approve,
               l.end - l.start + 1 <= 7 ? staff[d] : bureau[d], "approve");
          break;
        }
        case kLeaveReturn: {
          // Returns come in the order of the leaves (they do not overlap).
          size_t& k = next_return[a.case_index];
          while (!m.leaves[k].returned) ++k;
          v1::RecordLeaveReturnRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          req.set_leave_id(m.leaves[k++].leave_id);
          Must(&v1::LeaveService::Stub::RecordLeaveReturn, req, staff[d], "leave return");
          break;
        }
        case kOrder: {
          v1::OrderMonitoringRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          req.add_grounds(v1::MONITORING_GROUND_PROHIBITION_ORDER_BREACH);
          *req.mutable_ends_on() = D(m.order->ends);
          v1::OrderMonitoringResponse resp;
          Must(&v1::OrderService::Stub::OrderMonitoring, req, bureau[d], "order", &resp);
          m.order->order_id = resp.order().order_id();
          break;
        }
        case kRenew: {
          v1::RenewMonitoringRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          req.set_order_id(m.order->order_id);
          *req.mutable_new_ends_on() = D(m.order->renewal->second);
          Must(&v1::OrderService::Stub::RenewMonitoring, req, bureau[d], "renew");
          break;
        }
        case kEndOrder: {
          v1::EndMonitoringRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          req.set_order_id(m.order->order_id);
          req.set_reason(v1::MONITORING_END_REASON_GROUNDS_NO_LONGER_APPLY);
          Must(&v1::OrderService::Stub::EndMonitoring, req, bureau[d], "end order");
          break;
        }
        case kHealthReport: {
          v1::RecordHealthReportRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          Must(&v1::OrderService::Stub::RecordHealthReport, req, staff[d], "health report");
          break;
        }
        case kMedicalReview: {
          v1::RecordMedicalReviewRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          req.set_institution("a hospital");
          req.set_outcome(v1::MEDICAL_REVIEW_OUTCOME_CONDITION_CONTINUES);
          req.set_details("private medical details");
          Must(&v1::OrderService::Stub::RecordMedicalReview, req, staff[d], "medical review");
          break;
        }
        case kLevel: {
          // Published as the assessment service publishes it (the assessment decided the level
          // on its effective day); records applies it from its inbox.
          assessment::v1::SupervisionLevelChanged change;
          change.set_case_id(m.case_id);
          change.set_district_code(kDistricts[d]);
          change.set_level(kLevels[m.levels[a.item].second]);
          *change.mutable_effective_on() = D(m.levels[a.item].first);
          change.set_policy_version("2026.11-default");
          auto env = kafka::MakeEnvelope("ccms.assessment.supervision_level_changed", m.case_id,
                                         kDistricts[d], clock_->Now(), clock_->Now(),
                                         "ccms-assessment", change);
          level_event_ids.push_back(env.event_id());
          ASSERT_TRUE((*producer)
                          ->Produce({.topic = "ccms.assessment.v1",
                                     .key = m.case_id,
                                     .value = env.SerializeAsString()})
                          .ok());
          break;
        }
        case kSanction: {
          CaseModel::Sanction& s = m.sanctions[a.item];
          v1::RecordViolationRequest violation;
          violation.set_request_id(ids::NewUuid());
          violation.set_case_id(m.case_id);
          violation.set_kind(v1::VIOLATION_KIND_LATE_REPORTING);
          *violation.mutable_occurred_on() = D(a.on);
          violation.set_facts("private facts");
          v1::RecordViolationResponse recorded;
          Must(&v1::SanctionService::Stub::RecordViolation, violation, staff[d], "violation",
               &recorded);
          v1::IssueSanctionRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          req.set_kind(s.warning ? v1::SANCTION_KIND_WARNING : v1::SANCTION_KIND_ADMONITION);
          *req.mutable_issued_on() = D(a.on);
          req.add_violation_ids(recorded.violation_id());
          req.set_reason("a private reason");
          v1::IssueSanctionResponse issued;
          Must(&v1::SanctionService::Stub::IssueSanction, req, staff[d], "sanction", &issued);
          s.sanction_id = issued.sanction_id();
          break;
        }
        case kCorrect: {
          v1::MarkSanctionCorrectedRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          req.set_sanction_id(m.sanctions[a.item].sanction_id);
          *req.mutable_corrected_on() = D(a.on);
          Must(&v1::SanctionService::Stub::MarkSanctionCorrected, req, staff[d], "corrected");
          break;
        }
      }
      if (HasFatalFailure()) return;
    }
    wait_for_levels();
    if (HasFatalFailure()) return;
    SetToday(checkpoint);
    const CivilDay as_of = checkpoint;
    const absl::Time fetch_started = absl::Now();
    replaying += fetch_started - replay_started;

    // Every list, for each district and for all districts, against its brute force.
    got[c].assign(lists.size(), std::vector<Rows>(scopes.size()));
    for (size_t l = 0; l < lists.size(); ++l) {
      for (size_t s = 0; s < scopes.size(); ++s) {
        got[c][l][s] = lists[l].fetch(scopes[s], as_of);
        if (HasFatalFailure()) return;
        const Rows want = lists[l].brute(rules, as_of, scopes[s].district);
        EXPECT_EQ(got[c][l][s], want)
            << lists[l].name << " as of " << as_of << " for "
            << (scopes[s].district.empty() ? "all districts" : scopes[s].district);
        if (scopes[s].district.empty()) totals[l] += want.size();
      }
    }
    fetching += absl::Now() - fetch_started;
    for (const std::string& row : got[c][0][2]) {
      home_visits_overdue += row.compare(36, 5, "|3|0|") == 0;  // after the case id
    }
    for (const CaseModel& m : model) {
      if (m.case_id.empty()) continue;
      for (const std::string& row : got[c][1][2]) {
        if (row.rfind(m.case_id, 0) == 0) {
          reduced_on_discharge_list += m.reduction.has_value();
        }
      }
      if (m.transfer && m.transfer->accepted <= as_of) {
        for (const std::string& row : got[c][0][2]) {
          moved_on_lists += row.rfind(m.case_id, 0) == 0;
        }
      }
    }
  }
  // The lists are not trivially empty: the simulation exercises each of them, and the model's
  // new parts happened.
  for (size_t l = 0; l < lists.size(); ++l) {
    EXPECT_GT(totals[l], 20u) << lists[l].name;
  }
  int reductions = 0, transfers = 0, sanctions = 0;
  for (const CaseModel& m : model) {
    reductions += m.reduction.has_value();
    transfers += m.transfer.has_value();
    sanctions += static_cast<int>(m.sanctions.size());
  }
  EXPECT_GT(reduced_on_discharge_list, 5u);
  EXPECT_GT(home_visits_overdue, 20u);
  EXPECT_GT(moved_on_lists, 20u);
  EXPECT_GT(level_event_ids.size(), 50u);
  EXPECT_EQ(next_action, actions.size());
  std::cout << "cases " << kCases << " in " << std::size(kDistricts) << " districts, actions "
            << actions.size() << ", checkpoints " << checkpoints.size() << "; level events "
            << level_event_ids.size() << ", transfers " << transfers << ", sanctions " << sanctions
            << ", sentence reductions " << reductions << "\n";
  std::cout << "reduced cases on the discharge list " << reduced_on_discharge_list
            << " times, transferred cases on overdue lists " << moved_on_lists
            << " times, intake home visits overdue " << home_visits_overdue << "\n";
  std::cout << "items compared (all-districts scope; each district's too):";
  for (size_t l = 0; l < lists.size(); ++l) std::cout << " " << lists[l].name << " " << totals[l];
  std::cout << "\ntime: replaying " << absl::FormatDuration(replaying)
            << ", fetching and comparing " << absl::FormatDuration(fetching) << ", total "
            << absl::FormatDuration(absl::Now() - started) << "\n";

  // ---- the mutation check ----
  // Each rule of the brute force moved by one day (a count by one), in turn: compared with what
  // the service answered at every checkpoint above (no second simulation), each must disagree
  // somewhere, or the brute force would not have noticed the service getting that rule wrong.
  const absl::Time mutations_started = absl::Now();
  std::vector<std::pair<std::string, std::function<void(Rules&)>>> mutations = {
      {"never reported: deadline judgment + 11", [](Rules& r) { r.never_reported = 1; }},
      {"initial STRICT period one day longer", [](Rules& r) { r.initial_strict = 1; }},
      {"assessed level from the day after its effective day",
       [](Rules& r) { r.level_effective = 1; }},
      {"intake home visit within 21 days", [](Rules& r) { r.intake_home_visit = 1; }},
      {"exit-restriction filing within 6 days", [](Rules& r) { r.exit_filing = 1; }},
      {"transfer moves the case the day after acceptance",
       [](Rules& r) { r.transfer_effective = 1; }},
      {"leave late from two days after its end", [](Rules& r) { r.leave_return = 1; }},
      {"monitoring expiring within 8 days", [](Rules& r) { r.expiring_window = 1; }},
      {"health report a month and a day", [](Rules& r) { r.health_report = 1; }},
      {"medical review 3 months and a day", [](Rules& r) { r.medical_review = 1; }},
      {"discharge list 31 days ahead", [](Rules& r) { r.discharge_window = 1; }},
      {"reduction in force the day after its ruling", [](Rules& r) { r.reduction_effective = 1; }},
      {"follow-ups a day later", [](Rules& r) { r.follow_up = 1; }},
      {"correction counts from the day after", [](Rules& r) { r.sanction_corrected = 1; }},
      {"3 uncorrected warnings for revocation", [](Rules& r) { r.warnings_for_revocation = 1; }},
      {"performance report counts from the day after", [](Rules& r) { r.report_received = 1; }},
  };
  static const char* kLevelNames[] = {"STRICT", "STANDARD", "RELAXED"};
  static const char* kRequirementNames[] = {"report", "in-person", "visit", "self-report"};
  for (int level = 0; level < 3; ++level) {
    for (int q = 0; q < 4; ++q) {
      if (kIntervals[level][q].days == 0 && kIntervals[level][q].months == 0) continue;
      mutations.push_back(
          {absl::StrCat(kLevelNames[level], " ", kRequirementNames[q], " interval a day longer"),
           [level, q](Rules& r) { r.contact[level][q] = 1; }});
    }
  }
  const std::string scope_districts[] = {kDistricts[0], kDistricts[1], ""};
  int caught = 0;
  for (const auto& [name, mutate] : mutations) {
    Rules rules;
    mutate(rules);
    std::string where;
    for (size_t c = 0; c < checkpoints.size() && where.empty(); ++c) {
      for (size_t l = 0; l < lists.size() && where.empty(); ++l) {
        for (size_t s = 0; s < 3 && where.empty(); ++s) {
          if (lists[l].brute(rules, checkpoints[c], scope_districts[s]) != got[c][l][s]) {
            where = absl::StrCat(lists[l].name, " as of ", absl::FormatCivilTime(checkpoints[c]),
                                 " for ", s == 2 ? "all districts" : scope_districts[s]);
          }
        }
      }
    }
    EXPECT_FALSE(where.empty()) << "mutation not caught: " << name;
    if (!where.empty()) ++caught;
    std::cout << "mutation \"" << name
              << "\": " << (where.empty() ? "NOT CAUGHT" : absl::StrCat("caught by ", where))
              << "\n";
  }
  std::cout << caught << " of " << mutations.size() << " mutations caught in "
            << absl::FormatDuration(absl::Now() - mutations_started) << "\n";
}

}  // namespace
}  // namespace ccms::testing
