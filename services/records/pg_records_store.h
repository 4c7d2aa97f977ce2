#pragma once

#include <vector>

#include "common/db/pool.h"
#include "common/kafka/outbox.h"
#include "services/records/records_store.h"

namespace ccms::records {

// Topic of the records service's events.
inline constexpr char kRecordsTopic[] = "ccms.records.v1";

// RecordsStore over PostgreSQL. Each statement is a named prepared query (Queries()); district
// scope is a predicate of every case query; each mutation is one transaction holding the change,
// its audit row, its idempotency key and its outbox event.
class PgRecordsStore final : public RecordsStore {
 public:
  // `signal` is told after each commit that wrote an event (may be null).
  PgRecordsStore(db::ConnectionPool& pool, kafka::OutboxSignal* signal)
      : pool_(pool), signal_(signal) {}

  // Statements to prepare on every connection of the pool.
  static std::vector<db::Query> Queries();

  absl::StatusOr<CaseRecord> OpenCase(const auth::Principal& principal,
                                      const OpenCaseCommand& command,
                                      const EventFactory& make_event) override;
  absl::StatusOr<CaseRecord> RecordIntakeCheckIn(const auth::Principal& principal,
                                                 const IntakeCheckInCommand& command,
                                                 const IntakeDecider& decide,
                                                 const EventFactory& make_event) override;
  absl::StatusOr<CaseRecord> GetCase(const auth::Principal& principal,
                                     const std::string& case_id) override;
  absl::StatusOr<CasePage> ListCases(const auth::Principal& principal,
                                     const CaseFilter& filter) override;
  absl::StatusOr<std::vector<CaseCount>> CountCases() override;

 private:
  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::records
