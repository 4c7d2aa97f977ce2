// The exit-restriction filing (限制出境报备) with the exit-and-entry authority at intake and its
// lifting at the end of supervision (domain/exit_restriction.h): IntakeServiceImpl records them,
// SupervisionServiceImpl lists them when overdue (ListOverdue).
#include "absl/strings/ascii.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/records/domain/access.h"
#include "services/records/intake_service.h"
#include "services/records/supervision_service.h"

namespace ccms::records {

using grpc_util::FieldViolation;
using grpc_util::ToProtoDate;

absl::Status IntakeServiceImpl::DoRecordExitRestriction(
    const auth::Principal& principal, const v1::RecordExitRestrictionRequest& request,
    v1::RecordExitRestrictionResponse* response) {
  constexpr char kAction[] = "RecordExitRestriction";
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRecordIntake); !st.ok()) {
    return AuditDenied(principal, kAction, request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  ExitRestrictionRecord record;
  if (request.action() == v1::EXIT_RESTRICTION_ACTION_FILED) {
    record.action = domain::ExitRestrictionAction::kFiled;
  } else if (request.action() == v1::EXIT_RESTRICTION_ACTION_LIFTED) {
    record.action = domain::ExitRestrictionAction::kLifted;
  } else {
    violations.push_back({"action", "is required (FILED or LIFTED)"});
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  record.done_on = DayNotInFuture(request.done_on(), "done_on", today, &violations);
  record.authority = std::string(absl::StripAsciiWhitespace(request.authority()));
  if (record.authority.empty() || !CheckText(record.authority, "authority", 200).ok()) {
    violations.push_back(
        {"authority", "is required (the exit-and-entry authority, at most 200 bytes)"});
  }
  if (!CheckText(request.document_number(), "document_number", 100).ok()) {
    violations.push_back({"document_number", "at most 100 bytes of text"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  record.document_number = request.document_number();
  record.filing_id = ids::NewUuid();
  auto result = store_.RecordExitRestriction(
      principal, MutationOf(request.request_id(), request.case_id(), kAction), record,
      [&](const CaseRecord&, const domain::ExitRestrictionFacts& facts,
          ExitRestrictionRecord& r) -> absl::Status {
        if (auto st = domain::CheckExitRestrictionAction(r.action, facts, r.done_on); !st.ok()) {
          return st;
        }
        // Due as the case stood before this step; counted by the version in force on the day it
        // is counted from.
        auto due = domain::ExitRestrictionDueOn(facts, policies_, r.done_on);
        if (due.has_value() && due->action == r.action) {
          r.due = due->due;
          r.late = r.done_on > due->due;
          r.policy_version = due->policy_version;
        } else {
          r.due = r.done_on;
          r.policy_version = PolicyOn(r.done_on).version;
        }
        return absl::OkStatus();
      },
      [&](const CaseRecord& c) {
        v1::ExitRestrictionRecorded payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_filing_id(record.filing_id);
        payload.set_action(request.action());
        *payload.mutable_done_on() = ToProtoDate(record.done_on);
        payload.set_late(record.late);
        return kafka::MakeEnvelope("ccms.records.exit_restriction_recorded", c.case_id,
                                   c.district_code, now, now, principal.subject, payload);
      });
  if (!result.ok()) return result.status();
  response->set_filing_id(result->resource_id);
  response->set_action(request.action());
  *response->mutable_done_on() = ToProtoDate(record.done_on);
  *response->mutable_due() = ToProtoDate(record.due);
  response->set_late(record.late);
  response->set_policy_version(record.policy_version);
  return absl::OkStatus();
}

void SupervisionServiceImpl::AddExitRestrictionOverdue(const OverdueCandidate& oc,
                                                       absl::CivilDay as_of, bool filing,
                                                       bool lifting,
                                                       v1::ListOverdueResponse* out) const {
  domain::ExitRestrictionFacts facts;
  facts.status = oc.c.status;
  facts.intake_reported_on = oc.c.intake_reported_on;
  facts.end_date = oc.c.end_date;
  facts.closed_on = oc.c.closed_on;
  facts.filed_on = oc.exit_filed_on;
  facts.lifted_on = oc.exit_lifted_on;
  auto due = domain::ExitRestrictionDueOn(facts, policies_, as_of);
  if (!due.has_value() || due->days_overdue <= 0) return;
  const bool is_filing = due->action == domain::ExitRestrictionAction::kFiled;
  if ((is_filing && !filing) || (!is_filing && !lifting)) return;
  auto* item = out->add_items();
  item->set_case_id(oc.c.case_id);
  item->set_case_number(oc.c.case_number);
  item->set_district_code(oc.c.district_code);
  item->set_office_id(oc.c.office_id);
  item->set_kind(is_filing ? v1::OVERDUE_KIND_EXIT_RESTRICTION_FILING
                           : v1::OVERDUE_KIND_EXIT_RESTRICTION_LIFTING);
  item->set_days_overdue(due->days_overdue);
  *item->mutable_due() = ToProtoDate(due->due);
  item->set_rule(due->rule);
}

CCMS_UNARY_HANDLER(IntakeServiceImpl, RecordExitRestriction)

}  // namespace ccms::records
