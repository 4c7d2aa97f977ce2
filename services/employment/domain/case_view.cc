#include "services/employment/domain/case_view.h"

namespace ccms::employment::domain {
namespace {

bool IsClosedStatusName(const std::string& s) {
  return s == "DISCHARGED" || s == "CLOSED" || s == "REVOKED" || s == "DECEASED" ||
         s == "TRANSFERRED_OUT";
}

struct Applier {
  CaseView& v;
  void operator()(const CaseOpenedFact& f) {
    v.district_code = f.district_code;
    v.office_id = f.office_id;
    v.minor = v.minor || f.minor;
    v.age = f.age;
    if (!f.offence_category.empty()) v.offence_category = f.offence_category;
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
    if (f.age_at_judgment.has_value()) v.age.age_at_judgment = f.age_at_judgment;
    if (!f.offence_category.empty()) v.offence_category = f.offence_category;
  }
  void operator()(const IntakeReportedFact&) {
    if (v.status == CaseStatus::kPendingIntake) v.status = CaseStatus::kActive;
  }
  void operator()(const CaseTransferredFact& f) {
    v.district_code = f.to_district_code;
    v.office_id = f.to_office_id;
  }
  void operator()(const CaseClosedFact& f) {
    if (v.status == CaseStatus::kClosed && v.closed_on.has_value()) return;
    v.status = CaseStatus::kClosed;
    v.closed_on = f.closed_on;
  }
  void operator()(const LostContactFact& f) { v.lost_contact = f.lost; }
  void operator()(const DischargeApproachingFact&) {}
  void operator()(const StandingApprovalFact& f) {
    if (!f.revoked) {
      v.standing_approval_id = f.standing_approval_id;
      v.standing_approval_from = f.valid_from;
      v.standing_approval_until = f.valid_until;
    } else if (f.standing_approval_id == v.standing_approval_id) {
      v.standing_approval_id.clear();
      v.standing_approval_from.reset();
      v.standing_approval_until.reset();
    }
  }
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
  return "";
}

CaseStatus CaseStatusOf(std::string_view name) {
  if (name == "ACTIVE") return CaseStatus::kActive;
  if (name == "CLOSED") return CaseStatus::kClosed;
  return CaseStatus::kPendingIntake;
}

bool HasStandingApproval(const CaseView& c, absl::CivilDay day) {
  return !c.standing_approval_id.empty() && c.standing_approval_from.has_value() &&
         c.standing_approval_until.has_value() && *c.standing_approval_from <= day &&
         day <= *c.standing_approval_until;
}

CaseView Apply(CaseView view, const RecordsFact& fact) {
  std::visit(Applier{view}, fact);
  return view;
}

}  // namespace ccms::employment::domain
