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
#include "services/education/domain/community_service_rules.h"

namespace ccms::education {

// A project of a district's community service library (公益活动项目库).
struct ServiceProjectRecord {
  std::string project_id;
  std::string district_code;
  std::string title;
  std::string organiser;   // an organisation's name
  std::string mode;        // CENTRALIZED or DISPERSED
  domain::ProjectFit fit;  // suitability, capacity, places taken (`joined`) and days
  std::string created_by;
  absl::Time created_at;
};

struct ServiceProfileRecord {
  domain::ServiceProfileFacts facts;
  std::string updated_by;
  absl::Time updated_at;
};

struct ServiceActivityRecord {
  std::string activity_id;
  std::string case_id;
  std::string project_id;  // "" when self-initiated
  bool self_initiated = false;
  std::string organiser;
  absl::CivilDay served_on;
  int minutes = 0;
  std::string status;  // CREDITED, PENDING_VERIFICATION, REJECTED
  std::string recorded_by;
  std::string verified_by;
  std::optional<absl::CivilDay> verified_on;
  absl::Time created_at;
};

struct ServiceWaiverRecord {
  std::string waiver_id;
  std::string case_id;
  std::string reason;  // HEALTH or OTHER
  absl::CivilDay from_day;
  absl::CivilDay until_day;
  std::string decided_by;
  absl::Time created_at;
};

// A case's community service in one month (Asia/Shanghai days): what the monthly ledger reads.
struct ServiceMonthTotals {
  int credited_minutes = 0;  // CREDITED activities served in the month
  int pending_minutes = 0;   // self-initiated activities not verified yet (never credited)
  int waived_days = 0;       // days of the month under at least one waiver
};

// A case's community service: profile, projects joined, activities and waivers (oldest first).
struct CommunityServiceState {
  CaseRow case_row;
  std::optional<ServiceProfileRecord> profile;
  std::vector<ServiceProjectRecord> projects;
  std::vector<ServiceActivityRecord> activities;
  std::vector<ServiceWaiverRecord> waivers;
};

struct CommunityServiceWrite {
  std::optional<ServiceProfileRecord> profile;
  bool join = false;  // the case joins the request's project
  std::optional<ServiceActivityRecord> new_activity;
  std::optional<ServiceActivityRecord> verified;  // status, verified_by, verified_on changed
  std::optional<ServiceWaiverRecord> waiver;
  std::vector<events::v1::Envelope> events;
};

// Decides a write from the case's state and the project the request names (locked; with its
// places taken), if it names one.
using CommunityServiceDecision = std::function<absl::StatusOr<CommunityServiceWrite>(
    const CommunityServiceState&, const std::optional<ServiceProjectRecord>&)>;

struct ServiceProjectFilter {
  std::string district_code;              // "" for every district the caller reaches
  std::optional<absl::CivilDay> open_on;  // only projects open that day with a free place
  int page_size = 50;
  std::string after_project_id;  // exclusive; "" from the start
};

struct ServiceProjectPage {
  std::vector<ServiceProjectRecord> items;
  std::string next_project_id;  // "" on the last page
};

// Storage of community service (migrations/V006). Case reads and writes are scoped to the
// principal's districts in SQL (a case outside them is NOT_FOUND) and audited.
class CommunityServiceStore {
 public:
  virtual ~CommunityServiceStore() = default;

  // Adds the project when its district is the caller's (PERMISSION_DENIED otherwise); audited.
  virtual absl::StatusOr<ServiceProjectRecord> AddProject(const auth::Principal& principal,
                                                          const std::string& request_id,
                                                          const ServiceProjectRecord& p) = 0;

  // Projects of the caller's districts in project id order; audited as `method` with the count.
  virtual absl::StatusOr<ServiceProjectPage> ListProjects(const auth::Principal& principal,
                                                          std::string_view method,
                                                          const ServiceProjectFilter& f) = 0;

  // Locks the case, then the project `project_id` names (NOT_FOUND when it is not of the case's
  // district), runs `decide` and writes what it decided with its events and an audit row, in one
  // transaction (pg_case_command.h).
  virtual absl::StatusOr<CommunityServiceState> Mutate(const auth::Principal& principal,
                                                       const std::string& case_id,
                                                       std::string_view method,
                                                       const std::string& request_id,
                                                       const std::string& project_id,
                                                       const CommunityServiceDecision& decide) = 0;

  // The case's community service, and the month's totals when `month` is set; audited as
  // `method`.
  virtual absl::StatusOr<CommunityServiceState> Get(const auth::Principal& principal,
                                                    const std::string& case_id,
                                                    std::string_view method,
                                                    std::optional<absl::CivilMonth> month,
                                                    ServiceMonthTotals* totals) = 0;
};

}  // namespace ccms::education
