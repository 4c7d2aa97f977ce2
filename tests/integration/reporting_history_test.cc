// Issue 16's acceptance: a random but valid event history of 5,000 cases over all four topics
// the reporting consumer reads (intakes, contacts, transfers, sanctions, violations, lost contact,
// levels, key attention, facts changes, discharges and committals; education's sessions and
// counselling; employment's referrals, placements, halfway houses and relief; assessment's
// assessments and crisis flags), with back-dated corrections (events recorded long after their
// effective day). The history goes through the dev broker as the producing services write it;
// the projections, built incrementally and then rebuilt from the beginning of the topics, must
// give, for every indicator of indicators.yaml, every month of the history and every district
// (and the total), the figure a brute force computes directly from the generated history.
//
// The brute force is written from docs/reporting.md's definitions and knows nothing of
// services/reporting: it reads the generator's plain facts (never the envelopes) and replays each
// case's facts up to the day asked. It does not call ComputeReport, BuildTimeline or
// TranslateEvent.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "ccms/assessment/v1/assessment_events.pb.h"
#include "ccms/education/v1/education_events.pb.h"
#include "ccms/employment/v1/employment_events.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "ccms/reporting/v1/reporting_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/inbox_consumer.h"
#include "common/kafka/outbox.h"
#include "common/kafka/producer.h"
#include "common/time/calendar.h"
#include "gtest/gtest.h"
#include "services/reporting/domain/indicators.h"
#include "services/reporting/event_translation.h"
#include "services/reporting/wiring.h"
#include "tests/support/service_harness.h"

namespace ccms::testing {
namespace {

using auth::Role;
using D = absl::CivilDay;
namespace v1 = reporting::v1;

// Districts no other test uses (the topics are shared by every test of a run).
const std::vector<std::string> kDistricts = {"659501", "659502", "659503", "659504", "659505"};
constexpr int kCases = 5000;
// CCMS_REPORTING_HISTORY_CASES=n runs the integration test over n cases instead (a mutation check
// by hand needs fewer).
int CaseCount() {
  const char* n = std::getenv("CCMS_REPORTING_HISTORY_CASES");
  return n != nullptr && std::atoi(n) > 0 ? std::atoi(n) : kCases;
}
constexpr uint32_t kSeed = 20261206;
// The history: supervision starts in 2024 and 2025 (a leap day among them); nothing takes effect
// after kLastDay; nothing is recorded after kRecordedCap (before the harness's now).
const D kFirstStart(2024, 1, 1);
const D kLastStart(2025, 12, 31);
const D kLastDay(2026, 10, 31);
const absl::CivilMonth kFirstMonth(2024, 1);
const absl::CivilMonth kLastMonth(2026, 10);

google::type::Date Date(D d) { return grpc_util::ToProtoDate(d); }
absl::Time Noon(D d) {
  return absl::FromCivil(absl::CivilSecond(d.year(), d.month(), d.day(), 12, 0, 0),
                         time::ShanghaiTimeZone());
}
google::protobuf::Timestamp Stamp(absl::Time t) { return grpc_util::ToProtoTimestamp(t); }

// ---------------------------------------------------------------------------------------------
// The generator's plain facts: what happened to a case, on which day, recorded when.

enum class K {
  kOpened,
  kIntake,
  kTransfer,
  kClosed,
  kLost,
  kFound,
  kSanction,
  kViolation,
  kContact,
  kLevel,
  kKeyAttention,
  kFactsChanged,
  kAttendance,       // code: the outcome (ATTENDED, LATE, EXCUSED, ABSENT_AFTER_NOTICE, ABSENT)
  kCounselling,      // an individual counselling session held
  kReferralSent,     // employment
  kReferralAnswer,   // code: ACCEPTED / DECLINED
  kReferralOutcome,  // code: PLACED / NOT_HIRED
  kHalfwayAdmitted,
  kHalfwayLeft,
  kRelief,      // assistance_granted (临时救助)
  kFileOpened,  // education's service file (建档): not a service
  kAssessment,  // assessment_recorded
  kCrisisRaised,
  kCrisisAcknowledged,
};

struct Fact {
  K kind;
  D day;  // the day it takes effect
  absl::Time recorded;
  std::string code;      // sanction / violation / close reason / contact kind / level / outcome
  std::string district;  // transfer: to
  std::string office;    // transfer: to
  bool flag = false;     // key attention
  std::string age_band;  // facts changed
  std::string ref;       // referral, flag, placement id
};

struct Case {
  std::string id;
  D start;
  D deadline;
  std::string district, office, sentence_kind, sex, age_band, offence;
  bool minor = false;
  std::optional<D> closed_on;
  std::string close_reason;
  std::vector<Fact> facts;  // every fact but the opening, in effective order (day, recorded)
  absl::Time opened_recorded;
};

struct Produced {
  std::string topic;
  events::v1::Envelope envelope;
};

const std::vector<std::string> kSentenceKinds = {"PROBATION", "PUBLIC_SURVEILLANCE", "PAROLE",
                                                 "TEMPORARY_OUTSIDE_PRISON"};
const std::vector<std::string> kAgeBands = {"16_TO_17", "18_TO_25", "26_TO_35",
                                            "36_TO_45", "46_TO_59", "60_AND_OVER"};
const std::vector<std::string> kSanctions = {"ADMONITION", "WARNING", "PUBLIC_SECURITY_REFERRAL",
                                             "REVOCATION_REQUEST"};
const std::vector<std::string> kLevels = {"STRICT", "STANDARD", "RELAXED"};

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  std::vector<Case> Cases(int n) {
    std::vector<Case> out;
    out.reserve(n);
    for (int i = 0; i < n; ++i) out.push_back(OneCase(i));
    return out;
  }

 private:
  int Between(int lo, int hi) { return lo + static_cast<int>(rng_() % (hi - lo + 1)); }
  bool Chance(int percent) { return static_cast<int>(rng_() % 100) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[rng_() % v.size()];
  }

  // Recorded a little after its day, or (a back-dated correction, 1 in 12) months later; never
  // before the case was opened, never after the cap; unique instants (the order within a day).
  absl::Time Recorded(D day, absl::Time opened, bool may_be_late = true) {
    const int delay_days = may_be_late && Chance(8) ? Between(20, 150) : Between(0, 2);
    absl::Time t = Noon(day) + absl::Hours(24 * delay_days) + absl::Minutes(Between(0, 300));
    t = std::max(t, opened + absl::Seconds(1));
    const absl::Time cap = Noon(D(2026, 12, 1));
    t = std::min(t, cap);
    return t + absl::Microseconds(++counter_);
  }

