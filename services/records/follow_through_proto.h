#pragma once

// Conversions between the API and the domain for the follow-through rules
// (domain/follow_through_rules.h), shared by the handler classes that use them.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "ccms/records/v1/records_events.pb.h"
#include "services/records/domain/follow_through_rules.h"

namespace ccms::records {

// The liability of a lost-contact period from the request's message at `field`:
// INVALID_ARGUMENT (with the field) when the reason is missing or disagrees with
// staff_responsible.
absl::StatusOr<domain::LostContactLiability> LiabilityFromProto(
    const v1::LostContactLiability& liability, const std::string& field);
v1::LostContactLiability LiabilityToProto(const domain::LostContactLiability& liability);

}  // namespace ccms::records
