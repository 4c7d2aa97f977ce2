#include "services/employment/domain/halfway_house_rules.h"

#include "absl/strings/str_cat.h"
#include "common/errors/reason.h"

namespace ccms::employment::domain {

absl::Status CheckAdmission(const CaseView& c, const std::string& house_district, int places,
                            int occupied, bool already_placed, absl::CivilDay admitted_on,
                            absl::CivilDay today) {
  if (admitted_on > today) {
    return absl::InvalidArgumentError("admitted_on must not be in the future");
  }
  if (c.status == CaseStatus::kClosed) {
    return absl::FailedPreconditionError("the case is closed: no admission to a halfway house");
  }
  if (c.district_code != house_district) {
    return absl::FailedPreconditionError(
        "a halfway house admits people of its own district: transfer the case or choose a house "
        "of the case's district");
  }
  if (already_placed) {
    return absl::FailedPreconditionError(
        "the person is in a halfway house already: record the leaving first");
  }
  if (occupied >= places) {
    return errors::WithReason(
        absl::FailedPreconditionError(absl::StrCat("the halfway house is full (", occupied, " of ",
                                                   places, " places taken)")),
        kHouseFullReason);
  }
  return absl::OkStatus();
}

absl::Status CheckLeave(absl::CivilDay admitted_on, std::optional<absl::CivilDay> ended_on,
                        absl::CivilDay left_on, absl::CivilDay today) {
  if (ended_on.has_value()) {
    return absl::FailedPreconditionError("the placement has ended already");
  }
  if (left_on > today) return absl::InvalidArgumentError("left_on must not be in the future");
  if (left_on < admitted_on) {
    return absl::InvalidArgumentError("left_on must not be before the admission");
  }
  return absl::OkStatus();
}

}  // namespace ccms::employment::domain
