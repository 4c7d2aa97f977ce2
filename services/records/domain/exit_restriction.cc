#include "services/records/domain/exit_restriction.h"

#include "absl/strings/str_cat.h"
#include "common/time/calendar.h"

namespace ccms::records::domain {

std::string_view ExitRestrictionActionName(ExitRestrictionAction action) {
  return action == ExitRestrictionAction::kFiled ? "FILED" : "LIFTED";
}

std::optional<ExitRestrictionAction> ParseExitRestrictionAction(std::string_view name) {
  if (name == "FILED") return ExitRestrictionAction::kFiled;
  if (name == "LIFTED") return ExitRestrictionAction::kLifted;
  return std::nullopt;
}

absl::CivilDay SupervisionEnd(const ExitRestrictionFacts& facts) {
  return facts.closed_on.value_or(facts.end_date);
}

namespace {

bool Open(CaseStatus s) { return s == CaseStatus::kPendingIntake || s == CaseStatus::kActive; }
bool Ended(CaseStatus s) {
  return s == CaseStatus::kDischarged || s == CaseStatus::kRevoked || s == CaseStatus::kDeceased;
}

}  // namespace

absl::Status CheckExitRestrictionAction(ExitRestrictionAction action,
                                        const ExitRestrictionFacts& facts, absl::CivilDay on) {
  if (action == ExitRestrictionAction::kFiled) {
    if (!Open(facts.status)) {
      return absl::FailedPreconditionError(
          absl::StrCat("the exit-restriction filing is made for an open case; this one is ",
                       std::string(CaseStatusName(facts.status))));
    }
    if (facts.filed_on.has_value()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the exit restriction was already filed on ", time::FormatDate(*facts.filed_on)));
    }
    return absl::OkStatus();
  }
  if (!facts.filed_on.has_value()) {
    return absl::FailedPreconditionError("no exit-restriction filing to lift on this case");
  }
  if (facts.lifted_on.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat("the exit restriction was already lifted on ",
                                                      time::FormatDate(*facts.lifted_on)));
  }
  if (on < *facts.filed_on) {
    return absl::FailedPreconditionError(absl::StrCat("a lifting cannot precede the filing (",
                                                      time::FormatDate(*facts.filed_on), ")"));
  }
  if (!Ended(facts.status) && on < facts.end_date) {
    return absl::FailedPreconditionError(
        absl::StrCat("the exit restriction is lifted at the end of supervision: the term ends on ",
                     time::FormatDate(facts.end_date)));
  }
  return absl::OkStatus();
}

std::optional<ExitRestrictionDue> ExitRestrictionDueOn(const ExitRestrictionFacts& facts,
                                                       const RecordsPolicies& policies,
                                                       absl::CivilDay as_of) {
  if (!facts.filed_on.has_value()) {
    if (!Open(facts.status) || !facts.intake_reported_on.has_value()) return std::nullopt;
    const absl::CivilDay from = *facts.intake_reported_on;
    const RecordsPolicy& policy = policies.InForce(from);
    const absl::CivilDay due = from + policy.exit_restriction.file_within_days;
    return ExitRestrictionDue{
        ExitRestrictionAction::kFiled, due, static_cast<int>(as_of - due),
        absl::StrCat("exit-restriction filing within ", policy.exit_restriction.file_within_days,
                     " days of the intake check-in (seed 004; policy ", policy.version, ")"),
        policy.version};
  }
  if (facts.lifted_on.has_value()) return std::nullopt;
  if (!Open(facts.status) && !Ended(facts.status)) return std::nullopt;  // transferred out
  const absl::CivilDay from = SupervisionEnd(facts);
  const RecordsPolicy& policy = policies.InForce(from);
  const absl::CivilDay due = from + policy.exit_restriction.lift_within_days;
  return ExitRestrictionDue{
      ExitRestrictionAction::kLifted, due, static_cast<int>(as_of - due),
      absl::StrCat("exit restriction lifted within ", policy.exit_restriction.lift_within_days,
                   " days of the end of supervision (seed 004; policy ", policy.version, ")"),
      policy.version};
}

}  // namespace ccms::records::domain
