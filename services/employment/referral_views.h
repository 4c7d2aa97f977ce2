#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ccms/employment/v1/agency_referral_service.pb.h"
#include "ccms/employment/v1/referral_service.pb.h"
#include "services/employment/domain/employment_policy.h"
#include "services/employment/referral_store.h"

namespace ccms::employment {

// REFERRAL_STATUS_SENT <-> SENT, REFERRAL_KIND_JOB_PLACEMENT <-> JOB_PLACEMENT.
v1::ReferralStatus ToProtoStatus(domain::ReferralStatus s);
std::optional<domain::ReferralStatus> FromProtoStatus(v1::ReferralStatus s);
std::string KindName(v1::ReferralKind k);  // "" for UNSPECIFIED or unknown
v1::ReferralKind KindOf(const std::string& name);

// The staff's view: the whole referral.
void ToProto(const ReferralRecord& r, v1::Referral* out);

// The partner's view, the reviewed allow-list (docs/employment.md, "Partner view"): referral id
// and code, kind, status, what the job needs (skills, availability), the sent and answer-due days,
// and the given name unless the person is a minor without the guardian's consent recorded
// (identity_withheld). Nothing else of the referral, the case or the person.
void ToAgencyView(const ReferralRecord& r, v1::AgencyReferral* out);

// A step of the transition table as `actor` records it: checks the step (domain::CheckStep),
// the day (not before the last step's, nor a paused referral), and returns the write: the
// referral's new state, the step row and its event.
absl::StatusOr<ReferralWrite> StepWrite(const ReferralRecord& current, domain::ReferralStatus to,
                                        domain::Actor actor, const std::string& reason_code,
                                        absl::CivilDay on, const std::string& recorded_by,
                                        absl::Time now, const domain::EmploymentPolicy& policy);

}  // namespace ccms::employment
