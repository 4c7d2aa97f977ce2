// A synthetic district of 500 cases over a simulated year, against real PostgreSQL and the dev
// broker, with the records service on a fixed clock moved day by day. At the end of every month
// and every Sunday, each due/overdue list the service gives (never reported, contact overdue,
// intake home visit overdue, discharges due, follow-ups due, leave not returned, monitoring
// expiring, medical due; some terms reduced by a court on the way) equals
// what a brute-force recomputation over the test's own record of what happened finds (issue: "the
// overdue lists ... equal what a brute-force recomputation in the test finds").
#include <algorithm>
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
  // The end of the term in force on `day`.
  CivilDay EndOn(CivilDay day) const {
    return reduction && reduction->first > day ? reduction->second : end;
  }
};

// What each action does, in order within a day.
enum Step {
  kOpen = 0,
  kIntake,
  kContact,
  kSummary,
  kDischarge,
  kFollowUp,
  kLeaveRequest,
  kLeaveReturn,
  kOrder,
  kRenew,
  kEndOrder,
  kHealthReport,
  kMedicalReview,
  kReduce,
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

  // Calls `method` of one of the records services' stubs; the call must succeed.
  template <typename Stub, typename Request, typename Response>
  void Must(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
            const Request& request, const std::string& what) {
    Response response;
    auto ctx = h().Context(staff_);
    grpc::Status st = (h().StubFor<Stub>().*method)(ctx.get(), request, &response);
    ASSERT_TRUE(st.ok()) << what << ": " << st.error_message();
  }

  static time::FakeClock* clock_;
  static RecordsHarness* harness_;
  std::string staff_;
  std::string bureau_;
};

time::FakeClock* RecordsYearTest::clock_ = nullptr;
RecordsHarness* RecordsYearTest::harness_ = nullptr;

