#pragma once

#include <pqxx/transaction>

#include "absl/status/status.h"
#include "ccms/events/v1/envelope.pb.h"
#include "services/reporting/pg_reporting_store.h"

namespace ccms::reporting {

// Applies records and assessment events to the projections inside the inbox transaction
// (kafka::InboxConsumer's handler). Types reporting does not follow, and malformed payloads,
// stay in the inbox and change nothing.
class ProjectionConsumer {
 public:
  explicit ProjectionConsumer(PgReportingStore& store) : store_(store) {}

  absl::Status Handle(pqxx::work& tx, const events::v1::Envelope& event);

 private:
  PgReportingStore& store_;
};

}  // namespace ccms::reporting
