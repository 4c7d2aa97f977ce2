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
#include "services/employment/domain/case_view.h"

namespace ccms::employment {

// A volunteer or social organisation (table volunteers); name and contact encrypted at rest.
struct VolunteerRecord {
  std::string volunteer_id;
  std::string kind;  // VOLUNTEER, SOCIAL_ORGANISATION
  std::string name;
  std::string contact;
  std::vector<std::string> skill_codes;
  std::string district_code;
  std::vector<std::string> districts_served;
  std::vector<std::string> supervision_team_ids;
  int total_hours = 0;    // of the reader's districts
  int commendations = 0;  // of the reader's districts
  std::string registered_by;
  absl::Time created_at;
};

// A day's service (table volunteer_services).
struct VolunteerServiceRow {
  std::string service_id;
  std::string volunteer_id;
  std::string district_code;
  absl::CivilDay served_on;
  int hours = 0;
  std::string activity_code;
  std::string case_id;              // "" when none
  std::string supervision_team_id;  // "" when none
  std::string recorded_by;
};

// A commendation (table volunteer_commendations).
struct CommendationRow {
  std::string commendation_id;
  std::string volunteer_id;
  std::string district_code;
  absl::CivilDay commended_on;
  std::string code;
  std::string recorded_by;
};

// What a service's decision sees under the volunteer's lock: the volunteer, the hours already
// recorded for it on the day, and the case when one is named (of the service's district).
struct VolunteerServiceView {
  VolunteerRecord volunteer;
  int hours_before = 0;
  std::optional<domain::CaseView> case_view;
};
struct VolunteerServiceWrite {
  VolunteerServiceRow service;
  std::vector<events::v1::Envelope> events;
};
using VolunteerServiceDecision =
    std::function<absl::StatusOr<VolunteerServiceWrite>(const VolunteerServiceView&)>;

// A change of the volunteer's teams, decided under its lock: the teams after it and the events.
struct VolunteerTeamWrite {
  std::vector<std::string> team_ids;
  std::vector<events::v1::Envelope> events;
};
using VolunteerTeamDecision =
    std::function<absl::StatusOr<VolunteerTeamWrite>(const VolunteerRecord&)>;

struct VolunteerFilter {
  std::string district_code;  // "" = any the caller sees
  std::string kind;           // "" = any
  int page_size = 50;
  std::string after_id;
};

struct VolunteerPage {
  std::vector<VolunteerRecord> items;
  std::string next_id;
};

struct VolunteerDetail {
  VolunteerRecord volunteer;
  std::vector<VolunteerServiceRow> services;
  std::vector<CommendationRow> commendations;
};

// Storage of volunteers, their service and commendations. A volunteer is visible to a caller
// whose districts hold its registering district or one it serves; work is recorded for a
// district of the caller that the volunteer serves (else NOT_FOUND, in SQL). Every call writes an
// audit row.
class VolunteerStore {
 public:
  virtual ~VolunteerStore() = default;

  virtual absl::StatusOr<VolunteerRecord> Register(const auth::Principal& principal,
                                                   const VolunteerRecord& volunteer,
                                                   const std::vector<events::v1::Envelope>& events,
                                                   const std::string& request_id) = 0;
  // Locks the volunteer (serving `district`), reads the day's hours and the case (of
  // `district`, when `case_id` is not empty: NOT_FOUND otherwise), runs `decide`, inserts.
  virtual absl::StatusOr<VolunteerServiceRow> RecordService(
      const auth::Principal& principal, const std::string& volunteer_id,
      const std::string& district, const std::string& case_id, absl::CivilDay served_on,
      const std::string& request_id, const VolunteerServiceDecision& decide) = 0;
  // Inserts the commendation with `events` (its volunteer_commended) in one transaction.
  virtual absl::StatusOr<CommendationRow> Commend(const auth::Principal& principal,
                                                  const CommendationRow& commendation,
                                                  const std::vector<events::v1::Envelope>& events,
                                                  const std::string& request_id) = 0;
  // Locks the volunteer (serving `district`, one of the caller's: NOT_FOUND otherwise), runs
  // `decide`, writes its teams and events; the volunteer after it. Audited as `method`.
  virtual absl::StatusOr<VolunteerRecord> ChangeTeams(const auth::Principal& principal,
                                                      const std::string& volunteer_id,
                                                      const std::string& district,
                                                      std::string_view method,
                                                      const std::string& request_id,
                                                      const VolunteerTeamDecision& decide) = 0;
  virtual absl::StatusOr<VolunteerDetail> Get(const auth::Principal& principal,
                                              const std::string& volunteer_id) = 0;
  virtual absl::StatusOr<VolunteerPage> List(const auth::Principal& principal,
                                             const VolunteerFilter& filter) = 0;
};

}  // namespace ccms::employment
