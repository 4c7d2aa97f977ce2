// Education's simulated year (issue 14, acceptance): 300 cases in two districts over 2024 (a leap
// year), against a real PostgreSQL and the dev broker, the education service on a fixed clock
// moved day by day. Records' and assessment's events (case opened, intake reported, leave
// approved / returned, lost contact / found, violations, sanctions, assessments, key attention,
// crisis flags, level changes, case closed) are produced to the broker as those services publish
// them and reach education's consumers there; the offices schedule sessions of both audiences,
// enrol people (a leave approved later excuses them), record attendance (ATTENDED, LATE, EXCUSED,
// ABSENT_AFTER_NOTICE, ABSENT), cancel some sessions, record and verify community service, grant
// waivers, and close every month on the first day of the next.
//
// At every month end each case's ledger of the month (every line, the totals, the marks, the
// windows and the month's individual education) and, for both districts, the shortfall lists of
// the month and of the closed month before, the education window lists (all, overdue only) and
// the individual-education list equal a brute-force recomputation written here from what the
// test did (docs/education.md, RULES.md, deploy/policy/default.yaml; not the service's domain
// code); on the 15th the lists again; every month close's frozen ledger too.
//
// The brute force is then checked itself: each of its rules moved by a day or one unit in turn,
// compared with the answers already fetched, must disagree at some checkpoint.
#include <algorithm>
#include <atomic>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ccms/assessment/v1/assessment_events.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/kafka/producer.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "tests/integration/education_harness.h"

namespace ccms::testing {
namespace {

using absl::CivilDay;
using absl::CivilMonth;
using auth::Role;
namespace v1 = education::v1;

// Districts no other test uses: the consumers read the shared topics from the start.
constexpr const char* kDistricts[] = {"320106", "320111"};
constexpr int kCases = 300;  // case i in kDistricts[i % 2]
const CivilDay kFirstDay(2024, 1, 1), kLastDay(2024, 12, 31);

std::string N(int64_t n) { return absl::StrCat(n); }
std::string Day(CivilDay d) { return absl::FormatCivilTime(d); }
std::string Day(const google::type::Date& d) {
  if (d.year() == 0) return "-";
  return Day(CivilDay(d.year(), d.month(), d.day()));
}
google::type::Date D(CivilDay d) { return grpc_util::ToProtoDate(d); }

// Calendar months with the day clamped to the month's end (01-31 + 1 month = 02-29 in 2024),
// written out here, not the service's calendar code.
bool Leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int MonthDays(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && Leap(y) ? 29 : kDays[m - 1];
}
CivilDay AddMonths(CivilDay d, int months) {
  int64_t total = d.year() * 12 + (d.month() - 1) + months;
  const int64_t y = total / 12;
  const int m = static_cast<int>(total % 12) + 1;
  return CivilDay(y, m, std::min<int>(d.day(), MonthDays(y, m)));
}

// A moment of the simulated year: a day and the phase of the day's work (the order below).
enum Phase {
  kEvents = 0,  // 07:30 records' and assessment's events, produced and applied
  kCancels,     // 07:50 sessions cancelled
  kMonthClose,  // 08:00 the month before closed (on the 1st)
  kScheduling,  // 08:10 sessions scheduled, then people enrolled
  kWaivers,     // 08:20 waivers granted
  kActivities,  // 08:30 community service recorded, verified
  kAttendance,  // 22:00 attendance of the day's sessions
  kCheckpoint,  // 23:00 compared
};
int64_t At(CivilDay d, int phase) { return (d - CivilDay(2000, 1, 1)) * 10 + phase; }
absl::Time TimeOf(CivilDay d, int phase) {
  static const int kMinutes[] = {7 * 60 + 30, 7 * 60 + 50, 8 * 60,  8 * 60 + 10,
                                 8 * 60 + 20, 8 * 60 + 30, 22 * 60, 23 * 60};
  return absl::FromCivil(absl::CivilMinute(d) + kMinutes[phase], time::ShanghaiTimeZone());
}

// The brute force's rules, each as a shift from the rule as written (all zero); the mutation
// check moves one at a time.
struct Rules {
  int term_start = 0;        // the term starts on the supervision start
  int term_end = 0;          // and ends on the supervision end
  int closed_end = 0;        // or on the closing day when the case closed before it
  bool february_28 = false;  // a leap February divides by 29
  bool round_up = false;     // required minutes rounded down
  int waiver_from = 0;       // a waiver covers from..until inclusive
  int waiver_until = 0;
  int late_percent = 0;             // LATE credits 50%
  int credit_cap = 0;               // a session credits at most 240 minutes
  int found_counted = 0;            // lost contact ends the day before found
  bool hospital_marks = true;       // EXCUSED HOSPITAL marks its day
  bool leave_excuses = true;        // an approved leave excuses the enrolments it overlaps
  bool pending_credited = false;    // self-initiated service counts once verified
  bool frozen = true;               // a closed month keeps what it had at the close
  int intake_due = 0;               // intake education due 1 calendar month after the report
  int discharge_opens = 0;          // discharge education from the day after end - 1 month
  int step_up_months = 0;           // a trigger in force for 3 calendar months - 1 day
  bool trigger_alt_day = false;     // the trigger's day (occurred_on; Shanghai day of the time)
  bool low_risk_steps_up = false;   // only HIGH risk steps up
  int base_individual = 0;          // 1 individual session a month, 2 stepped up
  int revision_days = 0;            // a plan revision due 15 days after its trigger
  bool violation_revises = false;   // a violation is no plan trigger (a sanction is)
  bool same_level_revises = false;  // a level event without a change is none either
};

// Session kinds as the test schedules them: kind, start (minutes after midnight), minutes.
struct KindSpec {
  v1::SessionKind kind;
  const char* name;
  int start_minute;
  int minutes;
};
constexpr KindSpec kKinds[] = {
    {v1::SESSION_KIND_ROUTINE, "ROUTINE", 9 * 60, 270},  // more than the 240 a session credits
    {v1::SESSION_KIND_CENTRALIZED, "CENTRALIZED", 14 * 60, 120},
    {v1::SESSION_KIND_INDIVIDUAL, "INDIVIDUAL", 16 * 60 + 30, 60},
    {v1::SESSION_KIND_DISCHARGE, "DISCHARGE", 17 * 60 + 45, 90},
    {v1::SESSION_KIND_INTAKE, "INTAKE", 19 * 60 + 30, 120},
};
enum KindIndex { kRoutine = 0, kCentralized, kIndividual, kDischarge, kIntake };

// Attendance outcomes the office records, and the one a leave sets.
enum OutcomeIndex {
  kAttended = 0,
  kLate,
  kExcusedHospital,
  kExcusedWork,
  kExcusedOther,
  kAbsentAfterNotice,
  kAbsent,
  kExcusedLeave,  // set by the service when records approves a leave
};

struct Leave {
  CivilDay approved, start, end;
  std::optional<CivilDay> returned;
  std::string id;
};
struct LostPeriod {
  CivilDay since, marked;  // marked: the day records publishes it
  std::optional<CivilDay> found;
  std::string id;
};
// An event of assessment or records that may step up individual education.
enum TriggerKind { kViolation, kSanction, kHighRisk, kLowRisk, kKeyAttention, kCrisis, kLevel };
struct Trigger {
  TriggerKind kind;
  CivilDay event_day;       // produced on this day
  CivilDay on;              // the trigger's day (occurred_on, issued_on, assessed_on, Shanghai day)
  CivilDay alt_on;          // a plausible wrong day: the event's day, or the UTC day
  absl::Time at;            // crisis flags: raised_at
  bool same_level = false;  // kLevel: published with the level it had (no change)
};
struct Waiver {
  CivilDay granted;
  int scope;  // 0 study, 1 community service, 2 both
  std::string reason;
  CivilDay from, until;
  std::string id;
};
struct Activity {
  CivilDay served, recorded;
  int minutes;
  std::optional<CivilDay> verified;
  bool accept = true;
  std::string id;
};
struct CaseModel {
  std::string id;
  int district = 0;
  bool minor = false;
  CivilDay start, end;  // supervision start and end
  CivilDay opened;      // the day records' case_opened is produced
  std::optional<CivilDay> reported;
  std::optional<CivilDay> closed;
  CivilDay last_active;  // sessions and activities up to this day
  std::vector<Leave> leaves;
  std::vector<LostPeriod> lost;
  std::vector<Trigger> triggers;
  std::vector<Waiver> waivers;
  std::vector<Activity> activities;
  // The correction plan: version 1 drafted, agreed, approved and activated on `plan_on`;
  // version 2 the same way on `revised_on`, settling the revisions due by then.
  std::optional<CivilDay> plan_on, revised_on;
};
struct Enrolment {
  int case_index;
  CivilDay day;  // enrolled on
  int outcome;
};
struct Session {
  int district;
  bool minors;
  int kind;
  CivilDay day, scheduled;
  std::optional<CivilDay> cancelled;  // on the session's day, before it
  bool unrecorded = false;            // the office never records its attendance
  std::vector<Enrolment> enrolled;
  std::string id;
};

enum ActionKind {
  // kEvents
  aOpen,
  aIntake,
  aLeaveApproved,
  aLeaveReturned,
  aLost,
  aFound,
  aTrigger,
  aClosed,
  aCancel,
  aCloseMonth,
  aSchedule,
  aEnrol,
  aWaiver,
  aActivity,
  aVerify,
  aPlan,
  aRevise,
  aAttendance,
  aCheckpoint,
};
int PhaseOf(ActionKind k) {
  switch (k) {
    case aCancel:
      return kCancels;
    case aCloseMonth:
      return kMonthClose;
    case aSchedule:
    case aEnrol:
      return kScheduling;
    case aWaiver:
    case aPlan:
    case aRevise:
      return kWaivers;
    case aActivity:
    case aVerify:
      return kActivities;
    case aAttendance:
      return kAttendance;
    case aCheckpoint:
      return kCheckpoint;
    default:
      return kEvents;
  }
}
struct Action {
  CivilDay on;
  ActionKind kind;
  int index = 0;  // case or session
  int item = 0;   // which leave / period / trigger / waiver / activity / enrolment
};

using Rows = std::multiset<std::string>;

// One comparison made during the year: what the service answered, and the brute force that must
// equal it (kept for the mutation check).
struct Comparison {
  std::string what;
  Rows got;
  std::function<Rows(const Rules&)> brute;
};

class EducationYearTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() == nullptr) return;
    harness_ = new EducationHarness();  // its consumers run: events come through the broker
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  void SetUp() override {
    if (harness_ == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
  }
  EducationHarness& h() { return *harness_; }
  static EducationHarness* harness_;
};
EducationHarness* EducationYearTest::harness_ = nullptr;

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

// Calls `each(k)` for k in [0, n) on `threads` threads (the service answers calls at once).
void Parallel(int n, int threads, const std::function<void(int)>& each) {
  std::atomic<int> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int k = next++; k < n; k = next++) each(k);
    });
  }
  for (auto& t : pool) t.join();
}

