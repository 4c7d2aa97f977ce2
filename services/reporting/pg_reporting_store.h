#pragma once

#include <pqxx/transaction>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/db/pool.h"
#include "common/db/query.h"
#include "services/reporting/reporting_store.h"

namespace ccms::reporting {

// A case whose time line a batch rebuilt: the time line and every occurrence it was built from.
struct RebuiltCase {
  std::string case_id;
  domain::Timeline timeline;
  std::vector<domain::Occurrence> occurrences;
};

// The projections over PostgreSQL (migrations/V001__reporting.sql): occurrences, the per-case
// projection, the spans and the flows. Named prepared statements (Queries()).
class PgReportingStore final : public ReportStore {
 public:
  explicit PgReportingStore(db::ConnectionPool& pool) : pool_(pool) {}

  static std::vector<db::Query> Queries();

  // The consumer's path, inside the inbox transaction `tx`: keeps the occurrences of a batch of
  // events (case id, occurrence; once per event id) and recomputes the time line, spans, flows
  // and projection of every case they touch from all of its occurrences, with one statement per
  // table for the whole batch (about eight in all, whatever the batch's size). Returns the
  // touched cases, in case id order (the worklists' clocks are computed from them).
  absl::StatusOr<std::vector<RebuiltCase>> ApplyBatchInTransaction(
      pqxx::work& tx, const std::vector<std::pair<std::string, domain::Occurrence>>& batch);
  // One occurrence: a batch of one.
  absl::Status ApplyInTransaction(pqxx::work& tx, const std::string& case_id,
                                  const domain::Occurrence& occurrence);

  // The generation being built (the consumer group's suffix).
  absl::StatusOr<int> Generation();
  // `--rebuild`: empties the projections and reporting's inbox rows and starts the next
  // generation, in one transaction; returns it. Stop every other replica first.
  absl::StatusOr<int> ResetProjections();

  absl::StatusOr<CountedInput> LoadCounted(domain::Period period,
                                           const std::set<std::string>& districts,
                                           const std::string& office,
                                           const std::set<std::string>& dimensions) override;
  absl::StatusOr<std::vector<CaseSlice>> LoadKnownAt(absl::Time known_at,
                                                     const std::set<std::string>& districts,
                                                     const std::string& office) override;

  // Catch-up mode (migrations/V009__catch_up.sql, docs/reporting.md "Catch-up").
  absl::StatusOr<bool> CatchingUp() override;
  // Inside the consumer's transaction: whether catching up. `lock`: FOR SHARE, so that the mode
  // cannot end (EndCatchUpInTransaction) before `tx` commits.
  absl::StatusOr<bool> CatchingUpInTransaction(pqxx::work& tx, bool lock);
  // Inside the consumer's transaction: the mode begins (`reason`: "rebuild" or "backlog").
  absl::Status StartCatchUpInTransaction(pqxx::work& tx, const std::string& reason);
  // The catch-up path, inside the consumer's transaction: keeps the occurrences of a batch (once
  // per event id) and marks the cases they touch dirty (and closed, when the batch closed one),
  // two statements; no time line is built.
  absl::Status KeepBatchInTransaction(
      pqxx::work& tx, const std::vector<std::pair<std::string, domain::Occurrence>>& batch);
  // Takes up to `chunk` dirty cases off the dirty set (those another transaction holds are
  // skipped) and builds their time lines, spans, flows and projections from all of their
  // occurrences, as ApplyBatchInTransaction does. Returns them (empty: none was free).
  // `closed_only`: only cases marked by a batch that closed them (V011), while catching up.
  absl::StatusOr<std::vector<RebuiltCase>> BuildDirtyInTransaction(pqxx::work& tx, int chunk,
                                                                   bool closed_only = false);
  // Ends the mode when no case is dirty (the mode's row locked first: it waits for consumer
  // transactions that marked cases under it); true when it ended.
  absl::StatusOr<bool> EndCatchUpInTransaction(pqxx::work& tx);
  // Removes `case_ids` from the dirty set (the normal path rebuilt them).
  void CleanInTransaction(pqxx::work& tx, const std::vector<std::string>& case_ids);

 private:
  // ApplyBatchInTransaction's two halves: the occurrences kept (returns the cases touched) and
  // the time lines of `case_ids` (a text[] literal) rebuilt from all of their occurrences.
  std::set<std::string> InsertOccurrences(
      pqxx::work& tx, const std::vector<std::pair<std::string, domain::Occurrence>>& batch);
  std::vector<RebuiltCase> RebuildCases(pqxx::work& tx, const std::string& case_ids);

  db::ConnectionPool& pool_;
};

}  // namespace ccms::reporting
