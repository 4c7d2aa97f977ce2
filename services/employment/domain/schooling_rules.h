#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/employment/domain/case_view.h"

namespace ccms::employment::domain {

// Schooling support for minors (issue 15 item 7; seeds 7.11.1-7.11.2; docs/employment.md
// "Schooling support").
//   7.11.1 (shall): a minor who has not completed compulsory education is helped to complete it
//          (the office works with the guardian, the family and the school): a required item,
//          COMPULSORY_EDUCATION, due policy schooling.support_due_days after the situation is
//          recorded, met when the minor is at school.
//   7.11.2 (may): a minor past compulsory education who wishes to go on studying may be helped:
//          an optional item, CONTINUED_SCHOOLING, with no due day.

enum class SchoolingKind { kCompulsoryEducation, kContinuedSchooling };
std::string_view SchoolingKindName(SchoolingKind k);
std::optional<SchoolingKind> SchoolingKindOf(std::string_view name);

// OPEN until met (the minor at school), not needed (compulsory education completed, for the
// required item), declined (the optional item only: the person no longer wishes it) or cancelled
// (the case closed).
enum class SchoolingStatus { kOpen, kMet, kNotNeeded, kDeclined, kCancelled };
std::string_view SchoolingStatusName(SchoolingStatus s);
std::optional<SchoolingStatus> SchoolingStatusOf(std::string_view name);

// A step of support on an open item: a liaison with the guardian, family or school (the item
// stays open), the minor enrolled at a school (met), or the person declining further schooling
// (optional item only).
enum class SchoolingStep { kLiaison, kEnrolled, kDeclined };
std::string_view SchoolingStepName(SchoolingStep s);

struct SchoolingItem {
  std::string item_id;
  SchoolingKind kind = SchoolingKind::kCompulsoryEducation;
  SchoolingStatus status = SchoolingStatus::kOpen;
  absl::CivilDay opened_on;
  std::optional<absl::CivilDay> due_on;  // the required item only
  std::optional<absl::CivilDay> closed_on;
  int liaison_count = 0;
  std::optional<absl::CivilDay> last_step_on;
  std::string school_code;  // when met
};

// What staff recorded of a minor's schooling on `on`.
struct SchoolingSituation {
  absl::CivilDay on;
  bool compulsory_education_completed = false;
  bool wishes_to_continue = false;
};

// What a recorded situation changes: items to open (ids left empty for the caller) and open
// items to close (with their new status and closing day).
struct SchoolingChange {
  std::vector<SchoolingItem> opened;
  std::vector<SchoolingItem> closed;
};

// The change a situation makes to the case's items (`items`: all of the case's items).
//   - the case must be open (FAILED_PRECONDITION) and a minor (FAILED_PRECONDITION naming seeds
//     7.11.1-7.11.2), `on` not in the future nor before the case's judgment date when known
//     (INVALID_ARGUMENT);
//   - not completed: a COMPULSORY_EDUCATION item opens, due `on` + `support_due_days`, unless one
//     is open already (its due day stays: a later record does not move a deadline);
//   - completed: an open COMPULSORY_EDUCATION item closes NOT_NEEDED on `on`; with the wish to
//     continue a CONTINUED_SCHOOLING item opens unless one is open;
//   - the wish to continue while compulsory education is not completed is the required item
//     itself (nothing optional opens).
absl::StatusOr<SchoolingChange> ApplySituation(const CaseView& c,
                                               const std::vector<SchoolingItem>& items,
                                               const SchoolingSituation& situation,
                                               int support_due_days, absl::CivilDay today);

// The item after a step on `on` (school_code required for kEnrolled, 2-32 of A-Z 0-9 - _):
//   INVALID_ARGUMENT for a day in the future or before the item opened, a bad school code;
//   FAILED_PRECONDITION for an item not open, a closed case, or declining the required item
//   (seeds 7.11.1: shall).
absl::StatusOr<SchoolingItem> ApplyStep(const CaseView& c, const SchoolingItem& item,
                                        SchoolingStep step, absl::CivilDay on,
                                        const std::string& school_code, absl::CivilDay today);

// Whether the item is overdue on `as_of`: the required item, open, its due day before `as_of`.
bool IsOverdue(const SchoolingItem& item, absl::CivilDay as_of);

}  // namespace ccms::employment::domain
