#pragma once

#include <pqxx/transaction>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/db/pool.h"
#include "common/db/query.h"
#include "services/reporting/reporting_store.h"

namespace ccms::reporting {

// The projections over PostgreSQL (migrations/V001__reporting.sql): occurrences, the per-case
// projection, the spans and the flows. Named prepared statements (Queries()).
class PgReportingStore final : public ReportStore {
 public:
  explicit PgReportingStore(db::ConnectionPool& pool) : pool_(pool) {}

  static std::vector<db::Query> Queries();

  // The consumer's path, inside the inbox transaction `tx`: keeps the occurrence (once per event
  // id) and recomputes the case's time line, spans, flows and projection from all of its
  // occurrences.
  absl::Status ApplyInTransaction(pqxx::work& tx, const std::string& case_id,
                                  const domain::Occurrence& occurrence);

  // The generation being built (the consumer group's suffix).
  absl::StatusOr<int> Generation();
  // `--rebuild`: empties the projections and reporting's inbox rows and starts the next
  // generation, in one transaction; returns it. Stop every other replica first.
  absl::StatusOr<int> ResetProjections();

  absl::StatusOr<std::vector<CaseSlice>> LoadSlices(domain::Period period,
                                                    const std::set<std::string>& districts,
                                                    const std::string& office) override;
  absl::StatusOr<std::vector<CaseSlice>> LoadKnownAt(absl::Time known_at,
                                                     const std::set<std::string>& districts,
                                                     const std::string& office) override;

 private:
  db::ConnectionPool& pool_;
};

}  // namespace ccms::reporting
