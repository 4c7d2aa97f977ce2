#pragma once

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "common/auth/principal.h"

namespace ccms::reporting::domain {

// The districts a caller's reports count (docs/reporting.md, "Who sees what"): city_admin and
// auditor every district (the empty set); district_bureau and office_staff their token's
// districts (office staff with an office see only that office within them: VisibleOffice);
// every other role (partner, social_worker, ops, service) is refused with PERMISSION_DENIED.
absl::StatusOr<std::set<std::string>> VisibleDistricts(const auth::Principal& principal);

// The one office a caller's reports and worklists count, within VisibleDistricts: the token's
// office of an office_staff caller; "" (every office) for everyone else and for office staff
// whose token names no office.
std::string VisibleOffice(const auth::Principal& principal);

// The office filter of a request, given what the caller sees: `asked` ("" = every office the
// caller sees) must be the caller's office when it has one (PERMISSION_DENIED otherwise); the
// office to filter by ("" = every office).
absl::StatusOr<std::string> OfficeFilter(const auth::Principal& principal,
                                         const std::string& asked);

}  // namespace ccms::reporting::domain

namespace ccms::reporting::domain {

// Who may run and publish snapshots: city_admin and district_bureau (PERMISSION_DENIED for the
// rest; office staff and auditors read them).
absl::Status MayWriteSnapshots(const auth::Principal& principal);

// The districts a snapshot of `scope` counts, given what the caller sees (`visible`, as
// VisibleDistricts returns it: empty = every district): the city ("") only for a caller who sees
// every district (the empty set: all); a district only for a caller who sees it ({district}).
// PERMISSION_DENIED otherwise.
absl::StatusOr<std::set<std::string>> SnapshotDistricts(const std::set<std::string>& visible,
                                                        const std::string& scope);

// Whether the caller may read snapshots of `office` ("": a district's or the city's, which count
// every office): office staff of one office (VisibleOffice not empty) read only their office's
// snapshots (PERMISSION_DENIED for any other scope); everyone else as SnapshotDistricts says.
absl::Status MayReadSnapshots(const auth::Principal& principal, const std::string& office);

// Who may run a snapshot of `office` ("": a district's or the city's): city_admin and
// district_bureau any scope they see; office staff of one office their office's (drafts: they do
// not publish, MayWriteSnapshots); PERMISSION_DENIED for the rest.
absl::Status MayRunSnapshots(const auth::Principal& principal, const std::string& office);

}  // namespace ccms::reporting::domain
