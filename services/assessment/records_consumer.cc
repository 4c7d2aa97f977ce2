#include "services/assessment/records_consumer.h"

#include "common/auth/principal.h"
#include "common/ids/uuid.h"
#include "common/log/log.h"
#include "services/assessment/case_mutators.h"

namespace ccms::assessment {

absl::Status RecordsEventHandler::Handle(pqxx::work& tx, const events::v1::Envelope& event) {
  bool malformed = false;
  auto fact = TranslateRecordsEvent(event, &malformed);
  if (!fact.has_value() || !ids::IsUuid(event.case_id()) ||
      !auth::IsDistrictCode(event.district_code())) {
    if (malformed || fact.has_value()) {
      // Recorded in the inbox and skipped: retrying cannot fix a bad payload.
      log::Warn("records_event_malformed",
                {{"event_id", event.event_id()}, {"type", event.type()}});
    }
    return absl::OkStatus();
  }
  Mutation m;
  m.case_id = event.case_id();
  m.create_in_district = event.district_code();
  m.actor = kServiceActor;
  std::vector<domain::RecordsFact> facts;
  facts.push_back(*std::move(fact));
  return store_.MutateInTransaction(
      tx, m, RecordsFactsMutator(std::move(facts), policies_, clock_, event.event_id()));
}

}  // namespace ccms::assessment
