#pragma once

#include <optional>
#include <pqxx/transaction>
#include <string>
#include <variant>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "services/education/consumer.h"  // kRecordsTopic, kAssessmentTopic
#include "services/education/domain/individual_education.h"

namespace ccms::education {

// The consumer group that follows records' and assessment's events for the hours ledger's marks
// and individual education stepped up (its own inbox rows).
inline constexpr char kLedgerConsumerGroup[] = "ccms-education-ledger";

// Records' lost contact: marked (since) or found again (found_on).
struct LostContactFact {
  std::string period_id;
  std::optional<absl::CivilDay> since;
  std::optional<absl::CivilDay> found_on;  // set: found again
};

using LedgerFact = std::variant<LostContactFact, domain::StepUpTrigger>;

// What an event means for the ledger, or nullopt when nothing:
//   ccms.records.lost_contact_marked        LostContactFact (period, since)
//   ccms.records.found_again                LostContactFact (period, since, found_on)
//   ccms.records.violation_recorded         VIOLATION on occurred_on
//   ccms.records.sanction_issued            SANCTION on issued_on
//   ccms.assessment.assessment_recorded     HIGH_RISK on assessed_on (risk level HIGH only)
//   ccms.assessment.key_attention_changed   KEY_ATTENTION (becoming one only), the envelope's
//                                           occurred_at as its Asia/Shanghai day
//   ccms.assessment.crisis_flag_raised      CRISIS_FLAG, raised_at's Asia/Shanghai day
// A trigger's source_id is the event id. A payload that does not parse sets *malformed.
std::optional<LedgerFact> TranslateLedgerEvent(const events::v1::Envelope& event, bool* malformed);

// Applies an event inside the inbox transaction; a case education has not heard of is skipped.
class LedgerEventHandler {
 public:
  absl::Status Handle(pqxx::work& tx, const events::v1::Envelope& event) const;
};

}  // namespace ccms::education
