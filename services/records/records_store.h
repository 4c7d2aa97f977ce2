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
#include "services/records/domain/case_rules.h"
#include "services/records/domain/id_number.h"

namespace ccms::records {

// A case as the store returns it. The identity number is not here: only its last four
// characters, for display.
struct CaseRecord {
  std::string case_id;
  std::string case_number;
  domain::CaseStatus status = domain::CaseStatus::kUnspecified;
  std::string person_id;
  std::string name;
  std::string id_last4;
  absl::CivilDay birth_date;
  domain::Sex sex = domain::Sex::kUnspecified;
  std::string phone;
  std::string household_address;
  std::string residence_address;
  domain::SentenceKind sentence_kind = domain::SentenceKind::kUnspecified;
  std::string offence_category;
  std::string deciding_authority;
  absl::CivilDay judgment_effective_date;
  absl::CivilDay start_date;
  absl::CivilDay end_date;
  std::string prohibition_orders;
  std::string district_code;
  std::string office_id;
  std::string officer_id;
  std::string social_worker_id;
  bool minor = false;
  absl::CivilDay intake_deadline;
  std::optional<absl::CivilDay> intake_reported_on;
  bool intake_late = false;
  absl::Time created_at;
  absl::Time updated_at;
  int64_t version = 0;
};

// Builds the event for a change from the row as written (it needs, e.g., the case number the
// store assigned). Runs inside the store's transaction.
using EventFactory = std::function<events::v1::Envelope(const CaseRecord&)>;

struct OpenCaseCommand {
  std::string request_id;
  std::string case_id;  // chosen by the caller (UUIDv7)
  domain::NewCase input;
  domain::ValidatedCase validated;
  // The identity number as stored: ciphertext, keyed hash, last four characters.
  std::string id_cipher;
  std::string id_hash;
  std::string id_last4;
  int case_year = 0;  // year of the case number (Asia/Shanghai)
};

struct IntakeCheckInCommand {
  std::string request_id;
  std::string case_id;
  std::optional<int64_t> expected_version;
};

// The decision on a check-in, taken by pure domain code from the case as locked in the
// transaction.
struct IntakeOutcome {
  absl::CivilDay reported_on;
  bool late = false;
};
using IntakeDecider = std::function<absl::StatusOr<IntakeOutcome>(const CaseRecord&)>;

struct CaseFilter {
  std::string district_code;
  std::string office_id;
  domain::CaseStatus status = domain::CaseStatus::kUnspecified;
  domain::SentenceKind sentence_kind = domain::SentenceKind::kUnspecified;
  int page_size = 50;
  std::string after_case_id;  // keyset pagination: from the page token
};

struct CasePage {
  std::vector<CaseRecord> cases;
  std::string last_case_id;  // set when another page may follow
};

struct CaseCount {
  std::string district_code;
  domain::CaseStatus status;
  int64_t count;
};

// The records service's persistence. Every method that reads or changes a case applies the
// principal's district scope in its SQL: a case outside it is NOT_FOUND, as if it did not exist.
// Mutations are idempotent by request id and write their event to the outbox in the same
// transaction.
class RecordsStore {
 public:
  virtual ~RecordsStore() = default;

  // ALREADY_EXISTS if the person has an open case; a retry of the same request id by the same
  // caller returns the case it opened.
  virtual absl::StatusOr<CaseRecord> OpenCase(const auth::Principal& principal,
                                              const OpenCaseCommand& command,
                                              const EventFactory& make_event) = 0;
  // ABORTED if expected_version is set and differs.
  virtual absl::StatusOr<CaseRecord> RecordIntakeCheckIn(const auth::Principal& principal,
                                                         const IntakeCheckInCommand& command,
                                                         const IntakeDecider& decide,
                                                         const EventFactory& make_event) = 0;
  virtual absl::StatusOr<CaseRecord> GetCase(const auth::Principal& principal,
                                             const std::string& case_id) = 0;
  virtual absl::StatusOr<CasePage> ListCases(const auth::Principal& principal,
                                             const CaseFilter& filter) = 0;
  // All districts (for the cases gauge; no principal, not exposed over the API).
  virtual absl::StatusOr<std::vector<CaseCount>> CountCases() = 0;
};

}  // namespace ccms::records
