#include "services/records/domain/contact_schedule.h"

#include "absl/strings/str_cat.h"

namespace ccms::records::domain {

std::string_view ContactKindName(ContactKind kind) {
  switch (kind) {
    case ContactKind::kCheckInInPerson:
      return "CHECK_IN_IN_PERSON";
    case ContactKind::kCheckInPhone:
      return "CHECK_IN_PHONE";
    case ContactKind::kCheckInVideo:
      return "CHECK_IN_VIDEO";
    case ContactKind::kHomeVisit:
      return "HOME_VISIT";
    case ContactKind::kWorkplaceVisit:
      return "WORKPLACE_VISIT";
    case ContactKind::kCommunityVisit:
      return "COMMUNITY_VISIT";
    case ContactKind::kSelfReport:
      return "SELF_REPORT";
  }
  return "";
}

std::optional<ContactKind> ParseContactKind(std::string_view name) {
  for (ContactKind k :
       {ContactKind::kCheckInInPerson, ContactKind::kCheckInPhone, ContactKind::kCheckInVideo,
        ContactKind::kHomeVisit, ContactKind::kWorkplaceVisit, ContactKind::kCommunityVisit,
        ContactKind::kSelfReport}) {
    if (ContactKindName(k) == name) return k;
  }
  return std::nullopt;
}

std::string_view ContactRequirementName(ContactRequirement r) {
  switch (r) {
    case ContactRequirement::kReport:
      return "REPORT";
    case ContactRequirement::kInPerson:
      return "IN_PERSON";
    case ContactRequirement::kVisit:
      return "VISIT";
    case ContactRequirement::kSelfReport:
      return "SELF_REPORT";
  }
  return "";
}

bool Satisfies(ContactKind kind, ContactRequirement requirement) {
  switch (requirement) {
    case ContactRequirement::kReport:
      return kind != ContactKind::kSelfReport;
    case ContactRequirement::kInPerson:
      return kind == ContactKind::kCheckInInPerson;
    case ContactRequirement::kVisit:
      return kind == ContactKind::kHomeVisit || kind == ContactKind::kWorkplaceVisit ||
             kind == ContactKind::kCommunityVisit;
    case ContactRequirement::kSelfReport:
      return kind == ContactKind::kSelfReport;
  }
  return false;
}

SupervisionLevel LevelOn(const LevelFacts& facts, absl::CivilDay day, const RecordsPolicy& policy) {
  if (facts.assessed_level.has_value() && facts.assessed_effective_on.has_value() &&
      *facts.assessed_effective_on <= day) {
    return *facts.assessed_level;
  }
  if (facts.intake_reported_on.has_value() &&
      day < AddMonthsClamped(*facts.intake_reported_on, policy.initial_strict_months)) {
    return SupervisionLevel::kStrict;
  }
  if (!facts.intake_reported_on.has_value()) return SupervisionLevel::kStrict;
  return SupervisionLevel::kStandard;
}

namespace {

const char* Describe(ContactRequirement r) {
  switch (r) {
    case ContactRequirement::kReport:
      return "report (any check-in or visit)";
    case ContactRequirement::kInPerson:
      return "in-person check-in";
    case ContactRequirement::kVisit:
      return "home, workplace or community visit";
    case ContactRequirement::kSelfReport:
      return "self-report";
  }
  return "";
}

}  // namespace

namespace {

// The due dates of the requirements of `level`; `policy_from(day)` is the version in force on the
// day a due date is counted from.
template <typename PolicyFrom>
std::vector<DueContact> DueFor(const ContactFacts& facts, SupervisionLevel level,
                               absl::CivilDay today, PolicyFrom policy_from) {
  std::vector<DueContact> out;
  for (ContactRequirement r : kAllRequirements) {
    const auto& last = facts.last[static_cast<int>(r)];
    const absl::CivilDay from = last.has_value() ? *last : facts.supervision_start;
    const RecordsPolicy& policy = policy_from(from);
    const ContactStandard& standard = policy.For(level);
    const Interval& interval = r == ContactRequirement::kReport     ? standard.report
                               : r == ContactRequirement::kInPerson ? standard.in_person
                               : r == ContactRequirement::kVisit    ? standard.visit
                                                                    : policy.self_report;
    if (interval.none()) continue;
    DueContact d;
    d.requirement = r;
    d.due = AddInterval(from, interval);
    d.level = level;
    d.rule = absl::StrCat(std::string(SupervisionLevelName(level)), ": ", Describe(r), " every ",
                          interval.ToString(), " (policy ", policy.version, ")");
    if (r == ContactRequirement::kSelfReport) {
      d.rule =
          absl::StrCat("self-report every ", interval.ToString(), " (policy ", policy.version, ")");
    }
    d.days_overdue = today > d.due ? static_cast<int>(today - d.due) : 0;
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

std::vector<DueContact> NextDue(const ContactFacts& facts, const RecordsPolicy& policy,
                                absl::CivilDay today) {
  return DueFor(facts, LevelOn(facts.level, today, policy), today,
                [&policy](absl::CivilDay) -> const RecordsPolicy& { return policy; });
}

std::vector<DueContact> NextDue(const ContactFacts& facts, const RecordsPolicies& policies,
                                absl::CivilDay today) {
  return DueFor(
      facts, LevelOn(facts.level, today, policies.InForce(today)), today,
      [&policies](absl::CivilDay day) -> const RecordsPolicy& { return policies.InForce(day); });
}

absl::CivilDay IntakeHomeVisitDue(absl::CivilDay intake_on, const RecordsPolicy& policy) {
  return intake_on + policy.home_visit_within_days;
}

std::optional<int> IntakeHomeVisitDaysOverdue(absl::CivilDay intake_on,
                                              std::optional<absl::CivilDay> last_home_visit,
                                              absl::CivilDay as_of, const RecordsPolicy& policy) {
  if (last_home_visit.has_value() && *last_home_visit >= intake_on && *last_home_visit <= as_of) {
    return std::nullopt;
  }
  const absl::CivilDay due = IntakeHomeVisitDue(intake_on, policy);
  if (as_of <= due) return std::nullopt;
  return static_cast<int>(as_of - due);
}

}  // namespace ccms::records::domain
