#include "services/records/leave_service.h"


#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/records/domain/access.h"
#include "services/records/domain/leave_rules.h"

namespace ccms::records {
namespace {

using grpc_util::FieldViolation;
using grpc_util::ToProtoDate;

constexpr char kLeavesToken[] = "v1:";

constexpr char kNotReturnedToken[] = "n1:";

v1::LeaveStatus ToProto(domain::LeaveStatus s) {
  return static_cast<v1::LeaveStatus>(static_cast<int>(s) + 1);
}

v1::LeaveApprovalLevel ToProto(domain::ApprovalLevel l) {
  return static_cast<v1::LeaveApprovalLevel>(static_cast<int>(l) + 1);
}

void LeaveToProto(const LeaveRecord& l, absl::CivilDay today, v1::Leave* out) {
  out->set_leave_id(l.leave_id);
  out->set_case_id(l.case_id);
  out->set_status(ToProto(l.status));
  *out->mutable_start_date() = ToProtoDate(l.start_date);
  *out->mutable_end_date() = ToProtoDate(l.end_date);
  out->set_days(domain::LeaveDays(l.start_date, l.end_date));
  out->set_destination(l.destination);
  out->set_reason(l.reason);
  *out->mutable_requested_on() = ToProtoDate(l.requested_on);
  *out->mutable_decision_due() = ToProtoDate(l.decision_due);
  out->set_decision_overdue(l.status == domain::LeaveStatus::kRequested && today > l.decision_due);
  out->set_approval_level(ToProto(l.approval_level));
  out->set_approval_rule(l.approval_rule);
  out->set_standing_approval_id(l.standing_approval_id);
  if (l.decided_on.has_value()) *out->mutable_decided_on() = ToProtoDate(*l.decided_on);
  out->set_decided_by(l.decided_by);
  if (l.returned_on.has_value()) *out->mutable_returned_on() = ToProtoDate(*l.returned_on);
  out->set_days_late(l.days_late);
  out->set_violation_id(l.violation_id);
  out->set_policy_version(l.policy_version);
}

void StandingToProto(const StandingApprovalRecord& s, v1::StandingApproval* out) {
  out->set_standing_approval_id(s.standing_approval_id);
  out->set_case_id(s.case_id);
  out->set_destination(s.destination);
  out->set_purpose(s.purpose);
  *out->mutable_valid_from() = ToProtoDate(s.valid_from);
  *out->mutable_valid_until() = ToProtoDate(s.valid_until);
  *out->mutable_granted_on() = ToProtoDate(s.granted_on);
  if (s.revoked_on.has_value()) *out->mutable_revoked_on() = ToProtoDate(*s.revoked_on);
  out->set_policy_version(s.policy_version);
  if (s.work_away) {
    v1::WorkAwayConditions* w = out->mutable_work_away();
    w->set_guarantor(s.work_away_conditions.guarantor);
    w->set_fixed_residence(s.work_away_conditions.fixed_residence);
    if (s.work_away_conditions.job_held_since.has_value()) {
      *w->mutable_job_held_since() = ToProtoDate(*s.work_away_conditions.job_held_since);
    }
    w->set_relative_assisting(s.work_away_conditions.relative_assisting);
  }
}

absl::Status ProblemsToStatus(const std::vector<domain::LeaveProblem>& problems) {
  std::vector<FieldViolation> v;
  for (const auto& p : problems) v.push_back({p.field, p.what});
  return grpc_util::InvalidArgumentWithViolations(v);
}

// The leave's event: ccms.records.leave_<status> (requested, approved, rejected, cancelled,
// returned). Dates, kinds and ids only.
events::v1::Envelope LeaveEvent(const CaseRecord& c, const LeaveRecord& l, absl::CivilDay on,
                                absl::Time now, const std::string& actor) {
  v1::LeaveChanged payload;
  payload.set_case_id(c.case_id);
  payload.set_district_code(c.district_code);
  payload.set_leave_id(l.leave_id);
  payload.set_status(std::string(domain::LeaveStatusName(l.status)));
  *payload.mutable_start_date() = ToProtoDate(l.start_date);
  *payload.mutable_end_date() = ToProtoDate(l.end_date);
  payload.set_approval_level(std::string(domain::ApprovalLevelName(l.approval_level)));
  payload.set_standing_approval_id(l.standing_approval_id);
  *payload.mutable_on() = ToProtoDate(on);
  payload.set_late(l.days_late > 0);
  payload.set_days_late(l.days_late);
  payload.set_violation_id(l.violation_id);
  payload.set_policy_version(l.policy_version);
  const std::string type = absl::StrCat(
      "ccms.records.leave_", absl::AsciiStrToLower(std::string(domain::LeaveStatusName(l.status))));
  return kafka::MakeEnvelope(type, c.case_id, c.district_code, now, now, actor, payload);
}

events::v1::Envelope StandingEvent(const CaseRecord& c, const StandingApprovalRecord& s,
                                   absl::Time now, const std::string& actor) {
  v1::StandingApprovalChanged payload;
  payload.set_case_id(c.case_id);
  payload.set_district_code(c.district_code);
  payload.set_standing_approval_id(s.standing_approval_id);
  *payload.mutable_valid_from() = ToProtoDate(s.valid_from);
  *payload.mutable_valid_until() = ToProtoDate(s.valid_until);
  if (s.revoked_on.has_value()) *payload.mutable_revoked_on() = ToProtoDate(*s.revoked_on);
  payload.set_policy_version(s.policy_version);
  return kafka::MakeEnvelope(s.revoked_on.has_value() ? "ccms.records.standing_approval_revoked"
                                                      : "ccms.records.standing_approval_granted",
                             c.case_id, c.district_code, now, now, actor, payload);
}

std::string Lower(std::string_view s) { return absl::AsciiStrToLower(std::string(s)); }

}  // namespace

absl::Status LeaveServiceImpl::DoRequestLeave(const auth::Principal& principal,
                                              const v1::RequestLeaveRequest& request,
                                              v1::RequestLeaveResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRecordContact); !st.ok()) {
    return AuditDenied(principal, "RequestLeave", request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  // A leave follows the version in force on the day it is requested, which it names.
  const domain::RecordsPolicy& policy = PolicyOn(today);
  std::vector<FieldViolation> violations;
  auto start = DateField(request.start_date(), "start_date", &violations);
  auto end = DateField(request.end_date(), "end_date", &violations);
  if (!start.has_value() && violations.empty()) violations.push_back({"start_date", "is required"});
  if (!end.has_value() && violations.empty()) violations.push_back({"end_date", "is required"});
  if (start.has_value() && *start < today) {
    violations.push_back({"start_date", "must not be in the past"});
  }
  if (start.has_value() && end.has_value()) {
    for (const auto& p : domain::CheckLeaveDates(*start, *end, policy)) {
      violations.push_back({p.field, p.what});
    }
  }
  const bool trip = !request.standing_approval_id().empty();
  if (trip && !ids::IsUuid(request.standing_approval_id())) {
    violations.push_back({"standing_approval_id", "must be a standing approval id (UUID)"});
  }
  if (!trip && absl::StripAsciiWhitespace(request.destination()).empty()) {
    violations.push_back({"destination", "is required"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  if (auto st = CheckText(request.destination(), "destination", 500); !st.ok()) return st;
  if (auto st = CheckText(request.reason(), "reason", 8000); !st.ok()) return st;

  LeaveRecord leave;
  leave.leave_id = ids::NewUuid();
  leave.start_date = *start;
  leave.end_date = *end;
  leave.destination = std::string(absl::StripAsciiWhitespace(request.destination()));
  leave.reason = request.reason();
  leave.requested_on = today;
  leave.decision_due = domain::DecisionDue(today, policy);
  leave.standing_approval_id = absl::AsciiStrToLower(request.standing_approval_id());
  leave.policy_version = policy.version;
  auto result = store_.RequestLeave(
      principal, MutationOf(request.request_id(), request.case_id(), "RequestLeave"), leave,
      [&](LeaveRecord& l, const LeaveContext& ctx) -> absl::Status {
        if (auto other = domain::FindOverlap(l.start_date, l.end_date, ctx.others, l.leave_id)) {
          return absl::FailedPreconditionError(absl::StrCat(
              "the leave overlaps the case's ", Lower(domain::LeaveStatusName(other->status)),
              " leave from ", time::FormatDate(other->start), " to ", time::FormatDate(other->end),
              "; cancel or change that one first"));
        }
        if (!l.standing_approval_id.empty()) {
          if (!ctx.standing.has_value()) {
            return grpc_util::InvalidArgumentWithViolations(
                {{"standing_approval_id", "is not a standing approval of this case"}});
          }
          const StandingApprovalRecord& s = *ctx.standing;
          if (l.destination.empty()) l.destination = s.destination;
          auto problems = domain::CheckTripUnderStanding(
              l.start_date, l.end_date, l.destination,
              {s.destination, s.valid_from, s.valid_until, s.revoked_on});
          if (!problems.empty()) return ProblemsToStatus(problems);
          l.status = domain::LeaveStatus::kApproved;
          l.approval_level = domain::ApprovalLevel::kStanding;
          l.approval_rule =
              absl::StrCat("a trip under the standing approval for routine work travel valid ",
                           time::FormatDate(s.valid_from), " to ", time::FormatDate(s.valid_until),
                           " (Measures 2020 art. 29; policy ", policy.version, ")");
          l.decided_on = today;
          l.decided_by = principal.subject;
          return absl::OkStatus();
        }
        const domain::ApprovalNeed need =
            domain::RequiredApprovalLevel(l.start_date, l.end_date, ctx.others, l.leave_id, policy);
        l.approval_level = need.level;
        l.approval_rule = need.rule;
        return absl::OkStatus();
      },
      [&](const CaseRecord& c, const LeaveRecord& l) {
        return LeaveEvent(c, l, today, now, principal.subject);
      });
  if (!result.ok()) return result.status();
  LeaveToProto(*result, today, response->mutable_leave());
  return absl::OkStatus();
}

absl::Status LeaveServiceImpl::DoDecideLeave(const auth::Principal& principal,
                                             domain::LeaveStep step, const char* action,
                                             const std::string& request_id,
                                             const std::string& case_id,
                                             const std::string& leave_id, const std::string& reason,
                                             v1::Leave* out) {
  const domain::CaseAction needed = step == domain::LeaveStep::kCancel
                                        ? domain::CaseAction::kRecordContact
                                        : domain::CaseAction::kEnforce;
  if (auto st = domain::Authorize(principal, needed); !st.ok()) {
    return AuditDenied(principal, action, case_id, request_id, st);
  }
  if (auto st = CheckRequestId(request_id); !st.ok()) return st;
  if (auto st = CheckCaseId(case_id); !st.ok()) return st;
  if (auto st = CheckUuidField(leave_id, "leave_id", "a leave id (UUID)"); !st.ok()) return st;
  if (step == domain::LeaveStep::kReject && absl::StripAsciiWhitespace(reason).empty()) {
    return grpc_util::InvalidArgumentWithViolations(
        {{"reason", "is required: say why the leave is refused"}});
  }
  if (auto st = CheckText(reason, "reason", 8000); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  auto result = store_.ChangeLeave(
      principal, MutationOf(request_id, case_id, action), absl::AsciiStrToLower(leave_id),
      [&](LeaveRecord& l, const LeaveContext& ctx) -> absl::Status {
        auto next = domain::NextLeaveStatus(l.status, step, l.start_date, today);
        if (!next.ok()) return next.status();
        if (step != domain::LeaveStep::kCancel) {
          // The level is decided now, from the case's leave as it stands, by the version in
          // force when the leave was requested (the one it names).
          const domain::ApprovalNeed need = domain::RequiredApprovalLevel(
              l.start_date, l.end_date, ctx.others, l.leave_id, PolicyOn(l.requested_on));
          if (auto st = domain::CheckDecider(principal.role, need); !st.ok()) return st;
          l.approval_level = need.level;
          l.approval_rule = need.rule;
          l.decided_on = today;
          l.decided_by = principal.subject;
        }
        l.status = *next;
        l.decision_reason = reason;
        return absl::OkStatus();
      },
      [&](const CaseRecord& c, const LeaveRecord& l) {
        return LeaveEvent(c, l, today, now, principal.subject);
      },
      [&](const CaseRecord&, const LeaveRecord&) { return events::v1::Envelope(); });
  if (!result.ok()) return AuditDenied(principal, action, case_id, request_id, result.status());
  LeaveToProto(*result, today, out);
  return absl::OkStatus();
}

absl::Status LeaveServiceImpl::DoApproveLeave(const auth::Principal& principal,
                                              const v1::ApproveLeaveRequest& request,
                                              v1::ApproveLeaveResponse* response) {
  return DoDecideLeave(principal, domain::LeaveStep::kApprove, "ApproveLeave", request.request_id(),
                       request.case_id(), request.leave_id(), request.reason(),
                       response->mutable_leave());
}

absl::Status LeaveServiceImpl::DoRejectLeave(const auth::Principal& principal,
                                             const v1::RejectLeaveRequest& request,
                                             v1::RejectLeaveResponse* response) {
  return DoDecideLeave(principal, domain::LeaveStep::kReject, "RejectLeave", request.request_id(),
                       request.case_id(), request.leave_id(), request.reason(),
                       response->mutable_leave());
}

absl::Status LeaveServiceImpl::DoCancelLeave(const auth::Principal& principal,
                                             const v1::CancelLeaveRequest& request,
                                             v1::CancelLeaveResponse* response) {
  return DoDecideLeave(principal, domain::LeaveStep::kCancel, "CancelLeave", request.request_id(),
                       request.case_id(), request.leave_id(), request.reason(),
                       response->mutable_leave());
}

absl::Status LeaveServiceImpl::DoRecordLeaveReturn(const auth::Principal& principal,
                                                   const v1::RecordLeaveReturnRequest& request,
                                                   v1::RecordLeaveReturnResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRecordContact); !st.ok()) {
    return AuditDenied(principal, "RecordLeaveReturn", request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = CheckUuidField(request.leave_id(), "leave_id", "a leave id (UUID)"); !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  auto returned_on = DayNotInFuture(request.returned_on(), "returned_on", today);
  if (!returned_on.ok()) return returned_on.status();
  auto result = store_.ChangeLeave(
      principal, MutationOf(request.request_id(), request.case_id(), "RecordLeaveReturn"),
      absl::AsciiStrToLower(request.leave_id()),
      [&](LeaveRecord& l, const LeaveContext&) -> absl::Status {
        auto next =
            domain::NextLeaveStatus(l.status, domain::LeaveStep::kReturn, l.start_date, today);
        if (!next.ok()) return next.status();
        auto outcome = domain::CheckReturn(l.start_date, l.end_date, *returned_on);
        if (!outcome.ok()) {
          return grpc_util::InvalidArgumentWithViolations(
              {{"returned_on",
                absl::StrCat("is before the leave's first day ", time::FormatDate(l.start_date))}});
        }
        l.status = *next;
        l.returned_on = *returned_on;
        l.days_late = outcome->days_late;
        if (outcome->late) l.violation_id = ids::NewUuid();
        return absl::OkStatus();
      },
      [&](const CaseRecord& c, const LeaveRecord& l) {
        return LeaveEvent(c, l, *returned_on, now, principal.subject);
      },
      [&](const CaseRecord& c, const LeaveRecord& l) {
        v1::ViolationRecorded payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_violation_id(l.violation_id);
        payload.set_kind(v1::VIOLATION_KIND_LEAVE_NOT_RETURNED);
        *payload.mutable_occurred_on() = ToProtoDate(l.end_date + 1);
        return kafka::MakeEnvelope("ccms.records.violation_recorded", c.case_id, c.district_code,
                                   now, now, principal.subject, payload);
      });
  if (!result.ok()) return result.status();
  LeaveToProto(*result, today, response->mutable_leave());
  return absl::OkStatus();
}

absl::Status LeaveServiceImpl::DoGrantStandingApproval(
    const auth::Principal& principal, const v1::GrantStandingApprovalRequest& request,
    v1::GrantStandingApprovalResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kBureauApprove); !st.ok()) {
    return AuditDenied(principal, "GrantStandingApproval", request.case_id(), request.request_id(),
                       st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  // Granted today, by the version in force today, which the approval names.
  const domain::RecordsPolicy& policy = PolicyOn(today);
  std::vector<FieldViolation> violations;
  auto from = DateField(request.valid_from(), "valid_from", &violations);
  auto until = DateField(request.valid_until(), "valid_until", &violations);
  if (!until.has_value() && violations.empty()) {
    violations.push_back({"valid_until", "is required"});
  }
  const absl::CivilDay valid_from = from.value_or(today);
  if (valid_from < today) violations.push_back({"valid_from", "must not be in the past"});
  if (until.has_value()) {
    for (const auto& p : domain::CheckStandingValidity(valid_from, *until, policy)) {
      violations.push_back({p.field, p.what});
    }
  }
  if (absl::StripAsciiWhitespace(request.destination()).empty()) {
    violations.push_back({"destination", "is required"});
  }
  domain::WorkAwayConditions work_away;
  if (request.has_work_away()) {
    const v1::WorkAwayConditions& w = request.work_away();
    work_away.guarantor = w.guarantor();
    work_away.fixed_residence = w.fixed_residence();
    work_away.relative_assisting = w.relative_assisting();
    if (w.has_job_held_since()) {
      work_away.job_held_since =
          DateField(w.job_held_since(), "work_away.job_held_since", &violations);
      if (work_away.job_held_since.has_value() && *work_away.job_held_since > today) {
        violations.push_back({"work_away.job_held_since", "must not be in the future"});
      }
    }
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  // Work away from home: every condition the policy requires, all missing ones named.
  if (request.has_work_away()) {
    if (auto st = domain::CheckWorkAway(work_away, policy, valid_from); !st.ok()) return st;
  }
  if (auto st = CheckText(request.destination(), "destination", 500); !st.ok()) return st;
  if (auto st = CheckText(request.purpose(), "purpose", 8000); !st.ok()) return st;
  StandingApprovalRecord a;
  a.standing_approval_id = ids::NewUuid();
  a.destination = std::string(absl::StripAsciiWhitespace(request.destination()));
  a.purpose = request.purpose();
  a.valid_from = valid_from;
  a.valid_until = *until;
  a.granted_on = today;
  a.policy_version = policy.version;
  a.work_away = request.has_work_away();
  a.work_away_conditions = work_away;
  auto result = store_.GrantStandingApproval(
      principal, MutationOf(request.request_id(), request.case_id(), "GrantStandingApproval"), a,
      [&](const CaseRecord& c, const StandingApprovalRecord& s) {
        return StandingEvent(c, s, now, principal.subject);
      });
  if (!result.ok()) return result.status();
  StandingToProto(*result, response->mutable_standing_approval());
  return absl::OkStatus();
}

absl::Status LeaveServiceImpl::DoRevokeStandingApproval(
    const auth::Principal& principal, const v1::RevokeStandingApprovalRequest& request,
    v1::RevokeStandingApprovalResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kBureauApprove); !st.ok()) {
    return AuditDenied(principal, "RevokeStandingApproval", request.case_id(), request.request_id(),
                       st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = CheckUuidField(request.standing_approval_id(), "standing_approval_id",
                               "a standing approval id (UUID)");
      !st.ok()) {
    return st;
  }
  if (auto st = CheckText(request.reason(), "reason", 8000); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  auto result = store_.RevokeStandingApproval(
      principal, MutationOf(request.request_id(), request.case_id(), "RevokeStandingApproval"),
      absl::AsciiStrToLower(request.standing_approval_id()),
      [&](StandingApprovalRecord& s) -> absl::Status {
        if (s.revoked_on.has_value()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "the standing approval was already revoked on ", time::FormatDate(*s.revoked_on)));
        }
        if (s.valid_until < today) {
          return absl::FailedPreconditionError("the standing approval has already expired");
        }
        s.revoked_on = today;
        s.revoke_reason = request.reason();
        return absl::OkStatus();
      },
      [&](const CaseRecord& c, const StandingApprovalRecord& s) {
        return StandingEvent(c, s, now, principal.subject);
      });
  if (!result.ok()) return result.status();
  StandingToProto(*result, response->mutable_standing_approval());
  return absl::OkStatus();
}

absl::Status LeaveServiceImpl::DoListLeaves(const auth::Principal& principal,
                                            const v1::ListLeavesRequest& request,
                                            v1::ListLeavesResponse* response,
                                            const std::string& call_id) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRead); !st.ok()) {
    return AuditDenied(principal, "ListLeaves", request.case_id(), call_id, st);
  }
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  const int page_size = CheckPageSize(request.page_size(), 50, 500, &violations);
  std::string after;
  if (!request.page_token().empty()) {
    auto cursor = DecodeToken(kLeavesToken, request.page_token());
    if (!cursor.has_value() || !ids::IsUuid(*cursor)) {
      violations.push_back({"page_token", "is not a token from a previous ListLeaves response"});
    } else {
      after = *cursor;
    }
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  auto leaves = store_.ListLeaves(principal, absl::AsciiStrToLower(request.case_id()), after,
                                  page_size + 1, call_id);
  if (!leaves.ok()) return leaves.status();
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  for (size_t i = 0; i < leaves->leaves.size() && static_cast<int>(i) < page_size; ++i) {
    LeaveToProto(leaves->leaves[i], today, response->add_leaves());
  }
  if (static_cast<int>(leaves->leaves.size()) > page_size) {
    response->set_next_page_token(
        EncodeToken(kLeavesToken, leaves->leaves[page_size - 1].leave_id));
  }
  for (const auto& s : leaves->standing_approvals) {
    StandingToProto(s, response->add_standing_approvals());
  }
  return absl::OkStatus();
}

absl::Status LeaveServiceImpl::DoListLeavesNotReturned(
    const auth::Principal& principal, const v1::ListLeavesNotReturnedRequest& request,
    v1::ListLeavesNotReturnedResponse* response, const std::string& call_id) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRead); !st.ok()) {
    return AuditDenied(principal, "ListLeavesNotReturned", "", call_id, st);
  }
  std::vector<FieldViolation> violations;
  const std::string& district = request.district_code();
  CheckListDistrict(principal, district, &violations);
  const int page_size = CheckPageSize(request.page_size(), 100, 500, &violations);
  std::string after;
  if (!request.page_token().empty()) {
    auto cursor = DecodeToken(kNotReturnedToken, request.page_token());
    if (!cursor.has_value() || !ids::IsUuid(*cursor)) {
      violations.push_back(
          {"page_token", "is not a token from a previous ListLeavesNotReturned response"});
    } else {
      after = *cursor;
    }
  }
  auto as_of = DateField(request.as_of(), "as_of", &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::CivilDay day = as_of.value_or(time::ShanghaiDay(clock_.Now()));
  auto rows = store_.ListLeavesNotReturned(principal, district, day, after, page_size + 1, call_id);
  if (!rows.ok()) return rows.status();
  for (size_t i = 0; i < rows->size() && static_cast<int>(i) < page_size; ++i) {
    const LeaveNotReturnedRow& r = (*rows)[i];
    auto* item = response->add_items();
    item->set_case_id(r.case_id);
    item->set_case_number(r.case_number);
    item->set_district_code(r.district_code);
    item->set_leave_id(r.leave_id);
    *item->mutable_end_date() = ToProtoDate(r.end_date);
    item->set_days_overdue(static_cast<int32_t>(day - r.end_date));
    item->set_rule(absl::StrCat("the return from leave (销假) is reported by the leave's last day ",
                                time::FormatDate(r.end_date),
                                "; none recorded (practice; a late return is a violation; policy ",
                                PolicyOn(day).version, ")"));
    item->set_policy_version(PolicyOn(day).version);
  }
  if (static_cast<int>(rows->size()) > page_size) {
    response->set_next_page_token(EncodeToken(kNotReturnedToken, (*rows)[page_size - 1].leave_id));
  }
  response->set_policy_version(PolicyOn(day).version);
  return absl::OkStatus();
}

CCMS_UNARY_HANDLER(LeaveServiceImpl, RequestLeave)
CCMS_UNARY_HANDLER(LeaveServiceImpl, ApproveLeave)
CCMS_UNARY_HANDLER(LeaveServiceImpl, RejectLeave)
CCMS_UNARY_HANDLER(LeaveServiceImpl, CancelLeave)
CCMS_UNARY_HANDLER(LeaveServiceImpl, RecordLeaveReturn)
CCMS_UNARY_HANDLER(LeaveServiceImpl, GrantStandingApproval)
CCMS_UNARY_HANDLER(LeaveServiceImpl, RevokeStandingApproval)
CCMS_UNARY_HANDLER_WITH_CALL_ID(LeaveServiceImpl, ListLeaves)
CCMS_UNARY_HANDLER_WITH_CALL_ID(LeaveServiceImpl, ListLeavesNotReturned)

}  // namespace ccms::records
