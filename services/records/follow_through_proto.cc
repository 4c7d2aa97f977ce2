#include "services/records/follow_through_proto.h"

#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"

namespace ccms::records {

absl::StatusOr<domain::LostContactLiability> LiabilityFromProto(
    const v1::LostContactLiability& liability, const std::string& field) {
  auto reason = domain::ParseLostContactReason(grpc_util::EnumSuffix(
      v1::LostContactReason_descriptor(), liability.reason(), "LOST_CONTACT_REASON_"));
  if (!reason.has_value()) {
    return grpc_util::InvalidArgumentWithViolations(
        {{field + ".reason", "is required: why contact was lost (a LostContactReason)"}});
  }
  domain::LostContactLiability out{liability.staff_responsible(), *reason};
  if (auto st = domain::CheckLiabilityCoding(out, field); !st.ok()) {
    return grpc_util::InvalidArgumentWithViolations(
        {{field + ".staff_responsible", std::string(st.message())}});
  }
  return out;
}

v1::LostContactLiability LiabilityToProto(const domain::LostContactLiability& liability) {
  v1::LostContactLiability out;
  out.set_staff_responsible(liability.staff_responsible);
  const auto* value = v1::LostContactReason_descriptor()->FindValueByName(
      "LOST_CONTACT_REASON_" + std::string(domain::LostContactReasonName(liability.reason)));
  out.set_reason(value != nullptr ? static_cast<v1::LostContactReason>(value->number())
                                  : v1::LOST_CONTACT_REASON_UNSPECIFIED);
  return out;
}

}  // namespace ccms::records
