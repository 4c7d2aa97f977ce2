#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/auth/principal.h"
#include "services/employment/domain/case_view.h"
#include "services/employment/domain/needs_rules.h"

namespace ccms::employment {

// A needs survey (table needs_surveys): coded answers only.
struct SurveyRecord {
  std::string survey_id;
  std::string case_id;
  absl::CivilDay surveyed_on;
  domain::SurveyAnswers answers;
  std::string policy_version;
  std::string recorded_by;
};

// A version of a case's career plan (table career_plans).
struct PlanRecord {
  std::string plan_id;
  std::string case_id;
  int version = 0;
  domain::PlanStatus status = domain::PlanStatus::kDraft;
  std::string goal_code;
  std::vector<std::string> sector_codes;
  std::vector<std::string> target_skill_codes;
  absl::CivilDay drafted_on;
  std::optional<absl::CivilDay> agreed_on;
  std::string drafted_by;
  std::string agreed_by;
};

// A case's skills profile with its certificates (tables skills_profiles, skill_certificates).
struct ProfileRecord {
  std::string case_id;
  std::vector<std::string> skill_codes;
  std::vector<domain::Certificate> certificates;
  absl::CivilDay updated_on;
  std::string recorded_by;
};

// What a survey or a profile command writes: the row and the events.
struct SurveyWrite {
  SurveyRecord survey;
  std::vector<events::v1::Envelope> events;
};
using SurveyDecision = std::function<absl::StatusOr<SurveyWrite>(const domain::CaseView&)>;
using ProfileDecision = std::function<absl::StatusOr<ProfileRecord>(const domain::CaseView&)>;

// A draft sees the case and the version number it would take; an agreement sees the case, the
// version to agree and the version agreed now (if any). Both return the version to write (its
// new status) and the events; the store supersedes the older draft / agreed version itself.
struct PlanWrite {
  PlanRecord plan;
  std::vector<events::v1::Envelope> events;
};
using DraftDecision =
    std::function<absl::StatusOr<PlanWrite>(const domain::CaseView&, int next_version)>;
using AgreeDecision = std::function<absl::StatusOr<PlanWrite>(
    const domain::CaseView&, const PlanRecord& plan, const std::optional<PlanRecord>& agreed)>;

// Everything of a case's needs (GetCaseNeeds).
struct CaseNeeds {
  std::vector<SurveyRecord> surveys;  // latest first
  std::vector<PlanRecord> plans;      // by version
  std::optional<ProfileRecord> profile;
};

// Storage of needs, plans and skills. Every row is reached through its case's district (in SQL:
// a case outside the caller's districts is NOT_FOUND, audited). A write locks the case row first,
// so two plan commands of one case are serialised. Every call writes an audit row with the case.
class NeedsStore {
 public:
  virtual ~NeedsStore() = default;

  virtual absl::StatusOr<SurveyRecord> RecordSurvey(const auth::Principal& principal,
                                                    const std::string& case_id,
                                                    const std::string& request_id,
                                                    const SurveyDecision& decide) = 0;
  // Inserts the new version; an earlier DRAFT of the case becomes SUPERSEDED.
  virtual absl::StatusOr<PlanRecord> DraftPlan(const auth::Principal& principal,
                                               const std::string& case_id,
                                               const std::string& request_id,
                                               const DraftDecision& decide) = 0;
  // Writes the agreed version; the one agreed before becomes SUPERSEDED.
  virtual absl::StatusOr<PlanRecord> AgreePlan(const auth::Principal& principal,
                                               const std::string& plan_id,
                                               const std::string& request_id,
                                               const AgreeDecision& decide) = 0;
  virtual absl::StatusOr<ProfileRecord> RecordProfile(const auth::Principal& principal,
                                                      const std::string& case_id,
                                                      const std::string& request_id,
                                                      const ProfileDecision& decide) = 0;
  virtual absl::StatusOr<CaseNeeds> Get(const auth::Principal& principal,
                                        const std::string& case_id) = 0;
};

}  // namespace ccms::employment
