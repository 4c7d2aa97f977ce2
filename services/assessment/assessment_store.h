#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/auth/principal.h"
#include "services/assessment/domain/case_flow.h"
#include "services/assessment/domain/instrument.h"
#include "services/assessment/domain/types.h"

namespace ccms::assessment {

// A shipped instrument version and the SHA-256 of its file.
struct InstrumentFingerprint {
  std::string instrument_id;
  int version = 0;
  std::string sha256;
};

struct AssessmentRecord {
  std::string assessment_id;
  std::string case_id;
  std::string district_code;  // the case's current district
  std::string instrument_id;
  int instrument_version = 0;
  std::string instrument_sha256;
  domain::InstrumentKind instrument_kind = domain::InstrumentKind::kUnspecified;
  domain::AssessmentKind kind = domain::AssessmentKind::kUnspecified;
  absl::CivilDay assessed_on;
  std::string assessor_id;
  std::vector<domain::AnswerInput> answers;
  domain::ScoredAssessment scores;
  std::string notes;
  std::string policy_version;
  std::string created_by;
  absl::Time created_at;
};

struct CrisisFlagRecord {
  std::string flag_id;
  std::string case_id;
  std::string district_code;
  domain::CrisisKind kind = domain::CrisisKind::kUnspecified;
  bool from_assessment = false;
  std::string assessment_id;
  absl::Time raised_at;
  std::string raised_by;
  absl::Time acknowledge_by;
  std::optional<absl::Time> acknowledged_at;
  std::string acknowledged_by;
  std::string note;
  std::string ack_note;
};

struct CrisisAck {
  std::string flag_id;
  absl::Time at;
  std::string by;
  std::string note;
};

struct LevelChangeRecord {
  std::string change_id;
  domain::Level level = domain::Level::kUnspecified;
  domain::Level previous_level = domain::Level::kUnspecified;
  absl::CivilDay effective_on;
  std::string rule;
  std::vector<std::string> reasons;
  std::string policy_version;
  bool override = false;
  std::string override_reason;
  std::string actor;
  absl::Time recorded_at;
};

struct DueRecord {
  std::string due_id;
  std::string case_id;
  std::string district_code;
  domain::InstrumentKind instrument_kind = domain::InstrumentKind::kUnspecified;
  domain::AssessmentKind kind = domain::AssessmentKind::kUnspecified;
  absl::CivilDay window_opens_on;
  absl::CivilDay due_on;
};

struct LedgerEntryRecord {
  std::string entry_id;
  absl::CivilDay month;
  int amount = 0;
  std::string reason;
  std::string source;
  absl::CivilDay occurred_on;
  std::string note;
  absl::Time recorded_at;
};

struct LedgerMonth {
  std::string case_id;
  absl::CivilDay month;
  bool exists = false;
  bool closed = false;
  int total = 0;  // the closed total, else the sum so far
  std::string policy_version;
  std::vector<LedgerEntryRecord> entries;
};

// One change to a case, decided by pure code from the case as locked in the transaction. The
// store writes the new state back, the effects, the records and the events, all in one
// transaction with the idempotency key and the audit row.
struct CaseWrite {
  domain::CaseState state;
  domain::Effects effects;
  std::optional<AssessmentRecord> assessment;
  std::vector<CrisisFlagRecord> new_flags;
  std::optional<CrisisAck> ack;
  // Set when effects.level_change is: its id, the actor and the written reason of an override.
  std::string level_change_id;
  std::string override_reason;
  // Ledger entries of effects: what caused them (event id or request id) and a note.
  std::string ledger_source;
  std::string ledger_note;
  // Policy behind the ledger months this write opens (their BASE entries).
  std::string policy_version;
  int points_base = 0;
  absl::CivilDay today;  // the decision's day: ledger entries of closed months go to its month
  std::vector<events::v1::Envelope> events;
  // The id of what the write made (assessment, flag, change, entry id).
  std::string resource_id;
};

// Decides the write from the current state (a copy; the mutator returns the new one).
using CaseMutator = std::function<absl::StatusOr<CaseWrite>(const domain::CaseState& current)>;

struct Mutation {
  std::string request_id;  // empty: not a client call (consumer, maintenance)
  std::string method;      // for the idempotency key and the audit row
  std::string case_id;
  std::optional<int64_t> expected_version;
  // When set and the case is unknown, it is created in this district (PENDING_INTAKE) first.
  std::string create_in_district;
  std::string actor;  // defaults to the principal's subject
};

struct MutationResult {
  std::string resource_id;
  domain::CaseState state;
};

struct DueFilter {
  std::string district_code;
  std::string case_id;
  absl::CivilDay due_before;
  std::optional<absl::CivilDay> overdue_before;  // overdue_only: due_on < this day
  int page_size = 50;
  std::string after;  // keyset: "YYYY-MM-DD/<due_id>"
};

struct CrisisFilter {
  std::string district_code;
  std::string case_id;
  bool unacknowledged_only = false;
  int page_size = 50;
  std::string after;  // keyset: "<raised_at micros>/<flag_id>"
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next;  // keyset cursor of the last item when another page may follow
};

struct CrisisCount {
  std::string district_code;
  int64_t unacknowledged = 0;
  int64_t overdue = 0;
};

// Work the maintenance loop finds.
struct MonthToClose {
  std::string case_id;
  absl::CivilDay month;
};

// The assessment service's persistence. Every method that takes a principal applies its
// district scope in SQL: a case outside it is NOT_FOUND. Mutations are idempotent by request
// id and write their events to the outbox in the same transaction.
class AssessmentStore {
 public:
  virtual ~AssessmentStore() = default;

