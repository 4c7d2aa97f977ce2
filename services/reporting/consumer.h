#pragma once

#include <pqxx/transaction>

#include "absl/status/status.h"
#include "ccms/events/v1/envelope.pb.h"
#include "services/reporting/pg_reporting_store.h"
#include "services/reporting/pg_worklist_store.h"

namespace ccms::reporting {

// Applies events to the projections, the worklists and the KPI facts inside the inbox
// transaction (kafka::InboxConsumer's handler): records' and assessment's events to the time
// lines (then the case's never-reported and contact rows), and the events of every topic the
// worklists follow (worklist_events.h). Types reporting does not follow, and malformed payloads,
// stay in the inbox and change nothing.
class ProjectionConsumer {
 public:
  ProjectionConsumer(PgReportingStore& store, PgWorklistStore& worklists)
      : store_(store), worklists_(worklists) {}

  absl::Status Handle(pqxx::work& tx, const events::v1::Envelope& event);

 private:
  PgReportingStore& store_;
  PgWorklistStore& worklists_;
};

}  // namespace ccms::reporting
