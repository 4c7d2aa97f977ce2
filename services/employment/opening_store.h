#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/auth/principal.h"
#include "services/employment/domain/case_view.h"
#include "services/employment/domain/matching.h"
#include "services/employment/referral_store.h"

namespace ccms::employment {

// A job opening (table job_openings).
struct OpeningRecord {
  std::string opening_id;
  std::string opening_code;
  std::string partner_id;
  std::string agency_id;
  std::string district_code;
  std::string title;
  std::string sector_code;
  int hours_per_week = 0;
  std::vector<std::string> required_skill_codes;
  absl::CivilDay closes_on;
  int places = 0;
  int places_filled = 0;
  std::vector<std::string> excluded_offence_categories;
  domain::OpeningStatus status = domain::OpeningStatus::kOpen;
  std::string close_reason;
  absl::CivilDay posted_on;
  std::optional<absl::CivilDay> closed_on;
  std::string posted_by;
  std::string posted_by_kind;       // STAFF, PARTNER
  domain::WeeklySchedule schedule;  // no days: none given
};

// What an opening command writes: the opening (new, or its new state) and the events.
struct OpeningWrite {
  OpeningRecord opening;
  std::vector<events::v1::Envelope> events;
};
// A post sees the partner (a partner principal: its own; staff: one in their reach).
using PostDecision = std::function<absl::StatusOr<OpeningWrite>(const PartnerBrief&)>;
using OpeningDecision = std::function<absl::StatusOr<OpeningWrite>(const OpeningRecord&)>;

struct OpeningFilter {
  std::string district_code;  // "" = any the caller sees
  bool include_closed = false;
  int page_size = 50;
  std::string after_id;
};

// What ranking for a case reads: the case, its skills profile, and the OPEN openings of the
// districts `districts_for(case)` names (the case's own and its neighbours).
// With the education sessions the case is enrolled in between `obligations_from` and
// `obligations_to` (education's enrolment_changed).
struct MatchInput {
  domain::CaseView case_view;
  std::optional<std::vector<std::string>> skills;
  std::vector<OpeningRecord> openings;
  std::vector<domain::EducationSession> education_sessions;
};
using DistrictsFor = std::function<std::vector<std::string>(const domain::CaseView&)>;

// Storage of openings. Staff reach the openings of their districts, a partner principal only its
// own agency's (in SQL: anything else is NOT_FOUND, audited). Every call writes an audit row.
class OpeningStore {
 public:
  virtual ~OpeningStore() = default;

  // `partner_id` "" for a partner principal (its own agency's partner).
  virtual absl::StatusOr<OpeningRecord> Post(const auth::Principal& principal,
                                             const std::string& partner_id,
                                             const std::string& request_id,
                                             const PostDecision& decide) = 0;
  // Locks the opening, runs `decide`, writes the new state (`method` names the audit row).
  virtual absl::StatusOr<OpeningRecord> Mutate(const auth::Principal& principal,
                                               const std::string& opening_id,
                                               std::string_view method,
                                               const std::string& request_id,
                                               const OpeningDecision& decide) = 0;
  virtual absl::StatusOr<std::pair<std::vector<OpeningRecord>, std::string>> List(
      const auth::Principal& principal, const OpeningFilter& filter) = 0;
  // The case (in the caller's districts, else NOT_FOUND), its skills, the candidate openings and
  // the education sessions it is enrolled in between the two instants.
  // Audited with the case id.
  virtual absl::StatusOr<MatchInput> ForCase(const auth::Principal& principal,
                                             const std::string& case_id,
                                             const DistrictsFor& districts_for,
                                             absl::Time obligations_from,
                                             absl::Time obligations_to) = 0;
};

}  // namespace ccms::employment
