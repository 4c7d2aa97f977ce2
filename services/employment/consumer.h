#pragma once

#include <pqxx/transaction>

#include "absl/status/status.h"
#include "ccms/events/v1/envelope.pb.h"
#include "services/employment/domain/employment_policy.h"
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
// plan_approved and plan_closed keep the steps of the case's latest approved plan with their help
// items (PgPlanStepStore, the actions of the policy in force on the approval day); other types
// stay in the inbox and change nothing; a malformed payload is logged (type and event id only)
// and skipped.
class EducationEventHandler {
 public:
  explicit EducationEventHandler(const domain::EmploymentPolicies& policies)
      : policies_(policies) {}

  absl::Status Handle(pqxx::work& tx, const events::v1::Envelope& event);

 private:
  const domain::EmploymentPolicies& policies_;
};

}  // namespace ccms::employment
