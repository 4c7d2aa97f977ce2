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

struct QuestionnaireRecord {
  std::string questionnaire_id;
  int version = 0;
  std::string title;
  int question_count = 0;
  int scale_max = 0;
  std::string published_by;
  absl::Time created_at;
};

struct SurveyResponseRecord {
  std::string response_id;
  std::string case_id;
  std::string questionnaire_id;
  int questionnaire_version = 0;
  std::string subject_kind;  // SESSION, PROVIDER, WORKER
  std::string subject_id;
  absl::CivilDay responded_on;
  std::vector<int> scores;
  std::string recorded_by;
};

// A complaint; its text as an AES-256-GCM blob (the handler encrypts and decrypts).
struct ComplaintRecord {
  std::string complaint_id;
  std::string case_id;
  std::string district_code;
  std::string subject_kind;
  std::string subject_id;
  std::string category;
  std::string text_blob;
  absl::CivilDay received_on;
  absl::CivilDay handle_by;
  std::string status;  // OPEN, IN_HANDLING, RESOLVED, REJECTED
  std::optional<absl::CivilDay> closed_on;
  int version = 1;
  std::string policy_version;
  std::string recorded_by;
};

// A case with its complaints.
struct FeedbackState {
  CaseRow case_row;
  std::vector<ComplaintRecord> complaints;
};

struct FeedbackWrite {
  std::optional<SurveyResponseRecord> response;
  std::optional<ComplaintRecord> new_complaint;
  std::optional<ComplaintRecord> complaint_update;  // status, closed_on, version
  std::vector<events::v1::Envelope> events;
};

// Decides a write from the case's state and the questionnaire the request names (nullopt when
// it names none).
using FeedbackDecision = std::function<absl::StatusOr<FeedbackWrite>(
    const FeedbackState&, const std::optional<QuestionnaireRecord>&)>;

struct ComplaintFilter {
  std::string district_code;
  bool overdue_only = false;
  absl::CivilDay today;
  int page_size = 50;
  std::string after_handle_by;  // exclusive position (handle_by YYYY-MM-DD, complaint id)
  std::string after_complaint_id;
};

struct ComplaintPage {
  std::vector<ComplaintRecord> items;
  std::string next_token;  // "<handle_by>/<complaint id>", "" on the last page
};

// Storage of surveys and complaints. Case reads and writes are scoped to the principal's
// districts in SQL (a case outside them is NOT_FOUND) and audited.
class FeedbackStore {
 public:
  virtual ~FeedbackStore() = default;

  // Publishes the questionnaire as its next version; the record as stored.
  virtual absl::StatusOr<QuestionnaireRecord> PublishQuestionnaire(
      const auth::Principal& principal, const std::string& request_id,
      const QuestionnaireRecord& questionnaire) = 0;

  // Locks the case, loads the questionnaire `questionnaire_id` ("" for none; version 0 the
  // latest; unknown: NOT_FOUND), runs `decide` and writes what it returns with its events and an
  // audit row, in one transaction.
  virtual absl::StatusOr<FeedbackState> Mutate(const auth::Principal& principal,
                                               const std::string& case_id, std::string_view method,
                                               const std::string& request_id,
                                               const std::string& questionnaire_id,
                                               int questionnaire_version,
                                               const FeedbackDecision& decide) = 0;

  // Complaints still OPEN or IN_HANDLING by handle_by; audited as `ListComplaints`.
  virtual absl::StatusOr<ComplaintPage> ListComplaints(const auth::Principal& principal,
                                                       const ComplaintFilter& filter) = 0;
};

}  // namespace ccms::education
