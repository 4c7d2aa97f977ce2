#pragma once

#include <pqxx/transaction>

#include "absl/status/status.h"
#include "ccms/events/v1/envelope.pb.h"
#include "services/employment/pg_case_store.h"

namespace ccms::employment {

// Applies records events inside the inbox transaction (kafka::InboxConsumer's handler, which
// records the event id first, so a redelivered event changes nothing). Unknown types stay in the
// inbox and change nothing; a malformed payload is logged (type and event id only) and skipped.
class RecordsEventHandler {
 public:
  explicit RecordsEventHandler(const PgCaseStore& cases) : cases_(cases) {}

  absl::Status Handle(pqxx::work& tx, const events::v1::Envelope& event);

 private:
  const PgCaseStore& cases_;
};

// Applies education events inside the inbox transaction of consumer group
// ccms-employment-education: enrolment_changed keeps the case's sessions (PgObligationStore);
// other types stay in the inbox and change nothing; a malformed payload is logged (type and event
// id only) and skipped.
class EducationEventHandler {
 public:
  absl::Status Handle(pqxx::work& tx, const events::v1::Envelope& event);
};

}  // namespace ccms::employment
