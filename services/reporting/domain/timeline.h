#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/civil_time.h"

namespace ccms::reporting::domain {

// What one event tells reporting about one case, as the projection keeps it (table
// `occurrence`). `kind` is one of the k*Kind constants below; the other fields hold what that
// kind carries (unused ones stay empty). Never a name, an ID number, a phone or a place.
struct Occurrence {
  std::string event_id;
  std::string kind;
  absl::CivilDay on;  // the day it takes effect (Asia/Shanghai)
  int64_t seq = 0;    // the event's recorded_at in microseconds: order within one day
  std::string district;
  std::string office;
  std::string sentence_kind;  // PROBATION, PAROLE, PUBLIC_SURVEILLANCE, TEMPORARY_OUTSIDE_PRISON
  std::string sex;            // MALE, FEMALE, ""
  std::string age_band;       // UNDER_16 … 60_AND_OVER
  std::string offence_category;
  std::string level;  // STRICT, STANDARD, RELAXED
  // The kind's code: the sanction kind, the close reason, the contact or violation kind, the
  // status of a facts snapshot.
  std::string code;
  bool minor = false;
  bool flag = false;                       // key attention on/off
  std::optional<absl::CivilDay> deadline;  // case opened / snapshot: the intake deadline
  std::optional<absl::CivilDay> as_of;     // snapshot: the day its status was read
};

inline constexpr char kCaseOpened[] = "case_opened";
inline constexpr char kFactsSnapshot[] = "facts_snapshot";
inline constexpr char kFactsChanged[] = "facts_changed";
inline constexpr char kIntakeReported[] = "intake_reported";
inline constexpr char kTransferred[] = "transferred";
inline constexpr char kClosed[] = "closed";
inline constexpr char kLevelChanged[] = "level_changed";
inline constexpr char kKeyAttention[] = "key_attention";
inline constexpr char kLostContact[] = "lost_contact";
inline constexpr char kFoundAgain[] = "found_again";
inline constexpr char kSanction[] = "sanction";
inline constexpr char kViolation[] = "violation";
inline constexpr char kContact[] = "contact";
// A service of education or assistance (code EDUCATION or ASSISTANCE): the events the KPIs
// 教育率 and 帮扶率 count (an attended education or counselling session; a referral sent, a
// placement, a halfway-house admission), for 服务人数.
inline constexpr char kService[] = "service";

// A case's state on a day: every dimension a report may break down or filter by.
struct CaseState {
  std::string district;
  std::string office;
  std::string sentence_kind;
  std::string sex;
  std::string age_band;
  std::string offence_category;
  std::string level;
  bool minor = false;
  bool key_attention = false;
  bool lost_contact = false;    // 脱管: marked lost and not found again
  bool never_reported = false;  // 漏管: past the intake deadline without an intake report

  bool operator==(const CaseState&) const = default;
};

// The dimensions, by name: district, office, sentence_kind, sex, age_band, offence_category,
// level, minor, key_attention, lost_contact, never_reported.
const std::vector<std::string>& DimensionNames();
bool IsDimension(std::string_view name);
// The state's value of a dimension ("true"/"false" for the flags); "" for an unknown name.
std::string DimensionValue(const CaseState& state, std::string_view dimension);

// The case on the register from `from` until `to` (exclusive; nullopt: still on it) in `state`.
struct Span {
  absl::CivilDay from;
  std::optional<absl::CivilDay> to;
  CaseState state;

  bool operator==(const Span&) const = default;
};

// A change counted in a period ("flow"): `kind` and `code` as in Occurrence, on `day`, with the
// case's state that day (on the register; the first or last span's state outside it).
struct Flow {
  std::string kind;
  std::string code;
  absl::CivilDay day;
  CaseState state;

  bool operator==(const Flow&) const = default;
};

// A case's time line: its spans on the register in order (adjacent spans differ in state) and
// its counted changes in day order.
struct Timeline {
  bool opened = false;  // a case_opened (or a facts snapshot) was seen
  absl::CivilDay start;
  std::optional<absl::CivilDay> closed_on;
  std::string close_reason;
  std::vector<Span> spans;
  std::vector<Flow> flows;
};

// Builds the time line from every occurrence of one case, in any order (they are sorted by day,
// then seq, then event id, so a back-dated event lands where it belongs). Rules
// (docs/reporting.md, "Projections"): the register starts on the supervision start of
// case_opened (or of a facts snapshot for a case opened before the facts were published) and
// ends on the closed day (exclusive); transfers, levels, key attention, lost contact and facts
// changes take effect on their day; a case without an intake report by its deadline is "never
// reported" from the day after the deadline until the report. Without an opening there is no
// time line (opened = false).
Timeline BuildTimeline(std::vector<Occurrence> occurrences);

// The state on `day` from the spans (nullopt: not on the register that day).
std::optional<CaseState> StateOn(const std::vector<Span>& spans, absl::CivilDay day);

}  // namespace ccms::reporting::domain