  Case OneCase(int index) {
    Case c;
    c.id = ids::NewUuid();
    c.start = kFirstStart + Between(0, static_cast<int>(kLastStart - kFirstStart));
    c.deadline = c.start + 10;
    c.district = kDistricts[index % kDistricts.size()];
    c.office = absl::StrCat("o", c.district, "-", Between(1, 3));
    c.sentence_kind = Pick(kSentenceKinds);
    c.sex = Chance(85) ? "MALE" : "FEMALE";
    c.minor = Chance(6);
    c.age_band = c.minor ? "16_TO_17" : kAgeBands[Between(1, 5)];
    c.offence = Pick(std::vector<std::string>{"theft", "fraud", "traffic", "assault", "drugs"});
    c.opened_recorded =
        Noon(c.start) - absl::Hours(24 * Between(1, 5)) + absl::Microseconds(++counter_);
    // The end: about half close before kLastDay (discharged, committed or deceased).
    const D end = c.start + Between(60, 720);
    const bool closes = end <= kLastDay && Chance(75);
    const D last = closes ? end - 1 : kLastDay;  // the last day on the register we generate
    auto day_in = [&](D from) { return from + Between(0, static_cast<int>(last - from)); };
    auto add = [&](Fact f) {
      if (f.recorded == absl::Time()) f.recorded = Recorded(f.day, c.opened_recorded);
      c.facts.push_back(std::move(f));
    };

    // Intake: most report within the 10 days, some late, some never.
    if (Chance(92)) {
      const D on = c.start + (Chance(85) ? Between(0, 10) : Between(11, 40));
      add({.kind = K::kIntake, .day = std::min(on, last)});
    }
    // The first level at the start, later changes.
    add({.kind = K::kLevel, .day = c.start, .code = Chance(70) ? "STRICT" : "STANDARD"});
    for (int i = Between(0, 2); i > 0; --i) {
      add({.kind = K::kLevel, .day = day_in(c.start), .code = Pick(kLevels)});
    }
    if (Chance(80)) add({.kind = K::kFileOpened, .day = std::min(c.start + Between(0, 20), last)});
    for (int i = Between(0, 4); i > 0; --i) {
      add({.kind = K::kContact,
           .day = day_in(c.start),
           .code = Chance(50) ? "HOME_VISIT" : "CHECK_IN_IN_PERSON"});
    }
    if (Chance(30)) {
      for (int i = Between(1, 2); i > 0; --i) {
        const D on = day_in(c.start);
        add({.kind = K::kViolation, .day = on, .code = "UNAPPROVED_TRAVEL"});
        add({.kind = K::kSanction,
             .day = std::min(on + Between(0, 5), last),
             .code = Pick(kSanctions)});
      }
    }
    if (Chance(15)) {  // a transfer to another district (and office)
      std::string to = Pick(kDistricts);
      if (to == c.district) to = kDistricts[(index + 1) % kDistricts.size()];
      add({.kind = K::kTransfer,
           .day = day_in(c.start + 1),
           .district = to,
           .office = absl::StrCat("o", to, "-", Between(1, 3))});
    }
    if (Chance(10)) {  // lost contact, mostly found again
      const D since = day_in(c.start + 1);
      add({.kind = K::kLost, .day = since});
      if (since < last && Chance(70)) {
        add({.kind = K::kFound, .day = since + 1 + Between(0, static_cast<int>(last - since - 1))});
      }
    }
    if (Chance(15)) {  // key attention on, sometimes off again (on the day it is recorded)
      const D on = day_in(c.start);
      add({.kind = K::kKeyAttention,
           .day = on,
           .recorded = Noon(on) + absl::Microseconds(++counter_),
           .flag = true});
      if (on < last && Chance(40)) {
        const D off = on + 1 + Between(0, static_cast<int>(last - on - 1));
        add({.kind = K::kKeyAttention,
             .day = off,
             .recorded = Noon(off) + absl::Microseconds(++counter_),
             .flag = false});
      }
    }
    if (!c.minor && Chance(5)) {  // the age band moves on (a birthday)
      const auto it = std::find(kAgeBands.begin(), kAgeBands.end(), c.age_band);
      if (it + 1 != kAgeBands.end()) {
        add({.kind = K::kFactsChanged, .day = day_in(c.start + 1), .age_band = *(it + 1)});
      }
    }
    if (Chance(25)) add({.kind = K::kAssessment, .day = day_in(c.start)});
    if (Chance(5)) {
      const std::string flag = ids::NewUuid();
      const D on = day_in(c.start);
      add({.kind = K::kCrisisRaised, .day = on, .ref = flag});
      if (Chance(80)) add({.kind = K::kCrisisAcknowledged, .day = on, .ref = flag});
    }
    // Education: sessions with every outcome, counselling.
    static const std::vector<std::string> kOutcomes = {
        "ATTENDED", "ATTENDED", "LATE", "EXCUSED", "ABSENT_AFTER_NOTICE", "ABSENT"};
    for (int i = Between(0, 3); i > 0; --i) {
      add({.kind = K::kAttendance,
           .day = day_in(c.start),
           .code = Pick(kOutcomes),
           .ref = ids::NewUuid()});
    }
    if (Chance(20)) add({.kind = K::kCounselling, .day = day_in(c.start), .ref = ids::NewUuid()});
    // Employment: referrals and their outcomes, halfway houses, relief.
    if (Chance(25)) {
      const std::string referral = ids::NewUuid();
      const D sent = day_in(c.start);
      add({.kind = K::kReferralSent, .day = sent, .ref = referral});
      if (sent < last && Chance(70)) {
        const D answered = sent + Between(1, std::min(10, static_cast<int>(last - sent)));
        const bool accepted = Chance(70);
        add({.kind = K::kReferralAnswer,
             .day = answered,
             .code = accepted ? "ACCEPTED" : "DECLINED",
             .ref = referral});
        if (accepted && answered < last) {
          add({.kind = K::kReferralOutcome,
               .day = answered + Between(1, std::min(20, static_cast<int>(last - answered))),
               .code = Chance(60) ? "PLACED" : "NOT_HIRED",
               .ref = referral});
        }
      }
    }
    if (Chance(4)) {
      const std::string placement = ids::NewUuid();
      const D in = day_in(c.start);
      add({.kind = K::kHalfwayAdmitted, .day = in, .ref = placement});
      if (in < last && Chance(50)) {
        add({.kind = K::kHalfwayLeft,
             .day = in + 1 + Between(0, static_cast<int>(last - in - 1)),
             .ref = placement});
      }
    }
    if (Chance(6)) add({.kind = K::kRelief, .day = day_in(c.start), .ref = ids::NewUuid()});
    if (closes) {
      const int r = Between(0, 9);
      c.closed_on = end;
      c.close_reason = r < 7 ? "DISCHARGED" : r < 9 ? "REVOKED" : "DECEASED";
      add({.kind = K::kClosed, .day = end, .code = c.close_reason});
    }
    std::sort(c.facts.begin(), c.facts.end(), [](const Fact& a, const Fact& b) {
      return std::tie(a.day, a.recorded) < std::tie(b.day, b.recorded);
    });
    return c;
  }

