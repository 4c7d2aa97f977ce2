#include "services/employment/domain/schooling_rules.h"

#include "absl/strings/str_cat.h"
#include "common/time/calendar.h"

namespace ccms::employment::domain {
namespace {

bool IsSchoolCode(const std::string& code) {
  if (code.size() < 2 || code.size() > 32) return false;
  for (char ch : code) {
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_')) {
      return false;
    }
  }
  return true;
}

const SchoolingItem* OpenItem(const std::vector<SchoolingItem>& items, SchoolingKind kind) {
  for (const auto& item : items) {
    if (item.kind == kind && item.status == SchoolingStatus::kOpen) return &item;
  }
  return nullptr;
}

}  // namespace

std::string_view SchoolingKindName(SchoolingKind k) {
  return k == SchoolingKind::kCompulsoryEducation ? "COMPULSORY_EDUCATION" : "CONTINUED_SCHOOLING";
}

std::optional<SchoolingKind> SchoolingKindOf(std::string_view name) {
  if (name == "COMPULSORY_EDUCATION") return SchoolingKind::kCompulsoryEducation;
  if (name == "CONTINUED_SCHOOLING") return SchoolingKind::kContinuedSchooling;
  return std::nullopt;
}

std::string_view SchoolingStatusName(SchoolingStatus s) {
  switch (s) {
    case SchoolingStatus::kOpen:
      return "OPEN";
    case SchoolingStatus::kMet:
      return "MET";
    case SchoolingStatus::kNotNeeded:
      return "NOT_NEEDED";
    case SchoolingStatus::kDeclined:
      return "DECLINED";
    case SchoolingStatus::kCancelled:
      return "CANCELLED";
  }
  return "";
}

std::optional<SchoolingStatus> SchoolingStatusOf(std::string_view name) {
  for (SchoolingStatus s :
       {SchoolingStatus::kOpen, SchoolingStatus::kMet, SchoolingStatus::kNotNeeded,
        SchoolingStatus::kDeclined, SchoolingStatus::kCancelled}) {
    if (SchoolingStatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view SchoolingStepName(SchoolingStep s) {
  switch (s) {
    case SchoolingStep::kLiaison:
      return "LIAISON";
    case SchoolingStep::kEnrolled:
      return "ENROLLED";
    case SchoolingStep::kDeclined:
      return "DECLINED";
  }
  return "";
}

absl::StatusOr<SchoolingChange> ApplySituation(const CaseView& c,
                                               const std::vector<SchoolingItem>& items,
                                               const SchoolingSituation& situation,
                                               int support_due_days, absl::CivilDay today) {
  if (situation.on > today) return absl::InvalidArgumentError("on: must not be in the future");
  if (c.age.judgment_date.has_value() && situation.on < *c.age.judgment_date) {
    return absl::InvalidArgumentError("on: must not be before the judgment's effective date");
  }
  if (c.status == CaseStatus::kClosed) {
    return absl::FailedPreconditionError("the case is closed: no schooling support");
  }
  if (!c.minor) {
    return absl::FailedPreconditionError(
        "schooling support is for minors (seeds 7.11.1-7.11.2); an adult's training and work go "
        "through TrainingService and referrals");
  }
  SchoolingChange change;
  const SchoolingItem* compulsory = OpenItem(items, SchoolingKind::kCompulsoryEducation);
  if (!situation.compulsory_education_completed) {
    if (compulsory == nullptr) {
      SchoolingItem item;
      item.kind = SchoolingKind::kCompulsoryEducation;
      item.opened_on = situation.on;
      item.due_on = situation.on + support_due_days;
      change.opened.push_back(item);
    }
    return change;
  }
  if (compulsory != nullptr) {
    SchoolingItem closed = *compulsory;
    closed.status = SchoolingStatus::kNotNeeded;
    closed.closed_on = situation.on < compulsory->opened_on ? compulsory->opened_on : situation.on;
    change.closed.push_back(closed);
  }
  if (situation.wishes_to_continue &&
      OpenItem(items, SchoolingKind::kContinuedSchooling) == nullptr) {
    SchoolingItem item;
    item.kind = SchoolingKind::kContinuedSchooling;
    item.opened_on = situation.on;
    change.opened.push_back(item);
  }
  return change;
}

absl::StatusOr<SchoolingItem> ApplyStep(const CaseView& c, const SchoolingItem& item,
                                        SchoolingStep step, absl::CivilDay on,
                                        const std::string& school_code, absl::CivilDay today) {
  if (on > today) return absl::InvalidArgumentError("on: must not be in the future");
  if (on < item.opened_on) {
    return absl::InvalidArgumentError(absl::StrCat("on: must not be before the item opened (",
                                                   time::FormatDate(item.opened_on), ")"));
  }
  if (step == SchoolingStep::kEnrolled && !IsSchoolCode(school_code)) {
    return absl::InvalidArgumentError("school_code: 2-32 of A-Z 0-9 - _ (the school's code)");
  }
  if (step != SchoolingStep::kEnrolled && !school_code.empty()) {
    return absl::InvalidArgumentError("school_code: only with the step ENROLLED");
  }
  if (c.status == CaseStatus::kClosed) {
    return absl::FailedPreconditionError("the case is closed: no schooling support");
  }
  if (item.status != SchoolingStatus::kOpen) {
    return absl::FailedPreconditionError(
        absl::StrCat("the item is ", std::string(SchoolingStatusName(item.status)), ", not OPEN"));
  }
  SchoolingItem after = item;
  after.last_step_on = on;
  switch (step) {
    case SchoolingStep::kLiaison:
      ++after.liaison_count;
      break;
    case SchoolingStep::kEnrolled:
      after.status = SchoolingStatus::kMet;
      after.closed_on = on;
      after.school_code = school_code;
      break;
    case SchoolingStep::kDeclined:
      if (item.kind == SchoolingKind::kCompulsoryEducation) {
        return absl::FailedPreconditionError(
            "compulsory education cannot be declined (seeds 7.11.1: the office shall help the "
            "minor complete it); record the situation again when it is completed");
      }
      after.status = SchoolingStatus::kDeclined;
      after.closed_on = on;
      break;
  }
  return after;
}

bool IsOverdue(const SchoolingItem& item, absl::CivilDay as_of) {
  return item.kind == SchoolingKind::kCompulsoryEducation &&
         item.status == SchoolingStatus::kOpen && item.due_on.has_value() && *item.due_on < as_of;
}

}  // namespace ccms::employment::domain
