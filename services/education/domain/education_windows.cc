#include "services/education/domain/education_windows.h"

#include "services/education/domain/service_file_rules.h"

namespace ccms::education::domain {
namespace {

std::optional<absl::CivilDay> FirstFrom(const std::vector<absl::CivilDay>& days,
                                        absl::CivilDay from) {
  std::optional<absl::CivilDay> out;
  for (const auto& d : days) {
    if (from <= d && (!out.has_value() || d < *out)) out = d;
  }
  return out;
}

void Settle(EducationWindow& w, const CaseView& c, const std::vector<absl::CivilDay>& days,
            absl::CivilDay today) {
  w.completed_on = FirstFrom(days, *w.opens_on);
  if (w.completed_on.has_value()) {
    w.state = *w.due_on < *w.completed_on ? WindowState::kCompletedLate : WindowState::kCompleted;
  } else if (today < *w.opens_on) {
    w.state = WindowState::kNotOpen;
  } else if (!(*w.due_on < today)) {
    w.state = WindowState::kDue;
  } else {
    w.state = c.status == CaseStatus::kClosed ? WindowState::kMissed : WindowState::kOverdue;
  }
}

}  // namespace

WindowPolicy ReadWindowPolicy(policy::PolicyReader& r) {
  WindowPolicy p;
  p.intake_within_months = static_cast<int>(r.Int("education.windows.intake_within_months", 1, 6));
  p.discharge_last_months =
      static_cast<int>(r.Int("education.windows.discharge_last_months", 1, 6));
  return p;
}

std::string_view WindowKindName(WindowKind k) {
  return k == WindowKind::kIntake ? "INTAKE" : "DISCHARGE";
}

std::string_view WindowStateName(WindowState s) {
  switch (s) {
    case WindowState::kNotApplicable:
      return "NOT_APPLICABLE";
    case WindowState::kNotOpen:
      return "NOT_OPEN";
    case WindowState::kDue:
      return "DUE";
    case WindowState::kOverdue:
      return "OVERDUE";
    case WindowState::kMissed:
      return "MISSED";
    case WindowState::kCompleted:
      return "COMPLETED";
    case WindowState::kCompletedLate:
      return "COMPLETED_LATE";
  }
  return "NOT_APPLICABLE";
}

EducationWindow IntakeWindow(const CaseView& c, const std::vector<absl::CivilDay>& attended_days,
                             const WindowPolicy& policy, absl::CivilDay today) {
  EducationWindow w;
  w.kind = WindowKind::kIntake;
  if (!c.intake_reported_on.has_value()) return w;
  w.opens_on = *c.intake_reported_on;
  w.due_on = AddMonthsClamped(*c.intake_reported_on, policy.intake_within_months);
  Settle(w, c, attended_days, today);
  return w;
}

EducationWindow DischargeWindow(const CaseView& c, const std::vector<absl::CivilDay>& attended_days,
                                const WindowPolicy& policy, absl::CivilDay today) {
  EducationWindow w;
  w.kind = WindowKind::kDischarge;
  if (!c.supervision_end.has_value()) return w;
  w.opens_on = AddMonthsClamped(*c.supervision_end, -policy.discharge_last_months) + 1;
  w.due_on = *c.supervision_end;
  if (c.closed_on.has_value() && *c.closed_on < *w.opens_on) {
    w.opens_on.reset();
    w.due_on.reset();
    return w;  // closed before the window: nothing owed
  }
  Settle(w, c, attended_days, today);
  return w;
}

}  // namespace ccms::education::domain
