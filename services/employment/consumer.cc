#include "services/employment/consumer.h"

#include "absl/strings/ascii.h"
#include "common/auth/principal.h"
#include "common/ids/uuid.h"
#include "common/log/log.h"
#include "services/employment/education_events.h"
#include "services/employment/pg_obligation_store.h"
#include "services/employment/pg_plan_step_store.h"
#include "services/employment/records_events.h"

namespace ccms::employment {

absl::Status RecordsEventHandler::Handle(pqxx::work& tx, const events::v1::Envelope& event) {
  bool malformed = false;
  auto fact = TranslateRecordsEvent(event, &malformed);
  if (!fact.has_value() || !ids::IsUuid(event.case_id()) ||
      !auth::IsDistrictCode(event.district_code())) {
    if (malformed || fact.has_value()) {
      log::Warn("records_event_malformed",
                {{"event_id", event.event_id()}, {"type", event.type()}});
    }
    return absl::OkStatus();
  }
  return cases_.Apply(tx, absl::AsciiStrToLower(event.case_id()), event.district_code(), *fact);
}

absl::Status EducationEventHandler::Handle(pqxx::work& tx, const events::v1::Envelope& event) {
  bool malformed = false;
  const PlanFact plan = TranslatePlanEvent(event, &malformed);
  if (plan.approved.has_value()) {
    PgPlanStepStore::ApplyApproved(tx, *plan.approved, policies_, event.event_id());
    return absl::OkStatus();
  }
  if (plan.closed.has_value()) {
    PgPlanStepStore::ApplyClosed(tx, *plan.closed, event.event_id());
    return absl::OkStatus();
  }
  if (malformed) {
    log::Warn("education_event_malformed",
              {{"event_id", event.event_id()}, {"type", event.type()}});
    return absl::OkStatus();
  }
  auto fact = TranslateEducationEvent(event, &malformed);
  if (!fact.has_value()) {
    if (malformed) {
      log::Warn("education_event_malformed",
                {{"event_id", event.event_id()}, {"type", event.type()}});
    }
    return absl::OkStatus();
  }
  PgObligationStore::Apply(tx, *fact, event.event_id());
  return absl::OkStatus();
}

}  // namespace ccms::employment
