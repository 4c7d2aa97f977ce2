#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "common/auth/principal.h"

namespace ccms::records::domain {

// What a caller wants to do with cases. Who may do it (DESIGN.md §6):
//   read cases        office_staff, social_worker (their districts); city_admin, auditor,
//                     service (all districts)
//   open a case       office_staff (their districts), city_admin
//   record intake     office_staff (their districts), city_admin
//   record contacts   office_staff, social_worker (their districts), city_admin
//   enforcement       office_staff (their districts), city_admin: lost contact, violations,
//                     sanctions and their correction, commendations
//   transfers         office_staff (the sending district's for request and consent, the
//                     receiving district's for accept, reject, complete), city_admin
//   read audit log    auditor, city_admin, with an all-districts token (the handler checks)
//   bureau approval   district_bureau (their districts), city_admin: leave over the office's
//                     limit, electronic monitoring orders and renewals
//   export cases      office_staff (their districts), city_admin, auditor: minors'
//                     identities withheld in every export
//   investigations    office_staff, district_bureau (their districts), city_admin: commission,
//                     conclude, withdraw pre-sentence investigations (read them: kRead)
// district_bureau can do everything office_staff can, in its districts.
// partner and ops never see cases through this API. District reach for reads is applied again
// in the store's SQL; a case outside it is NOT_FOUND.
enum class CaseAction {
  kRead,
  kOpen,
  kRecordIntake,
  kRecordContact,
  kEnforce,
  kTransfer,
  kReadAudit,
  kBureauApprove,
  kExport,
  kInvestigate
};

// PERMISSION_DENIED (plain message) if the role may not do `action`; for kOpen and
// kInvestigate, also if `district_code` is outside the principal's districts.
absl::Status Authorize(const auth::Principal& principal, CaseAction action,
                       std::string_view district_code = "");

// Whether GetCase may show the caller a person's current details beside those the case was
// opened with (docs/records.md, "Person details"): every role that reads case files except
// `service` (services ask for the least they need). The store adds the district condition: only
// details recorded by a case in one of the caller's districts, i.e. nothing the caller could not
// read on that newer case itself.
bool MaySeeCurrentPerson(const auth::Principal& principal);

}  // namespace ccms::records::domain