  std::mt19937 rng_;
  int64_t counter_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The brute force: a case's state on a day by replaying its facts, and every indicator by its
// definition in docs/reporting.md.

struct State {
  std::string district, office, sentence_kind, sex, age_band, offence, level;
  bool minor = false, key_attention = false, lost = false, never_reported = false;
};

// The state on `day` (the register is not checked here): the opening, then every fact in effect
// by that day in the order of days, then of recording.
State StateOn(const Case& c, D day) {
  State s{.district = c.district,
          .office = c.office,
          .sentence_kind = c.sentence_kind,
          .sex = c.sex,
          .age_band = c.age_band,
          .offence = c.offence,
          .minor = c.minor};
  std::optional<D> reported;
  for (const Fact& f : c.facts) {
    if (f.kind == K::kIntake && (!reported.has_value() || f.day < *reported)) reported = f.day;
    if (f.day > day) continue;
    switch (f.kind) {
      case K::kTransfer:
        s.district = f.district;
        s.office = f.office;
        break;
      case K::kLevel:
        s.level = f.code;
        break;
      case K::kKeyAttention:
        s.key_attention = f.flag;
        break;
      case K::kLost:
        s.lost = true;
        break;
      case K::kFound:
        s.lost = false;
        break;
      case K::kFactsChanged:
        s.age_band = f.age_band;
        break;
      default:
        break;
    }
  }
  // 漏管: past the intake deadline (from the day after it) without an intake report by that day.
  s.never_reported = day > c.deadline && !(reported.has_value() && *reported <= day);
  return s;
}

bool OnRegister(const Case& c, D day) {
  return c.start <= day && (!c.closed_on.has_value() || day < *c.closed_on);
}

// The day whose state a counted change carries: its own, within the register (an opening its
// first day, a closing the register's last day).
D FlowDay(const Case& c, const Fact& f) {
  if (f.kind == K::kClosed) return *c.closed_on - 1;
  D d = std::max(f.day, c.start);
  if (c.closed_on.has_value()) d = std::min(d, *c.closed_on - 1);
  return d;
}

struct Brute {
  bool stock = false;
  bool people = true;
  std::function<bool(const State&)> where;  // stock
  std::function<bool(const Fact&)> counts;  // flow
};

bool Service(const Fact& f) {
  switch (f.kind) {
    case K::kContact:
    case K::kCounselling:
    case K::kReferralSent:
    case K::kHalfwayAdmitted:
      return true;
    case K::kAttendance:
      return f.code == "ATTENDED" || f.code == "LATE";
    case K::kReferralOutcome:
      return f.code == "PLACED";
    default:
      return false;
  }
}

const std::map<std::string, Brute>& BruteIndicators() {
  static const auto* kAll = [] {
    auto* m = new std::map<std::string, Brute>;
    auto stock = [&](const std::string& id, std::function<bool(const State&)> where) {
      (*m)[id] = {.stock = true, .people = true, .where = std::move(where)};
    };
    auto flow = [&](const std::string& id, bool people, std::function<bool(const Fact&)> counts) {
      (*m)[id] = {.stock = false, .people = people, .counts = std::move(counts)};
    };
    auto kind = [](K k, std::string code = "") {
      return [k, code](const Fact& f) { return f.kind == k && (code.empty() || f.code == code); };
    };
    stock("on_register", [](const State&) { return true; });
    for (const auto& [id, sk] : std::vector<std::pair<std::string, std::string>>{
             {"on_register_probation", "PROBATION"},
             {"on_register_public_surveillance", "PUBLIC_SURVEILLANCE"},
             {"on_register_parole", "PAROLE"},
             {"on_register_temporary_outside_prison", "TEMPORARY_OUTSIDE_PRISON"}}) {
      stock(id, [sk](const State& s) { return s.sentence_kind == sk; });
    }
    flow("received", true, kind(K::kOpened));
    flow("discharged", true, kind(K::kClosed, "DISCHARGED"));
    flow("committed", true, kind(K::kClosed, "REVOKED"));
    stock("lost_contact", [](const State& s) { return s.lost; });
    flow("lost_contact_marked", false, kind(K::kLost));
    stock("never_reported", [](const State& s) { return s.never_reported; });
    flow("warnings", false, kind(K::kSanction, "WARNING"));
    flow("warned_people", true, kind(K::kSanction, "WARNING"));
    flow("admonitions", false, kind(K::kSanction, "ADMONITION"));
    flow("public_security_referrals", false, kind(K::kSanction, "PUBLIC_SECURITY_REFERRAL"));
    flow("revocation_requests", false, kind(K::kSanction, "REVOCATION_REQUEST"));
    flow("violations", false, kind(K::kViolation));
    stock("strict_level", [](const State& s) { return s.level == "STRICT"; });
    stock("key_attention", [](const State& s) { return s.key_attention; });
    stock("minors_on_register", [](const State& s) { return s.minor; });
    flow("contacts", false, kind(K::kContact));
    flow("contacted_people", true, kind(K::kContact));
    flow("services", false, Service);
    flow("served_people", true, Service);
    return m;
  }();
  return *kAll;
}

// One month's figures by district: per indicator and district, the count and the cases counted
// (with how many times each).
struct Figures {
  // [indicator][district] -> case id -> times; district "" is the total.
  std::vector<std::map<std::string, std::map<std::string, int64_t>>> cells;
  int64_t Count(size_t ind, const std::string& district, bool people) const {
    auto it = cells[ind].find(district);
    if (it == cells[ind].end()) return 0;
    if (people) return static_cast<int64_t>(it->second.size());
    int64_t n = 0;
    for (const auto& [id, times] : it->second) n += times;
    return n;
  }
  std::set<std::string> Districts() const {
    std::set<std::string> out;
    for (const auto& by : cells) {
      for (const auto& [d, ids] : by) {
        if (!d.empty() && !ids.empty()) out.insert(d);
      }
    }
    return out;
  }
};

Figures BruteForce(const std::vector<Case>& cases, const std::vector<std::string>& ids,
                   absl::CivilMonth month) {
  const D first(month);
  const D end(month + 1);
  const D as_of = end - 1;
  Figures out;
  out.cells.resize(ids.size());
  for (const Case& c : cases) {
    const bool on = OnRegister(c, as_of);
    const State at_end = StateOn(c, as_of);
    Fact opened{.kind = K::kOpened, .day = c.start};
    for (size_t i = 0; i < ids.size(); ++i) {
      const Brute& b = BruteIndicators().at(ids[i]);
      auto count = [&](const State& s) {
        ++out.cells[i][s.district][c.id];
        ++out.cells[i][""][c.id];
      };
      if (b.stock) {
        if (on && b.where(at_end)) count(at_end);
        continue;
      }
      auto flow = [&](const Fact& f) {
        if (f.day < first || f.day >= end || !b.counts(f)) return;
        count(StateOn(c, FlowDay(c, f)));
      };
      flow(opened);
      for (const Fact& f : c.facts) flow(f);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The envelopes, as the producing services write them (docs/events.md).

std::vector<Produced> Envelopes(const std::vector<Case>& cases, int64_t* with_occurrence) {
  std::vector<Produced> out;
  *with_occurrence = 0;
  for (const Case& c : cases) {
    auto emit = [&](const std::string& topic, const std::string& type, D day, absl::Time recorded,
                    const std::string& district, const google::protobuf::Message& p) {
      out.push_back({topic, kafka::MakeEnvelope(type, c.id, district, Noon(day), recorded,
                                                absl::StrCat("rep-gen"), p)});
    };
    const std::string rec = reporting::kRecordsTopic;
    const std::string ass = reporting::kAssessmentTopic;
    const std::string edu = reporting::kEducationTopic;
    const std::string emp = reporting::kEmploymentTopic;
    {
      records::v1::CaseOpened p;
      p.set_case_id(c.id);
      p.set_case_number(absl::StrCat("G", c.id.substr(0, 8)));
      p.set_district_code(c.district);
      p.set_office_id(c.office);
      common::v1::SentenceKind sk{};
      if (!common::v1::SentenceKind_Parse(absl::StrCat("SENTENCE_KIND_", c.sentence_kind), &sk))
        ADD_FAILURE() << "no such enum value";
      p.set_sentence_kind(sk);
      *p.mutable_judgment_effective_date() = Date(c.start - 10);
      *p.mutable_supervision_start_date() = Date(c.start);
      *p.mutable_supervision_end_date() = Date(c.closed_on.value_or(c.start + 720));
      *p.mutable_intake_deadline() = Date(c.deadline);
      p.set_minor(c.minor);
      common::v1::Sex sex{};
      if (!common::v1::Sex_Parse(absl::StrCat("SEX_", c.sex), &sex))
        ADD_FAILURE() << "no such enum value";
      p.set_sex(sex);
      records::v1::AgeBand band{};
      if (!records::v1::AgeBand_Parse(absl::StrCat("AGE_BAND_", c.age_band), &band))
        ADD_FAILURE() << "no such enum value";
      p.set_age_band(band);
      p.set_offence_category(c.offence);
      emit(rec, "ccms.records.case_opened", c.start, c.opened_recorded, c.district, p);
      ++*with_occurrence;
    }
    for (const Fact& f : c.facts) {
      // The district the producing service had for the case that day.
      const std::string district = StateOn(c, f.day).district;
      switch (f.kind) {
        case K::kIntake: {
          records::v1::IntakeReported p;
          p.set_case_id(c.id);
          p.set_district_code(district);
          *p.mutable_reported_on() = Date(f.day);
          p.set_days_after_effective(static_cast<int>(f.day - (c.start - 10)));
          p.set_late(f.day > c.deadline);
          emit(rec, "ccms.records.intake_reported", f.day, f.recorded, district, p);
          ++*with_occurrence;
          break;
        }
        case K::kTransfer: {
          records::v1::CaseTransferred p;
          p.set_case_id(c.id);
          p.set_from_district_code(StateOn(c, f.day - 1).district);
          p.set_to_district_code(f.district);
          p.set_to_office_id(f.office);
          *p.mutable_effective_on() = Date(f.day);
          emit(rec, "ccms.records.case_transferred", f.day, f.recorded, f.district, p);
          ++*with_occurrence;
          break;
        }
        case K::kClosed: {
          records::v1::CaseClosed p;
          p.set_case_id(c.id);
          p.set_district_code(district);
          records::v1::CaseCloseReason r{};
          if (!records::v1::CaseCloseReason_Parse(absl::StrCat("CASE_CLOSE_REASON_", f.code), &r))
            ADD_FAILURE() << "no such enum value";
          p.set_reason(r);
          *p.mutable_closed_on() = Date(f.day);
          emit(rec, "ccms.records.case_closed", f.day, f.recorded, district, p);
          ++*with_occurrence;
          break;
        }
        case K::kLost:
        case K::kFound: {
          records::v1::LostContactChanged p;
          p.set_case_id(c.id);
          p.set_district_code(district);
          p.set_period_id(absl::StrCat("lost-", c.id.substr(0, 8)));
          D since = f.day;
          if (f.kind == K::kFound) {
            for (const Fact& g : c.facts) {
              if (g.kind == K::kLost) since = g.day;
            }
            *p.mutable_found_on() = Date(f.day);
            p.set_days_lost(static_cast<int>(f.day - since));
          }
          *p.mutable_since() = Date(since);
          emit(rec,
               f.kind == K::kLost ? "ccms.records.lost_contact_marked" : "ccms.records.found_again",
               f.day, f.recorded, district, p);
          ++*with_occurrence;
          break;
        }
        case K::kSanction: {
          records::v1::SanctionIssued p;
          p.set_case_id(c.id);
          p.set_district_code(district);
          p.set_sanction_id(ids::NewUuid());
          records::v1::SanctionKind k{};
          if (!records::v1::SanctionKind_Parse(absl::StrCat("SANCTION_KIND_", f.code), &k))
            ADD_FAILURE() << "no such enum value";
          p.set_kind(k);
          *p.mutable_issued_on() = Date(f.day);
          emit(rec, "ccms.records.sanction_issued", f.day, f.recorded, district, p);
          ++*with_occurrence;
          break;
        }
        case K::kViolation: {
          records::v1::ViolationRecorded p;
          p.set_case_id(c.id);
          p.set_district_code(district);
          p.set_violation_id(ids::NewUuid());
          p.set_kind(records::v1::VIOLATION_KIND_UNAPPROVED_TRAVEL);
          *p.mutable_occurred_on() = Date(f.day);
          emit(rec, "ccms.records.violation_recorded", f.day, f.recorded, district, p);
          ++*with_occurrence;
          break;
        }
        case K::kContact: {
          records::v1::ContactRecorded p;
          p.set_case_id(c.id);
          p.set_district_code(district);
          p.set_contact_id(ids::NewUuid());
          p.set_kind(f.code);
          *p.mutable_occurred_on() = Date(f.day);
          emit(rec, "ccms.records.contact_recorded", f.day, f.recorded, district, p);
          ++*with_occurrence;
          break;
        }
        case K::kFactsChanged: {
          records::v1::CaseFacts p;
          p.set_case_id(c.id);
          p.set_district_code(district);
          common::v1::Sex sex{};
          if (!common::v1::Sex_Parse(absl::StrCat("SEX_", c.sex), &sex))
            ADD_FAILURE() << "no such enum value";
          p.set_sex(sex);
          records::v1::AgeBand band{};
          if (!records::v1::AgeBand_Parse(absl::StrCat("AGE_BAND_", f.age_band), &band))
            ADD_FAILURE() << "no such enum value";
          p.set_age_band(band);
          p.set_offence_category(c.offence);
          p.set_minor(c.minor);
          *p.mutable_as_of() = Date(f.day);
          emit(rec, "ccms.records.case_facts_changed", f.day, f.recorded, district, p);
          ++*with_occurrence;
          break;
        }
        case K::kLevel: {
          assessment::v1::SupervisionLevelChanged p;
          p.set_case_id(c.id);
          p.set_district_code(district);
          common::v1::SupervisionLevel l{};
          if (!common::v1::SupervisionLevel_Parse(absl::StrCat("SUPERVISION_LEVEL_", f.code), &l))
            ADD_FAILURE() << "no such enum value";
          p.set_level(l);
          *p.mutable_effective_on() = Date(f.day);
          p.set_rule(f.day == c.start ? "INITIAL_STRICT" : "OVERRIDE");
          p.set_change_id(ids::NewUuid());
          emit(ass, "ccms.assessment.supervision_level_changed", f.day, f.recorded, district, p);
          ++*with_occurrence;
          break;
        }
        case K::kKeyAttention: {
          assessment::v1::KeyAttentionChanged p;
          p.set_case_id(c.id);
          p.set_district_code(district);
          p.set_key_attention(f.flag);
          if (f.flag) p.add_reasons("HIGH_SOCIAL_RISK");
          emit(ass, "ccms.assessment.key_attention_changed", f.day, f.recorded, district, p);
          ++*with_occurrence;
          break;
        }
        case K::kAssessment: {
          assessment::v1::AssessmentRecorded p;
          p.set_case_id(c.id);
          p.set_district_code(district);
          p.set_assessment_id(ids::NewUuid());
          p.set_instrument_id("social_risk");
          p.set_instrument_version(1);
          *p.mutable_assessed_on() = Date(f.day);
          p.set_total_score(12);
          emit(ass, "ccms.assessment.assessment_recorded", f.day, f.recorded, district, p);
          break;
        }
        case K::kCrisisRaised: {
          assessment::v1::CrisisFlagRaised p;
          p.set_case_id(c.id);
          p.set_district_code(district);
          p.set_flag_id(f.ref);
          p.set_kind(assessment::v1::CRISIS_KIND_SELF_HARM);
          *p.mutable_raised_at() = Stamp(Noon(f.day));
          *p.mutable_acknowledge_by() = Stamp(Noon(f.day) + absl::Hours(24));
          emit(ass, "ccms.assessment.crisis_flag_raised", f.day, f.recorded, district, p);
          break;
        }
        case K::kCrisisAcknowledged: {
          assessment::v1::CrisisFlagAcknowledged p;
          p.set_case_id(c.id);
          p.set_district_code(district);
          p.set_flag_id(f.ref);
          *p.mutable_acknowledged_at() = Stamp(Noon(f.day) + absl::Hours(2));
          p.set_within_deadline(true);
          emit(ass, "ccms.assessment.crisis_flag_acknowledged", f.day, f.recorded, district, p);
          break;
        }
        case K::kFileOpened: {
          education::v1::ServiceFileOpened p;
          p.set_case_id(c.id);
          p.set_district_code(district);
          p.set_file_id(ids::NewUuid());
          *p.mutable_opened_on() = Date(f.day);
          emit(edu, "ccms.education.service_file_opened", f.day, f.recorded, district, p);
          break;
        }
        case K::kAttendance: {
          education::v1::AttendanceRecorded p;
          p.set_case_id(c.id);
          p.set_district_code(district);
          p.set_session_id(f.ref);
          p.set_kind(education::v1::SESSION_KIND_ROUTINE);
          *p.mutable_session_day() = Date(f.day);
          education::v1::AttendanceOutcome o{};
          if (!education::v1::AttendanceOutcome_Parse(absl::StrCat("ATTENDANCE_OUTCOME_", f.code),
                                                      &o))
            ADD_FAILURE() << "no such enum value";
          p.set_outcome(o);
          p.set_credited_minutes(Service(f) ? 120 : 0);
          emit(edu, "ccms.education.attendance_recorded", f.day, f.recorded, district, p);
          if (Service(f)) ++*with_occurrence;
          break;
        }
        case K::kCounselling: {
          education::v1::CounsellingSessionRecorded p;
          p.set_case_id(c.id);
          p.set_district_code(district);
          p.set_session_id(f.ref);
          p.set_expert_id("expert-1");
          p.set_kind("GUIDANCE");
          *p.mutable_held_on() = Date(f.day);
          p.set_duration_minutes(50);
          emit(edu, "ccms.education.counselling_session_recorded", f.day, f.recorded, district, p);
          ++*with_occurrence;
          break;
        }
        case K::kReferralSent:
        case K::kReferralAnswer:
        case K::kReferralOutcome: {
          employment::v1::ReferralChanged p;
          p.set_referral_id(f.ref);
          p.set_case_id(c.id);
          p.set_district_code(district);
          p.set_partner_id("partner-1");
          p.set_kind("JOB_PLACEMENT");
          *p.mutable_on() = Date(f.day);
          *p.mutable_answer_due_on() = Date(f.day + 10);
          std::string type;
          if (f.kind == K::kReferralSent) {
            type = "ccms.employment.referral_sent";
            p.set_from_status("DRAFT");
            p.set_to_status("SENT");
            p.set_consent_basis("CONSENT");
            p.set_recorded_by_kind("STAFF");
          } else if (f.kind == K::kReferralAnswer) {
            type = "ccms.employment.referral_answered";
            p.set_from_status("SENT");
            p.set_to_status(f.code);
            p.set_recorded_by_kind("PARTNER");
          } else {
            type = "ccms.employment.referral_outcome";
            p.set_from_status("ACCEPTED");
            p.set_to_status(f.code);
            p.set_recorded_by_kind("PARTNER");
          }
          emit(emp, type, f.day, f.recorded, district, p);
          if (Service(f)) ++*with_occurrence;
          break;
        }
        case K::kHalfwayAdmitted:
        case K::kHalfwayLeft: {
          employment::v1::HalfwayHousePlacementChanged p;
          p.set_placement_id(f.ref);
          p.set_house_id("house-1");
          p.set_case_id(c.id);
          p.set_district_code(district);
          *p.mutable_on() = Date(f.day);
          if (f.kind == K::kHalfwayLeft) p.set_reason_code("PLAN_COMPLETED");
          p.set_places(40);
          p.set_occupied(10);
          emit(emp,
               f.kind == K::kHalfwayAdmitted ? "ccms.employment.halfway_house_admitted"
                                             : "ccms.employment.halfway_house_left",
               f.day, f.recorded, district, p);
          if (Service(f)) ++*with_occurrence;
          break;
        }
        case K::kRelief: {
          employment::v1::AssistanceGranted p;
          p.set_assistance_id(f.ref);
          p.set_case_id(c.id);
          p.set_district_code(district);
          p.set_kind("TEMPORARY_RELIEF");
          p.set_amount_fen(50000);
          *p.mutable_applied_on() = Date(f.day - 3);
          *p.mutable_granted_on() = Date(f.day);
          emit(emp, "ccms.employment.assistance_granted", f.day, f.recorded, district, p);
          break;
        }
        case K::kOpened:
          break;
      }
    }
  }
  // As the services commit them: in the order they were recorded (a back-dated correction
  // arrives after later days' events).
  std::stable_sort(out.begin(), out.end(), [](const Produced& a, const Produced& b) {
    return std::make_pair(a.envelope.recorded_at().seconds(), a.envelope.recorded_at().nanos()) <
           std::make_pair(b.envelope.recorded_at().seconds(), b.envelope.recorded_at().nanos());
  });
  return out;
}

// ---------------------------------------------------------------------------------------------

class ReportingHistoryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() == nullptr) return;
    // The incremental pass stays incremental: its backlog of old events would otherwise start
    // catch-up mode (the rebuild below takes it).
    harness_ = new ServiceHarness(reporting::Definition(),
                                  {.settings = {{"CCMS_REPORTING_CATCH_UP_BEHIND_SECONDS", "0"}}});
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
  }
  void SetUp() override {
    if (harness_ == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
    stub_ = v1::ReportingService::NewStub(h().channel());
  }

  ServiceHarness& h() { return *harness_; }
  reporting::ReportingWiring& wiring() { return h().wiring<reporting::ReportingWiring>(); }
  int64_t Count(const std::string& sql) { return std::stoll(h().db().QueryValue(sql)); }

  static std::string DistrictList() {
    return absl::StrCat("('", absl::StrJoin(kDistricts, "','"), "')");
  }
  int64_t Occurrences() {
    return Count("SELECT count(*) FROM occurrence WHERE district_code IN " + DistrictList());
  }
  // Waits until the projections hold `want` occurrences of the test's districts, or until their
  // number stops moving for a minute (a service that drops events: the comparison then names the
  // cells), or 30 minutes.
  bool WaitForOccurrences(int64_t want) {
    const absl::Time deadline = absl::Now() + absl::Minutes(30);
    int64_t last = -1;
    absl::Time moved = absl::Now();
    while (absl::Now() < deadline) {
      const int64_t n = Occurrences();
      if (n == want) return true;
      if (n != last) {
        last = n;
        moved = absl::Now();
      } else if (absl::Now() - moved > absl::Minutes(1)) {
        return false;
      }
      absl::SleepFor(absl::Milliseconds(500));
    }
    return false;
  }
  // Waits until catch-up mode has ended (a batch short of full ends it; when the topics ended on
  // a full batch, FinishCatchUp after 3 s without a batch, as the service's idle check does).
  bool WaitForCatchUpEnd() {
    const absl::Time deadline = absl::Now() + absl::Minutes(10);
    while (absl::Now() < deadline) {
      if (Count("SELECT count(*) FROM projection_catch_up WHERE active") == 0) return true;
      if (absl::Now() - wiring().consumer().last_batch() > absl::Seconds(3)) {
        EXPECT_TRUE(wiring().consumer().FinishCatchUp().ok());
      }
      absl::SleepFor(absl::Milliseconds(200));
    }
    return false;
  }

  void Produce(const std::vector<Produced>& events) {
    std::atomic<int64_t> delivered{0};
    auto producer = kafka::KafkaProducer::Create(
        {.bootstrap_servers = IntegrationEnv::Get()->kafka_bootstrap},
        [&](const kafka::DeliveryReport& r) { delivered += r.ok ? 1 : 0; });
    ASSERT_TRUE(producer.ok());
    for (const auto& p : events) {
      ASSERT_TRUE((*producer)
                      ->Produce({.topic = p.topic,
                                 .key = p.envelope.case_id(),
                                 .value = p.envelope.SerializeAsString()})
                      .ok());
    }
    ASSERT_TRUE((*producer)->Flush(60000));
    ASSERT_EQ(delivered.load(), static_cast<int64_t>(events.size()));
  }

  // A digest of every projection row of the test's districts (spans, flows, projections).
  std::string Projections() {
    const std::string cases =
        "(SELECT case_id FROM case_projection WHERE district_code IN " + DistrictList() + ")";
    return absl::StrCat(
        h().db().QueryValue("SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER"
                            " BY t::text), '')) FROM case_span t WHERE case_id IN " +
                            cases),
        " ",
        h().db().QueryValue("SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER"
                            " BY t::text), '')) FROM case_flow t WHERE case_id IN " +
                            cases),
        " ",
        h().db().QueryValue(
            "SELECT count(*) || ':' || md5(coalesce(string_agg((t.case_id, t.start_on,"
            " t.closed_on, t.close_reason, t.district_code, t.office_id, t.sentence_kind, t.sex,"
            " t.age_band, t.offence_category, t.level, t.minor, t.key_attention, t.lost_contact,"
            " t.never_reported)::text, '|' ORDER BY t.case_id), '')) FROM case_projection t"
            " WHERE district_code IN " +
            DistrictList()));
  }

  // The cases the projections count in a cell (for the failure message), by the definition's
  // event, codes and where over the projection tables.
  std::map<std::string, int64_t> ProjectedCases(const reporting::domain::IndicatorDef& def,
                                                absl::CivilMonth month,
                                                const std::string& district) {
    auto column = [](const std::string& dim) {
      if (dim == "district") return std::string("district_code");
      if (dim == "office") return std::string("office_id");
      return dim;
    };
    std::string where;
    for (const auto& [dim, values] : def.where) {
      absl::StrAppend(&where, " AND ", column(dim), "::text IN ('", absl::StrJoin(values, "','"),
                      "')");
    }
    if (!district.empty()) absl::StrAppend(&where, " AND district_code = '", district, "'");
    absl::StrAppend(&where, " AND district_code IN ", DistrictList());
    const std::string first = time::FormatDate(D(month));
    const std::string end = time::FormatDate(D(month + 1));
    const std::string as_of = time::FormatDate(D(month + 1) - 1);
    std::string sql;
    if (def.kind == reporting::domain::IndicatorDef::Kind::kStock) {
      sql = absl::StrCat("SELECT case_id, 1 FROM case_span WHERE valid_from <= '", as_of,
                         "' AND (valid_to IS NULL OR valid_to > '", as_of, "')", where);
    } else {
      sql = absl::StrCat("SELECT case_id, count(*) FROM case_flow WHERE on_day >= '", first,
                         "' AND on_day < '", end, "' AND kind IN ('",
                         absl::StrJoin(def.events, "','"), "')", where);
      if (!def.codes.empty()) {
        absl::StrAppend(&sql, " AND code IN ('", absl::StrJoin(def.codes, "','"), "')");
      }
      absl::StrAppend(&sql, " GROUP BY case_id");
    }
    std::map<std::string, int64_t> out;
    const std::string rows = h().db().QueryValue(absl::StrCat(
        "SELECT coalesce(string_agg(case_id || '=' || n, ',' ORDER BY case_id), '') FROM (", sql,
        ") AS x(case_id, n)"));
    for (absl::string_view kv : absl::StrSplit(rows, ',', absl::SkipEmpty())) {
      std::vector<std::string> parts = absl::StrSplit(kv, '=');
      out[parts[0]] = std::stoll(parts[1]);
    }
    return out;
  }

  // Every month by district against the brute force; returns the number of differing cells.
  int CompareEveryMonth(const std::vector<Case>& cases, const std::string& pass) {
    const std::string bureau = ServiceHarness::Token(Role::kDistrictBureau, kDistricts);
    int differing = 0;
    int cells = 0;
    for (absl::CivilMonth month = kFirstMonth; month <= kLastMonth; ++month) {
      v1::RunReportRequest req;
      req.set_period_kind(v1::PERIOD_KIND_MONTH);
      *req.mutable_period_day() = Date(D(month));
      req.set_breakdown("district");
      v1::RunReportResponse resp;
      const grpc::Status st = stub_->RunReport(ServiceHarness::Context(bureau).get(), req, &resp);
      EXPECT_TRUE(st.ok()) << st.error_message();
      if (!st.ok()) return -1;
      std::vector<std::string> ids(resp.indicator_ids().begin(), resp.indicator_ids().end());
      const Figures want = BruteForce(cases, ids, month);
      std::map<std::string, const v1::ReportRow*> rows;
      for (const auto& r : resp.rows()) rows[r.key()] = &r;
      std::set<std::string> got_keys;
      for (const auto& [k, r] : rows) got_keys.insert(k);
      EXPECT_EQ(got_keys, want.Districts())
          << pass << " " << absl::FormatCivilTime(month) << ": the districts of the rows";
      std::vector<std::string> keys(kDistricts.begin(), kDistricts.end());
      keys.push_back("");  // the total
      for (size_t i = 0; i < ids.size(); ++i) {
        const Brute& b = BruteIndicators().at(ids[i]);
        for (const std::string& k : keys) {
          const v1::ReportRow* row = nullptr;
          if (k.empty()) {
            row = &resp.total();
          } else if (auto it = rows.find(k); it != rows.end()) {
            row = it->second;
          }
          const std::string got = row == nullptr ? "0" : row->cells(static_cast<int>(i));
          const std::string expected = absl::StrCat(want.Count(i, k, b.people));
          ++cells;
          if (got == expected) continue;
          ++differing;
          // The first case counted differently: the projection's cases against the brute's.
          // None when the projections agree case by case: the report's computation differs.
          std::string first_case = "none (the projections agree with the brute force case by case)";
          if (const auto* def = wiring().definitions().Find(ids[i])) {
            auto projected = ProjectedCases(*def, month, k);
            std::map<std::string, int64_t> brute;
            if (auto it = want.cells[i].find(k); it != want.cells[i].end()) brute = it->second;
            if (b.people) {
              for (auto& [id, n] : projected) n = 1;
              for (auto& [id, n] : brute) n = 1;
            }
            std::set<std::string> all;
            for (const auto& [id, n] : projected) all.insert(id);
            for (const auto& [id, n] : brute) all.insert(id);
            for (const std::string& id : all) {
              const int64_t p = projected.contains(id) ? projected.at(id) : 0;
              const int64_t w = brute.contains(id) ? brute.at(id) : 0;
              if (p != w) {
                first_case = absl::StrCat(id, " (projections ", p, ", brute force ", w, ")");
                break;
              }
            }
          }
          if (differing <= 20) {
            ADD_FAILURE() << pass << ": indicator " << ids[i] << ", month "
                          << absl::FormatCivilTime(month) << ", district "
                          << (k.empty() ? "total" : k) << ": service " << got << ", brute force "
                          << expected << "; first differing case " << first_case;
          }
        }
      }
    }
    std::cout << "[ reporting_history ] " << pass << ": " << cells << " cells compared, "
              << differing << " differ" << std::endl;
    return differing;
  }

  static ServiceHarness* harness_;
  std::unique_ptr<v1::ReportingService::Stub> stub_;
};

ServiceHarness* ReportingHistoryTest::harness_ = nullptr;

TEST(ReportingHistoryBruteForce, EveryIndicatorHasABruteForceAndTheGeneratorIsValid) {
  auto defs = reporting::domain::ParseIndicatorDefs(reporting::ShippedIndicators());
  ASSERT_TRUE(defs.ok()) << defs.status();
  std::set<std::string> defined;
  for (const auto& d : defs->indicators) defined.insert(d.id);
  std::set<std::string> brute;
  for (const auto& [id, b] : BruteIndicators()) brute.insert(id);
  EXPECT_EQ(defined, brute) << "every indicator of indicators.yaml needs its brute force here";

  // Valid: every fact within the register (a closing on its day), every kind present, some
  // back-dated corrections.
  Generator gen(kSeed);
  const std::vector<Case> cases = gen.Cases(kCases);
  std::map<K, int> kinds;
  int late = 0;
  for (const Case& c : cases) {
    for (const Fact& f : c.facts) {
      ++kinds[f.kind];
      EXPECT_GE(f.day, c.start);
      EXPECT_LE(f.day, kLastDay);
      if (f.kind != K::kClosed && c.closed_on.has_value()) {
        EXPECT_LT(f.day, *c.closed_on);
      }
      EXPECT_GT(f.recorded, c.opened_recorded);
      if (f.recorded > Noon(f.day) + absl::Hours(24 * 19)) ++late;
    }
  }
  EXPECT_EQ(kinds.size(), 23u) << "every kind of fact but the opening";
  EXPECT_GT(late, 1000) << "back-dated corrections";
}

TEST_F(ReportingHistoryTest, ProjectionsIncrementalAndRebuiltEqualABruteForce) {
  const absl::Time t0 = absl::Now();
  Generator gen(kSeed);
  const std::vector<Case> cases = gen.Cases(CaseCount());
  int64_t with_occurrence = 0;
  const std::vector<Produced> events = Envelopes(cases, &with_occurrence);
  std::map<std::string, std::pair<int64_t, int64_t>> per_topic;  // events, bytes
  for (const auto& p : events) {
    ++per_topic[p.topic].first;
    per_topic[p.topic].second += static_cast<int64_t>(p.envelope.ByteSizeLong());
  }
  for (const auto& [topic, n] : per_topic) {
    std::cout << "[ reporting_history ] " << topic << ": " << n.first << " events, " << n.second
              << " bytes" << std::endl;
  }
  Produce(events);
  const absl::Time produced = absl::Now();
  std::cout << "[ reporting_history ] " << cases.size() << " cases, " << events.size()
            << " events (" << with_occurrence << " projected), generated and produced in "
            << absl::FormatDuration(produced - t0) << std::endl;

  EXPECT_TRUE(WaitForOccurrences(with_occurrence)) << Occurrences() << " of " << with_occurrence;
  const absl::Time caught_up = absl::Now();
  std::cout << "[ reporting_history ] incremental projections caught up in "
            << absl::FormatDuration(caught_up - produced) << " ("
            << static_cast<int64_t>(static_cast<double>(events.size()) /
                                    absl::ToDoubleSeconds(caught_up - produced))
            << " events/s)" << std::endl;
  const std::string incremental = Projections();
  EXPECT_EQ(CompareEveryMonth(cases, "incremental"), 0);
  const absl::Time compared = absl::Now();
  std::cout << "[ reporting_history ] every month compared in "
            << absl::FormatDuration(compared - caught_up) << std::endl;

  // --rebuild, as ccms-reporting --rebuild does it: the consumer stops, the projections are
  // emptied and a new generation reads the four topics from the beginning under its own group.
  // It reads them in catch-up mode (docs/reporting.md "Catch-up"): reports refuse meanwhile.
  h().host().consumer(0).Stop();
  auto generation = wiring().store().ResetProjections();
  ASSERT_TRUE(generation.ok()) << generation.status();
  ASSERT_EQ(Occurrences(), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM projection_catch_up WHERE active"), 1);
  {
    v1::RunReportRequest req;
    req.set_period_kind(v1::PERIOD_KIND_MONTH);
    *req.mutable_period_day() = Date(D(kLastMonth));
    v1::RunReportResponse resp;
    const grpc::Status st = stub_->RunReport(
        ServiceHarness::Context(ServiceHarness::Token(Role::kDistrictBureau, kDistricts)).get(),
        req, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE) << st.error_message();
    EXPECT_EQ(st.error_message(), "projections catching up");
    v1::RunSnapshotRequest snap;
    snap.set_request_id(ids::NewUuid());
    snap.set_report_id("monthly");
    *snap.mutable_period_day() = Date(D(kLastMonth));
    v1::RunSnapshotResponse snap_resp;
    const grpc::Status snap_st = stub_->RunSnapshot(
        ServiceHarness::Context(ServiceHarness::Token(Role::kCityAdmin, {"*"})).get(), snap,
        &snap_resp);
    EXPECT_EQ(snap_st.error_code(), grpc::StatusCode::UNAVAILABLE) << snap_st.error_message();
  }
  auto make_consumer = [&] {
    return kafka::InboxConsumer::CreateBatched(
        {.bootstrap_servers = IntegrationEnv::Get()->kafka_bootstrap,
         .group_id = reporting::ConsumerGroup(*generation) + "-history-" + h().db().name(),
         .topics = {reporting::kRecordsTopic, reporting::kAssessmentTopic,
                    reporting::kEducationTopic, reporting::kEmploymentTopic}},
        h().host().background_pool(),
        [this](pqxx::work& tx, const std::vector<const events::v1::Envelope*>& events) {
          return wiring().consumer().HandleBatch(tx, events);
        },
        nullptr);
  };
  const int64_t built_before = wiring().consumer().catch_up_built();
  const absl::Time rebuild_start = absl::Now();
  {
    // Stopped a third of the way and started again (a restart mid-catch-up): the dirty set and
    // the occurrences kept are in the database, the inbox skips what comes again.
    auto first = make_consumer();
    ASSERT_TRUE(first.ok()) << first.status();
    (*first)->Start();
    const absl::Time deadline = absl::Now() + absl::Minutes(10);
    while (Occurrences() < with_occurrence / 3 && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(100));
    }
    (*first)->Stop();
  }
  const int64_t kept_at_stop = Occurrences();
  const int64_t dirty_at_stop = Count("SELECT count(*) FROM dirty_case");
  std::cout << "[ reporting_history ] rebuild stopped at " << kept_at_stop << " occurrences, "
            << dirty_at_stop << " dirty cases, catching up: "
            << Count("SELECT count(*) FROM projection_catch_up WHERE active") << std::endl;
  auto consumer = make_consumer();
  ASSERT_TRUE(consumer.ok()) << consumer.status();
  (*consumer)->Start();
  const bool rebuilt = WaitForOccurrences(with_occurrence) && WaitForCatchUpEnd();
  (*consumer)->Stop();
  EXPECT_TRUE(rebuilt) << Occurrences() << " of " << with_occurrence;
  const absl::Time rebuilt_at = absl::Now();
  std::cout << "[ reporting_history ] rebuilt from the topics in "
            << absl::FormatDuration(rebuilt_at - rebuild_start) << " ("
            << static_cast<int64_t>(static_cast<double>(events.size()) /
                                    absl::ToDoubleSeconds(rebuilt_at - rebuild_start))
            << " events/s), catch-up built " << wiring().consumer().catch_up_built() - built_before
            << " cases" << std::endl;
  if (with_occurrence > 10 * 256) {  // full batches: the default history, not a small one by hand
    EXPECT_GT(dirty_at_stop, 0) << "the rebuild's first part went through catch-up mode";
    EXPECT_GT(wiring().consumer().catch_up_built() - built_before, 0);
  }
  EXPECT_EQ(Count("SELECT count(*) FROM dirty_case"), 0);
  EXPECT_EQ(Projections(), incremental);
  EXPECT_EQ(CompareEveryMonth(cases, "rebuilt"), 0);
  std::cout << "[ reporting_history ] total " << absl::FormatDuration(absl::Now() - t0)
            << std::endl;
}

// Where the consumer's time goes (issue 18, "consumer catch-up"): the same generated events
// applied straight to reporting's handler, without the broker, (a) one transaction per event with
// its inbox row, as the inbox consumer does, (b) the same without the worklists (the projection
// store alone), (c) 500 events per transaction, (d) one transaction per event that only writes
// the inbox row (the commit), (e) batches of 256 and 2,000 events through HandleBatch. Ratios of
// one run; it checks nothing. By hand: CCMS_REPORTING_HISTORY_PROFILE=1 (with
// CCMS_REPORTING_HISTORY_CASES=n for fewer cases).
TEST_F(ReportingHistoryTest, WhereTheConsumerSpendsItsTime) {
  if (std::getenv("CCMS_REPORTING_HISTORY_PROFILE") == nullptr) {
    std::cout << "[ reporting_history ] profile: set CCMS_REPORTING_HISTORY_PROFILE=1 to run it"
              << std::endl;
    return;
  }
  h().host().consumer(0).Stop();  // nothing else writes
  Generator gen(kSeed + 1);
  const std::vector<Case> cases = gen.Cases(CaseCount());
  int64_t projected = 0;
  const std::vector<Produced> events = Envelopes(cases, &projected);
  db::ConnectionPool& pool = h().host().background_pool();
  const std::string inbox = reporting::ConsumerGroup(0) + "-profile";
  auto inbox_row = [&](pqxx::work& tx, const events::v1::Envelope& e) {
    tx.exec_params(
        "INSERT INTO inbox (consumer, event_id, event_type, topic, kafka_partition,"
        " kafka_offset) VALUES ($1, $2, $3, $4, 0, 0)",
        inbox, e.event_id(), e.type(), "profile");
  };
  auto run = [&](const std::string& what, int per_tx,
                 const std::function<absl::Status(pqxx::work&, const events::v1::Envelope&)>& fn) {
    ASSERT_TRUE(wiring().store().ResetProjections().ok());
    const absl::Time t = absl::Now();
    for (size_t i = 0; i < events.size(); i += per_tx) {
      ASSERT_TRUE(pool.InTransaction([&](pqxx::work& tx) -> absl::Status {
                        for (size_t j = i; j < std::min(events.size(), i + per_tx); ++j) {
                          inbox_row(tx, events[j].envelope);
                          if (auto st = fn(tx, events[j].envelope); !st.ok()) return st;
                        }
                        return absl::OkStatus();
                      })
                      .ok());
    }
    const double secs = absl::ToDoubleSeconds(absl::Now() - t);
    std::cout << "[ reporting_history ] profile, " << what << ": " << events.size() << " events in "
              << secs << " s, " << static_cast<int64_t>(events.size() / secs) << " events/s"
              << std::endl;
  };
  auto handler = [&](pqxx::work& tx, const events::v1::Envelope& e) {
    return wiring().consumer().Handle(tx, e);
  };
  auto store_only = [&](pqxx::work& tx, const events::v1::Envelope& e) -> absl::Status {
    bool malformed = false;
    auto o = reporting::TranslateEvent(e, &malformed);
    if (!o.has_value()) return absl::OkStatus();
    return wiring().store().ApplyInTransaction(tx, e.case_id(), *o);
  };
  auto nothing = [](pqxx::work&, const events::v1::Envelope&) { return absl::OkStatus(); };
  run("(a) handler, a transaction per event", 1, handler);
  run("(b) projection store only, a transaction per event", 1, store_only);
  run("(c) handler, 500 events per transaction", 500, handler);
  run("(d) the inbox row alone, a transaction per event", 1, nothing);
  // (e) as the consumer applies a backlog: a batch per transaction through HandleBatch (the
  // time lines of the cases a batch touches built once, one statement per table).
  for (size_t per_tx : {256, 2000}) {
    ASSERT_TRUE(wiring().store().ResetProjections().ok());
    const absl::Time t = absl::Now();
    for (size_t i = 0; i < events.size(); i += per_tx) {
      ASSERT_TRUE(pool.InTransaction([&](pqxx::work& tx) -> absl::Status {
                        std::vector<const events::v1::Envelope*> batch;
                        for (size_t j = i; j < std::min(events.size(), i + per_tx); ++j) {
                          inbox_row(tx, events[j].envelope);
                          batch.push_back(&events[j].envelope);
                        }
                        return wiring().consumer().HandleBatch(tx, batch);
                      })
                      .ok());
    }
    const double secs = absl::ToDoubleSeconds(absl::Now() - t);
    std::cout << "[ reporting_history ] profile, (e) HandleBatch, " << per_tx
              << " events per transaction: " << events.size() << " events in " << secs << " s, "
              << static_cast<int64_t>(events.size() / secs) << " events/s" << std::endl;
  }
  ASSERT_TRUE(wiring().store().ResetProjections().ok());
}

}  // namespace
}  // namespace ccms::testing
