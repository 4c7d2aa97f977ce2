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
#include "services/employment/domain/case_view.h"

namespace ccms::employment {

// An assistance record (table assistance_records).
struct AssistanceRecordRow {
  std::string assistance_id;
  std::string case_id;
  std::string district_code;
  std::string kind;    // MINIMUM_LIVING, ...
  std::string status;  // APPLIED, GRANTED, REFUSED, ENDED
  int64_t amount_fen = 0;
  absl::CivilDay applied_on;
  std::optional<absl::CivilDay> granted_on;
  std::optional<absl::CivilDay> decided_on;
  std::optional<absl::CivilDay> ended_on;
  std::string reason_code;
  std::string recorded_by;
  absl::Time created_at;
};

// What a decision writes: the record (new, or as it becomes) and its events.
struct AssistanceWrite {
  AssistanceRecordRow record;
  std::vector<events::v1::Envelope> events;
};
using NewAssistanceDecision =
    std::function<absl::StatusOr<AssistanceWrite>(const domain::CaseView&)>;
using AssistanceChangeDecision = std::function<absl::StatusOr<AssistanceWrite>(
    const AssistanceRecordRow&, const domain::CaseView&)>;

struct AssistanceFilter {
  std::string district_code;  // "" = any the caller sees
  std::string case_id;        // "" = any
  int page_size = 50;
  std::string after_id;
};

struct AssistancePage {
  std::vector<AssistanceRecordRow> items;
  std::string next_id;
};

// Granted in a district and year, per kind.
struct AssistanceSumRow {
  std::string kind;
  int records = 0;
  int64_t amount_fen = 0;
};

// Storage of assistance records. A case or a record outside the caller's districts is
// NOT_FOUND (in SQL); the sums count only records of the caller's districts. Every call writes an
// audit row.
class AssistanceStore {
 public:
  virtual ~AssistanceStore() = default;

  // Reads the case (in scope; NOT_FOUND when unknown to employment), runs `decide`, inserts.
  virtual absl::StatusOr<AssistanceRecordRow> Record(const auth::Principal& principal,
                                                     const std::string& case_id,
                                                     const std::string& request_id,
                                                     const NewAssistanceDecision& decide) = 0;
  // Locks the record (in scope), runs `decide` with it and its case, writes the result.
  virtual absl::StatusOr<AssistanceRecordRow> Change(const auth::Principal& principal,
                                                     const std::string& assistance_id,
                                                     const std::string& request_id,
                                                     const AssistanceChangeDecision& decide) = 0;
  virtual absl::StatusOr<AssistancePage> List(const auth::Principal& principal,
                                              const AssistanceFilter& filter) = 0;
  // The kinds with a grant in [first, last] of `district` (kinds without one are left out).
  virtual absl::StatusOr<std::vector<AssistanceSumRow>> Sum(const auth::Principal& principal,
                                                            const std::string& district,
                                                            absl::CivilDay first,
                                                            absl::CivilDay last) = 0;
};

}  // namespace ccms::employment