  // Registers the shipped instrument versions. FAILED_PRECONDITION (naming the instrument) if
  // a version that has been used changed its checksum; an unused one is re-registered.
  virtual absl::Status RegisterInstruments(const std::vector<InstrumentFingerprint>& shipped) = 0;

  virtual absl::StatusOr<domain::CaseState> GetCaseState(const auth::Principal& principal,
                                                         const std::string& case_id) = 0;
  // True if the case exists at all (no scope: used before asking records about it).
  virtual absl::StatusOr<bool> CaseKnown(const std::string& case_id) = 0;

  virtual absl::StatusOr<MutationResult> MutateCase(const auth::Principal& principal,
                                                    const Mutation& mutation,
                                                    const CaseMutator& mutate) = 0;

  virtual absl::StatusOr<AssessmentRecord> GetAssessment(const auth::Principal& principal,
                                                         const std::string& assessment_id,
                                                         bool audit) = 0;
  virtual absl::StatusOr<Page<AssessmentRecord>> ListAssessments(const auth::Principal& principal,
                                                                 const std::string& case_id,
                                                                 int page_size,
                                                                 const std::string& after) = 0;
  virtual absl::StatusOr<Page<DueRecord>> ListDue(const auth::Principal& principal,
                                                  const DueFilter& filter) = 0;
  virtual absl::StatusOr<std::vector<LevelChangeRecord>> LevelHistory(
      const auth::Principal& principal, const std::string& case_id, int limit) = 0;
  virtual absl::StatusOr<CrisisFlagRecord> GetCrisisFlag(const auth::Principal& principal,
                                                         const std::string& flag_id) = 0;
  virtual absl::StatusOr<std::vector<CrisisFlagRecord>> CrisisFlagsOfAssessment(
      const std::string& assessment_id) = 0;
  virtual absl::StatusOr<Page<CrisisFlagRecord>> ListCrisisFlags(const auth::Principal& principal,
                                                                 const CrisisFilter& filter) = 0;
  virtual absl::StatusOr<LedgerMonth> GetLedgerMonth(const auth::Principal& principal,
                                                     const std::string& case_id,
                                                     absl::CivilDay month) = 0;

  // Maintenance and metrics (no principal; not exposed over the API).
  virtual absl::StatusOr<std::vector<CrisisCount>> CountCrisisFlags(absl::Time now) = 0;
  // Opens `month` with its BASE entry for every active case (idempotent).
  virtual absl::Status OpenMonthForActiveCases(absl::CivilDay month, int base,
                                               const std::string& policy_version) = 0;
  virtual absl::StatusOr<std::vector<MonthToClose>> MonthsToClose(absl::CivilDay before_month,
                                                                  int limit) = 0;
  virtual absl::StatusOr<std::vector<std::string>> CasesToReview(absl::CivilDay today,
                                                                 int limit) = 0;
  // Closes one month of one case (adding its BASE entry if missing): sums its entries, stores the
  // total, reloads the case with the month among closed_months and lets `mutate` decide the rest.
  // OK and nothing written if the month is already closed.
  virtual absl::Status CloseMonth(const MonthToClose& month, int base,
                                  const std::string& policy_version, const std::string& actor,
                                  const CaseMutator& mutate) = 0;
};

}  // namespace ccms::assessment
