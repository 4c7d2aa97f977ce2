#pragma once

#include <pqxx/transaction>
#include <vector>

#include "absl/status/status.h"
#include "ccms/events/v1/envelope.pb.h"
#include "services/reporting/pg_reporting_store.h"
#include "services/reporting/pg_worklist_store.h"

namespace ccms::reporting {

// Applies events to the projections, the worklists and the KPI facts inside the inbox
// transaction (kafka::InboxConsumer's batch handler): records' and assessment's events to the
// time lines (then the cases' never-reported and contact rows), and the events of every topic
// the worklists follow (worklist_events.h). Types reporting does not follow, and malformed
// payloads, stay in the inbox and change nothing. A batch is applied with a fixed number of
// statements (the time lines of every case it touches built once, in memory, and written with one
// statement per table), plus one per worklist change of the events that make one.
class ProjectionConsumer {
 public:
  ProjectionConsumer(PgReportingStore& store, PgWorklistStore& worklists)
      : store_(store), worklists_(worklists) {}

  // The new events of a batch, in the order they came (a case's events are on one partition, in
  // order).
  absl::Status HandleBatch(pqxx::work& tx, const std::vector<const events::v1::Envelope*>& events);
  // One event: a batch of one.
  absl::Status Handle(pqxx::work& tx, const events::v1::Envelope& event);

 private:
  PgReportingStore& store_;
  PgWorklistStore& worklists_;
};

}  // namespace ccms::reporting
