#pragma once

#include <string>
#include <string_view>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "services/employment/referral_store.h"

namespace ccms::employment {

// The event type of a step (docs/events.md, topic ccms.employment.v1):
// ccms.employment.referral_sent (-> SENT), referral_answered (-> ACCEPTED, DECLINED),
// referral_withdrawn (-> WITHDRAWN), referral_outcome (the other steps).
std::string ReferralEventType(domain::ReferralStatus to);
inline constexpr char kReferralEscalatedType[] = "ccms.employment.referral_escalated";

// The envelope of a referral's step or escalation: ids, codes and dates of `referral` (its state
// after the step) and nothing personal. `recorded_by_kind` is STAFF, PARTNER or SYSTEM; `actor`
// the envelope's actor.
events::v1::Envelope ReferralEvent(std::string_view type, const ReferralRecord& referral,
                                   domain::ReferralStatus from, std::string_view recorded_by_kind,
                                   absl::CivilDay on, absl::Time now, std::string_view actor,
                                   std::string_view consent_basis = "", int days_overdue = 0);

}  // namespace ccms::employment