TEST_F(RecordsYearTest, ListsEqualBruteForceOverASimulatedYear) {
  staff_ = h().Token(Role::kOfficeStaff, {kDistrict}, "year-staff");
  bureau_ = h().Token(Role::kDistrictBureau, {kDistrict}, "year-bureau");
  std::mt19937 rng(20270101);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
  // Sentence reductions draw from their own generator, so the other plans stay as they were.
  std::mt19937 reductions_rng(20270102);
  auto pick_reduction = [&](int lo, int hi) {
    return lo + static_cast<int>(reductions_rng() % (hi - lo + 1));
  };
  const CivilDay first_day(2026, 12, 1), last_day(2027, 12, 31);

  std::vector<CaseModel> model(kCases);
  std::vector<Action> actions;
  // Plans every case's year; the service learns of each step on its day.
  for (int i = 0; i < kCases; ++i) {
    CaseModel& m = model[i];
    m.judgment = first_day + pick(0, 330);
    m.end = AddMonths(m.judgment, pick(3, 14)) - 1;
    m.temporary_outside_prison = pick(1, 100) <= 15;
    if (pick(1, 100) <= 88) m.reported = m.judgment + pick(0, 14);  // some late, some never
    actions.push_back({m.judgment, kOpen, i, nullptr});
    if (!m.reported) continue;
    actions.push_back({*m.reported, kIntake, i, nullptr});
    // Sentence reductions for some: ruled before the summary window opens; the rest of the year
    // is planned with the new end (monitoring, leave, contacts, summary, discharge).
    if (m.end - *m.reported > 120 && pick_reduction(1, 100) <= 12) {
      const CivilDay on = *m.reported + pick_reduction(20, 60);
      const CivilDay new_end = m.end - pick_reduction(10, 60);
      if (on <= last_day && new_end - 30 > on) {
        m.reduction = {on, m.end};
        m.end = new_end;
        actions.push_back({on, kReduce, i, nullptr});
      }
    }
    const CivilDay active_until = std::min(m.end - 1, last_day);
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
      actions.push_back({l.requested, kLeaveRequest, i, nullptr});
      if (l.returned) actions.push_back({*l.returned, kLeaveReturn, i, nullptr});
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
        actions.push_back({o.starts, kOrder, i, nullptr});
        if (o.renewal && o.renewal->first <= last_day) {
          actions.push_back({o.renewal->first, kRenew, i, nullptr});
        } else {
          o.renewal.reset();
        }
        if (o.ended && *o.ended <= last_day) {
          actions.push_back({*o.ended, kEndOrder, i, nullptr});
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
        actions.push_back({on, kHealthReport, i, nullptr});
      }
      for (CivilDay on = *m.reported + pick(60, 100); on <= active_until; on += pick(70, 110)) {
        m.medical_reviews.push_back(on);
        actions.push_back({on, kMedicalReview, i, nullptr});
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
      actions.push_back({on, kContact, i, nullptr});
    }
    if (pick(1, 100) <= 60) {
      const CivilDay on = m.end - pick(0, 29);
      if (on > *m.reported && on <= last_day) {
        m.summary_on = on;
        actions.push_back({on, kSummary, i, nullptr});
      }
    }
    if (pick(1, 100) <= 75) {
      const CivilDay on = m.end + pick(0, 6);
      if (on <= last_day) {
        m.discharged_on = on;
        actions.push_back({on, kDischarge, i, nullptr});
        // Follow-up visits: some on time, some late, some never.
        for (int months : {1, 3, 6}) {
          const CivilDay visit = AddMonths(on, months) + pick(-3, 20);
          if (pick(1, 100) <= 60 && visit <= last_day && visit >= on) {
            m.follow_up_visits.push_back(visit);
          }
        }
        std::sort(m.follow_up_visits.begin(), m.follow_up_visits.end());
        for (size_t k = 0; k < m.follow_up_visits.size(); ++k) {
          actions.push_back({m.follow_up_visits[k], kFollowUp, i, nullptr});
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
    return std::tie(a.on, a.order, a.case_index) < std::tie(b.on, b.order, b.case_index);
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

  // Per case, how far the replay has got (contact / follow-up indexes).
  std::vector<size_t> next_contact(kCases, 0), next_leave(kCases, 0), next_return(kCases, 0);
  std::vector<size_t> next_health(kCases, 0), next_review(kCases, 0);
  size_t next_action = 0;
  int compared = 0;
  size_t totals[6] = {0, 0, 0, 0, 0, 0};
  size_t reduced_on_discharge_list = 0, home_visits_overdue = 0;
  std::set<std::string> reduced;  // case ids, once opened
  int reductions = 0;
  for (const CaseModel& m : model) reductions += m.reduction.has_value();
  std::sort(checkpoints.begin(), checkpoints.end());
  for (const CivilDay checkpoint : checkpoints) {
    // Replay every action up to and including the checkpoint day, each on its own day.
    while (next_action < actions.size() && actions[next_action].on <= checkpoint) {
      const Action& a = actions[next_action++];
      CaseModel& m = model[a.case_index];
      SetToday(a.on);
      switch (a.order) {
        case kOpen: {
          v1::OpenCaseRequest req =
              ValidOpenCase(MakeIdNumber("19850315", 1 + 2 * (a.case_index % 499),
                                         absl::StrCat(330101 + a.case_index / 499)),
                            kDistrict);
          *req.mutable_sentence()->mutable_judgment_effective_date() = D(m.judgment);
          *req.mutable_sentence()->mutable_start_date() = D(m.judgment);
          *req.mutable_sentence()->mutable_end_date() =
              D(m.reduction ? m.reduction->second : m.end);
          if (m.temporary_outside_prison) {
            req.mutable_sentence()->set_kind(common::v1::SENTENCE_KIND_TEMPORARY_OUTSIDE_PRISON);
          }
          v1::OpenCaseResponse resp;
          auto ctx = h().Context(staff_);
          grpc::Status st = h().cases().OpenCase(ctx.get(), req, &resp);
          ASSERT_TRUE(st.ok()) << st.error_message();
          m.case_id = resp.case_().case_id();
          break;
        }
        case kIntake: {
          v1::RecordIntakeCheckInRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          *req.mutable_reported_on() = D(a.on);
          Must(&v1::CaseService::Stub::RecordIntakeCheckIn, req, "intake");
          break;
        }
        case kContact: {
          const auto& [kind, on] = m.contacts[next_contact[a.case_index]++];
          v1::RecordContactRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          req.set_kind(kind);
          *req.mutable_occurred_on() = D(on);
          Must(&v1::SupervisionService::Stub::RecordContact, req, "contact");
          break;
        }
        case kSummary: {
          v1::RecordDischargeSummaryRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          Must(&v1::DischargeService::Stub::RecordDischargeSummary, req, "summary");
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
          Must(&v1::CaseService::Stub::RecordSentenceChange, req, "sentence reduction");
          reduced.insert(m.case_id);
          break;
        }
        case kDischarge: {
          v1::DischargeRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          req.set_certificate_number(absl::StrCat("C-", a.case_index));
          req.set_announced(true);
          Must(&v1::DischargeService::Stub::Discharge, req, "discharge");
          break;
        }
        case kFollowUp: {
          v1::RecordFollowUpVisitRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          Must(&v1::DischargeService::Stub::RecordFollowUpVisit, req, "follow-up");
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
          auto ctx = h().Context(staff_);
          grpc::Status st = h().leave().RequestLeave(ctx.get(), req, &resp);
          ASSERT_TRUE(st.ok()) << "leave: " << st.error_message();
          l.leave_id = resp.leave().leave_id();
          // Up to 7 days the office approves; longer, the district bureau.
          v1::ApproveLeaveRequest approve;
          approve.set_request_id(ids::NewUuid());
          approve.set_case_id(m.case_id);
          approve.set_leave_id(l.leave_id);
          v1::ApproveLeaveResponse approved;
          auto actx = h().Context(l.end - l.start + 1 <= 7 ? staff_ : bureau_);
          st = h().leave().ApproveLeave(actx.get(), approve, &approved);
          ASSERT_TRUE(st.ok()) << "approve: " << st.error_message();
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
          Must(&v1::LeaveService::Stub::RecordLeaveReturn, req, "leave return");
          break;
        }
        case kOrder: {
          v1::OrderMonitoringRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          req.add_grounds(v1::MONITORING_GROUND_PROHIBITION_ORDER_BREACH);
          *req.mutable_ends_on() = D(m.order->ends);
          v1::OrderMonitoringResponse resp;
          auto ctx = h().Context(bureau_);
          grpc::Status st = h().orders().OrderMonitoring(ctx.get(), req, &resp);
          ASSERT_TRUE(st.ok()) << "order: " << st.error_message();
          m.order->order_id = resp.order().order_id();
          break;
        }
        case kRenew: {
          v1::RenewMonitoringRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          req.set_order_id(m.order->order_id);
          *req.mutable_new_ends_on() = D(m.order->renewal->second);
          v1::RenewMonitoringResponse resp;
          auto ctx = h().Context(bureau_);
          grpc::Status st = h().orders().RenewMonitoring(ctx.get(), req, &resp);
          ASSERT_TRUE(st.ok()) << "renew: " << st.error_message();
          break;
        }
        case kEndOrder: {
          v1::EndMonitoringRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          req.set_order_id(m.order->order_id);
          req.set_reason(v1::MONITORING_END_REASON_GROUNDS_NO_LONGER_APPLY);
          v1::EndMonitoringResponse resp;
          auto ctx = h().Context(bureau_);
          grpc::Status st = h().orders().EndMonitoring(ctx.get(), req, &resp);
          ASSERT_TRUE(st.ok()) << "end order: " << st.error_message();
          break;
        }
        case kHealthReport: {
          ++next_health[a.case_index];
          v1::RecordHealthReportRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          Must(&v1::OrderService::Stub::RecordHealthReport, req, "health report");
          break;
        }
        case kMedicalReview: {
          ++next_review[a.case_index];
          v1::RecordMedicalReviewRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.case_id);
          req.set_institution("a hospital");
          req.set_outcome(v1::MEDICAL_REVIEW_OUTCOME_CONDITION_CONTINUES);
          req.set_details("private medical details");
          Must(&v1::OrderService::Stub::RecordMedicalReview, req, "medical review");
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
    std::set<std::pair<std::string, int>> want_not_returned;        // leave, days overdue
    std::set<std::pair<std::string, int>> want_expiring;            // order, days left
    std::set<std::tuple<std::string, int, int>> want_medical;       // case, kind, days overdue
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
      // The intake home visit: a home visit within 20 days of the intake check-in.
      bool home_visited = false;
      for (const auto& [k, on] : m.contacts)
        home_visited = home_visited || (k == v1::CONTACT_KIND_HOME_VISIT && on <= as_of);
      if (!home_visited && as_of > *m.reported + 20) {
        want_overdue.insert({m.case_id, 3, 0, int(as_of - (*m.reported + 20))});
      }
      // The exit-restriction filing within 5 days of the intake (none is filed here).
      if (as_of > *m.reported + 5) {
        want_overdue.insert({m.case_id, 4, 0, int(as_of - (*m.reported + 5))});
      }
      for (const auto& l : m.leaves) {
        if (l.requested <= as_of && l.end < as_of && !(l.returned && *l.returned <= as_of)) {
          want_not_returned.insert({l.leave_id, static_cast<int>(as_of - l.end)});
        }
      }
      if (m.order && m.order->starts <= as_of && !(m.order->ended && *m.order->ended <= as_of)) {
        CivilDay ends = m.order->ends;
        if (m.order->renewal && m.order->renewal->first <= as_of) ends = m.order->renewal->second;
        if (ends >= as_of && ends <= as_of + 7) {
          want_expiring.insert({m.order->order_id, static_cast<int>(ends - as_of)});
        }
      }
      if (m.temporary_outside_prison) {
        auto due_of = [&](const std::vector<CivilDay>& done, int months) {
          CivilDay last = *m.reported;
          for (CivilDay d : done) {
            if (d <= as_of) last = std::max(last, d);
          }
          return AddMonths(last, months);
        };
        const CivilDay health = due_of(m.health_reports, 1);
        const CivilDay review = due_of(m.medical_reviews, 3);
        if (health <= as_of) {
          want_medical.insert({m.case_id, v1::MEDICAL_DUE_KIND_HEALTH_REPORT, int(as_of - health)});
        }
        if (review <= as_of) {
          want_medical.insert(
              {m.case_id, v1::MEDICAL_DUE_KIND_MEDICAL_REVIEW, int(as_of - review)});
        }
      }
      const CivilDay end = m.EndOn(as_of);
      if (end <= as_of + 30) {
        want_discharge[m.case_id] = {int(end - as_of), m.summary_on && *m.summary_on <= as_of};
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
      grpc::Status st = h().supervision().ListOverdue(ctx.get(), req, &resp);
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
      ASSERT_TRUE(h().discharge().ListDischargesDue(ctx.get(), req, &resp).ok());
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
      ASSERT_TRUE(h().discharge().ListFollowUpsDue(ctx.get(), req, &resp).ok());
      for (const auto& i : resp.items()) got_follow_ups.insert({i.case_id(), i.days_overdue()});
      token = resp.next_page_token();
    } while (!token.empty());
    EXPECT_EQ(got_follow_ups, want_follow_ups) << "follow-ups due as of " << as_of;

    std::set<std::pair<std::string, int>> got_not_returned;
    do {
      v1::ListLeavesNotReturnedRequest req;
      req.set_district_code(kDistrict);
      *req.mutable_as_of() = D(as_of);
      req.set_page_size(50);
      req.set_page_token(token);
      v1::ListLeavesNotReturnedResponse resp;
      auto ctx = h().Context(staff_);
      ASSERT_TRUE(h().leave().ListLeavesNotReturned(ctx.get(), req, &resp).ok());
      for (const auto& i : resp.items()) {
        EXPECT_TRUE(got_not_returned.insert({i.leave_id(), i.days_overdue()}).second);
      }
      token = resp.next_page_token();
    } while (!token.empty());
    EXPECT_EQ(got_not_returned, want_not_returned) << "leave not returned as of " << as_of;

    std::set<std::pair<std::string, int>> got_expiring;
    do {
      v1::ListMonitoringExpiringRequest req;
      req.set_district_code(kDistrict);
      *req.mutable_as_of() = D(as_of);
      req.set_within_days(7);
      req.set_page_size(10);
      req.set_page_token(token);
      v1::ListMonitoringExpiringResponse resp;
      auto ctx = h().Context(staff_);
      ASSERT_TRUE(h().orders().ListMonitoringExpiring(ctx.get(), req, &resp).ok());
      for (const auto& i : resp.items()) {
        EXPECT_TRUE(got_expiring.insert({i.order_id(), i.days_left()}).second);
      }
      token = resp.next_page_token();
    } while (!token.empty());
    EXPECT_EQ(got_expiring, want_expiring) << "monitoring expiring as of " << as_of;

    std::set<std::tuple<std::string, int, int>> got_medical;
    do {
      v1::ListMedicalDueRequest req;
      req.set_district_code(kDistrict);
      *req.mutable_as_of() = D(as_of);
      req.set_page_size(20);
      req.set_page_token(token);
      v1::ListMedicalDueResponse resp;
      auto ctx = h().Context(staff_);
      ASSERT_TRUE(h().orders().ListMedicalDue(ctx.get(), req, &resp).ok());
      for (const auto& i : resp.items()) {
        EXPECT_TRUE(got_medical.insert({i.case_id(), i.kind(), i.days_overdue()}).second);
      }
      token = resp.next_page_token();
    } while (!token.empty());
    EXPECT_EQ(got_medical, want_medical) << "medical due as of " << as_of;
    totals[0] += want_overdue.size();
    totals[1] += want_discharge.size();
    totals[2] += want_follow_ups.size();
    totals[3] += want_not_returned.size();
    totals[4] += want_expiring.size();
    totals[5] += want_medical.size();
    for (const auto& [id, left] : want_discharge) reduced_on_discharge_list += reduced.count(id);
    for (const auto& item : want_overdue) home_visits_overdue += std::get<1>(item) == 3;
    ++compared;
  }
  // The lists are not trivially empty: the simulation exercises each of them.
  for (int k = 0; k < 6; ++k) EXPECT_GT(totals[k], 20u) << "list " << k;
  // Reduced terms reached the discharge list, and intake home visits were late.
  EXPECT_GT(reduced_on_discharge_list, 5u);
  EXPECT_GT(home_visits_overdue, 20u);
  std::cout << "sentence reductions " << reductions << " (on the discharge list "
            << reduced_on_discharge_list << " times), intake home visits overdue "
            << home_visits_overdue << "\n";
  std::cout << "items compared: overdue " << totals[0] << ", discharge " << totals[1]
            << ", follow-ups " << totals[2] << ", leave not returned " << totals[3]
            << ", monitoring expiring " << totals[4] << ", medical due " << totals[5] << "\n";
  EXPECT_EQ(compared, static_cast<int>(checkpoints.size()));
  EXPECT_EQ(next_action, actions.size());
}

}  // namespace
}  // namespace ccms::testing
