#include "services/education/domain/service_file_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/time/calendar.h"

namespace ccms::education::domain {
namespace {

absl::Status CheckDay(const CaseView& c, absl::CivilDay day, absl::CivilDay today,
                      const char* what) {
  if (c.status == CaseStatus::kClosed) return absl::FailedPreconditionError("the case is closed");
  if (!c.intake_reported_on.has_value()) {
    return absl::FailedPreconditionError(
        "intake has not been reported for this case in records yet");
  }
  if (day > today) return absl::InvalidArgumentError(absl::StrCat(what, " is in the future"));
  if (day < *c.intake_reported_on) {
    return absl::InvalidArgumentError(absl::StrCat(what, " is before the intake report (",
                                                   time::FormatDate(*c.intake_reported_on), ")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::CivilDay AddMonthsClamped(absl::CivilDay day, int months) {
  const absl::CivilMonth target = absl::CivilMonth(day) + months;
  const absl::CivilDay first(target);
  const absl::CivilDay last = absl::CivilDay(absl::CivilMonth(target) + 1) - 1;
  const absl::CivilDay wanted = first + (day.day() - 1);
  return std::min(wanted, last);
}

ServiceFileDues DuesOf(const CaseView& c, const EducationPolicies& policies) {
  ServiceFileDues d;
  if (!c.intake_reported_on.has_value()) return d;
  const EducationPolicy& p = policies.InForce(*c.intake_reported_on);
  d.policy_version = p.version;
  d.first_contact_due_on = *c.intake_reported_on + p.first_contact_within_days;
  d.service_file_due_on = AddMonthsClamped(*c.intake_reported_on, p.service_file_within_months);
  return d;
}

bool Overdue(const std::optional<absl::CivilDay>& due_on, bool done, absl::CivilDay today) {
  return !done && due_on.has_value() && today > *due_on;
}

bool Late(const std::optional<absl::CivilDay>& due_on, absl::CivilDay done_on) {
  return due_on.has_value() && done_on > *due_on;
}

std::vector<Violation> CheckCodes(const std::vector<std::string>& given,
                                  const std::vector<std::string>& allowed, const char* field) {
  std::vector<Violation> out;
  if (given.empty()) {
    out.push_back({field, "needs at least one code"});
    return out;
  }
  std::set<std::string> seen;
  for (const auto& g : given) {
    if (std::find(allowed.begin(), allowed.end(), g) == allowed.end()) {
      // The code is the policy's vocabulary, not personal data; cap what is echoed.
      out.push_back({field, absl::StrCat("is not a code of the policy: ", g.substr(0, 40))});
    } else if (!seen.insert(g).second) {
      out.push_back({field, absl::StrCat("lists ", g, " twice")});
    }
  }
  return out;
}

absl::Status CheckOpenServiceFile(const CaseView& c, absl::CivilDay opened_on,
                                  absl::CivilDay today) {
  if (auto st = CheckDay(c, opened_on, today, "opened_on"); !st.ok()) return st;
  if (c.intake_announced_on.has_value() && opened_on < *c.intake_announced_on) {
    return absl::InvalidArgumentError(absl::StrCat("opened_on is before the intake announcement (",
                                                   time::FormatDate(*c.intake_announced_on), ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckFirstContact(const CaseView& c, absl::CivilDay contacted_on,
                               absl::CivilDay today) {
  return CheckDay(c, contacted_on, today, "contacted_on");
}

}  // namespace ccms::education::domain
