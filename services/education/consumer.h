#pragma once

#include <functional>
#include <pqxx/transaction>
#include <string>

#include "absl/status/status.h"
#include "ccms/events/v1/envelope.pb.h"
#include "services/education/pg_case_store.h"

namespace ccms::education {

// Consumer group of the education service on topic ccms.records.v1.
inline constexpr char kRecordsTopic[] = "ccms.records.v1";
// Followed by the plans' (plan_triggers.h) and care's (crisis_events.h) consumer groups.
inline constexpr char kAssessmentTopic[] = "ccms.assessment.v1";
inline constexpr char kConsumerGroup[] = "ccms-education";

// Applies records events inside the inbox transaction (kafka::InboxConsumer's handler, which
// records the event id first, so a redelivered event changes nothing): the case's district,
// office, minor flag, facts and dates, and its leaves (records_events.h lists the types).
// Unknown types stay in the inbox and change nothing; a malformed payload is logged (type and
// event id only) and skipped.
class RecordsEventHandler {
 public:
  explicit RecordsEventHandler(const PgCaseStore& cases) : cases_(cases) {}

  absl::Status Handle(pqxx::work& tx, const events::v1::Envelope& event);

  // Runs after an approved leave is applied, in the same transaction (sessions: the case's
  // overlapping enrolments become EXCUSED). Set before the consumer starts.
  using LeaveApproved = std::function<absl::Status(pqxx::work& tx, const std::string& case_id,
                                                   const domain::LeaveFact& leave)>;
  void OnLeaveApproved(LeaveApproved f) { on_leave_approved_ = std::move(f); }

 private:
  const PgCaseStore& cases_;
  LeaveApproved on_leave_approved_;
};

}  // namespace ccms::education
