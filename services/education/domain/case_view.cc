#include "services/education/domain/case_view.h"

#include <algorithm>

namespace ccms::education::domain {
namespace {

bool IsClosedStatusName(const std::string& s) {
  return s == "DISCHARGED" || s == "CLOSED" || s == "REVOKED" || s == "DECEASED";
}

struct Applier {
  CaseView& v;
  void operator()(const CaseOpenedFact& f) {
    v.district_code = f.district_code;
    v.office_id = f.office_id;
    v.supervision_start = f.supervision_start;
    v.supervision_end = f.supervision_end;
    v.minor = v.minor || f.minor;
    v.sex = f.sex;
    v.age_band = f.age_band;
    v.offence_category = f.offence_category;
    if (f.snapshot_status.has_value() && v.status != CaseStatus::kClosed) {
      if (IsClosedStatusName(*f.snapshot_status)) {
        v.status = CaseStatus::kClosed;
      } else if (*f.snapshot_status != "PENDING_INTAKE") {
        v.status = CaseStatus::kActive;
      }
    }
  }
  void operator()(const CaseFactsFact& f) {
    v.minor = v.minor || f.minor;
    v.sex = f.sex;
    v.age_band = f.age_band;
    v.offence_category = f.offence_category;
  }
  void operator()(const IntakeReportedFact& f) {
    v.intake_reported_on = f.reported_on;
    if (v.status == CaseStatus::kPendingIntake) v.status = CaseStatus::kActive;
  }
  void operator()(const IntakeAnnouncedFact& f) { v.intake_announced_on = f.announced_on; }
  void operator()(const CaseTransferredFact& f) {
    v.district_code = f.to_district_code;
    v.office_id = f.to_office_id;
  }
  void operator()(const CaseClosedFact& f) {
    if (v.status == CaseStatus::kClosed && v.closed_on.has_value()) return;
    v.status = CaseStatus::kClosed;
    v.closed_on = f.closed_on;
  }
  void operator()(const LeaveFact&) {}
};

}  // namespace

std::string_view CaseStatusName(CaseStatus s) {
  switch (s) {
    case CaseStatus::kPendingIntake:
      return "PENDING_INTAKE";
    case CaseStatus::kActive:
      return "ACTIVE";
    case CaseStatus::kClosed:
      return "CLOSED";
  }
  return "PENDING_INTAKE";
}

CaseView Apply(CaseView view, const RecordsFact& fact) {
  std::visit(Applier{view}, fact);
  return view;
}

LeavePeriod ApplyLeave(std::optional<LeavePeriod> current, const LeaveFact& fact) {
  LeavePeriod p = current.value_or(
      LeavePeriod{fact.leave_id, "", fact.start_date, fact.end_date, std::nullopt});
  // A returned leave stays returned: a late copy of the approval does not reopen it.
  if (p.status == "RETURNED" && fact.status == "APPROVED") return p;
  p.status = fact.status;
  p.start_date = fact.start_date;
  p.end_date = fact.end_date;
  if (fact.status == "RETURNED") p.returned_on = fact.on;
  return p;
}

bool Covers(const LeavePeriod& leave, absl::CivilDay day) {
  if (day < leave.start_date || day > leave.end_date) return false;
  if (leave.status == "APPROVED") return true;
  if (leave.status == "RETURNED") return leave.returned_on.has_value() && day < *leave.returned_on;
  return false;
}

bool OnLeave(const std::vector<LeavePeriod>& leaves, absl::CivilDay day) {
  return std::any_of(leaves.begin(), leaves.end(),
                     [day](const LeavePeriod& l) { return Covers(l, day); });
}

}  // namespace ccms::education::domain
