#include "services/records/discharge_service.h"


#include <algorithm>

#include "absl/strings/str_cat.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/records/domain/access.h"
#include "services/records/domain/discharge_rules.h"
#include "services/records/follow_through_proto.h"

namespace ccms::records {
namespace {

using grpc_util::FieldViolation;
using grpc_util::ToProtoDate;

}  // namespace

absl::Status DischargeServiceImpl::DoDischarge(const auth::Principal& principal,
                                               const v1::DischargeRequest& request,
                                               v1::DischargeResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kEnforce); !st.ok()) {
    return AuditDenied(principal, "Discharge", request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  if (request.certificate_number().empty() || request.certificate_number().size() > 64) {
    return grpc_util::InvalidArgumentWithViolations(
        {{"certificate_number", "is required (at most 64 characters)"}});
  }
  const absl::Time now = clock_.Now();
  auto on = DayNotInFuture(request.discharged_on(), "discharged_on", time::ShanghaiDay(now));
  if (!on.ok()) return on.status();
  CaseEnding ending{*on, request.certificate_number(), request.announced(),
                    domain::FollowUpsDue(*on, PolicyOn(*on))};
  auto c = store_.EndCase(
      principal, MutationOf(request.request_id(), request.case_id(), "Discharge"), ending,
      [&](const CaseRecord& c, const domain::LadderFacts&) -> absl::StatusOr<domain::CaseStatus> {
        if (auto st = domain::CheckDischarge(c.status, c.end_date, *on); !st.ok()) return st;
        return domain::CaseStatus::kDischarged;
      },
      [&](const CaseRecord& c) {
        v1::CaseClosed payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_reason(v1::CASE_CLOSE_REASON_DISCHARGED);
        *payload.mutable_closed_on() = ToProtoDate(*on);
        return kafka::MakeEnvelope("ccms.records.case_closed", c.case_id, c.district_code, now, now,
                                   principal.subject, payload);
      });
  if (!c.ok()) return c.status();
  CaseToProto(*c, response->mutable_case_());
  for (const auto& due : ending.follow_ups) *response->add_follow_ups_due() = ToProtoDate(due);
  return absl::OkStatus();
}

absl::Status DischargeServiceImpl::DoCloseCase(const auth::Principal& principal,
                                               const v1::CloseCaseRequest& request,
                                               v1::CloseCaseResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kEnforce); !st.ok()) {
    return AuditDenied(principal, "CloseCase", request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  domain::CloseReason reason;
  if (request.reason() == v1::CASE_CLOSE_REASON_REVOKED) {
    reason = domain::CloseReason::kRevoked;
  } else if (request.reason() == v1::CASE_CLOSE_REASON_DECEASED) {
    reason = domain::CloseReason::kDeceased;
  } else {
    return grpc_util::InvalidArgumentWithViolations(
        {{"reason", "must be REVOKED or DECEASED (a discharge is Discharge)"}});
  }
  const absl::Time now = clock_.Now();
  auto on = DayNotInFuture(request.closed_on(), "closed_on", time::ShanghaiDay(now));
  if (!on.ok()) return on.status();
  CaseEnding ending{*on, "", false, {}};
  if (request.has_lost_contact_liability()) {
    auto liability = LiabilityFromProto(request.lost_contact_liability(), "lost_contact_liability");
    if (!liability.ok()) return liability.status();
    ending.lost_contact_liability = *liability;
  }
  std::string closed_period_id;
  ending.closed_period_id = &closed_period_id;
  CaseMutation m = MutationOf(request.request_id(), request.case_id(), "CloseCase");
  m.require_active = false;
  auto c = store_.EndCase(
      principal, m, ending,
      [&](const CaseRecord& c,
          const domain::LadderFacts& ladder) -> absl::StatusOr<domain::CaseStatus> {
        if (auto st = domain::CheckClose(reason, c.status, ladder); !st.ok()) return st;
        // A person lost when the case closes: the period ends with it, with its liability.
        const bool period_open =
            std::any_of(ladder.lost_contact.begin(), ladder.lost_contact.end(),
                        [](const domain::LostContactFact& p) { return !p.ended_on.has_value(); });
        if (auto st = domain::CheckLiabilityAtClose(period_open, ending.lost_contact_liability);
            !st.ok()) {
          return st;
        }
        return reason == domain::CloseReason::kRevoked ? domain::CaseStatus::kRevoked
                                                       : domain::CaseStatus::kDeceased;
      },
      [&](const CaseRecord& c) {
        v1::CaseClosed payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_reason(request.reason());
        *payload.mutable_closed_on() = ToProtoDate(*on);
        if (ending.lost_contact_liability.has_value()) {
          payload.set_lost_contact_period_id(closed_period_id);
          *payload.mutable_lost_contact_liability() =
              LiabilityToProto(*ending.lost_contact_liability);
        }
        return kafka::MakeEnvelope("ccms.records.case_closed", c.case_id, c.district_code, now, now,
                                   principal.subject, payload);
      });
  if (!c.ok()) return c.status();
  CaseToProto(*c, response->mutable_case_());
  return absl::OkStatus();
}

absl::StatusOr<int> DischargeServiceImpl::EmitDischargeNotices() {
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  return store_.EmitDischargeNotices(
      today, today + PolicyOn(today).discharge_summary_days_before_end, [&](const CaseRecord& c) {
        v1::DischargeApproaching payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        *payload.mutable_end_date() = ToProtoDate(c.end_date);
        return kafka::MakeEnvelope("ccms.records.discharge_approaching", c.case_id, c.district_code,
                                   now, now, "ccms-records", payload);
      });
}

absl::Status DischargeServiceImpl::DoRecordDischargeSummary(
    const auth::Principal& principal, const v1::RecordDischargeSummaryRequest& request,
    v1::RecordDischargeSummaryResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRecordContact); !st.ok()) {
    return AuditDenied(principal, "RecordDischargeSummary", request.case_id(), request.request_id(),
                       st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  auto on = DayNotInFuture(request.received_on(), "received_on", time::ShanghaiDay(now));
  if (!on.ok()) return on.status();
  absl::CivilDay window_opens;
  std::string policy_version;
  auto result = store_.RecordDischargeSummary(
      principal, MutationOf(request.request_id(), request.case_id(), "RecordDischargeSummary"), *on,
      [&](const CaseRecord& c) {
        // The window is counted back from the end of the term, by the version in force then.
        const domain::RecordsPolicy& policy = PolicyOn(c.end_date);
        policy_version = policy.version;
        window_opens = domain::SummaryWindowOpens(c.end_date, policy);
        return domain::CheckDischargeSummary(c.status, c.end_date, *on, policy);
      },
      [&](const CaseRecord& c) {
        v1::DischargeSummaryRecorded payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        *payload.mutable_received_on() = ToProtoDate(*on);
        return kafka::MakeEnvelope("ccms.records.discharge_summary_recorded", c.case_id,
                                   c.district_code, now, now, principal.subject, payload);
      });
  if (!result.ok()) return result.status();
  *response->mutable_window_opens() = ToProtoDate(window_opens);
  response->set_policy_version(policy_version);
  return absl::OkStatus();
}

absl::Status DischargeServiceImpl::DoRecordFollowUpVisit(
    const auth::Principal& principal, const v1::RecordFollowUpVisitRequest& request,
    v1::RecordFollowUpVisitResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRecordContact); !st.ok()) {
    return AuditDenied(principal, "RecordFollowUpVisit", request.case_id(), request.request_id(),
                       st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  auto on = DayNotInFuture(request.visited_on(), "visited_on", time::ShanghaiDay(now));
  if (!on.ok()) return on.status();
  if (auto st = CheckText(request.notes(), "notes", 8000); !st.ok()) return st;
  auto visit = store_.RecordFollowUpVisit(
      principal, MutationOf(request.request_id(), request.case_id(), "RecordFollowUpVisit"), *on,
      request.notes(),
      [&](const CaseRecord& c) { return domain::CheckFollowUpVisit(c.status, c.closed_on, *on); },
      [&](const CaseRecord& c, const FollowUpVisit& v) {
        v1::FollowUpVisited payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_follow_up_id(v.follow_up_id);
        *payload.mutable_due_on() = ToProtoDate(v.due_on);
        *payload.mutable_visited_on() = ToProtoDate(v.visited_on);
        return kafka::MakeEnvelope("ccms.records.follow_up_visited", c.case_id, c.district_code,
                                   now, now, principal.subject, payload);
      });
  if (!visit.ok()) return visit.status();
  response->set_follow_up_id(visit->follow_up_id);
  *response->mutable_due_on() = ToProtoDate(visit->due_on);
  for (const auto& d : visit->still_due) *response->add_still_due() = ToProtoDate(d);
  return absl::OkStatus();
}

absl::Status DischargeServiceImpl::DoListDischargesDue(const auth::Principal& principal,
                                                       const v1::ListDischargesDueRequest& request,
                                                       v1::ListDischargesDueResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRead); !st.ok()) {
    return AuditDenied(principal, "ListDischargesDue", "", "", st);
  }
  std::vector<FieldViolation> violations;
  CheckListDistrict(principal, request.district_code(), &violations);
  const int page_size = CheckPageSize(request.page_size(), 100, 500, &violations);
  std::string after;
  if (!request.page_token().empty()) {
    auto cursor = DecodeToken("d1:", request.page_token());
    if (!cursor.has_value() || !ids::IsUuid(*cursor)) {
      violations.push_back(
          {"page_token", "is not a token from a previous ListDischargesDue response"});
    } else {
      after = *cursor;
    }
  }
  auto as_of = DateField(request.as_of(), "as_of", &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::CivilDay day = as_of.value_or(time::ShanghaiDay(clock_.Now()));
  auto rows = store_.ListDischargeCandidates(principal, request.district_code(),
                                             day + PolicyOn(day).discharge_summary_days_before_end,
                                             after, page_size + 1);
  if (!rows.ok()) return rows.status();
  const bool more = static_cast<int>(rows->size()) > page_size;
  if (more) rows->pop_back();
  for (const auto& r : *rows) {
    auto* item = response->add_items();
    item->set_case_id(r.case_id);
    item->set_case_number(r.case_number);
    item->set_district_code(r.district_code);
    item->set_office_id(r.office_id);
    *item->mutable_end_date() = ToProtoDate(r.end_date);
    item->set_days_left(static_cast<int32_t>(r.end_date - day));
    item->set_summary_received(r.summary_received);
    item->set_rule(absl::StrCat(
        r.end_date < day ? "the term ended; discharge (Law art. 44) is overdue"
                         : "discharge on the end date (Law art. 44)",
        r.summary_received ? "; personal summary received"
                           : absl::StrCat("; personal summary due from ",
                                          time::FormatDate(domain::SummaryWindowOpens(
                                              r.end_date, PolicyOn(r.end_date)))),
        r.performance_report_received ? "; daily-performance report received"
                                      : "; daily-performance report due with the summary"));
    item->set_performance_report_received(r.performance_report_received);
  }
  if (more && !rows->empty()) {
    response->set_next_page_token(EncodeToken("d1:", rows->back().case_id));
  }
  response->set_policy_version(PolicyOn(day).version);
  return absl::OkStatus();
}

