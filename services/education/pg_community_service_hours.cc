#include "services/education/pg_community_service_hours.h"

#include <pqxx/pqxx>

#include "common/time/calendar.h"

namespace ccms::education {
namespace {

constexpr db::Query kActivitiesOfCase = {
    "education_ledger_community_service_of_case",
    "SELECT activity_id::text, served_on::text, minutes, status FROM cs_activities"
    " WHERE case_id = $1::uuid ORDER BY served_on, activity_id"};

}  // namespace

std::vector<domain::HoursEntry> PgCommunityServiceHours::Entries(
    pqxx::transaction_base& tx, const std::string& case_id) const {
  std::vector<domain::HoursEntry> out;
  for (const auto& r : tx.exec_prepared(std::string(kActivitiesOfCase.name), case_id)) {
    domain::HoursEntry e;
    e.kind = domain::HoursKind::kCommunityService;
    e.source_id = r[0].as<std::string>();
    e.on = time::ParseDate(r[1].c_str()).value_or(absl::CivilDay());
    const std::string status = r[3].as<std::string>();
    const bool credited = status == "CREDITED";
    e.credited_minutes = credited ? r[2].as<int>() : 0;
    e.reason_code = credited ? std::string(domain::kCommunityServiceCode)
                             : std::string(domain::kCommunityServiceCode) + "_" + status;
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<db::Query> PgCommunityServiceHours::Queries() { return {kActivitiesOfCase}; }

}  // namespace ccms::education