TEST_F(EducationYearTest, LedgersAndListsEqualBruteForceOverASimulatedYear) {
  const absl::Time started = absl::Now();
  std::string staff[2];
  for (int d = 0; d < 2; ++d) {
    staff[d] = h().Token(Role::kOfficeStaff, {kDistricts[d]}, absl::StrCat("year-staff-", d));
  }
  std::mt19937 rng(20240101);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % (hi - lo + 1)); };
  auto chance = [&](int percent) { return pick(1, 100) <= percent; };
  auto day_in = [&](CivilDay a, CivilDay b) { return a + pick(0, static_cast<int>(b - a)); };
  const std::vector<std::string> reasons = {"ILLNESS",          "HOSPITAL", "DISABILITY",
                                            "PREGNANCY",        "ELDERLY",  "WORK_SHIFT",
                                            "FAMILY_EMERGENCY", "OTHER"};

  // ---- the plan of the year ----
  std::vector<CaseModel> model(kCases);
  for (int i = 0; i < kCases; ++i) {
    CaseModel& m = model[i];
    m.district = i % 2;
    m.minor = chance(12);
    // A third began in the second half of 2023 (records' events arrive on the year's first day);
    // the others start during 2024.
    m.start = chance(33) ? CivilDay(2023, 7, 1) + pick(0, 183) : kFirstDay + pick(0, 320);
    m.end = AddMonths(m.start, pick(3, 16)) - pick(0, 1) * pick(0, 20);
    if (m.end < m.start + 60) m.end = m.start + 60;
    if (m.end < kFirstDay + 60) m.end = kFirstDay + 60 + pick(0, 100);  // runs into the year
    m.opened = std::max(m.start, kFirstDay);
    if (chance(93)) {
      const CivilDay r = m.start + pick(0, 12);
      if (r <= kLastDay) m.reported = r;
    }
    m.last_active = std::min(m.end, kLastDay);
    if (!m.reported) continue;
    const CivilDay active_from = std::max(*m.reported, kFirstDay);
    if (chance(4) && m.end - active_from > 90) {  // revoked or died before the end
      m.closed = active_from + pick(40, static_cast<int>(m.end - active_from) - 20);
      if (*m.closed > kLastDay) m.closed.reset();
    } else if (m.end < kLastDay && chance(85)) {
      const CivilDay c = m.end + pick(0, 5);
      if (c <= kLastDay) m.closed = c;
    }
    if (m.closed && *m.closed <= m.end) m.last_active = *m.closed - 1;
    if (m.last_active < active_from + 5) {
      m.last_active = std::min(m.end, kLastDay);
      m.closed.reset();
    }
    const CivilDay last = m.last_active;
    // Leave: up to two trips, apart.
    for (CivilDay a = active_from + pick(3, 40); a + 15 < last; a += pick(40, 120)) {
      if (!chance(35) || m.leaves.size() == 2) continue;
      Leave l;
      l.approved = a;
      l.start = a + pick(0, 3);
      l.end = l.start + pick(0, 8);
      if (chance(60)) l.returned = day_in(l.start, l.end);
      l.id = ids::NewUuid();
      m.leaves.push_back(l);
      a = l.end;
    }
    // Lost contact for some: marked a few days after it began; found again, or not yet.
    if (chance(12) && last - active_from > 40) {
      LostPeriod p;
      p.since = active_from + pick(10, static_cast<int>(last - active_from) - 5);
      p.marked = p.since + pick(0, 4);
      if (chance(80)) p.found = p.since + pick(1, 50);
      if (p.marked > last) p.marked = last;
      if (p.found && (*p.found > last || *p.found <= p.marked)) p.found.reset();
      p.id = absl::StrCat("lost-", i);
      m.lost.push_back(p);
    }
    // Events that step individual education up (or, for the last three kinds, do not).
    for (CivilDay e = active_from + pick(5, 60); e <= last; e += pick(20, 150)) {
      if (!chance(35)) continue;
      const int roll = pick(0, 99);
      Trigger t;
      t.event_day = e;
      t.kind = roll < 20   ? kViolation
               : roll < 35 ? kSanction
               : roll < 50 ? kHighRisk
               : roll < 65 ? kLowRisk
               : roll < 75 ? kKeyAttention
               : roll < 85 ? kCrisis
                           : kLevel;
      t.on = e;
      t.alt_on = e;
      if (t.kind == kViolation || t.kind == kHighRisk || t.kind == kLowRisk) {
        t.on = e - pick(0, 5);  // occurred or assessed before it was recorded
        if (t.on < active_from) t.on = active_from;
      }
      if (t.kind == kKeyAttention) t.alt_on = e - 1;  // 07:30 in Shanghai is the day before in UTC
      if (t.kind == kCrisis) {
        // Raised up to 20 hours before the event was published: perhaps the evening before.
        t.at = TimeOf(e, kEvents) - absl::Hours(pick(0, 20));
        const absl::CivilSecond local = absl::ToCivilSecond(t.at, time::ShanghaiTimeZone());
        t.on = CivilDay(local);
        t.alt_on = CivilDay(absl::ToCivilSecond(t.at, absl::UTCTimeZone()));
      }
      if (t.kind == kSanction) t.alt_on = e + 1;
      if (t.kind == kLevel) t.same_level = chance(40);
      m.triggers.push_back(t);
    }
    // A correction plan for some; revised after a trigger for some of those.
    if (chance(45)) {
      const CivilDay p = active_from + pick(2, 30);
      if (p + 5 <= last) m.plan_on = p;
    }
    for (const Trigger& t : m.triggers) {
      if (!m.plan_on || t.event_day <= *m.plan_on || t.kind == kViolation) continue;
      if (t.kind == kLevel && t.same_level) continue;
      if (chance(55)) {
        const CivilDay r = t.event_day + pick(2, 25);
        if (r <= last) m.revised_on = r;
      }
      break;
    }
    // A waiver for some, granted while the case is open; from may lie in a closed month.
    if (chance(12)) {
      Waiver w;
      w.granted = day_in(active_from, last);
      w.scope = pick(0, 2);
      w.reason = reasons[pick(0, static_cast<int>(reasons.size()) - 1)];
      w.from = w.granted - pick(0, 25);
      w.until = w.from + pick(2, 100);
      w.id = "";
      m.waivers.push_back(w);
    }
    // Community service: 0-2 self-initiated activities a month, recorded a few days later,
    // most verified (some rejected), some left pending.
    for (CivilMonth mo(active_from); mo <= CivilMonth(last); ++mo) {
      const int n = pick(0, 2);
      for (int k = 0; k < n; ++k) {
        const CivilDay lo = std::max(CivilDay(mo), active_from);
        const CivilDay hi = std::min(CivilDay(mo + 1) - 1, last);
        if (hi < lo) break;
        Activity a;
        a.served = day_in(lo, hi);
        a.recorded = std::min(a.served + pick(0, 6), last);
        a.minutes = 30 * pick(2, 10);
        if (chance(80)) {
          const CivilDay v = a.recorded + pick(0, 12);
          if (v <= last) a.verified = v;
          a.accept = chance(88);
        }
        m.activities.push_back(a);
      }
    }
  }

  // Sessions: each case picks its own in each month it is active; people of one district,
  // audience, kind and day share the session (individual sessions are one person's).
  std::vector<Session> sessions;
  std::map<std::tuple<int, bool, int, CivilDay, int>, int> pool;
  auto join = [&](int i, int kind, CivilDay day) {
    const CaseModel& m = model[i];
    const int who = kind == kIndividual ? i : -1;
    auto key = std::make_tuple(m.district, m.minor, kind, day, who);
    auto it = pool.find(key);
    if (it == pool.end()) {
      Session s;
      s.district = m.district;
      s.minors = m.minor;
      s.kind = kind;
      s.day = day;
      s.scheduled = std::max(day - 7, kFirstDay);
      // Some are cancelled on their day, before they start (a session scheduled that day is not).
      if (chance(3) && s.scheduled < day) s.cancelled = day;
      s.unrecorded = chance(3);
      sessions.push_back(s);
      it = pool.emplace(key, static_cast<int>(sessions.size()) - 1).first;
    }
    Session& s = sessions[it->second];
    for (const auto& e : s.enrolled) {
      if (e.case_index == i) return;
    }
    Enrolment e;
    e.case_index = i;
    e.day = std::max({day - pick(0, 6), s.scheduled, *m.reported});
    e.day = std::max(e.day, kFirstDay);
    if (s.cancelled && e.day >= *s.cancelled) return;  // nobody enrols in a cancelled session
    const int roll = pick(0, 99);
    e.outcome = roll < 55   ? kAttended
                : roll < 67 ? kLate
                : roll < 72 ? kExcusedHospital
                : roll < 76 ? kExcusedWork
                : roll < 79 ? kExcusedOther
                : roll < 88 ? kAbsentAfterNotice
                            : kAbsent;
    // A leave approved before the enrolment: the office does not enrol the person; approved
    // after it, the service excuses the enrolment.
    for (const Leave& l : m.leaves) {
      if (l.start <= day && day <= l.end) {
        if (l.approved <= e.day) return;
        e.outcome = kExcusedLeave;
      }
    }
    s.enrolled.push_back(e);
  };
  for (int i = 0; i < kCases; ++i) {
    const CaseModel& m = model[i];
    if (!m.reported) continue;
    const CivilDay active_from = std::max(*m.reported, kFirstDay);
    for (CivilMonth mo(active_from); mo <= CivilMonth(m.last_active); ++mo) {
      const CivilDay lo = std::max(CivilDay(mo), active_from);
      const CivilDay hi = std::min(CivilDay(mo + 1) - 1, m.last_active);
      if (hi < lo) continue;
      // Routine sessions on Tuesdays, Thursdays and Saturdays; centralized on Wednesdays.
      auto weekday_in = [&](std::initializer_list<absl::Weekday> days) -> std::optional<CivilDay> {
        std::vector<CivilDay> fit;
        for (CivilDay d = lo; d <= hi; ++d) {
          for (auto w : days) {
            if (absl::GetWeekday(d) == w) fit.push_back(d);
          }
        }
        if (fit.empty()) return std::nullopt;
        return fit[rng() % fit.size()];
      };
      const int routine = pick(0, 2);
      for (int k = 0; k < routine; ++k) {
        if (auto d = weekday_in(
                {absl::Weekday::tuesday, absl::Weekday::thursday, absl::Weekday::saturday})) {
          join(i, kRoutine, *d);
        }
      }
      if (chance(40)) {
        if (auto d = weekday_in({absl::Weekday::wednesday})) join(i, kCentralized, *d);
      }
      const int roll = pick(0, 99);
      const int individual = roll < 35 ? 0 : roll < 85 ? 1 : 2;
      for (int k = 0; k < individual; ++k) join(i, kIndividual, day_in(lo, hi));
    }
    // Intake education: most within the month after the report, some late, some never.
    if (*m.reported >= kFirstDay && chance(80)) {
      const CivilDay d = *m.reported + pick(0, 45);
      if (d <= m.last_active) join(i, kIntake, d);
    } else if (*m.reported < kFirstDay && chance(50)) {
      const CivilDay d = kFirstDay + pick(0, 40);
      if (d <= m.last_active) join(i, kIntake, d);
    }
    // Discharge education: in the last stretch, some before the window opens.
    if (m.end <= kLastDay && chance(75)) {
      const CivilDay d = m.end - pick(0, 40);
      if (d >= active_from && d <= m.last_active) join(i, kDischarge, d);
    }
  }

  // ---- the actions, day by day ----
  std::vector<Action> actions;
  for (int i = 0; i < kCases; ++i) {
    const CaseModel& m = model[i];
    actions.push_back({m.opened, aOpen, i});
    if (m.reported) actions.push_back({std::max(*m.reported, kFirstDay), aIntake, i});
    if (m.closed) actions.push_back({*m.closed, aClosed, i});
    for (size_t k = 0; k < m.leaves.size(); ++k) {
      const int item = static_cast<int>(k);
      actions.push_back({m.leaves[k].approved, aLeaveApproved, i, item});
      if (m.leaves[k].returned) actions.push_back({*m.leaves[k].returned, aLeaveReturned, i, item});
    }
    for (size_t k = 0; k < m.lost.size(); ++k) {
      const int item = static_cast<int>(k);
      actions.push_back({m.lost[k].marked, aLost, i, item});
      if (m.lost[k].found) actions.push_back({*m.lost[k].found, aFound, i, item});
    }
    for (size_t k = 0; k < m.triggers.size(); ++k) {
      actions.push_back({m.triggers[k].event_day, aTrigger, i, static_cast<int>(k)});
    }
    for (size_t k = 0; k < m.waivers.size(); ++k) {
      actions.push_back({m.waivers[k].granted, aWaiver, i, static_cast<int>(k)});
    }
    if (m.plan_on) actions.push_back({*m.plan_on, aPlan, i});
    if (m.revised_on) actions.push_back({*m.revised_on, aRevise, i});
    for (size_t k = 0; k < m.activities.size(); ++k) {
      const int item = static_cast<int>(k);
      actions.push_back({m.activities[k].recorded, aActivity, i, item});
      if (m.activities[k].verified)
        actions.push_back({*m.activities[k].verified, aVerify, i, item});
    }
  }
  int enrolments = 0;
  for (size_t s = 0; s < sessions.size(); ++s) {
    const Session& x = sessions[s];
    const int index = static_cast<int>(s);
    actions.push_back({x.scheduled, aSchedule, index});
    for (size_t k = 0; k < x.enrolled.size(); ++k) {
      actions.push_back({x.enrolled[k].day, aEnrol, index, static_cast<int>(k)});
      ++enrolments;
    }
    if (x.cancelled) {
      actions.push_back({*x.cancelled, aCancel, index});
    } else if (!x.unrecorded) {
      actions.push_back({x.day, aAttendance, index});
    }
  }
  for (int mo = 2; mo <= 13; ++mo) {
    actions.push_back({CivilDay(CivilMonth(2024, 1) + (mo - 1)), aCloseMonth, mo - 1});
  }
  std::vector<CivilDay> checkpoints;
  for (int mo = 1; mo <= 12; ++mo) {
    checkpoints.push_back(CivilDay(2024, mo, 15));
    checkpoints.push_back(CivilDay(CivilMonth(2024, mo) + 1) - 1);
  }
  checkpoints.push_back(CivilDay(2025, 1, 1));
  for (CivilDay c : checkpoints) actions.push_back({c, aCheckpoint});
  std::stable_sort(actions.begin(), actions.end(), [](const Action& a, const Action& b) {
    return std::make_tuple(a.on, PhaseOf(a.kind), a.kind, a.index, a.item) <
           std::make_tuple(b.on, PhaseOf(b.kind), b.kind, b.index, b.item);
  });

  // ---- the brute force ----
  // What the service knows at moment `x` (At(day, phase)): an action counts once done.
  auto done = [](CivilDay day, int phase, int64_t x) { return At(day, phase) <= x; };
  auto known = [&](const CaseModel& m, int64_t x) { return done(m.opened, kEvents, x); };
  auto reported_by = [&](const CaseModel& m, int64_t x) {
    return m.reported && done(std::max(*m.reported, kFirstDay), kEvents, x);
  };
  auto closed_by = [&](const CaseModel& m, int64_t x) {
    return m.closed && done(*m.closed, kEvents, x);
  };
  auto active = [&](const CaseModel& m, int64_t x) {
    return reported_by(m, x) && !closed_by(m, x);
  };
  // The term's first and last day as known at `x`.
  auto term = [&](const CaseModel& m, const Rules& r, int64_t x) {
    CivilDay end = m.end + r.term_end;
    if (closed_by(m, x) && *m.closed < m.end) end = *m.closed + r.closed_end;
    return std::make_pair(m.start + r.term_start, end);
  };
  // Each case's attendance lines: (session, outcome) for the sessions it was enrolled in.
  std::vector<std::vector<std::pair<int, int>>> attended(kCases);
  for (size_t s = 0; s < sessions.size(); ++s) {
    for (size_t k = 0; k < sessions[s].enrolled.size(); ++k) {
      attended[sessions[s].enrolled[k].case_index].push_back(
          {static_cast<int>(s), static_cast<int>(k)});
    }
  }
  // The attendance of enrolment k of session s at `x`: its outcome, or nothing (none recorded
  // yet, or the session cancelled).
  auto outcome_at = [&](int s, int k, const Rules& r, int64_t x) -> std::optional<int> {
    const Session& ses = sessions[s];
    if (ses.cancelled && done(*ses.cancelled, kCancels, x)) return std::nullopt;
    const Enrolment& e = ses.enrolled[k];
    if (e.outcome == kExcusedLeave) {
      if (!r.leave_excuses) return std::nullopt;
      for (const Leave& l : model[e.case_index].leaves) {
        if (l.start <= ses.day && ses.day <= l.end && done(l.approved, kEvents, x)) {
          return kExcusedLeave;
        }
      }
      return std::nullopt;
    }
    if (ses.cancelled || ses.unrecorded || !done(ses.day, kAttendance, x)) return std::nullopt;
    return e.outcome;
  };
  auto credit = [&](int kind, int outcome, const Rules& r) {
    const int minutes = std::min(kKinds[kind].minutes, 240 + r.credit_cap);
    if (outcome == kAttended) return minutes;
    if (outcome == kLate) return minutes * (50 + r.late_percent) / 100;
    return 0;
  };
  static const char* kCodes[] = {"ATTENDED",     "LATE_PART_CREDIT",      "EXCUSED_HOSPITAL",
                                 "EXCUSED_WORK", "EXCUSED_OTHER",         "ABSENT_AFTER_NOTICE",
                                 "ABSENT",       "EXCUSED_APPROVED_LEAVE"};
  static const char* kScopes[] = {"STUDY", "COMMUNITY_SERVICE", "BOTH"};
  // The moment month `mo` of case `m` was closed, if it was by `x`: on the next month's first
  // day, when the month had a term day then.
  auto closed_at = [&](const CaseModel& m, CivilMonth mo, const Rules& r,
                       int64_t x) -> std::optional<int64_t> {
    const CivilDay close_day(mo + 1);
    const int64_t c = At(close_day, kMonthClose);
    if (c > x || !known(m, c) || mo < CivilMonth(2024, 1)) return std::nullopt;
    const auto [from, to] = term(m, Rules{}, c);
    if (from > CivilDay(mo + 1) - 1 || to < CivilDay(mo)) return std::nullopt;
    (void)r;
    return c;
  };
  // The month's ledger of a case, as rows: the totals, every line, as the service should show
  // it at `x` (a closed month as it was at its close).
  struct Totals {
    int study_shortfall = 0, cs_shortfall = 0, lost = 0, hospital = 0;
    bool closed = false;
  };
  std::function<Totals(const CaseModel&, int, CivilMonth, const Rules&, int64_t, Rows*)> ledger;
  ledger = [&](const CaseModel& m, int i, CivilMonth mo, const Rules& r, int64_t x,
               Rows* rows) -> Totals {
    bool closed = false;
    if (auto c = closed_at(m, mo, r, x); c.has_value()) {
      if (r.frozen) x = *c;
      closed = true;
    }
    const CivilDay first(mo), last = CivilDay(mo + 1) - 1;
    int days_in_month = static_cast<int>(last - first) + 1;
    if (r.february_28 && mo.month() == 2) days_in_month = 28;
    const auto [tfrom, tto] = term(m, r, x);
    const CivilDay from = std::max(first, tfrom), to = std::min(last, tto);
    const int term_days = to < from ? 0 : static_cast<int>(to - from) + 1;
    const std::string prefix = absl::StrCat(m.id, "|", mo.year(), "-", mo.month(), "|");
    Totals t;
    t.closed = closed;
    std::vector<std::string> totals;
    for (int kind = 0; kind < 2; ++kind) {
      const char* kind_name = kind == 0 ? "STUDY" : "COMMUNITY_SERVICE";
      int owed = 0, waived = 0, credited = 0;
      std::vector<int> waiver_days(m.waivers.size(), 0);
      auto covers = [&](const Waiver& w, CivilDay d) {
        return (w.scope == 2 || w.scope == kind) && w.from + r.waiver_from <= d &&
               d <= w.until + r.waiver_until;
      };
      for (CivilDay d = from; d <= to; ++d) {
        bool any = false;
        for (size_t k = 0; k < m.waivers.size(); ++k) {
          if (!done(m.waivers[k].granted, kWaivers, x) || !covers(m.waivers[k], d)) continue;
          any = true;
          ++waiver_days[k];
        }
        (any ? waived : owed) += 1;
      }
      const int monthly = 8 * 60;
      int required = monthly * owed / days_in_month;
      if (r.round_up && monthly * owed % days_in_month != 0) ++required;
      if (term_days == 0) {
        rows->insert(prefix + absl::StrCat("line|NOT_IN_TERM|", kind_name, "|0|0|"));
      } else {
        const bool part_start = from > first, part_end = to < last;
        const char* code = part_start && part_end ? "REQUIRED_PART_MONTH_TERM_START_AND_END"
                           : part_start           ? "REQUIRED_PART_MONTH_TERM_START"
                           : part_end             ? "REQUIRED_PART_MONTH_TERM_END"
                                                  : "REQUIRED_FULL_MONTH";
        rows->insert(prefix +
                     absl::StrCat("line|", code, "|", kind_name, "|", required, "|", owed, "|"));
        for (size_t k = 0; k < m.waivers.size(); ++k) {
          if (waiver_days[k] == 0) continue;
          rows->insert(prefix + absl::StrCat("line|WAIVED_", m.waivers[k].reason, "|", kind_name,
                                             "|0|", waiver_days[k], "|", m.waivers[k].id));
        }
      }
      if (kind == 0) {
        for (const auto& [s, k] : attended[i]) {
          const Session& ses = sessions[s];
          if (ses.day < first || ses.day > last) continue;
          auto o = outcome_at(s, k, r, x);
          if (!o) continue;
          const int minutes = credit(ses.kind, *o, r);
          credited += minutes;
          rows->insert(prefix +
                       absl::StrCat("line|", kCodes[*o], "|STUDY|", minutes, "|0|", ses.id));
        }
      } else {
        for (const Activity& a : m.activities) {
          if (a.served < first || a.served > last || !done(a.recorded, kActivities, x)) continue;
          std::string code = "COMMUNITY_SERVICE_PENDING_VERIFICATION";
          int minutes = r.pending_credited ? a.minutes : 0;
          if (a.verified && done(*a.verified, kActivities, x)) {
            code = a.accept ? "COMMUNITY_SERVICE" : "COMMUNITY_SERVICE_REJECTED";
            minutes = a.accept ? a.minutes : 0;
          }
          if (code == "COMMUNITY_SERVICE_PENDING_VERIFICATION" && r.pending_credited) {
            code = "COMMUNITY_SERVICE";
          }
          credited += minutes;
          rows->insert(prefix +
                       absl::StrCat("line|", code, "|COMMUNITY_SERVICE|", minutes, "|0|", a.id));
        }
      }
      const int shortfall = std::max(0, required - credited);
      (kind == 0 ? t.study_shortfall : t.cs_shortfall) = shortfall;
      totals.push_back(
          absl::StrCat(owed, ",", waived, ",", required, ",", credited, ",", shortfall));
    }
    // Marks: lost contact from `since` to the day before found (to the month's end while
    // lost), hospital days of sessions excused for hospital.
    std::set<CivilDay> lost, hospital;
    for (const LostPeriod& p : m.lost) {
      if (!done(p.marked, kEvents, x)) continue;
      CivilDay end = last;
      if (p.found && done(*p.found, kEvents, x)) end = *p.found - 1 + r.found_counted;
      for (CivilDay d = std::max(p.since, first); d <= std::min(end, last); ++d) lost.insert(d);
    }
    for (const auto& [s, k] : attended[i]) {
      const Session& ses = sessions[s];
      if (ses.day < first || ses.day > last) continue;
      if (r.hospital_marks && outcome_at(s, k, r, x) == kExcusedHospital) hospital.insert(ses.day);
    }
    t.lost = static_cast<int>(lost.size());
    t.hospital = static_cast<int>(hospital.size());
    if (t.lost > 0) rows->insert(prefix + absl::StrCat("line|LOST_CONTACT|-|0|", t.lost, "|"));
    if (t.hospital > 0) {
      rows->insert(prefix + absl::StrCat("line|HOSPITAL|-|0|", t.hospital, "|"));
    }
    rows->insert(prefix + absl::StrCat("totals|", closed, "|", days_in_month, "|", term_days, "|",
                                       totals[0], "|", totals[1], "|", t.lost, "|", t.hospital));
    return t;
  };
  // Intake and discharge windows as of `x` (the checkpoint's day): state and days.
  auto first_attended = [&](int i, int kind, CivilDay from, const Rules& r,
                            int64_t x) -> std::optional<CivilDay> {
    std::optional<CivilDay> out;
    for (const auto& [s, k] : attended[i]) {
      const Session& ses = sessions[s];
      if (ses.kind != kind || ses.day < from) continue;
      auto o = outcome_at(s, k, r, x);
      if (o != kAttended && o != kLate) continue;
      if (!out || ses.day < *out) out = ses.day;
    }
    return out;
  };
  auto windows = [&](const CaseModel& m, int i, const Rules& r, CivilDay today, int64_t x) {
    std::vector<std::tuple<int, std::string, std::string, std::string, std::string>> out;
    auto settle = [&](int kind, CivilDay opens, CivilDay due) {
      const auto done_on = first_attended(i, kind == 1 ? kIntake : kDischarge, opens, r, x);
      std::string state;
      if (done_on) {
        state = *done_on > due ? "COMPLETED_LATE" : "COMPLETED";
      } else if (today < opens) {
        state = "NOT_OPEN";
      } else if (today <= due) {
        state = "DUE";
      } else {
        state = closed_by(m, x) ? "MISSED" : "OVERDUE";
      }
      out.push_back({kind, state, Day(opens), Day(due), done_on ? Day(*done_on) : "-"});
    };
    if (reported_by(m, x)) {
      settle(1, *m.reported, AddMonths(*m.reported, 1) + r.intake_due);
    } else {
      out.push_back({1, "NOT_APPLICABLE", "-", "-", "-"});
    }
    const CivilDay opens = AddMonths(m.end, -1) + 1 - r.discharge_opens;
    if (closed_by(m, x) && *m.closed < opens) {
      out.push_back({2, "NOT_APPLICABLE", "-", "-", "-"});
    } else {
      settle(2, opens, m.end);
    }
    return out;
  };
  // Individual education of month `mo` at `x`: required, held, the reasons in force.
  auto individual = [&](const CaseModel& m, int i, CivilMonth mo, const Rules& r, int64_t x) {
    const CivilDay first(mo), last = CivilDay(mo + 1) - 1;
    int held = 0;
    for (const auto& [s, k] : attended[i]) {
      const Session& ses = sessions[s];
      if (ses.kind != kIndividual || ses.day < first || ses.day > last) continue;
      auto o = outcome_at(s, k, r, x);
      held += o == kAttended || o == kLate;
    }
    const auto [tfrom, tto] = term(m, r, x);
    const CivilDay from = std::max(first, tfrom), to = std::min(last, tto);
    std::vector<std::string> in_force;
    int required = 0;
    if (!(to < from)) {
      static const char* kNames[] = {"VIOLATION",     "SANCTION",    "HIGH_RISK", "LOW_RISK",
                                     "KEY_ATTENTION", "CRISIS_FLAG", "LEVEL"};
      for (const Trigger& t : m.triggers) {
        if (!done(t.event_day, kEvents, x) || t.kind == kLevel) continue;
        if (t.kind == kLowRisk && !r.low_risk_steps_up) continue;
        const CivilDay on = r.trigger_alt_day ? t.alt_on : t.on;
        const CivilDay until = AddMonths(on, 3 + r.step_up_months) - 1;
        if (on <= to && from <= until) {
          in_force.push_back(t.kind == kLowRisk ? "HIGH_RISK" : kNames[t.kind]);
        }
      }
      required = (in_force.empty() ? 1 : 2) + r.base_individual;
    }
    std::sort(in_force.begin(), in_force.end());
    return std::make_tuple(required, held, absl::StrJoin(in_force, ","));
  };

  // Plan revisions overdue at `x` (day `today`): a plan trigger arriving while a version is in
  // force makes a revision due 15 days after its day; the next version approved settles it.
  auto revisions_overdue = [&](const CaseModel& m, const Rules& r, CivilDay today, int64_t x) {
    std::vector<std::string> out;
    if (!m.plan_on || !active(m, x)) return out;
    for (const Trigger& t : m.triggers) {
      if (t.event_day <= *m.plan_on || !done(t.event_day, kEvents, x)) continue;
      if (t.kind == kViolation && !r.violation_revises) continue;
      if (t.kind == kLevel && t.same_level && !r.same_level_revises) continue;
      const bool before_revision = m.revised_on && t.event_day <= *m.revised_on;
      if (before_revision && done(*m.revised_on, kWaivers, x)) continue;  // settled
      const CivilDay on = r.trigger_alt_day ? t.alt_on : t.on;
      const CivilDay due = on + 15 + r.revision_days;
      if (!(due < today)) continue;
      const int reason = t.kind == kLevel          ? v1::REVISION_REASON_LEVEL_CHANGED
                         : t.kind == kSanction     ? v1::REVISION_REASON_SANCTION
                         : t.kind == kCrisis       ? v1::REVISION_REASON_CRISIS_FLAG
                         : t.kind == kKeyAttention ? v1::REVISION_REASON_KEY_ATTENTION
                         : t.kind == kViolation    ? v1::REVISION_REASON_SANCTION
                                                   : v1::REVISION_REASON_ASSESSMENT_RECORDED;
      out.push_back(absl::StrCat(m.id, "|", reason, "|", Day(on), "|", Day(due), "|",
                                 before_revision || !m.revised_on ? 1 : 2));
    }
    return out;
  };

  // ---- the year ----
  EducationHarness& hh = h();
  auto must = [&](const grpc::Status& st, const std::string& what) {
    EXPECT_TRUE(st.ok()) << what << ": " << st.error_message();
    return st.ok();
  };
  std::atomic<int> undelivered{0};
  auto producer = kafka::KafkaProducer::Create(
      {.bootstrap_servers = IntegrationEnv::Get()->kafka_bootstrap},
      [&](const kafka::DeliveryReport& r) { undelivered += r.ok ? 0 : 1; });
  ASSERT_TRUE(producer.ok()) << producer.status();
  std::vector<std::string> pending_events;  // produced, not yet seen applied
  std::set<int> fresh_cases;                // cases whose opening, intake or closing is among them
  int events_produced = 0;
  auto produce = [&](const std::string& topic, const std::string& type, const CaseModel& m,
                     const google::protobuf::Message& payload, absl::Time at) {
    auto env = kafka::MakeEnvelope(type, m.id, kDistricts[m.district], at, at,
                                   topic == "ccms.records.v1" ? "ccms-records" : "ccms-assessment",
                                   payload);
    pending_events.push_back(env.event_id());
    ++events_produced;
    ASSERT_TRUE(
        (*producer)->Produce({.topic = topic, .key = m.id, .value = env.SerializeAsString()}).ok());
  };
  // Waits until the three consumers of each topic took every event produced so far.
  absl::Duration waiting;
  pqxx::connection watch(hh.db().dsn());  // the inbox, watched
  auto wait_for_events = [&] {
    if (pending_events.empty()) return;
    const absl::Time wait_started = absl::Now();
    ASSERT_TRUE((*producer)->Flush(10000));
    ASSERT_EQ(undelivered.load(), 0);
    const std::string sql = absl::StrCat("SELECT count(*) FROM inbox WHERE event_id IN ('",
                                         absl::StrJoin(pending_events, "','"), "')");
    const std::string want = N(3 * static_cast<int64_t>(pending_events.size()));
    const absl::Time deadline = absl::Now() + absl::Seconds(120);
    auto count = [&] {
      pqxx::nontransaction tx(watch);
      return tx.exec(sql)[0][0].as<std::string>();
    };
    while (count() != want && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(2));
    ASSERT_EQ(count(), want) << "education did not apply the events";
    pending_events.clear();
    fresh_cases.clear();
    waiting += absl::Now() - wait_started;
  };
  // Whether an action needs the events produced so far applied first: the comparisons, the month
  // close and the plans (a trigger before a plan's approval or revision must have been taken), and
  // any call about a case whose opening or intake the service may not have taken yet. Leave
  // approvals need no wait: the office records no attendance for the people a leave excuses.
  auto needs_events = [&](const Action& a) {
    switch (a.kind) {
      case aCloseMonth:
      case aCheckpoint:
      case aPlan:
      case aRevise:
        return true;
      case aEnrol:
        return fresh_cases.count(sessions[a.index].enrolled[a.item].case_index) > 0;
      case aWaiver:
      case aActivity:
      case aVerify:
      case aLost:  // the ledger's consumer drops what comes for a case it does not know
      case aFound:
      case aTrigger:
        return fresh_cases.count(a.index) > 0;
      default:
        return false;
    }
  };
  auto set_clock = [&](CivilDay d, int phase) { hh.clock().Set(TimeOf(d, phase)); };

  std::vector<Comparison> comparisons;
  size_t compared_items = 0;
  std::atomic<int> month_closes{0}, rpcs{0};
  auto compare = [&](const std::string& what, Rows got, std::function<Rows(const Rules&)> brute) {
    const Rows want = brute(Rules{});
    EXPECT_TRUE(got == want) << what << ": " << Diff(got, want);
    compared_items += want.size();
    comparisons.push_back({what, std::move(got), std::move(brute)});
  };
  // The district lists at a checkpoint, against their brute force.
  auto compare_lists = [&](CivilDay day) {
    const int64_t x = At(day, kCheckpoint);
    const CivilMonth now(day);
    for (int d = 0; d < 2; ++d) {
      const std::string district = kDistricts[d];
      for (CivilMonth mo : {now, now - 1}) {
        if (mo < CivilMonth(2024, 1)) continue;
        Rows got;
        std::string token;
        do {
          v1::ListHoursShortfallsRequest req;
          req.set_district_code(district);
          req.set_year(static_cast<int>(mo.year()));
          req.set_month(mo.month());
          req.set_page_size(500);
          req.set_page_token(token);
          v1::ListHoursShortfallsResponse resp;
          auto ctx = hh.Context(staff[d]);
          ++rpcs;
          if (!must(hh.hours_ledger().ListHoursShortfalls(ctx.get(), req, &resp), "shortfalls")) {
            return;
          }
          for (const auto& s : resp.items()) {
            got.insert(absl::StrCat(s.case_id(), "|", s.study_shortfall_minutes(), "|",
                                    s.community_service_shortfall_minutes(), "|", s.closed(), "|",
                                    s.lost_contact(), "|", s.hospital()));
          }
          token = resp.next_page_token();
        } while (!token.empty());
        compare(absl::StrCat("shortfalls of ", mo.year(), "-", mo.month(), " as of ", Day(day),
                             " in ", district),
                got, [&, d, mo, x](const Rules& r) {
                  Rows rows;
                  for (int i = 0; i < kCases; ++i) {
                    const CaseModel& m = model[i];
                    if (m.district != d || !known(m, x)) continue;
                    Rows scratch;
                    const Totals t = ledger(m, i, mo, r, x, &scratch);
                    if (t.study_shortfall == 0 && t.cs_shortfall == 0) continue;
                    rows.insert(absl::StrCat(m.id, "|", t.study_shortfall, "|", t.cs_shortfall, "|",
                                             t.closed, "|", t.lost > 0, "|", t.hospital > 0));
                  }
                  return rows;
                });
      }
      // The overdue-only list at month ends.
      const bool month_end = CivilMonth(day + 1) != CivilMonth(day);
      for (bool overdue_only : {false, true}) {
        if (overdue_only && !month_end) continue;
        Rows got;
        std::string token;
        do {
          v1::ListEducationWindowsRequest req;
          req.set_district_code(district);
          req.set_overdue_only(overdue_only);
          req.set_page_size(500);
          req.set_page_token(token);
          v1::ListEducationWindowsResponse resp;
          auto ctx = hh.Context(staff[d]);
          ++rpcs;
          if (!must(hh.hours_ledger().ListEducationWindows(ctx.get(), req, &resp), "windows")) {
            return;
          }
          for (const auto& w : resp.items()) {
            got.insert(absl::StrCat(w.case_id(), "|", w.kind(), "|", w.state(), "|",
                                    Day(w.opens_on()), "|", Day(w.due_on())));
          }
          token = resp.next_page_token();
        } while (!token.empty());
        compare(
            absl::StrCat(overdue_only ? "overdue " : "due and overdue ", "windows as of ", Day(day),
                         " in ", district),
            got, [&, d, x, day, overdue_only](const Rules& r) {
              Rows rows;
              for (int i = 0; i < kCases; ++i) {
                const CaseModel& m = model[i];
                if (m.district != d || !active(m, x)) continue;
                for (const auto& [kind, state, opens, due, completed] : windows(m, i, r, day, x)) {
                  if (state == "OVERDUE" || (!overdue_only && state == "DUE")) {
                    rows.insert(absl::StrCat(m.id, "|", kind, "|", state, "|", opens, "|", due));
                  }
                }
              }
              return rows;
            });
      }
      Rows got;
      std::string token;
      do {
        v1::ListIndividualEducationDueRequest req;
        req.set_district_code(district);
        req.set_page_size(500);
        req.set_page_token(token);
        v1::ListIndividualEducationDueResponse resp;
        auto ctx = hh.Context(staff[d]);
        ++rpcs;
        if (!must(hh.hours_ledger().ListIndividualEducationDue(ctx.get(), req, &resp),
                  "individual")) {
          return;
        }
        for (const auto& it : resp.items()) {
          std::vector<std::string> why(it.reasons().begin(), it.reasons().end());
          std::sort(why.begin(), why.end());
          got.insert(absl::StrCat(it.case_id(), "|", it.year(), "-", it.month(), "|", it.required(),
                                  "|", it.held(), "|", absl::StrJoin(why, ",")));
        }
        token = resp.next_page_token();
      } while (!token.empty());
      compare(absl::StrCat("individual education below as of ", Day(day), " in ", district), got,
              [&, d, x, now](const Rules& r) {
                Rows rows;
                for (int i = 0; i < kCases; ++i) {
                  const CaseModel& m = model[i];
                  if (m.district != d || !active(m, x)) continue;
                  const auto [required, held, why] = individual(m, i, now, r, x);
                  if (held >= required) continue;
                  rows.insert(absl::StrCat(m.id, "|", now.year(), "-", now.month(), "|", required,
                                           "|", held, "|", why));
                }
                return rows;
              });
      Rows revisions;
      token.clear();
      do {
        v1::ListOverdueRevisionsRequest req;
        req.set_district_code(district);
        req.set_page_size(500);
        req.set_page_token(token);
        v1::ListOverdueRevisionsResponse resp;
        auto ctx = hh.Context(staff[d]);
        ++rpcs;
        if (!must(hh.plans().ListOverdueRevisions(ctx.get(), req, &resp), "revisions")) return;
        for (const auto& it : resp.items()) {
          EXPECT_TRUE(it.overdue());
          revisions.insert(absl::StrCat(it.case_id(), "|", it.reason(), "|", Day(it.triggered_on()),
                                        "|", Day(it.due_on()), "|", it.plan_version()));
        }
        token = resp.next_page_token();
      } while (!token.empty());
      compare(absl::StrCat("plan revisions overdue as of ", Day(day), " in ", district), revisions,
              [&, d, x, day](const Rules& r) {
                Rows rows;
                for (const CaseModel& m : model) {
                  if (m.district != d) continue;
                  for (auto& row : revisions_overdue(m, r, day, x)) rows.insert(std::move(row));
                }
                return rows;
              });
    }
  };
  // A service ledger as rows (the brute force's form).
  auto ledger_rows = [](const v1::MonthLedger& l, Rows* rows) {
    const std::string prefix = absl::StrCat(l.case_id(), "|", l.year(), "-", l.month(), "|");
    static const char* kKindNames[] = {"-", "STUDY", "COMMUNITY_SERVICE"};
    for (const auto& line : l.lines()) {
      rows->insert(prefix + absl::StrCat("line|", line.code(), "|", kKindNames[line.kind()], "|",
                                         line.minutes(), "|", line.days(), "|", line.ref()));
    }
    auto totals = [](const v1::HoursTotals& t) {
      return absl::StrCat(t.owed_days(), ",", t.waived_days(), ",", t.required_minutes(), ",",
                          t.credited_minutes(), ",", t.shortfall_minutes());
    };
    rows->insert(prefix + absl::StrCat("totals|", l.closed(), "|", l.days_in_month(), "|",
                                       l.term_days(), "|", totals(l.study()), "|",
                                       totals(l.community_service()), "|", l.lost_contact_days(),
                                       "|", l.hospital_days()));
  };
  // Every case's ledger of the month at a month end, with its windows and individual month.
  auto compare_ledgers = [&](CivilDay day) {
    const int64_t x = At(day, kCheckpoint);
    const CivilMonth mo(day);
    for (int d = 0; d < 2; ++d) {
      std::vector<Rows> each(kCases);
      Parallel(kCases, 4, [&](int i) {
        const CaseModel& m = model[i];
        if (m.district != d || !known(m, x)) return;
        Rows& got = each[i];
        v1::GetHoursLedgerRequest req;
        req.set_case_id(m.id);
        req.set_year(static_cast<int>(mo.year()));
        req.set_month(mo.month());
        v1::GetHoursLedgerResponse resp;
        auto ctx = hh.Context(staff[d]);
        ++rpcs;
        if (!must(hh.hours_ledger().GetHoursLedger(ctx.get(), req, &resp), "ledger")) return;
        ledger_rows(resp.ledger(), &got);
        for (const auto& w : resp.windows()) {
          got.insert(absl::StrCat(m.id, "|window|", w.kind(), "|", w.state(), "|",
                                  Day(w.opens_on()), "|", Day(w.due_on()), "|",
                                  Day(w.completed_on())));
        }
        std::vector<std::string> why(resp.individual().reasons().begin(),
                                     resp.individual().reasons().end());
        std::sort(why.begin(), why.end());
        got.insert(absl::StrCat(m.id, "|individual|", resp.individual().required(), "|",
                                resp.individual().held(), "|", absl::StrJoin(why, ",")));
      });
      Rows got;
      for (auto& rows : each) got.merge(rows);
      compare(
          absl::StrCat("ledgers of ", mo.year(), "-", mo.month(), " in ", kDistricts[d]), got,
          [&, d, x, day, mo](const Rules& r) {
            Rows rows;
            for (int i = 0; i < kCases; ++i) {
              const CaseModel& m = model[i];
              if (m.district != d || !known(m, x)) continue;
              ledger(m, i, mo, r, x, &rows);
              for (const auto& [kind, state, opens, due, completed] : windows(m, i, r, day, x)) {
                rows.insert(absl::StrCat(m.id, "|window|", kind, "|", state, "|", opens, "|", due,
                                         "|", completed));
              }
              const auto [required, held, why] = individual(m, i, mo, r, x);
              rows.insert(absl::StrCat(m.id, "|individual|", required, "|", held, "|", why));
            }
            return rows;
          });
    }
  };

  const absl::Time year_started = absl::Now();
  absl::Duration comparing;
  for (const Action& a : actions) {
    if (!pending_events.empty() && needs_events(a)) {
      wait_for_events();
      if (HasFatalFailure()) return;
    }
    set_clock(a.on, PhaseOf(a.kind));
    const absl::Time now = hh.clock().Now();
    switch (a.kind) {
      case aOpen: {
        CaseModel& m = model[a.index];
        m.id = ids::NewUuid();
        records::v1::CaseOpened p;
        p.set_case_id(m.id);
        p.set_district_code(kDistricts[m.district]);
        p.set_office_id(absl::StrCat("office-", m.district));
        *p.mutable_supervision_start_date() = D(m.start);
        *p.mutable_supervision_end_date() = D(m.end);
        p.set_minor(m.minor);
        p.set_sex(a.index % 3 == 0 ? common::v1::SEX_FEMALE : common::v1::SEX_MALE);
        p.set_age_band(m.minor ? records::v1::AGE_BAND_16_TO_17 : records::v1::AGE_BAND_26_TO_35);
        p.set_offence_category("theft");
        produce("ccms.records.v1", "ccms.records.case_opened", m, p, now);
        fresh_cases.insert(a.index);
        break;
      }
      case aIntake: {
        const CaseModel& m = model[a.index];
        records::v1::IntakeReported p;
        p.set_case_id(m.id);
        p.set_district_code(kDistricts[m.district]);
        *p.mutable_reported_on() = D(*m.reported);
        produce("ccms.records.v1", "ccms.records.intake_reported", m, p, now);
        fresh_cases.insert(a.index);
        break;
      }
      case aClosed: {
        const CaseModel& m = model[a.index];
        records::v1::CaseClosed p;
        p.set_case_id(m.id);
        p.set_district_code(kDistricts[m.district]);
        p.set_reason(*m.closed < m.end ? records::v1::CASE_CLOSE_REASON_REVOKED
                                       : records::v1::CASE_CLOSE_REASON_DISCHARGED);
        *p.mutable_closed_on() = D(*m.closed);
        produce("ccms.records.v1", "ccms.records.case_closed", m, p, now);
        fresh_cases.insert(a.index);
        break;
      }
      case aLeaveApproved:
      case aLeaveReturned: {
        const CaseModel& m = model[a.index];
        const Leave& l = m.leaves[a.item];
        records::v1::LeaveChanged p;
        p.set_case_id(m.id);
        p.set_district_code(kDistricts[m.district]);
        p.set_leave_id(l.id);
        p.set_status(a.kind == aLeaveApproved ? "APPROVED" : "RETURNED");
        *p.mutable_start_date() = D(l.start);
        *p.mutable_end_date() = D(l.end);
        p.set_approval_level("OFFICE");
        *p.mutable_on() = D(a.on);
        produce("ccms.records.v1",
                a.kind == aLeaveApproved ? "ccms.records.leave_approved"
                                         : "ccms.records.leave_returned",
                m, p, now);
        break;
      }
      case aLost:
      case aFound: {
        const CaseModel& m = model[a.index];
        const LostPeriod& l = m.lost[a.item];
        records::v1::LostContactChanged p;
        p.set_case_id(m.id);
        p.set_district_code(kDistricts[m.district]);
        p.set_period_id(l.id);
        *p.mutable_since() = D(l.since);
        if (a.kind == aFound) {
          *p.mutable_found_on() = D(*l.found);
          p.set_days_lost(static_cast<int>(*l.found - l.since));
        }
        produce("ccms.records.v1",
                a.kind == aLost ? "ccms.records.lost_contact_marked" : "ccms.records.found_again",
                m, p, now);
        break;
      }
      case aTrigger: {
        const CaseModel& m = model[a.index];
        const Trigger& t = m.triggers[a.item];
        const std::string district = kDistricts[m.district];
        switch (t.kind) {
          case kViolation: {
            records::v1::ViolationRecorded p;
            p.set_case_id(m.id);
            p.set_district_code(district);
            p.set_violation_id(ids::NewUuid());
            p.set_kind(records::v1::VIOLATION_KIND_EDUCATION_MISSED);
            *p.mutable_occurred_on() = D(t.on);
            produce("ccms.records.v1", "ccms.records.violation_recorded", m, p, now);
            break;
          }
          case kSanction: {
            records::v1::SanctionIssued p;
            p.set_case_id(m.id);
            p.set_district_code(district);
            p.set_sanction_id(ids::NewUuid());
            p.set_kind(records::v1::SANCTION_KIND_WARNING);
            *p.mutable_issued_on() = D(t.on);
            produce("ccms.records.v1", "ccms.records.sanction_issued", m, p, now);
            break;
          }
          case kHighRisk:
          case kLowRisk: {
            assessment::v1::AssessmentRecorded p;
            p.set_case_id(m.id);
            p.set_district_code(district);
            p.set_assessment_id(ids::NewUuid());
            *p.mutable_assessed_on() = D(t.on);
            p.set_risk_level(t.kind == kHighRisk
                                 ? assessment::v1::RISK_LEVEL_HIGH
                                 : (a.item % 2 ? assessment::v1::RISK_LEVEL_LOW
                                               : assessment::v1::RISK_LEVEL_MEDIUM));
            produce("ccms.assessment.v1", "ccms.assessment.assessment_recorded", m, p, now);
            break;
          }
          case kKeyAttention: {
            assessment::v1::KeyAttentionChanged p;
            p.set_case_id(m.id);
            p.set_district_code(district);
            p.set_key_attention(true);
            produce("ccms.assessment.v1", "ccms.assessment.key_attention_changed", m, p, now);
            break;
          }
          case kCrisis: {
            assessment::v1::CrisisFlagRaised p;
            p.set_case_id(m.id);
            p.set_district_code(district);
            p.set_flag_id(ids::NewUuid());
            *p.mutable_raised_at() = grpc_util::ToProtoTimestamp(t.at);
            *p.mutable_acknowledge_by() = grpc_util::ToProtoTimestamp(t.at + absl::Hours(24));
            produce("ccms.assessment.v1", "ccms.assessment.crisis_flag_raised", m, p, now);
            break;
          }
          case kLevel: {
            assessment::v1::SupervisionLevelChanged p;
            p.set_case_id(m.id);
            p.set_district_code(district);
            p.set_level(common::v1::SUPERVISION_LEVEL_STRICT);
            p.set_previous_level(t.same_level ? common::v1::SUPERVISION_LEVEL_STRICT
                                              : common::v1::SUPERVISION_LEVEL_STANDARD);
            *p.mutable_effective_on() = D(t.on);
            produce("ccms.assessment.v1", "ccms.assessment.supervision_level_changed", m, p, now);
            break;
          }
        }
        break;
      }
      case aCancel: {
        Session& s = sessions[a.index];
        v1::CancelSessionRequest req;
        req.set_request_id(ids::NewUuid());
        req.set_session_id(s.id);
        req.set_reason_code("LOW_ENROLMENT");
        v1::CancelSessionResponse resp;
        auto ctx = hh.Context(staff[s.district]);
        ++rpcs;
        must(hh.sessions().CancelSession(ctx.get(), req, &resp), "cancel");
        break;
      }
      case aCloseMonth: {
        // Every case whose term had a day in the month, closed; each frozen ledger compared.
        const CivilMonth mo = CivilMonth(2024, 1) + (a.index - 1);
        const int64_t x = At(a.on, kMonthClose);
        const absl::Time t0 = absl::Now();
        for (int d = 0; d < 2; ++d) {
          std::vector<Rows> each(kCases);
          Parallel(kCases, 4, [&](int i) {
            const CaseModel& m = model[i];
            if (m.district != d || !closed_at(m, mo, Rules{}, x)) return;
            v1::CloseHoursMonthRequest req;
            req.set_request_id(ids::NewUuid());
            req.set_case_id(m.id);
            req.set_year(static_cast<int>(mo.year()));
            req.set_month(mo.month());
            v1::CloseHoursMonthResponse resp;
            auto ctx = hh.Context(staff[d]);
            ++rpcs;
            ++month_closes;
            if (!must(hh.hours_ledger().CloseHoursMonth(ctx.get(), req, &resp), "close")) return;
            EXPECT_FALSE(resp.already_closed());
            ledger_rows(resp.ledger(), &each[i]);
          });
          Rows got;
          for (auto& rows : each) got.merge(rows);
          compare(
              absl::StrCat("closed ledgers of ", mo.year(), "-", mo.month(), " in ", kDistricts[d]),
              got, [&, d, mo, x](const Rules& r) {
                Rows rows;
                for (int i = 0; i < kCases; ++i) {
                  const CaseModel& m = model[i];
                  if (m.district != d || !closed_at(m, mo, Rules{}, x)) continue;
                  ledger(m, i, mo, r, x, &rows);
                }
                return rows;
              });
        }
        comparing += absl::Now() - t0;
        break;
      }
      case aSchedule: {
        Session& s = sessions[a.index];
        const KindSpec& k = kKinds[s.kind];
        v1::ScheduleSessionRequest req;
        req.set_request_id(ids::NewUuid());
        req.set_district_code(kDistricts[s.district]);
        req.set_office_id(absl::StrCat("office-", s.district));
        req.set_kind(k.kind);
        req.set_form(v1::SESSION_FORM_FACE_TO_FACE);
        req.set_venue("Hall");
        const absl::Time start =
            absl::FromCivil(absl::CivilMinute(s.day) + k.start_minute, time::ShanghaiTimeZone());
        *req.mutable_start_time() = grpc_util::ToProtoTimestamp(start);
        *req.mutable_end_time() = grpc_util::ToProtoTimestamp(start + absl::Minutes(k.minutes));
        req.mutable_provider()->set_kind(v1::PROVIDER_KIND_STAFF);
        req.mutable_provider()->set_id(absl::StrCat("year-staff-", s.district));
        req.set_capacity(200);
        req.set_audience(s.minors ? v1::AUDIENCE_MINORS_ONLY : v1::AUDIENCE_ADULTS_ONLY);
        v1::ScheduleSessionResponse resp;
        auto ctx = hh.Context(staff[s.district]);
        ++rpcs;
        if (!must(hh.sessions().ScheduleSession(ctx.get(), req, &resp), "schedule")) return;
        ASSERT_EQ(resp.sessions_size(), 1);
        s.id = resp.sessions(0).session_id();
        break;
      }
      case aEnrol: {
        const Session& s = sessions[a.index];
        const CaseModel& m = model[s.enrolled[a.item].case_index];
        v1::EnrolCaseRequest req;
        req.set_request_id(ids::NewUuid());
        req.set_session_id(s.id);
        req.set_case_id(m.id);
        v1::EnrolCaseResponse resp;
        auto ctx = hh.Context(staff[s.district]);
        ++rpcs;
        must(hh.sessions().EnrolCase(ctx.get(), req, &resp), "enrol");
        break;
      }
      case aWaiver: {
        CaseModel& m = model[a.index];
        Waiver& w = m.waivers[a.item];
        v1::GrantHoursWaiverRequest req;
        req.set_request_id(ids::NewUuid());
        req.set_case_id(m.id);
        req.set_scope(w.scope == 0   ? v1::WAIVER_SCOPE_STUDY
                      : w.scope == 1 ? v1::WAIVER_SCOPE_COMMUNITY_SERVICE
                                     : v1::WAIVER_SCOPE_BOTH);
        req.set_reason_code(w.reason);
        *req.mutable_from_date() = D(w.from);
        *req.mutable_until_date() = D(w.until);
        v1::GrantHoursWaiverResponse resp;
        auto ctx = hh.Context(staff[m.district]);
        ++rpcs;
        if (!must(hh.hours_ledger().GrantHoursWaiver(ctx.get(), req, &resp),
                  absl::StrCat("waiver on ", Day(a.on), " of case ", a.index, " opened ",
                               Day(m.opened), " from ", Day(w.from)))) {
          return;
        }
        w.id = resp.waiver().waiver_id();
        EXPECT_EQ(resp.waiver().scope(), req.scope()) << kScopes[w.scope];
        break;
      }
      case aPlan:
      case aRevise: {
        const CaseModel& m = model[a.index];
        const std::string& token = staff[m.district];
        v1::PlanContent content;
        content.add_need_codes("EMPLOYMENT");
        content.set_needs_summary("work and family");
        for (auto [term, days] :
             {std::pair{v1::GOAL_TERM_SHORT, 30}, std::pair{v1::GOAL_TERM_MEDIUM, 90},
              std::pair{v1::GOAL_TERM_LONG, 180}}) {
          v1::PlanGoal* g = content.add_goals();
          g->set_term(term);
          g->set_description("a goal");
          *g->mutable_target_date() = D(a.on + days);
        }
        v1::PlanStep* step = content.add_steps();
        step->set_description("a weekly talk");
        step->set_step_code("EDUCATION_STUDY");
        *step->mutable_start_date() = D(a.on);
        *step->mutable_end_date() = D(a.on + 60);
        step->set_schedule("weekly");
        content.add_measures("talks");
        int version = 1;
        if (a.kind == aPlan) {
          v1::DraftPlanRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.id);
          *req.mutable_content() = content;
          v1::DraftPlanResponse resp;
          auto ctx = hh.Context(token);
          ++rpcs;
          if (!must(hh.plans().DraftPlan(ctx.get(), req, &resp), "draft")) return;
        } else {
          v1::RevisePlanRequest req;
          req.set_request_id(ids::NewUuid());
          req.set_case_id(m.id);
          req.set_expected_version(1);
          req.set_reason(v1::REVISION_REASON_STAFF);
          *req.mutable_content() = content;
          v1::RevisePlanResponse resp;
          auto ctx = hh.Context(token);
          ++rpcs;
          if (!must(hh.plans().RevisePlan(ctx.get(), req, &resp), "revise")) return;
          version = 2;
        }
        v1::RecordPlanAgreementRequest agree;
        agree.set_request_id(ids::NewUuid());
        agree.set_case_id(m.id);
        agree.set_version(version);
        *agree.mutable_person_agreed_on() = D(a.on);
        if (m.minor) *agree.mutable_guardian_agreed_on() = D(a.on);
        v1::RecordPlanAgreementResponse agreed;
        v1::ApprovePlanRequest approve;
        approve.set_request_id(ids::NewUuid());
        approve.set_case_id(m.id);
        approve.set_version(version);
        *approve.mutable_approved_on() = D(a.on);
        v1::ApprovePlanResponse approved;
        v1::ActivatePlanRequest activate;
        activate.set_request_id(ids::NewUuid());
        activate.set_case_id(m.id);
        activate.set_version(version);
        *activate.mutable_active_from() = D(a.on);
        v1::ActivatePlanResponse activated;
        rpcs += 3;
        {
          auto ctx = hh.Context(token);
          if (!must(hh.plans().RecordPlanAgreement(ctx.get(), agree, &agreed), "agree")) return;
        }
        {
          auto ctx = hh.Context(token);
          if (!must(hh.plans().ApprovePlan(ctx.get(), approve, &approved), "approve")) return;
        }
        {
          auto ctx = hh.Context(token);
          if (!must(hh.plans().ActivatePlan(ctx.get(), activate, &activated), "activate")) return;
        }
        break;
      }
      case aActivity: {
        CaseModel& m = model[a.index];
        Activity& act = m.activities[a.item];
        v1::RecordServiceActivityRequest req;
        req.set_request_id(ids::NewUuid());
        req.set_case_id(m.id);
        req.set_self_initiated(true);
        req.set_organiser("Neighbourhood library");
        *req.mutable_served_on() = D(act.served);
        req.set_minutes(act.minutes);
        v1::RecordServiceActivityResponse resp;
        auto ctx = hh.Context(staff[m.district]);
        ++rpcs;
        if (!must(hh.community_service().RecordServiceActivity(ctx.get(), req, &resp),
                  "activity")) {
          return;
        }
        act.id = resp.activity().activity_id();
        break;
      }
      case aVerify: {
        const CaseModel& m = model[a.index];
        const Activity& act = m.activities[a.item];
        v1::VerifyServiceActivityRequest req;
        req.set_request_id(ids::NewUuid());
        req.set_case_id(m.id);
        req.set_activity_id(act.id);
        req.set_accept(act.accept);
        v1::VerifyServiceActivityResponse resp;
        auto ctx = hh.Context(staff[m.district]);
        ++rpcs;
        must(hh.community_service().VerifyServiceActivity(ctx.get(), req, &resp), "verify");
        break;
      }
      case aAttendance: {
        const Session& s = sessions[a.index];
        v1::RecordAttendanceRequest req;
        req.set_request_id(ids::NewUuid());
        req.set_session_id(s.id);
        for (const Enrolment& e : s.enrolled) {
          if (e.outcome == kExcusedLeave) continue;  // the service excused it
          v1::AttendanceEntry* entry = req.add_entries();
          entry->set_case_id(model[e.case_index].id);
          switch (e.outcome) {
            case kAttended:
              entry->set_outcome(v1::ATTENDANCE_OUTCOME_ATTENDED);
              break;
            case kLate:
              entry->set_outcome(v1::ATTENDANCE_OUTCOME_LATE);
              break;
            case kExcusedHospital:
            case kExcusedWork:
            case kExcusedOther:
              entry->set_outcome(v1::ATTENDANCE_OUTCOME_EXCUSED);
              entry->set_excuse_reason(e.outcome == kExcusedHospital ? v1::EXCUSE_REASON_HOSPITAL
                                       : e.outcome == kExcusedWork   ? v1::EXCUSE_REASON_WORK
                                                                     : v1::EXCUSE_REASON_OTHER);
              break;
            case kAbsentAfterNotice:
              entry->set_outcome(v1::ATTENDANCE_OUTCOME_ABSENT_AFTER_NOTICE);
              entry->set_notice_given(true);
              break;
            default:
              entry->set_outcome(v1::ATTENDANCE_OUTCOME_ABSENT);
          }
        }
        if (req.entries_size() == 0) break;
        v1::RecordAttendanceResponse resp;
        auto ctx = hh.Context(staff[s.district]);
        ++rpcs;
        must(hh.sessions().RecordAttendance(ctx.get(), req, &resp), "attendance");
        break;
      }
      case aCheckpoint: {
        const absl::Time t0 = absl::Now();
        compare_lists(a.on);
        if (CivilMonth(a.on + 1) != CivilMonth(a.on)) compare_ledgers(a.on);
        comparing += absl::Now() - t0;
        break;
      }
    }
    if (HasFatalFailure()) return;
  }

  // The simulation exercised what it claims to.
  int leaves = 0, excused_by_leave = 0, lost = 0, waivers = 0, activities = 0, triggers = 0,
      cancelled = 0, minors = 0, closed = 0, never_reported = 0;
  std::map<int, int> outcomes;
  for (const CaseModel& m : model) {
    leaves += static_cast<int>(m.leaves.size());
    lost += static_cast<int>(m.lost.size());
    waivers += static_cast<int>(m.waivers.size());
    activities += static_cast<int>(m.activities.size());
    triggers += static_cast<int>(m.triggers.size());
    minors += m.minor;
    closed += m.closed.has_value();
    never_reported += !m.reported.has_value();
  }
  for (const Session& s : sessions) {
    cancelled += s.cancelled.has_value();
    for (const Enrolment& e : s.enrolled) ++outcomes[e.outcome];
  }
  excused_by_leave = outcomes[kExcusedLeave];
  EXPECT_GT(excused_by_leave, 5);
  EXPECT_GT(lost, 10);
  EXPECT_GT(waivers, 10);
  EXPECT_GT(minors, 10);
  const std::string outbox_excused =
      hh.db().QueryValue("SELECT count(*) FROM attendance WHERE excuse_reason = 'APPROVED_LEAVE'");
  std::cout << "cases " << kCases << " in 2 districts (" << minors << " minors, " << closed
            << " closed, " << never_reported << " never reported); sessions " << sessions.size()
            << " (" << cancelled << " cancelled), enrolments " << enrolments << " ("
            << excused_by_leave << " excused by a leave, " << outbox_excused
            << " such rows), leaves " << leaves << ", lost contact " << lost << ", waivers "
            << waivers << ", community service " << activities << ", step-up and other events "
            << triggers << "; events produced " << events_produced << ", calls " << rpcs
            << ", month closes " << month_closes << "\n";
  std::cout << "comparisons " << comparisons.size() << ", items compared " << compared_items
            << "; time: the year " << absl::FormatDuration(absl::Now() - year_started)
            << " (fetching and comparing " << absl::FormatDuration(comparing)
            << ", waiting for the consumers " << absl::FormatDuration(waiting) << "), total "
            << absl::FormatDuration(absl::Now() - started) << "\n";

  // ---- the mutation check ----
  const absl::Time mutations_started = absl::Now();
  const std::vector<std::pair<std::string, std::function<void(Rules&)>>> mutations = {
      {"term from the day after the supervision start", [](Rules& r) { r.term_start = 1; }},
      {"term to the day before the supervision end", [](Rules& r) { r.term_end = -1; }},
      {"an early close ends the term a day later", [](Rules& r) { r.closed_end = 1; }},
      {"a leap February divided by 28", [](Rules& r) { r.february_28 = true; }},
      {"required minutes rounded up", [](Rules& r) { r.round_up = true; }},
      {"a waiver from the day after its first", [](Rules& r) { r.waiver_from = 1; }},
      {"a waiver to the day before its last", [](Rules& r) { r.waiver_until = -1; }},
      {"LATE credits 51%", [](Rules& r) { r.late_percent = 1; }},
      {"a session credits at most 241 minutes", [](Rules& r) { r.credit_cap = 1; }},
      {"lost contact counts the day found", [](Rules& r) { r.found_counted = 1; }},
      {"no hospital marks", [](Rules& r) { r.hospital_marks = false; }},
      {"an approved leave excuses nothing", [](Rules& r) { r.leave_excuses = false; }},
      {"self-initiated service counts before verification",
       [](Rules& r) { r.pending_credited = true; }},
      {"a closed month follows later changes", [](Rules& r) { r.frozen = false; }},
      {"intake education due a day later", [](Rules& r) { r.intake_due = 1; }},
      {"discharge education opens a day earlier", [](Rules& r) { r.discharge_opens = 1; }},
      {"a step-up in force a month longer", [](Rules& r) { r.step_up_months = 1; }},
      {"a trigger on its event's day (UTC day for times)",
       [](Rules& r) { r.trigger_alt_day = true; }},
      {"LOW and MEDIUM risk step up too", [](Rules& r) { r.low_risk_steps_up = true; }},
      {"two individual sessions a month, three stepped up",
       [](Rules& r) { r.base_individual = 1; }},
      {"a plan revision due 16 days after its trigger", [](Rules& r) { r.revision_days = 1; }},
      {"a violation calls for a plan revision", [](Rules& r) { r.violation_revises = true; }},
      {"a level event without a change calls for a revision",
       [](Rules& r) { r.same_level_revises = true; }},
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
  std::cout << caught << " of " << mutations.size() << " mutations caught in "
            << absl::FormatDuration(absl::Now() - mutations_started) << "\n";
}

}  // namespace
}  // namespace ccms::testing