absl::Status DischargeServiceImpl::DoListFollowUpsDue(const auth::Principal& principal,
                                                      const v1::ListFollowUpsDueRequest& request,
                                                      v1::ListFollowUpsDueResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRead); !st.ok()) {
    return AuditDenied(principal, "ListFollowUpsDue", "", "", st);
  }
  std::vector<FieldViolation> violations;
  CheckListDistrict(principal, request.district_code(), &violations);
  const int page_size = CheckPageSize(request.page_size(), 100, 500, &violations);
  std::string after_due, after_id;
  if (!request.page_token().empty()) {
    auto cursor = DecodeToken("f1:", request.page_token());
    const size_t sep = cursor.has_value() ? cursor->find('/') : std::string::npos;
    if (sep == std::string::npos || !time::ParseDate(cursor->substr(0, sep)).has_value() ||
        !ids::IsUuid(cursor->substr(sep + 1))) {
      violations.push_back(
          {"page_token", "is not a token from a previous ListFollowUpsDue response"});
    } else {
      after_due = cursor->substr(0, sep);
      after_id = cursor->substr(sep + 1);
    }
  }
  auto as_of = DateField(request.as_of(), "as_of", &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::CivilDay day = as_of.value_or(time::ShanghaiDay(clock_.Now()));
  auto rows = store_.ListFollowUpsDue(principal, request.district_code(), day, after_due, after_id,
                                      page_size + 1);
  if (!rows.ok()) return rows.status();
  const bool more = static_cast<int>(rows->size()) > page_size;
  if (more) rows->pop_back();
  for (const auto& r : *rows) {
    auto* item = response->add_items();
    item->set_case_id(r.case_id);
    item->set_case_number(r.case_number);
    item->set_district_code(r.district_code);
    item->set_office_id(r.office_id);
    item->set_follow_up_id(r.follow_up_id);
    *item->mutable_due_on() = ToProtoDate(r.due_on);
    item->set_days_overdue(static_cast<int32_t>(day - r.due_on));
    if (r.discharged_on.has_value()) *item->mutable_discharged_on() = ToProtoDate(*r.discharged_on);
  }
  if (more && !rows->empty()) {
    response->set_next_page_token(EncodeToken(
        "f1:",
        absl::StrCat(time::FormatDate(rows->back().due_on), "/", rows->back().follow_up_id)));
  }
  return absl::OkStatus();
}

CCMS_UNARY_HANDLER(DischargeServiceImpl, Discharge)
CCMS_UNARY_HANDLER(DischargeServiceImpl, CloseCase)
CCMS_UNARY_HANDLER(DischargeServiceImpl, RecordDischargeSummary)
CCMS_UNARY_HANDLER(DischargeServiceImpl, RecordFollowUpVisit)
CCMS_UNARY_HANDLER(DischargeServiceImpl, ListDischargesDue)
CCMS_UNARY_HANDLER(DischargeServiceImpl, ListFollowUpsDue)

}  // namespace ccms::records
