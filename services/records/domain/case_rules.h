// Business rules for community-correction cases (社区矫正案件): validation of
// a new case, the minor flag, the intake (报到) window, the case state
// machine and case numbers. Pure functions: no I/O, no clock — callers pass
// `today` (the current Shanghai calendar day, see common/time/calendar.h).
//
// References are to the Community Correction Law of the PRC (社区矫正法,
// 2020).

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "services/records/domain/id_number.h"

namespace ccms::records::domain {

// The four kinds of sentence executed in the community (Law art. 2).
enum class SentenceKind {
  kUnspecified,
  kProbation,               // 缓刑
  kParole,                  // 假释
  kPublicSurveillance,      // 管制
  kTemporaryOutsidePrison,  // 暂予监外执行
};

// Stable upper-case names ("PROBATION", ...) for storage and events;
// kUnspecified and out-of-range values give "UNSPECIFIED".
std::string_view SentenceKindName(SentenceKind kind);
// Inverse of SentenceKindName for the four real kinds; nullopt otherwise
// (including "UNSPECIFIED").
std::optional<SentenceKind> ParseSentenceKind(std::string_view name);

enum class CaseStatus {
  kUnspecified,
  kPendingIntake,   // Case received; the person has not reported yet.
  kActive,          // Person reported; under supervision.
  kDischarged,      // 解除矫正: term completed.
  kRevoked,         // Probation/parole revoked or sentence executed in prison.
  kTransferredOut,  // Moved to another execution place.
  kDeceased,        // The person died during the term.
};

// Stable upper-case names: "PENDING_INTAKE", "ACTIVE", "DISCHARGED",
// "REVOKED", "TRANSFERRED_OUT"; kUnspecified and out-of-range values give
// "UNSPECIFIED".
std::string_view CaseStatusName(CaseStatus status);
// Inverse of CaseStatusName for the five real statuses; nullopt otherwise
// (including "UNSPECIFIED"). Exact, case-sensitive match.
std::optional<CaseStatus> ParseCaseStatus(std::string_view name);

// One problem with one field of a request. `field` is the API field path
// (e.g. "person.id_number"); `description` says what is wrong and never
// repeats the submitted value.
struct FieldViolation {
  std::string field;
  std::string description;
};

// A case as submitted for registration, before validation. Empty strings and
// nullopt mean "not given".
struct NewCase {
  std::string name;
  std::string id_number;
  std::optional<absl::CivilDay> birth_date;
  Sex sex = Sex::kUnspecified;  // kUnspecified = not given.
  std::string phone;
  std::string household_address;  // 户籍地
  std::string residence_address;  // 居住地 (the execution place)

  SentenceKind sentence_kind = SentenceKind::kUnspecified;
  std::string offence_category;
  std::string deciding_authority;
  std::optional<absl::CivilDay> judgment_effective_date;
  // Day of the offence, when the judgment states it: decides `minor` (else the judgment date).
  std::optional<absl::CivilDay> offence_date;
  std::optional<absl::CivilDay> supervision_start_date;
  std::optional<absl::CivilDay> supervision_end_date;
  std::string prohibition_orders;  // 禁止令; free text, may be empty.

  std::string district_code;
  std::string office_id;
  std::string officer_id;
  std::string social_worker_id;
};

// Law art. 21: the person must report to the community-correction office of
// the execution place within 10 days of the judgment taking effect.
struct IntakeRules {
  int report_within_days = 10;
};

// What ValidateNewCase derives from a valid NewCase.
struct ValidatedCase {
  ResidentId resident_id;
  // Under 18 on the offence date (the judgment effective date when the offence
  // date is not given). Decided once: someone who turns 18 during the term
  // stays under the minors' rules (Law art. 58).
  bool minor = false;
  // Last day on which reporting is on time (see IntakeDeadline).
  absl::CivilDay intake_deadline;
};

// Validates `c` and returns every violation found (empty if valid), in field
// order. On success fills `*out` (if non-null); on failure leaves it alone.
// Field paths: person.{name,id_number,birth_date,sex,phone,household_address,
// residence_address}, sentence.{kind,offence_category,deciding_authority,
// judgment_effective_date,offence_date,start_date,end_date},
// assignment.{district_code,office_id,officer_id,social_worker_id}.
// The supervision term may not exceed 30 years (a sanity bound against
// typos), and the person must be at least 12 on the judgment effective date
// (minimum age of criminal responsibility, Criminal Law art. 17).
std::vector<FieldViolation> ValidateNewCase(const NewCase& c, absl::CivilDay today,
                                            ValidatedCase* out,
                                            const IntakeRules& rules = IntakeRules());

// Last on-time reporting day: judgment_effective + report_within_days. With
// the default rules, effective 01-25 gives 02-04; reporting on 02-04 is on
// time, on 02-05 it is late.
absl::CivilDay IntakeDeadline(absl::CivilDay judgment_effective, const IntakeRules& rules);

struct IntakeAssessment {
  // reported_on - judgment_effective, in days (0 = reported that same day).
  int days_after_effective = 0;
  // Reported after IntakeDeadline.
  bool late = false;
};

IntakeAssessment AssessIntake(absl::CivilDay judgment_effective, absl::CivilDay reported_on,
                              const IntakeRules& rules);

// True once the reporting window has passed without a report (漏管): from
// day report_within_days + 1 after the effective date, i.e. today is after
// IntakeDeadline. Callers only ask this for PENDING_INTAKE cases.
bool IsNeverReported(absl::CivilDay judgment_effective, absl::CivilDay today,
                     const IntakeRules& rules);

// Case state machine for intake: only PENDING_INTAKE -> ACTIVE is allowed.
// Otherwise FailedPreconditionError("case is already active", "case has been
// discharged", ...).
absl::Status CheckIntakeTransition(CaseStatus from);

// Checks the date a person reported on: not after `today` and not before
// the judgment effective date. InvalidArgumentError naming the problem.
absl::Status CheckReportedOn(absl::CivilDay reported_on, absl::CivilDay judgment_effective,
                             absl::CivilDay today);

// Returns "<district>-<year>-<sequence>", e.g. "110101-2026-000042". The
// sequence is zero-padded to 6 digits and grows wider past 999999.
// `sequence` must be non-negative.
std::string FormatCaseNumber(std::string_view district_code, int year, int64_t sequence);

}  // namespace ccms::records::domain
