#include "services/education/domain/plan_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/time/calendar.h"

namespace ccms::education::domain {
namespace {

void TextBound(const std::string& text, size_t max, const std::string& field, bool required,
               std::vector<Violation>* out) {
  if (required && text.empty()) {
    out->push_back({field, "is required"});
  } else if (text.size() > max) {
    out->push_back({field, absl::StrCat("must be at most ", max, " bytes")});
  }
}

}  // namespace

std::string_view PlanStatusName(PlanStatus s) {
  switch (s) {
    case PlanStatus::kDraft:
      return "DRAFT";
    case PlanStatus::kAgreed:
      return "AGREED";
    case PlanStatus::kApproved:
      return "APPROVED";
    case PlanStatus::kActive:
      return "ACTIVE";
    case PlanStatus::kSuperseded:
      return "SUPERSEDED";
    case PlanStatus::kClosed:
      return "CLOSED";
  }
  return "DRAFT";
}

std::optional<PlanStatus> PlanStatusOf(std::string_view name) {
  for (PlanStatus s : {PlanStatus::kDraft, PlanStatus::kAgreed, PlanStatus::kApproved,
                       PlanStatus::kActive, PlanStatus::kSuperseded, PlanStatus::kClosed}) {
    if (PlanStatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view PlanCommandName(PlanCommand c) {
  switch (c) {
    case PlanCommand::kEditDraft:
      return "edit";
    case PlanCommand::kRevise:
      return "revise";
    case PlanCommand::kAgree:
      return "agree";
    case PlanCommand::kApprove:
      return "approve";
    case PlanCommand::kActivate:
      return "activate";
    case PlanCommand::kSupersede:
      return "supersede";
    case PlanCommand::kClose:
      return "close";
  }
  return "change";
}

absl::StatusOr<PlanStatus> Transition(PlanStatus from, PlanCommand command) {
  struct Edge {
    PlanStatus from;
    PlanCommand command;
    PlanStatus to;
  };
  static constexpr Edge kEdges[] = {
      {PlanStatus::kDraft, PlanCommand::kEditDraft, PlanStatus::kDraft},
      {PlanStatus::kDraft, PlanCommand::kAgree, PlanStatus::kAgreed},
      {PlanStatus::kAgreed, PlanCommand::kApprove, PlanStatus::kApproved},
      {PlanStatus::kApproved, PlanCommand::kActivate, PlanStatus::kActive},
      {PlanStatus::kActive, PlanCommand::kRevise, PlanStatus::kActive},
      {PlanStatus::kActive, PlanCommand::kSupersede, PlanStatus::kSuperseded},
      {PlanStatus::kActive, PlanCommand::kClose, PlanStatus::kClosed},
  };
  for (const Edge& e : kEdges) {
    if (e.from == from && e.command == command) return e.to;
  }
  return absl::FailedPreconditionError(absl::StrCat("a plan version that is ",
                                                    std::string(PlanStatusName(from)), " cannot ",
                                                    std::string(PlanCommandName(command))));
}

std::string_view GoalTermName(GoalTerm t) {
  switch (t) {
    case GoalTerm::kShort:
      return "SHORT";
    case GoalTerm::kMedium:
      return "MEDIUM";
    case GoalTerm::kLong:
      return "LONG";
  }
  return "SHORT";
}

std::optional<GoalTerm> GoalTermOf(std::string_view name) {
  for (GoalTerm t : {GoalTerm::kShort, GoalTerm::kMedium, GoalTerm::kLong}) {
    if (GoalTermName(t) == name) return t;
  }
  return std::nullopt;
}

std::string_view RevisionReasonName(RevisionReason r) {
  switch (r) {
    case RevisionReason::kLevelChanged:
      return "LEVEL_CHANGED";
    case RevisionReason::kSanction:
      return "SANCTION";
    case RevisionReason::kCrisisFlag:
      return "CRISIS_FLAG";
    case RevisionReason::kAssessmentRecorded:
      return "ASSESSMENT_RECORDED";
    case RevisionReason::kKeyAttention:
      return "KEY_ATTENTION";
    case RevisionReason::kStaff:
      return "STAFF";
  }
  return "STAFF";
}

std::optional<RevisionReason> RevisionReasonOf(std::string_view name) {
  for (RevisionReason r : {RevisionReason::kLevelChanged, RevisionReason::kSanction,
                           RevisionReason::kCrisisFlag, RevisionReason::kAssessmentRecorded,
                           RevisionReason::kKeyAttention, RevisionReason::kStaff}) {
    if (RevisionReasonName(r) == name) return r;
  }
  return std::nullopt;
}

bool IsStepId(std::string_view id) {
  if (id.empty() || id.size() > kMaxStepIdLength) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::vector<Violation> CheckPlanContent(const PlanContent& content,
                                        const std::vector<std::string>& need_codes,
                                        const std::vector<std::string>& step_codes) {
  std::vector<Violation> out = CheckCodes(content.need_codes, need_codes, "content.need_codes");
  TextBound(content.needs_summary, kMaxNeedsSummaryBytes, "content.needs_summary", false, &out);

  if (content.goals.size() > kMaxGoals) {
    out.push_back({"content.goals", absl::StrCat("at most ", kMaxGoals, " goals")});
  }
  std::set<GoalTerm> terms;
  for (size_t i = 0; i < content.goals.size() && i < kMaxGoals; ++i) {
    const PlanGoal& g = content.goals[i];
    terms.insert(g.term);
    TextBound(g.description, kMaxPlanTextBytes, absl::StrCat("content.goals[", i, "].description"),
              true, &out);
  }
  for (GoalTerm t : {GoalTerm::kShort, GoalTerm::kMedium, GoalTerm::kLong}) {
    if (terms.count(t) == 0) {
      out.push_back(
          {"content.goals", absl::StrCat("needs a goal of term ", std::string(GoalTermName(t)),
                                         " (short, medium and long, seed 6.4.1 b)")});
    }
  }

  if (content.steps.empty()) out.push_back({"content.steps", "needs at least one step"});
  if (content.steps.size() > kMaxSteps) {
    out.push_back({"content.steps", absl::StrCat("at most ", kMaxSteps, " steps")});
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < content.steps.size() && i < kMaxSteps; ++i) {
    const PlanStep& s = content.steps[i];
    const std::string at = absl::StrCat("content.steps[", i, "]");
    if (!s.step_id.empty() && !IsStepId(s.step_id)) {
      out.push_back({at + ".step_id", "must be 1-64 letters, digits, '-' or '_'"});
    } else if (!s.step_id.empty() && !ids.insert(s.step_id).second) {
      out.push_back({at + ".step_id", "repeats another step's id"});
    }
    // The code is checked against the list, never echoed (the field names the problem).
    if (s.step_code.empty()) {
      out.push_back({at + ".step_code", "is required: a code of education.plan.step_codes"});
    } else if (std::find(step_codes.begin(), step_codes.end(), s.step_code) == step_codes.end()) {
      out.push_back({at + ".step_code", "must be a code of education.plan.step_codes"});
    }
    TextBound(s.description, kMaxPlanTextBytes, at + ".description", true, &out);
    TextBound(s.schedule, kMaxScheduleBytes, at + ".schedule", false, &out);
    if (s.end_date < s.start_date) {
      out.push_back({at + ".end_date", "is before start_date"});
    }
  }

  if (content.measures.empty()) out.push_back({"content.measures", "needs at least one measure"});
  if (content.measures.size() > kMaxMeasures) {
    out.push_back({"content.measures", absl::StrCat("at most ", kMaxMeasures, " measures")});
  }
  for (size_t i = 0; i < content.measures.size() && i < kMaxMeasures; ++i) {
    TextBound(content.measures[i], kMaxMeasureBytes, absl::StrCat("content.measures[", i, "]"),
              true, &out);
  }
  return out;
}

absl::Status CheckCaseTakesPlan(const CaseView& c) {
  if (c.status == CaseStatus::kClosed) return absl::FailedPreconditionError("the case is closed");
  if (!c.intake_reported_on.has_value()) {
    return absl::FailedPreconditionError(
        "intake has not been reported for this case in records yet");
  }
  return absl::OkStatus();
}

absl::Status CheckAgreement(const PlanVersionRecord& v, absl::CivilDay drafted_on,
                            const std::optional<absl::CivilDay>& person_on,
                            const std::optional<absl::CivilDay>& guardian_on,
                            absl::CivilDay today) {
  auto check = [&](const std::optional<absl::CivilDay>& day, const char* field) -> absl::Status {
    if (!day.has_value()) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
    if (*day > today) return absl::InvalidArgumentError(absl::StrCat(field, " is in the future"));
    if (*day < drafted_on) {
      return absl::InvalidArgumentError(absl::StrCat(field, " is before the version was drafted (",
                                                     time::FormatDate(drafted_on), ")"));
    }
    return absl::OkStatus();
  };
  if (auto st = check(person_on, "person_agreed_on"); !st.ok()) return st;
  if (v.guardian_required) {
    if (!guardian_on.has_value()) {
      return absl::InvalidArgumentError(
          "guardian_agreed_on is required: the plan of a minor is agreed with the guardian too "
          "(seed 6.4.2 b)");
    }
    return check(guardian_on, "guardian_agreed_on");
  }
  if (guardian_on.has_value()) return check(guardian_on, "guardian_agreed_on");
  return absl::OkStatus();
}

absl::Status CheckStepDay(absl::CivilDay day, const std::optional<absl::CivilDay>& not_before,
                          absl::CivilDay today, const char* field) {
  if (day > today) return absl::InvalidArgumentError(absl::StrCat(field, " is in the future"));
  if (not_before.has_value() && day < *not_before) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is before the previous step (", time::FormatDate(*not_before), ")"));
  }
  return absl::OkStatus();
}

const PlanVersionRecord* VersionInForce(const std::vector<PlanVersionRecord>& versions) {
  const PlanVersionRecord* approved = nullptr;
  for (const PlanVersionRecord& v : versions) {
    if (v.status == PlanStatus::kActive) return &v;
    if (v.status == PlanStatus::kApproved) approved = &v;
  }
  return approved;
}

absl::CivilDay RevisionDueOn(absl::CivilDay triggered_on, int within_days) {
  return triggered_on + within_days;
}

absl::CivilDay RevisionTriggerDay(absl::Time at) { return time::ShanghaiDay(at); }

bool RevisionApplies(const CaseView& c, const std::vector<PlanVersionRecord>& versions) {
  return c.status != CaseStatus::kClosed && VersionInForce(versions) != nullptr;
}

}  // namespace ccms::education::domain
