#include "services/employment/referral_events.h"

#include "absl/strings/str_cat.h"
#include "ccms/employment/v1/employment_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/kafka/outbox.h"

namespace ccms::employment {

std::string ReferralEventType(domain::ReferralStatus to) {
  using S = domain::ReferralStatus;
  switch (to) {
    case S::kSent:
      return "ccms.employment.referral_sent";
    case S::kAccepted:
    case S::kDeclined:
      return "ccms.employment.referral_answered";
    case S::kWithdrawn:
      return "ccms.employment.referral_withdrawn";
    default:
      return "ccms.employment.referral_outcome";
  }
}

events::v1::Envelope ReferralEvent(std::string_view type, const ReferralRecord& r,
                                   domain::ReferralStatus from, std::string_view recorded_by_kind,
                                   absl::CivilDay on, absl::Time now, std::string_view actor,
                                   std::string_view consent_basis, int days_overdue) {
  v1::ReferralChanged e;
  e.set_referral_id(r.referral_id);
  e.set_case_id(r.case_id);
  e.set_district_code(r.district_code);
  e.set_partner_id(r.partner_id);
  e.set_kind(r.kind);
  e.set_from_status(std::string(domain::StatusName(from)));
  e.set_to_status(std::string(domain::StatusName(r.status)));
  e.set_reason_code(r.reason_code);
  *e.mutable_on() = grpc_util::ToProtoDate(on);
  e.set_consent_basis(std::string(consent_basis));
  if (r.answer_due_on.has_value())
    *e.mutable_answer_due_on() = grpc_util::ToProtoDate(*r.answer_due_on);
  e.set_days_overdue(days_overdue);
  e.set_recorded_by_kind(std::string(recorded_by_kind));
  e.set_policy_version(r.policy_version);
  return kafka::MakeEnvelope(type, r.case_id, r.district_code, now, now, actor, e);
}

}  // namespace ccms::employment
