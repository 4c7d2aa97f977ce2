// Employment's simulated year (issue 15, acceptance): 300 cases in two districts over 2024 (a
// leap year), against a real PostgreSQL, the employment service on a fixed clock moved through
// each day. Records' events (case opened, intake reported, lost contact / found again, transferred,
// closed) reach employment's consumer as the other employment tests hand them over (its inbox);
// staff create and send referrals to four partners, partners answer them in time, late or never
// (some are withdrawn, some declined, some go on to an interview, an offer and a placement), staff
// start employment spells from the placements and with other employers, end some, and the employer
// or staff confirm retention checks in their window or never; staff record minors' schooling
// situations and steps of support. Every day at 00:05 (Asia/Shanghai) the escalation task runs as
// the service's periodic task would (escalation of unanswered referrals, retention checks missed),
// except on a few days it is down.
//
// At every month end and 15th, and on 28 February and 1 March, both districts' lists (escalated
// referrals, retention checks due and overdue, open schooling items, overdue schooling items)
// equal a brute-force recomputation written here from what the test did (docs/employment.md,
// RULES.md, deploy/policy/default.yaml: answer within 5 days, checks at 30/90/180 days confirmed
// within 14, schooling support due 30 days after the situation; not the service's domain code).
// Rows name the case by its index in the simulation, never a person.
//
// The brute force is then checked itself: each of its rules moved by a day or turned off in turn,
// compared with the answers already fetched, must disagree at some checkpoint.
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
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "tests/integration/employment_harness.h"

namespace ccms::testing {
namespace {

using absl::CivilDay;
using absl::CivilMonth;
using auth::Role;
namespace v1 = employment::v1;

constexpr const char* kDistricts[] = {"330102", "330106"};
constexpr const char* kAgencies[] = {"year-agency-a", "year-agency-b", "year-agency-c",
                                     "year-agency-d"};
constexpr int kCases = 300;    // case i opened in kDistricts[i % 2]
constexpr int kEdgeCases = 6;  // cases 0-5 are planned by hand, the others at random
const CivilDay kFirstDay(2024, 1, 1), kLastDay(2024, 12, 31);

// The policy as written (deploy/policy/default.yaml, employment).
constexpr int kAnswerWithinDays = 5;
constexpr int kCheckDays[] = {30, 90, 180};
constexpr int kConfirmWithinDays = 14;
constexpr int kSchoolingDueDays = 30;

std::string Day(CivilDay d) { return absl::FormatCivilTime(d); }
std::string Day(const google::type::Date& d) {
  if (d.year() == 0) return "-";
  return Day(CivilDay(d.year(), d.month(), d.day()));
}
google::type::Date D(CivilDay d) { return grpc_util::ToProtoDate(d); }

// A moment of the simulated year: a day and the phase of the day's work (the order below).
enum Phase {
  kRun = 0,     // 00:05 the escalation task (referrals escalated, retention checks missed)
  kEvents,      // 07:30 records' events
  kStaff,       // 09:00 staff commands
  kPartner,     // 11:00 partners' answers and confirmations
  kCheckpoint,  // 23:00 compared
};
int64_t At(CivilDay d, int phase) { return (d - CivilDay(2000, 1, 1)) * 10 + phase; }
absl::Time TimeOf(CivilDay d, int phase) {
  static const int kMinutes[] = {5, 7 * 60 + 30, 9 * 60, 11 * 60, 23 * 60};
  return absl::FromCivil(absl::CivilMinute(d) + kMinutes[phase], time::ShanghaiTimeZone());
}

// The brute force's rules, each as a shift from the rule as written (all zero / as documented);
// the mutation check moves one at a time.
struct Rules {
  int answer_days = 0;                 // a partner answers within 5 days of sending
  bool escalate_on_due_day = false;    // escalated from the day after the due day
  bool lost_pauses = true;             // lost contact holds the escalation back
  bool task_never_down = false;        // the task ran on every day (it did not)
  int check_shift = 0;                 // a check of day N is due on start + N
  int window_shift = 0;                // confirmable until due + 14
  bool end_cancels_due_day = false;    // an end cancels the checks due after it (not on it)
  bool close_cancels = true;           // a closing cancels the checks due after it
  bool transfer_moves = true;          // a transfer moves referrals, spells, checks and items
  int school_due = 0;                  // the required item due 30 days after the situation
  bool school_overdue_on_due = false;  // overdue from the day after the due day
  bool second_record_moves = false;    // a second record keeps the first deadline
  bool close_cancels_items = true;     // a closing cancels open schooling items
  bool close_withdraws = true;         // a closing withdraws open referrals
};

// A step of a referral after its sending, by the partner (its client) or staff.
struct Step {
  CivilDay on;
  v1::ReferralStatus to;
  bool by_partner = true;
  std::string reason;
};
struct Referral {
  int partner = 0;
  v1::ReferralKind kind = v1::REFERRAL_KIND_JOB_PLACEMENT;
  CivilDay created;
  std::optional<CivilDay> sent;
  std::vector<Step> steps;
  std::string id;
};
struct Confirmation {
  CivilDay on;
  bool by_partner = false;
};
struct Spell {
  CivilDay recorded, start;
  int referral = -1;       // a placed referral of the case (its partner employs), or
  std::string other_code;  // another employer
  std::optional<CivilDay> ended;
  std::map<int, Confirmation> confirmations;  // day offset -> when confirmed
  std::string id;
};
// A schooling situation recorded, or a step of support on an open item.
struct SchoolAction {
  CivilDay day, on;
  bool situation = true;
  bool completed = false, wish = false;
  int item_kind = 0;  // steps: 0 COMPULSORY_EDUCATION, 1 CONTINUED_SCHOOLING
  v1::SchoolingStep step = v1::SCHOOLING_STEP_UNSPECIFIED;
};
struct CaseModel {
  std::string id;
  int district = 0;  // where it opened
  bool minor = false;
  int age = 30;
  CivilDay opened;
  std::optional<CivilDay> lost, found, transferred, closed;
  std::vector<Referral> referrals;
  std::vector<Spell> spells;
  std::vector<SchoolAction> schooling;
  std::string open_item[2];  // the open schooling items' ids while the test runs
};

enum ActionKind {
  aRun,
  aOpen,
  aLost,
  aFound,
  aTransfer,
  aClose,
  aCreate,
  aSend,
  aStep,  // staff or partner, by its phase
  aSpellStart,
  aSpellEnd,
  aConfirm,
  aSchooling,
  aCheckpoint,
};
struct Action {
  CivilDay on;
  int phase;
  ActionKind kind;
  int index = 0;  // case
  int item = 0;   // referral / spell / schooling action
  int sub = 0;    // step / day offset
};

using Rows = std::multiset<std::string>;
struct Comparison {
  std::string what;
  Rows got;
  std::function<Rows(const Rules&)> brute;
};

// The rows two sets differ by, at most `n` of each side.
std::string Diff(const Rows& got, const Rows& want, size_t n = 8) {
  std::vector<std::string> extra, missing;
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(extra));
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(),
                      std::back_inserter(missing));
  std::string out = absl::StrCat(extra.size(), " rows only in the service's answer, ",
                                 missing.size(), " only in the brute force");
  for (size_t i = 0; i < extra.size() && i < n; ++i) absl::StrAppend(&out, "\n  got  ", extra[i]);
  for (size_t i = 0; i < missing.size() && i < n; ++i) {
    absl::StrAppend(&out, "\n  want ", missing[i]);
  }
  return out;
}

class EmploymentYearTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() == nullptr) return;
    harness_ = new EmploymentHarness();
    harness_->consumer().Stop();  // only this test's events make cases
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  void SetUp() override {
    if (harness_ == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
  }
  EmploymentHarness& h() { return *harness_; }
  static EmploymentHarness* harness_;
};
EmploymentHarness* EmploymentYearTest::harness_ = nullptr;

TEST_F(EmploymentYearTest, DueOverdueAndEscalatedListsEqualBruteForceOverASimulatedYear) {
  const absl::Time started = absl::Now();
  EmploymentHarness& hh = h();
  std::string staff[2];
  for (int d = 0; d < 2; ++d) {
    staff[d] = hh.Token(Role::kOfficeStaff, {kDistricts[d]}, absl::StrCat("year-staff-", d));
  }
  std::mt19937 rng(20240229);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
  auto chance = [&](int percent) { return pick(1, 100) <= percent; };
  const std::vector<std::string> other_codes = {"SELF_EMPLOYED", "FAMILY_BUSINESS",
                                                "PRIVATE_EMPLOYER", "PUBLIC_EMPLOYER"};

  // ---- the plan of the year ----
  std::vector<CaseModel> model(kCases);
  // Whether the person is lost contact on `d` after the day's events (then staff and partners
  // take no step of a referral but a withdrawal).
  auto lost_on_day = [](const CaseModel& m, CivilDay d) {
    return m.lost && *m.lost <= d && !(m.found && *m.found <= d);
  };
  auto last_day = [&](const CaseModel& m) {
    return m.closed ? std::min(*m.closed - 1, kLastDay) : kLastDay;
  };
  for (int i = 0; i < kCases; ++i) {
    CaseModel& m = model[i];
    m.district = i % 2;
    m.minor = i >= kEdgeCases && chance(15);
    m.age = m.minor ? pick(12, 15) : pick(18, 55);
    m.opened = kFirstDay + pick(0, 300);
    if (i < kEdgeCases) continue;  // the edge cases below
    if (chance(10)) {
      m.lost = m.opened + pick(5, 200);
      if (chance(75)) m.found = *m.lost + pick(1, 40);
    }
    if (chance(8)) m.transferred = m.opened + pick(3, 200);
    if (chance(20)) m.closed = m.opened + pick(20, 250);
    for (auto* d : {&m.lost, &m.found, &m.transferred, &m.closed}) {
      if (*d && **d > kLastDay) d->reset();
    }
    if (!m.lost) m.found.reset();
    if (m.closed && m.transferred && *m.transferred >= *m.closed) m.transferred.reset();
    if (m.closed && m.lost && *m.lost >= *m.closed) m.lost.reset(), m.found.reset();
    if (m.closed && m.found && *m.found >= *m.closed) m.found.reset();
  }
  // Edge cases around the leap day: an other employer's spell from 30 January (its 30-day check
  // due 29 February), a referral sent 24 February (answer due 29 February, escalated 1 March) and
  // one sent 23 February (due 28 February, escalated on the leap day), a minor's required
  // schooling recorded 30 January (due 29 February, overdue from 1 March).
  model[0].opened = CivilDay(2024, 1, 2);
  model[0].spells.push_back({CivilDay(2024, 1, 30), CivilDay(2024, 1, 30), -1, "SELF_EMPLOYED"});
  model[1].opened = CivilDay(2024, 2, 1);
  model[1].referrals.push_back(
      {0, v1::REFERRAL_KIND_JOB_PLACEMENT, CivilDay(2024, 2, 24), CivilDay(2024, 2, 24), {}});
  model[2].opened = CivilDay(2024, 1, 20);
  model[2].minor = true;
  model[2].age = 14;
  model[2].schooling.push_back({CivilDay(2024, 1, 30), CivilDay(2024, 1, 30)});
  model[3].opened = CivilDay(2024, 2, 10);
  model[3].referrals.push_back(
      {1, v1::REFERRAL_KIND_COUNSELLING, CivilDay(2024, 2, 20), CivilDay(2024, 2, 23), {}});
  // Lost contact two days after a sending, found again after the due day: escalated the day
  // after the finding (the task at 00:05 sees the finding of 07:30 the day before); lost for good
  // after a sending: never escalated.
  model[4].opened = CivilDay(2024, 3, 1);
  model[4].referrals.push_back(
      {2, v1::REFERRAL_KIND_JOB_PLACEMENT, CivilDay(2024, 3, 4), CivilDay(2024, 3, 4), {}});
  model[4].lost = CivilDay(2024, 3, 6);
  model[4].found = CivilDay(2024, 3, 25);
  model[5].opened = CivilDay(2024, 5, 1);
  model[5].referrals.push_back(
      {3, v1::REFERRAL_KIND_SKILLS_TRAINING, CivilDay(2024, 5, 2), CivilDay(2024, 5, 2), {}});
  model[5].lost = CivilDay(2024, 5, 3);

  int placed = 0;
  for (int i = kEdgeCases; i < kCases; ++i) {
    CaseModel& m = model[i];
    const CivilDay last = last_day(m);
    if (last < m.opened + 3) continue;
    auto usable = [&](CivilDay d) { return d <= last && !lost_on_day(m, d); };
    if (!m.minor) {
      // Referrals: 0-3, each created, mostly sent, then answered in time, late or never, some
      // withdrawn; accepted ones may go on to a placement and a spell.
      const int n = pick(0, 3);
      for (int k = 0; k < n; ++k) {
        Referral r;
        r.partner = pick(0, 3);
        const int kind = pick(0, 9);
        r.kind = kind < 6   ? v1::REFERRAL_KIND_JOB_PLACEMENT
                 : kind < 8 ? v1::REFERRAL_KIND_SKILLS_TRAINING
                            : v1::REFERRAL_KIND_COUNSELLING;
        r.created = m.opened + pick(0, static_cast<int>(last - m.opened));
        if (!usable(r.created)) continue;
        const CivilDay s = r.created + pick(0, 2);
        if (chance(88) && usable(s)) {
          r.sent = s;
          const int fate = pick(0, 99);
          CivilDay at = s;
          auto step = [&](CivilDay on, v1::ReferralStatus to, bool by_partner,
                          const std::string& reason = "") {
            // The chain stops where the case is lost contact or closed, or past the year.
            const bool withdrawal = to == v1::REFERRAL_STATUS_WITHDRAWN;
            if (on > last || (!withdrawal && lost_on_day(m, on))) return false;
            r.steps.push_back({on, to, by_partner, reason});
            at = on;
            return true;
          };
          if (fate < 70) {  // answered: 45 in time, 25 late
            const CivilDay a = fate < 45 ? s + pick(0, kAnswerWithinDays) : s + pick(6, 25);
            const bool by_partner = chance(80);
            if (chance(75)) {
              if (step(a, v1::REFERRAL_STATUS_ACCEPTED, by_partner) &&
                  step(at + pick(1, 7), v1::REFERRAL_STATUS_INTERVIEW, chance(70))) {
                if (chance(70)) {
                  if (step(at + pick(1, 7), v1::REFERRAL_STATUS_OFFERED, chance(70)) &&
                      chance(90)) {
                    step(at + pick(1, 10), v1::REFERRAL_STATUS_PLACED, chance(70));
                  } else if (chance(50)) {
                    step(at + pick(1, 10), v1::REFERRAL_STATUS_WITHDRAWN, false, "NEED_MET");
                  }
                } else {
                  step(at + pick(1, 7), v1::REFERRAL_STATUS_NOT_HIRED, chance(70),
                       "EMPLOYER_DECISION");
                }
              }
            } else {
              step(a, v1::REFERRAL_STATUS_DECLINED, by_partner, "NO_VACANCY");
            }
          } else if (fate < 85) {  // withdrawn by staff while waiting (perhaps escalated)
            step(s + pick(1, 20), v1::REFERRAL_STATUS_WITHDRAWN, false, "PERSON_DECLINED");
          }  // else never answered
        } else if (chance(40)) {
          r.steps.push_back({r.created + 1, v1::REFERRAL_STATUS_WITHDRAWN, false, "WRONG_PARTNER"});
          if (r.steps.back().on > last) r.steps.clear();
        }
        m.referrals.push_back(r);
        // A placement: staff record the spell the next day (started on the placement's day).
        if (!r.steps.empty() && r.steps.back().to == v1::REFERRAL_STATUS_PLACED) {
          const CivilDay p = r.steps.back().on;
          if (p + 1 <= last) {
            Spell sp;
            sp.recorded = p + 1;
            sp.start = p;
            sp.referral = static_cast<int>(m.referrals.size()) - 1;
            m.spells.push_back(sp);
            ++placed;
          }
        }
      }
      // Work with another employer, recorded by staff up to 10 days after it started.
      if (chance(22)) {
        Spell sp;
        sp.recorded = m.opened + pick(0, static_cast<int>(last - m.opened));
        sp.start = std::max(m.opened, sp.recorded - pick(0, 10));
        sp.other_code = other_codes[pick(0, static_cast<int>(other_codes.size()) - 1)];
        m.spells.push_back(sp);
      }
    } else {
      // A minor's schooling: the situation recorded (perhaps a few days after the day it
      // describes), then steps of support, a second record, a completion, a new item.
      CivilDay d = m.opened + pick(0, 20);
      if (d > last) continue;
      SchoolAction first{d, std::max(m.opened, d - pick(0, 3))};
      first.completed = chance(20);
      first.wish = first.completed && chance(75);
      m.schooling.push_back(first);
      bool open[2] = {!first.completed, first.wish};
      for (d = d + pick(3, 40); d <= last; d += pick(3, 40)) {
        const int roll = pick(0, 99);
        SchoolAction a{d, d, false};
        if (open[0]) {
          a.item_kind = 0;
          if (roll < 40) {
            a.step = v1::SCHOOLING_STEP_LIAISON;
          } else if (roll < 65) {
            a.step = v1::SCHOOLING_STEP_ENROLLED;
            open[0] = false;
          } else if (roll < 78) {
            a.situation = true;  // again not completed: the first deadline stays
          } else if (roll < 88) {
            a.situation = true;
            a.completed = true;
            a.wish = chance(60);
            open[0] = false;
            open[1] = open[1] || a.wish;
          } else {
            continue;
          }
        } else if (open[1]) {
          a.item_kind = 1;
          if (roll < 40) {
            a.step = v1::SCHOOLING_STEP_LIAISON;
          } else if (roll < 60) {
            a.step = v1::SCHOOLING_STEP_ENROLLED;
            open[1] = false;
          } else if (roll < 80) {
            a.step = v1::SCHOOLING_STEP_DECLINED;
            open[1] = false;
          } else {
            continue;
          }
        } else if (roll < 25) {
          a.situation = true;  // left school again: a new required item
          open[0] = true;
        } else {
          break;
        }
        m.schooling.push_back(a);
      }
    }
  }
  // Spells: ends, and confirmations of their checks in the window (or never).
  for (CaseModel& m : model) {
    const CivilDay last = last_day(m);
    for (Spell& sp : m.spells) {
      if (chance(30)) {
        const CivilDay e = sp.recorded + pick(5, 220);
        if (e <= last) sp.ended = e;
      }
      for (int n : kCheckDays) {
        const CivilDay due = sp.start + n;
        if (sp.ended && due > *sp.ended) continue;  // cancelled by the end
        if (!chance(65)) continue;                  // never confirmed: missed
        const CivilDay on = due + pick(0, kConfirmWithinDays);
        if (on > last || on < sp.recorded || (sp.ended && on > *sp.ended)) continue;
        const bool partner_employer = sp.referral >= 0;
        sp.confirmations[n] = {on, partner_employer && chance(70)};
      }
    }
  }
  // The edge spell of case 0: its 30-day check confirmed on its due day (29 February), the 90-day
  // one on the window's last day.
  model[0].spells[0].ended.reset();
  // A spell of case 0 ended on its 30-day check's due day (1 July): that check stays, due until
  // its window's last day, 15 July (a checkpoint), then missed; the later ones are cancelled.
  model[0].spells.push_back({CivilDay(2024, 6, 1), CivilDay(2024, 6, 1), -1, "FAMILY_BUSINESS"});
  model[0].spells[1].ended = CivilDay(2024, 7, 1);
  model[0].spells[0].confirmations = {{30, {CivilDay(2024, 2, 29), false}},
                                      {90, {CivilDay(2024, 4, 29) + 14, false}}};

  // ---- the actions, day by day ----
  std::vector<Action> actions;
  std::set<CivilDay> down;  // days the escalation task did not run
  for (CivilDay d = kFirstDay; d <= kLastDay; ++d) {
    const bool is_down = chance(5) || d == CivilDay(2024, 3, 31) || d == CivilDay(2024, 9, 30);
    if (is_down) {
      down.insert(d);
    } else {
      actions.push_back({d, kRun, aRun});
    }
  }
  for (int i = 0; i < kCases; ++i) {
    const CaseModel& m = model[i];
    actions.push_back({m.opened, kEvents, aOpen, i});
    if (m.lost) actions.push_back({*m.lost, kEvents, aLost, i});
    if (m.found) actions.push_back({*m.found, kEvents, aFound, i});
    if (m.transferred) actions.push_back({*m.transferred, kEvents, aTransfer, i});
    if (m.closed) actions.push_back({*m.closed, kEvents, aClose, i});
    for (size_t k = 0; k < m.referrals.size(); ++k) {
      const Referral& r = m.referrals[k];
      const int item = static_cast<int>(k);
      actions.push_back({r.created, kStaff, aCreate, i, item});
      if (r.sent) actions.push_back({*r.sent, kStaff, aSend, i, item});
      for (size_t s = 0; s < r.steps.size(); ++s) {
        actions.push_back({r.steps[s].on, r.steps[s].by_partner ? kPartner : kStaff, aStep, i, item,
                           static_cast<int>(s)});
      }
    }
    for (size_t k = 0; k < m.spells.size(); ++k) {
      const Spell& sp = m.spells[k];
      const int item = static_cast<int>(k);
      actions.push_back({sp.recorded, kStaff, aSpellStart, i, item});
      if (sp.ended) actions.push_back({*sp.ended, kStaff, aSpellEnd, i, item});
      for (const auto& [n, c] : sp.confirmations) {
        actions.push_back({c.on, c.by_partner ? kPartner : kStaff, aConfirm, i, item, n});
      }
    }
    for (size_t k = 0; k < m.schooling.size(); ++k) {
      actions.push_back({m.schooling[k].day, kStaff, aSchooling, i, static_cast<int>(k)});
    }
  }
  // Every month end and 15th, and 28 February and 1 March around the leap day.
  std::vector<CivilDay> checkpoints = {CivilDay(2024, 2, 28), CivilDay(2024, 3, 1)};
  for (int mo = 1; mo <= 12; ++mo) {
    checkpoints.push_back(CivilDay(2024, mo, 15));
    checkpoints.push_back(CivilDay(CivilMonth(2024, mo) + 1) - 1);
  }
  for (CivilDay c : checkpoints) actions.push_back({c, kCheckpoint, aCheckpoint});
  std::stable_sort(actions.begin(), actions.end(), [](const Action& a, const Action& b) {
    return std::make_tuple(a.on, a.phase, a.kind, a.index, a.item, a.sub) <
           std::make_tuple(b.on, b.phase, b.kind, b.index, b.item, b.sub);
  });

  // ---- the brute force ----
  // What the service knows at moment `x` (At(day, phase)): an action counts once done.
  auto done = [](CivilDay day, int phase, int64_t x) { return At(day, phase) <= x; };
  auto known = [&](const CaseModel& m, int64_t x) { return done(m.opened, kEvents, x); };
  auto closed_by = [&](const CaseModel& m, int64_t x) {
    return m.closed && done(*m.closed, kEvents, x);
  };
  // The district the case's objects are listed under at `x`.
  auto district_at = [&](const CaseModel& m, const Rules& r, int64_t x) {
    if (r.transfer_moves && m.transferred && done(*m.transferred, kEvents, x)) {
      return 1 - m.district;
    }
    return m.district;
  };
  auto ran = [&](CivilDay d, const Rules& r) { return r.task_never_down || down.count(d) == 0; };
  // A referral's status at `x`.
  auto status_at = [&](const CaseModel& m, const Referral& ref, const Rules& r, int64_t x) {
    v1::ReferralStatus s = v1::REFERRAL_STATUS_DRAFT;
    if (ref.sent && done(*ref.sent, kStaff, x)) s = v1::REFERRAL_STATUS_SENT;
    for (const Step& st : ref.steps) {
      if (done(st.on, st.by_partner ? kPartner : kStaff, x)) s = st.to;
    }
    const bool open = s == v1::REFERRAL_STATUS_DRAFT || s == v1::REFERRAL_STATUS_SENT ||
                      s == v1::REFERRAL_STATUS_ACCEPTED || s == v1::REFERRAL_STATUS_INTERVIEW ||
                      s == v1::REFERRAL_STATUS_OFFERED;
    if (open && r.close_withdraws && closed_by(m, x)) s = v1::REFERRAL_STATUS_WITHDRAWN;
    return s;
  };
  // Lost contact as the escalation task sees it at 00:05 on `d` (events come at 07:30).
  auto lost_at_run = [&](const CaseModel& m, CivilDay d) {
    return m.lost && *m.lost < d && !(m.found && *m.found < d);
  };
  auto answer_due = [&](const Referral& ref, const Rules& r) {
    return *ref.sent + kAnswerWithinDays + r.answer_days;
  };
  // The day the task escalated the referral, if it did by `x`: its first run after the due day
  // that found it SENT and its person not lost contact.
  auto escalated_on = [&](const CaseModel& m, const Referral& ref, const Rules& r,
                          int64_t x) -> std::optional<CivilDay> {
    if (!ref.sent) return std::nullopt;
    const CivilDay due = answer_due(ref, r);
    for (CivilDay d = r.escalate_on_due_day ? due : due + 1; done(d, kRun, x); ++d) {
      if (!ran(d, r)) continue;
      if (status_at(m, ref, r, At(d, kRun)) != v1::REFERRAL_STATUS_SENT) return std::nullopt;
      if (r.lost_pauses && lost_at_run(m, d)) continue;
      return d;
    }
    return std::nullopt;
  };
  // A retention check's status at `x`: (due, confirm_by, status).
  auto check_at = [&](const CaseModel& m, const Spell& sp, int n, const Rules& r, int64_t x) {
    const CivilDay due = sp.start + n + r.check_shift;
    const CivilDay by = due + kConfirmWithinDays + r.window_shift;
    std::string status = "PENDING";
    auto c = sp.confirmations.find(n);
    const bool ended_before = sp.ended && done(*sp.ended, kStaff, x) &&
                              (due > *sp.ended || (r.end_cancels_due_day && due == *sp.ended));
    const bool closed_before = r.close_cancels && closed_by(m, x) && due > *m.closed;
    if (c != sp.confirmations.end() &&
        done(c->second.on, c->second.by_partner ? kPartner : kStaff, x)) {
      status = "CONFIRMED";
    } else if (ended_before || closed_before) {
      status = "CANCELLED";
    } else {
      for (CivilDay d = by + 1; done(d, kRun, x); ++d) {
        if (ran(d, r)) {
          status = "MISSED";
          break;
        }
      }
    }
    return std::make_tuple(due, by, status);
  };
  // The case's schooling items at `x`: kind, opened, due, liaisons, status.
  struct Item {
    int kind;
    CivilDay opened, due;
    int liaisons = 0;
    std::string status = "OPEN";
  };
  auto items_at = [&](const CaseModel& m, const Rules& r, int64_t x) {
    std::vector<Item> items;
    auto open = [&](int kind) -> Item* {
      for (Item& it : items) {
        if (it.kind == kind && it.status == "OPEN") return &it;
      }
      return nullptr;
    };
    for (const SchoolAction& a : m.schooling) {
      if (!done(a.day, kStaff, x)) break;
      if (a.situation && !a.completed) {
        if (Item* it = open(0)) {
          if (r.second_record_moves) it->due = a.on + kSchoolingDueDays + r.school_due;
        } else {
          items.push_back({0, a.on, a.on + kSchoolingDueDays + r.school_due});
        }
      } else if (a.situation) {
        if (Item* it = open(0)) it->status = "NOT_NEEDED";
        if (a.wish && open(1) == nullptr) items.push_back({1, a.on, a.on});
      } else if (Item* it = open(a.item_kind)) {
        if (a.step == v1::SCHOOLING_STEP_LIAISON) ++it->liaisons;
        if (a.step == v1::SCHOOLING_STEP_ENROLLED) it->status = "MET";
        if (a.step == v1::SCHOOLING_STEP_DECLINED) it->status = "DECLINED";
      }
    }
    if (r.close_cancels_items && closed_by(m, x)) {
      for (Item& it : items) {
        if (it.status == "OPEN") it.status = "CANCELLED";
      }
    }
    return items;
  };
  auto overdue_item = [&](const Item& it, CivilDay as_of, const Rules& r) {
    return it.kind == 0 && it.status == "OPEN" &&
           (it.due < as_of || (r.school_overdue_on_due && it.due == as_of));
  };
  static const char* kItemKinds[] = {"COMPULSORY_EDUCATION", "CONTINUED_SCHOOLING"};

  // ---- the year ----
  auto must = [&](const grpc::Status& st, const std::string& what) {
    EXPECT_TRUE(st.ok()) << what << ": " << st.error_message();
    return st.ok();
  };
  auto must_ok = [&](const absl::Status& st, const std::string& what) {
    EXPECT_TRUE(st.ok()) << what << ": " << st;
    return st.ok();
  };
  std::map<std::string, int> case_index;                   // case id -> index
  std::map<std::string, std::pair<int, int>> referral_of;  // referral id -> (case, k)
  std::map<std::string, std::pair<int, int>> spell_of;     // spell id -> (case, k)
  auto label = [&](const std::string& case_id) {
    auto it = case_index.find(case_id);
    return it == case_index.end() ? "case ?" : absl::StrCat("case ", it->second);
  };
  auto partner_principal = [](int p) {
    auth::Principal who;
    who.subject = "partner-user";
    who.role = Role::kPartner;
    who.agency_id = kAgencies[p];
    return who;
  };
  int rpcs = 0, events = 0, runs = 0, escalations = 0, misses = 0;
  std::vector<Comparison> comparisons;
  size_t compared_items = 0;
  auto compare = [&](const std::string& what, Rows got, std::function<Rows(const Rules&)> brute) {
    const Rows want = brute(Rules{});
    EXPECT_TRUE(got == want) << what << ": " << Diff(got, want);
    compared_items += want.size();
    comparisons.push_back({what, std::move(got), std::move(brute)});
  };

  // Partners: four agencies registered in the first district, serving both.
  std::string partner_ids[4];
  for (int p = 0; p < 4; ++p) {
    v1::RegisterPartnerRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_agency_id(kAgencies[p]);
    req.set_name(absl::StrCat("Year partner ", p));
    req.set_kind(p % 2 == 0 ? v1::PARTNER_KIND_ENTERPRISE : v1::PARTNER_KIND_VOCATIONAL_SCHOOL);
    req.set_district_code(kDistricts[0]);
    req.add_districts_served(kDistricts[1]);
    v1::RegisterPartnerResponse resp;
    auto ctx = hh.Context(staff[0]);
    ASSERT_TRUE(must(hh.partners().RegisterPartner(ctx.get(), req, &resp), "partner"));
    partner_ids[p] = resp.partner().partner_id();
  }

  auto feed = [&](const std::string& type, const CaseModel& m, int district,
                  const google::protobuf::Message& p, const std::string& what) {
    ++events;
    return must_ok(hh.Feed(type, m.id, kDistricts[district], p), what);
  };
  // Paged lists of one district as rows.
  auto list_escalated = [&](int d) {
    Rows rows;
    std::string token;
    do {
      v1::ListReferralsRequest req;
      req.set_district_code(kDistricts[d]);
      req.set_escalated_only(true);
      req.set_page_size(500);
      req.set_page_token(token);
      v1::ListReferralsResponse resp;
      auto ctx = hh.Context(staff[d]);
      ++rpcs;
      if (!must(hh.referrals().ListReferrals(ctx.get(), req, &resp), "escalated list")) break;
      for (const auto& r : resp.referrals()) {
        auto it = referral_of.find(r.referral_id());
        const int k = it == referral_of.end() ? -1 : it->second.second;
        rows.insert(absl::StrCat(label(r.case_id()), " referral ", k, " sent ", Day(r.sent_on()),
                                 " due ", Day(r.answer_due_on()), " escalated ",
                                 Day(r.escalated_on())));
      }
      token = resp.next_page_token();
    } while (!token.empty());
    return rows;
  };
  auto list_checks = [&](int d, v1::RetentionList which, CivilDay as_of) {
    Rows rows;
    std::string token;
    do {
      v1::ListRetentionChecksRequest req;
      req.set_district_code(kDistricts[d]);
      req.set_list(which);
      *req.mutable_as_of() = D(as_of);
      req.set_page_size(500);
      req.set_page_token(token);
      v1::ListRetentionChecksResponse resp;
      auto ctx = hh.Context(staff[d]);
      ++rpcs;
      if (!must(hh.retention().ListRetentionChecks(ctx.get(), req, &resp), "checks list")) break;
      for (const auto& k : resp.checks()) {
        auto it = spell_of.find(k.spell_id());
        const int s = it == spell_of.end() ? -1 : it->second.second;
        rows.insert(absl::StrCat(label(k.case_id()), " spell ", s, " day ", k.day_offset(), " due ",
                                 Day(k.due_on()), " by ", Day(k.confirm_by()), " ",
                                 v1::RetentionCheckStatus_Name(k.status())));
      }
      token = resp.next_page_token();
    } while (!token.empty());
    return rows;
  };
  auto list_items = [&](int d, bool overdue_only, CivilDay as_of) {
    Rows rows;
    std::string token;
    do {
      v1::ListSchoolingItemsRequest req;
      req.set_district_code(kDistricts[d]);
      req.set_overdue_only(overdue_only);
      *req.mutable_as_of() = D(as_of);
      req.set_page_size(500);
      req.set_page_token(token);
      v1::ListSchoolingItemsResponse resp;
      auto ctx = hh.Context(staff[d]);
      ++rpcs;
      if (!must(hh.schooling().ListSchoolingItems(ctx.get(), req, &resp), "schooling list")) {
        break;
      }
      for (const auto& it : resp.items()) {
        const bool required = it.kind() == v1::SCHOOLING_ITEM_KIND_COMPULSORY_EDUCATION;
        rows.insert(absl::StrCat(
            label(it.case_id()), " ", kItemKinds[required ? 0 : 1], " opened ", Day(it.opened_on()),
            " due ", required ? Day(it.due_on()) : "-", " liaisons ", it.liaison_count(), " ",
            v1::SchoolingItemStatus_Name(it.status()), it.overdue() ? " overdue" : ""));
      }
      token = resp.next_page_token();
    } while (!token.empty());
    return rows;
  };
  auto compare_lists = [&](CivilDay day) {
    const int64_t x = At(day, kCheckpoint);
    for (int d = 0; d < 2; ++d) {
      const std::string where = absl::StrCat(" as of ", Day(day), " in ", kDistricts[d]);
      compare("escalated referrals" + where, list_escalated(d), [&, d, x](const Rules& r) {
        Rows rows;
        for (int i = 0; i < kCases; ++i) {
          const CaseModel& m = model[i];
          if (!known(m, x) || district_at(m, r, x) != d) continue;
          for (size_t k = 0; k < m.referrals.size(); ++k) {
            const Referral& ref = m.referrals[k];
            if (status_at(m, ref, r, x) != v1::REFERRAL_STATUS_SENT) continue;
            const auto esc = escalated_on(m, ref, r, x);
            if (!esc) continue;
            rows.insert(absl::StrCat("case ", i, " referral ", k, " sent ", Day(*ref.sent), " due ",
                                     Day(answer_due(ref, r)), " escalated ", Day(*esc)));
          }
        }
        return rows;
      });
      for (bool overdue : {false, true}) {
        compare(absl::StrCat("retention checks ", overdue ? "overdue" : "due", where),
                list_checks(d, overdue ? v1::RETENTION_LIST_OVERDUE : v1::RETENTION_LIST_DUE, day),
                [&, d, x, day, overdue](const Rules& r) {
                  Rows rows;
                  for (int i = 0; i < kCases; ++i) {
                    const CaseModel& m = model[i];
                    if (!known(m, x) || district_at(m, r, x) != d) continue;
                    for (size_t k = 0; k < m.spells.size(); ++k) {
                      const Spell& sp = m.spells[k];
                      if (!done(sp.recorded, kStaff, x)) continue;
                      for (int n : kCheckDays) {
                        const auto [due, by, status] = check_at(m, sp, n, r, x);
                        const bool listed =
                            overdue ? (status == "PENDING" || status == "MISSED") && by < day
                                    : status == "PENDING" && due <= day && day <= by;
                        if (!listed) continue;
                        rows.insert(absl::StrCat("case ", i, " spell ", k, " day ", n, " due ",
                                                 Day(due), " by ", Day(by),
                                                 " RETENTION_CHECK_STATUS_", status));
                      }
                    }
                  }
                  return rows;
                });
      }
      for (bool overdue_only : {false, true}) {
        compare(absl::StrCat(overdue_only ? "overdue" : "open", " schooling items", where),
                list_items(d, overdue_only, day), [&, d, x, day, overdue_only](const Rules& r) {
                  Rows rows;
                  for (int i = 0; i < kCases; ++i) {
                    const CaseModel& m = model[i];
                    if (!known(m, x) || district_at(m, r, x) != d) continue;
                    for (const Item& it : items_at(m, r, x)) {
                      if (it.status != "OPEN") continue;
                      const bool late = overdue_item(it, day, r);
                      if (overdue_only && !late) continue;
                      rows.insert(absl::StrCat(
                          "case ", i, " ", kItemKinds[it.kind], " opened ", Day(it.opened), " due ",
                          it.kind == 0 ? Day(it.due) : "-", " liaisons ", it.liaisons,
                          " SCHOOLING_ITEM_STATUS_OPEN", late ? " overdue" : ""));
                    }
                  }
                  return rows;
                });
      }
    }
  };

  // A refused command fails the test and the year goes on (the lists then show what it changed),
  // except when a later call needs what it made (a case, a referral, a spell, a schooling item).
  const absl::Time year_started = absl::Now();
  absl::Duration comparing;
  for (const Action& a : actions) {
    hh.clock().Set(TimeOf(a.on, a.phase));
    CaseModel* mp = a.kind == aRun || a.kind == aCheckpoint ? nullptr : &model[a.index];
    // The district whose staff act on the case now (after a transfer, the receiving one).
    const int now_district = mp == nullptr ? 0 : district_at(*mp, Rules{}, At(a.on, a.phase));
    const std::string where =
        absl::StrCat(" of case ", a.index, " on ", Day(a.on), " (item ", a.item, ")");
    switch (a.kind) {
      case aRun: {
        ++runs;
        auto n = hh.wiring().escalator().RunOnce();
        ASSERT_TRUE(n.ok()) << n.status();
        escalations += *n;
        auto missed = hh.wiring().retention_sweeper().RunOnce();
        ASSERT_TRUE(missed.ok()) << missed.status();
        misses += *missed;
        break;
      }
      case aOpen: {
        CaseModel& m = *mp;
        m.id = ids::NewUuid();
        case_index[m.id] = a.index;
        records::v1::CaseOpened p;
        p.set_case_id(m.id);
        p.set_district_code(kDistricts[m.district]);
        p.set_office_id(absl::StrCat("office-", m.district));
        *p.mutable_judgment_effective_date() = D(m.opened - 30);
        *p.mutable_supervision_start_date() = D(m.opened);
        *p.mutable_supervision_end_date() = D(m.opened + 400);
        p.set_age_at_judgment(m.age);
        p.set_minor(m.minor);
        p.set_offence_category("theft");
        if (!feed("ccms.records.case_opened", m, m.district, p, "opened" + where)) return;
        records::v1::IntakeReported intake;
        intake.set_case_id(m.id);
        intake.set_district_code(kDistricts[m.district]);
        *intake.mutable_reported_on() = D(m.opened);
        if (!feed("ccms.records.intake_reported", m, m.district, intake, "intake" + where)) return;
        break;
      }
      case aLost:
      case aFound: {
        records::v1::LostContactChanged p;
        p.set_case_id(mp->id);
        p.set_district_code(kDistricts[now_district]);
        p.set_period_id(absl::StrCat("lost-", a.index));
        *p.mutable_since() = D(*mp->lost);
        if (a.kind == aFound) *p.mutable_found_on() = D(*mp->found);
        if (!feed(a.kind == aLost ? "ccms.records.lost_contact_marked" : "ccms.records.found_again",
                  *mp, now_district, p, "lost contact" + where)) {
          return;
        }
        break;
      }
      case aTransfer: {
        records::v1::CaseTransferred p;
        p.set_case_id(mp->id);
        p.set_to_district_code(kDistricts[now_district]);
        p.set_to_office_id(absl::StrCat("office-", now_district));
        if (!feed("ccms.records.case_transferred", *mp, now_district, p, "transfer" + where))
          return;
        break;
      }
      case aClose: {
        records::v1::CaseClosed p;
        p.set_case_id(mp->id);
        p.set_district_code(kDistricts[now_district]);
        p.set_reason(records::v1::CASE_CLOSE_REASON_REVOKED);
        *p.mutable_closed_on() = D(*mp->closed);
        if (!feed("ccms.records.case_closed", *mp, now_district, p, "closing" + where)) return;
        break;
      }
      case aCreate: {
        Referral& r = mp->referrals[a.item];
        v1::CreateReferralRequest req;
        req.set_request_id(ids::NewUuid());
        req.set_case_id(mp->id);
        req.set_partner_id(partner_ids[r.partner]);
        req.set_kind(r.kind);
        req.set_given_name("YEAR-NAME");
        req.add_skills("forklift");
        req.set_availability("weekdays");
        v1::CreateReferralResponse resp;
        auto ctx = hh.Context(staff[now_district]);
        ++rpcs;
        if (!must(hh.referrals().CreateReferral(ctx.get(), req, &resp), "create" + where)) return;
        r.id = resp.referral().referral_id();
        referral_of[r.id] = {a.index, a.item};
        break;
      }
      case aSend: {
        const Referral& r = mp->referrals[a.item];
        v1::SendReferralRequest req;
        req.set_request_id(ids::NewUuid());
        req.set_referral_id(r.id);
        *req.mutable_sent_on() = D(*r.sent);
        *req.mutable_consent_recorded_on() = D(r.created);
        v1::SendReferralResponse resp;
        auto ctx = hh.Context(staff[now_district]);
        ++rpcs;
        must(hh.referrals().SendReferral(ctx.get(), req, &resp), "send" + where);
        break;
      }
      case aStep: {
        const Referral& r = mp->referrals[a.item];
        const Step& s = r.steps[a.sub];
        const std::string what =
            absl::StrCat("step ", a.sub, " to ", v1::ReferralStatus_Name(s.to), where);
        ++rpcs;
        if (s.by_partner) {
          v1::AnswerAgencyReferralRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_referral_id(r.id);
          req.set_to_status(s.to);
          req.set_reason_code(s.reason);
          *req.mutable_on() = D(s.on);
          v1::AnswerAgencyReferralResponse resp;
          must_ok(hh.wiring().agency_referrals().DoAnswerAgencyReferral(
                      partner_principal(r.partner), req, &resp),
                  what);
        } else {
          v1::RecordReferralStepRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_referral_id(r.id);
          req.set_to_status(s.to);
          req.set_reason_code(s.reason);
          *req.mutable_on() = D(s.on);
          v1::RecordReferralStepResponse resp;
          auto ctx = hh.Context(staff[now_district]);
          must(hh.referrals().RecordReferralStep(ctx.get(), req, &resp), what);
        }
        break;
      }
      case aSpellStart: {
        Spell& sp = mp->spells[a.item];
        v1::StartEmploymentSpellRequest req;
        req.set_request_id(ids::NewUuid());
        req.set_case_id(mp->id);
        if (sp.referral >= 0) {
          req.set_referral_id(mp->referrals[sp.referral].id);
        } else {
          req.set_other_employer_code(sp.other_code);
        }
        *req.mutable_started_on() = D(sp.start);
        v1::StartEmploymentSpellResponse resp;
        auto ctx = hh.Context(staff[now_district]);
        ++rpcs;
        if (!must(hh.retention().StartEmploymentSpell(ctx.get(), req, &resp), "spell" + where)) {
          return;
        }
        sp.id = resp.spell().spell_id();
        spell_of[sp.id] = {a.index, a.item};
        break;
      }
      case aSpellEnd: {
        const Spell& sp = mp->spells[a.item];
        v1::EndEmploymentSpellRequest req;
        req.set_request_id(ids::NewUuid());
        req.set_spell_id(sp.id);
        *req.mutable_ended_on() = D(*sp.ended);
        req.set_reason_code("RESIGNED");
        v1::EndEmploymentSpellResponse resp;
        auto ctx = hh.Context(staff[now_district]);
        ++rpcs;
        must(hh.retention().EndEmploymentSpell(ctx.get(), req, &resp), "end" + where);
        break;
      }
      case aConfirm: {
        const Spell& sp = mp->spells[a.item];
        const Confirmation& c = sp.confirmations.at(a.sub);
        v1::ConfirmRetentionCheckRequest req;
        req.set_request_id(ids::NewUuid());
        req.set_spell_id(sp.id);
        req.set_day_offset(a.sub);
        *req.mutable_on() = D(c.on);
        v1::ConfirmRetentionCheckResponse resp;
        const std::string what = absl::StrCat("confirm day ", a.sub, where);
        ++rpcs;
        if (c.by_partner) {
          const int p = mp->referrals[sp.referral].partner;
          must_ok(hh.wiring().retention().DoConfirmRetentionCheck(partner_principal(p), req, &resp),
                  what);
        } else {
          auto ctx = hh.Context(staff[now_district]);
          must(hh.retention().ConfirmRetentionCheck(ctx.get(), req, &resp), what);
        }
        break;
      }
      case aSchooling: {
        const SchoolAction& s = mp->schooling[a.item];
        ++rpcs;
        if (s.situation) {
          v1::RecordSchoolingSituationRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(mp->id);
          *req.mutable_on() = D(s.on);
          req.set_compulsory_education_completed(s.completed);
          req.set_wishes_to_continue(s.wish);
          v1::RecordSchoolingSituationResponse resp;
          auto ctx = hh.Context(staff[now_district]);
          if (!must(hh.schooling().RecordSchoolingSituation(ctx.get(), req, &resp),
                    "situation" + where)) {
            return;
          }
          for (const auto& it : resp.items()) {
            if (it.status() != v1::SCHOOLING_ITEM_STATUS_OPEN) continue;
            mp->open_item[it.kind() == v1::SCHOOLING_ITEM_KIND_COMPULSORY_EDUCATION ? 0 : 1] =
                it.item_id();
          }
        } else {
          v1::RecordSchoolingSupportRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_item_id(mp->open_item[s.item_kind]);
          req.set_step(s.step);
          *req.mutable_on() = D(s.on);
          if (s.step == v1::SCHOOLING_STEP_ENROLLED) req.set_school_code("SCH-0101");
          v1::RecordSchoolingSupportResponse resp;
          auto ctx = hh.Context(staff[now_district]);
          must(hh.schooling().RecordSchoolingSupport(ctx.get(), req, &resp),
               "schooling step" + where);
        }
        break;
      }
      case aCheckpoint: {
        const absl::Time t0 = absl::Now();
        compare_lists(a.on);
        comparing += absl::Now() - t0;
        break;
      }
    }
    if (HasFatalFailure()) return;
  }

  // Over the year: every referral escalated once and every check missed once, with its event
  // (the outbox), as the task reported and as the brute force has them.
  {
    const int64_t x = At(kLastDay, kCheckpoint);
    auto count = [&](const std::string& type) {
      return hh.db().QueryValue("SELECT count(*) FROM outbox WHERE event_type = 'ccms.employment." +
                                type + "'");
    };
    Rows got = {absl::StrCat("escalated ", escalations, " events ", count("referral_escalated")),
                absl::StrCat("missed ", misses, " events ", count("retention_missed"))};
    compare("escalations and misses of the year", got, [&, x](const Rules& r) {
      int escalated = 0, missed = 0;
      for (const CaseModel& m : model) {
        for (const Referral& ref : m.referrals) escalated += escalated_on(m, ref, r, x).has_value();
        for (const Spell& sp : m.spells) {
          for (int n : kCheckDays) missed += std::get<2>(check_at(m, sp, n, r, x)) == "MISSED";
        }
      }
      return Rows{absl::StrCat("escalated ", escalated, " events ", escalated),
                  absl::StrCat("missed ", missed, " events ", missed)};
    });
  }

  // The simulation exercised what it claims to.
  int referrals = 0, sent = 0, spells = 0, confirmations = 0, ended = 0, minors = 0, schooling = 0,
      lost = 0, transferred = 0, closed = 0;
  for (const CaseModel& m : model) {
    referrals += static_cast<int>(m.referrals.size());
    for (const Referral& r : m.referrals) sent += r.sent.has_value();
    spells += static_cast<int>(m.spells.size());
    for (const Spell& sp : m.spells) {
      confirmations += static_cast<int>(sp.confirmations.size());
      ended += sp.ended.has_value();
    }
    minors += m.minor;
    schooling += static_cast<int>(m.schooling.size());
    lost += m.lost.has_value();
    transferred += m.transferred.has_value();
    closed += m.closed.has_value();
  }
  EXPECT_GT(escalations, 20);
  EXPECT_GT(misses, 20);
  EXPECT_GT(placed, 20);
  EXPECT_GT(minors, 20);
  EXPECT_GT(transferred, 10);
  EXPECT_GT(lost, 10);
  std::cout << "cases " << kCases << " in 2 districts (" << minors << " minors, " << lost
            << " lost contact, " << transferred << " transferred, " << closed
            << " closed); referrals " << referrals << " (" << sent << " sent, " << escalations
            << " escalated, " << placed << " placed); spells " << spells << " (" << ended
            << " ended, " << confirmations << " checks confirmed, " << misses
            << " missed); schooling records and steps " << schooling << "; task down on "
            << down.size() << " days, ran " << runs << " times; events " << events << ", calls "
            << rpcs << "\n";
  std::cout << "comparisons " << comparisons.size() << ", items compared " << compared_items
            << "; time: the year " << absl::FormatDuration(absl::Now() - year_started)
            << " (fetching and comparing " << absl::FormatDuration(comparing) << "), total "
            << absl::FormatDuration(absl::Now() - started) << "\n";

  // ---- the mutation check ----
  const std::vector<std::pair<std::string, std::function<void(Rules&)>>> mutations = {
      {"an answer due 6 days after sending", [](Rules& r) { r.answer_days = 1; }},
      {"an answer due 4 days after sending", [](Rules& r) { r.answer_days = -1; }},
      {"escalated on the due day itself", [](Rules& r) { r.escalate_on_due_day = true; }},
      {"lost contact does not hold escalation back", [](Rules& r) { r.lost_pauses = false; }},
      {"the task ran every day", [](Rules& r) { r.task_never_down = true; }},
      {"checks due a day later", [](Rules& r) { r.check_shift = 1; }},
      {"checks due a day earlier", [](Rules& r) { r.check_shift = -1; }},
      {"the window a day longer", [](Rules& r) { r.window_shift = 1; }},
      {"the window a day shorter", [](Rules& r) { r.window_shift = -1; }},
      {"an end cancels the check due that day", [](Rules& r) { r.end_cancels_due_day = true; }},
      {"a closing cancels no check", [](Rules& r) { r.close_cancels = false; }},
      {"a transfer moves nothing", [](Rules& r) { r.transfer_moves = false; }},
      {"schooling due a day later", [](Rules& r) { r.school_due = 1; }},
      {"schooling overdue on its due day", [](Rules& r) { r.school_overdue_on_due = true; }},
      {"a second record moves the deadline", [](Rules& r) { r.second_record_moves = true; }},
      {"a closing cancels no schooling item", [](Rules& r) { r.close_cancels_items = false; }},
      {"a closing withdraws no referral", [](Rules& r) { r.close_withdraws = false; }},
  };
  int caught = 0;
  for (const auto& [name, mutate] : mutations) {
    Rules rules;
    mutate(rules);
    std::string where;
    for (const Comparison& c : comparisons) {
      if (c.brute(rules) != c.got) {
        where = c.what;
        break;
      }
    }
    EXPECT_FALSE(where.empty()) << "mutation not caught: " << name;
    caught += !where.empty();
    std::cout << "mutation \"" << name
              << "\": " << (where.empty() ? "NOT CAUGHT" : "caught by " + where) << "\n";
  }
  std::cout << caught << " of " << mutations.size() << " mutations caught\n";
}

}  // namespace
}  // namespace ccms::testing
