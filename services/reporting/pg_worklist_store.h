#pragma once

#include <pqxx/transaction>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/db/pool.h"
#include "common/db/query.h"
#include "services/reporting/domain/worklist.h"
#include "services/reporting/worklist_events.h"
#include "services/reporting/worklist_store.h"

namespace ccms::reporting {

// The worklists and the KPI facts over PostgreSQL (migrations/V003__worklists.sql), beside the
// projections of PgReportingStore. Named prepared statements (Queries()).
class PgWorklistStore final : public WorklistStore, public GaugeStore {
 public:
  PgWorklistStore(db::ConnectionPool& pool, const domain::ContactSchedule& contacts)
      : pool_(pool), contacts_(contacts) {}

  static std::vector<db::Query> Queries();

  // The consumer's path, inside the inbox transaction `tx`, after the projections took the
  // event: the changes and the fact an event makes (`event_id` keeps a fact once). Rows are not
  // added for a case the projection shows closed.
  absl::Status ApplyInTransaction(pqxx::work& tx, const std::string& event_id,
                                  const std::string& case_id, const WorklistEvent& event);
  // The consumer's path for records' and assessment's events the projections follow, after the
  // projections and the events' own changes: the never-reported and contact rows of the cases a
  // batch touched, from their clocks (domain::ClockOf over each case's time line and
  // occurrences); a closed case leaves every worklist. One statement per step for the batch.
  struct CaseClockRow {
    std::string case_id;
    std::string district;  // the case's latest (domain::ClockDistrict)
    domain::CaseClock clock;
  };
  absl::Status RecomputeCasesInTransaction(pqxx::work& tx, const std::vector<CaseClockRow>& cases);

  absl::StatusOr<WorklistPage> ListWorklist(const WorklistQuery& query) override;
  absl::StatusOr<std::map<std::pair<std::string, std::string>, int64_t>> CountCases(
      absl::CivilDay today, bool closed) override;
  absl::StatusOr<std::map<std::string, KpiCounts>> CountKpis(absl::CivilDay today) override;

 private:
  db::ConnectionPool& pool_;
  const domain::ContactSchedule& contacts_;
};

}  // namespace ccms::reporting
