#include "services/records/domain/access.h"

namespace ccms::records::domain {

absl::Status Authorize(const auth::Principal& principal, CaseAction action,
                       std::string_view district_code) {
  using auth::Role;
  const Role role = principal.role;
  // District bureau staff can do whatever a judicial office can, in their districts.
  const bool office = role == Role::kOfficeStaff || role == Role::kDistrictBureau;
  switch (action) {
    case CaseAction::kRead:
      if (office || role == Role::kSocialWorker || role == Role::kCityAdmin ||
          role == Role::kAuditor || role == Role::kService) {
        return absl::OkStatus();
      }
      return absl::PermissionDeniedError("this role cannot read case files");
    case CaseAction::kRecordContact:
      if (office || role == Role::kSocialWorker || role == Role::kCityAdmin) {
        return absl::OkStatus();
      }
      return absl::PermissionDeniedError("only case workers can record contacts");
    case CaseAction::kEnforce:
      if (office || role == Role::kCityAdmin) return absl::OkStatus();
      return absl::PermissionDeniedError(
          "only office staff can record lost contact, violations, sanctions and commendations");
    case CaseAction::kTransfer:
      if (office || role == Role::kCityAdmin) return absl::OkStatus();
      return absl::PermissionDeniedError("only office staff can handle transfers");
    case CaseAction::kBureauApprove:
      if (role == Role::kDistrictBureau || role == Role::kCityAdmin) return absl::OkStatus();
      return absl::PermissionDeniedError("this needs the approval of the district bureau");
    case CaseAction::kExport:
      if (office || role == Role::kCityAdmin || role == Role::kAuditor) return absl::OkStatus();
      return absl::PermissionDeniedError("this role cannot export case files");
    case CaseAction::kReadAudit:
      if (role == Role::kAuditor || role == Role::kCityAdmin) return absl::OkStatus();
      return absl::PermissionDeniedError(
          "only auditors and the city bureau can read the audit log");
    case CaseAction::kInvestigate:
      if (!office && role != Role::kCityAdmin) {
        return absl::PermissionDeniedError("only office staff can record investigations");
      }
      if (!district_code.empty() && !principal.CanSeeDistrict(district_code)) {
        return absl::PermissionDeniedError("you cannot record investigations in this district");
      }
      return absl::OkStatus();
    case CaseAction::kOpen:
    case CaseAction::kRecordIntake:
      if (!office && role != Role::kCityAdmin) {
        return absl::PermissionDeniedError(action == CaseAction::kOpen
                                               ? "only office staff can open cases"
                                               : "only office staff can record an intake");
      }
      if (action == CaseAction::kOpen && !district_code.empty() &&
          !principal.CanSeeDistrict(district_code)) {
        return absl::PermissionDeniedError("you cannot open cases in this district");
      }
      return absl::OkStatus();
  }
  return absl::PermissionDeniedError("not allowed");
}

bool MaySeeCurrentPerson(const auth::Principal& principal) {
  return principal.role != auth::Role::kService && Authorize(principal, CaseAction::kRead).ok();
}

}  // namespace ccms::records::domain
