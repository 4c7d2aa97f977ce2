#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/auth/principal.h"
#include "services/education/case_rows.h"

namespace ccms::education {

// A version of a legal-knowledge test paper; the key stays in education.
struct TestPaperRecord {
  std::string paper_id;
  int version = 0;
  std::string title;
  std::vector<std::string> answer_key;
  std::string published_by;
  absl::Time created_at;
};

struct TestSittingRecord {
  std::string sitting_id;
  std::string case_id;
  std::string paper_id;
  int paper_version = 0;
  absl::CivilDay sat_on;
  std::vector<std::string> answers;  // normalized
  int correct_count = 0;
  int question_count = 0;
  int score_percent = 0;
  int pass_mark = 0;
  bool passed = false;
  int attempt = 0;
  std::optional<absl::CivilDay> retake_due_on;
  std::string policy_version;
  std::string recorded_by;
};

// A case and its sittings (oldest first).
struct LegalTestState {
  CaseRow case_row;
  std::vector<TestSittingRecord> sittings;
};

struct LegalTestWrite {
  std::optional<TestSittingRecord> sitting;
  std::vector<events::v1::Envelope> events;
};

// Decides a write from the case's state and the paper the request names.
using LegalTestDecision =
    std::function<absl::StatusOr<LegalTestWrite>(const LegalTestState&, const TestPaperRecord&)>;

struct RetakeRecord {
  std::string case_id;
  std::string district_code;
  std::string paper_id;
  std::string failed_sitting_id;
  absl::CivilDay retake_due_on;
};

struct RetakeFilter {
  std::string district_code;
  bool overdue_only = false;
  absl::CivilDay today;
  int page_size = 50;
  std::string after_case_id;  // exclusive position (case id, paper id); "" from the start
  std::string after_paper_id;
};

struct RetakePage {
  std::vector<RetakeRecord> items;
  std::string next_token;  // "<case id>/<paper id>", "" on the last page
};

// Storage of legal-knowledge tests. Case reads and writes are scoped to the principal's districts
// in SQL (a case outside them is NOT_FOUND) and audited.
class LegalTestStore {
 public:
  virtual ~LegalTestStore() = default;

  // Publishes the paper as its next version (1 for a new id); the record as stored.
  virtual absl::StatusOr<TestPaperRecord> PublishPaper(const auth::Principal& principal,
                                                       const std::string& request_id,
                                                       const TestPaperRecord& paper) = 0;

  // Locks the case, loads the paper (`paper_version` 0: the latest; unknown: NOT_FOUND), runs
  // `decide` and writes its sitting and events with an audit row, in one transaction.
  virtual absl::StatusOr<LegalTestState> Mutate(const auth::Principal& principal,
                                                const std::string& case_id, std::string_view method,
                                                const std::string& request_id,
                                                const std::string& paper_id, int paper_version,
                                                const LegalTestDecision& decide) = 0;

  // The case's sittings; audited as `ListTestSittings`.
  virtual absl::StatusOr<LegalTestState> Get(const auth::Principal& principal,
                                             const std::string& case_id) = 0;

  // Failed latest sittings of active cases; audited as `ListRetakesDue` with the count.
  virtual absl::StatusOr<RetakePage> ListRetakes(const auth::Principal& principal,
                                                 const RetakeFilter& filter) = 0;
};

}  // namespace ccms::education
