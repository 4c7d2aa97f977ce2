// RecordsServiceImpl: the discharge summary, post-discharge follow-up visits, the discharge and
// follow-up lists, and exports (minors' identities withheld).
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
#include "services/records/domain/discharge_rules.h"
#include "services/records/handler_support.h"
#include "services/records/records_service.h"

namespace ccms::records {
namespace {

using grpc_util::FieldViolation;
using grpc_util::ToProtoDate;

}  // namespace

absl::Status RecordsServiceImpl::DoRecordDischargeSummary(
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

absl::Status RecordsServiceImpl::DoRecordFollowUpVisit(
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

absl::Status RecordsServiceImpl::DoListDischargesDue(const auth::Principal& principal,
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
    item->set_rule(
        absl::StrCat(r.end_date < day ? "the term ended; discharge (Law art. 44) is overdue"
                                      : "discharge on the end date (Law art. 44)",
                     r.summary_received ? "; personal summary received"
                                        : absl::StrCat("; personal summary due from ",
                                                       time::FormatDate(domain::SummaryWindowOpens(
                                                           r.end_date, PolicyOn(r.end_date))))));
  }
  if (more && !rows->empty()) {
    response->set_next_page_token(EncodeToken("d1:", rows->back().case_id));
  }
  response->set_policy_version(PolicyOn(day).version);
  return absl::OkStatus();
}

absl::Status RecordsServiceImpl::DoListFollowUpsDue(const auth::Principal& principal,
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

absl::Status RecordsServiceImpl::DoExportCases(const auth::Principal& principal,
                                               const v1::ExportCasesRequest& request,
                                               v1::ExportCasesResponse* response,
                                               const std::string& call_id) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kExport); !st.ok()) {
    return AuditDenied(principal, "ExportCases", "", call_id, st);
  }
  std::vector<FieldViolation> violations;
  CheckListDistrict(principal, request.district_code(), &violations);
  ExportFilter filter;
  filter.district_code = request.district_code();
  filter.limit = CheckPageSize(request.page_size(), 500, 1000, &violations);
  if (request.status() != v1::CASE_STATUS_UNSPECIFIED) {
    filter.status = FromProto(request.status());
    if (filter.status == domain::CaseStatus::kUnspecified) {
      violations.push_back({"status", "is not a case status"});
    }
  }
  if (!request.page_token().empty()) {
    auto cursor = DecodeToken("e1:", request.page_token());
    if (!cursor.has_value() || !ids::IsUuid(*cursor)) {
      violations.push_back({"page_token", "is not a token from a previous ExportCases response"});
    } else {
      filter.after_case_id = *cursor;
    }
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  auto page = store_.ExportCases(principal, filter, call_id);
  if (!page.ok()) return page.status();
  const std::vector<CaseRecord>& cases = page->cases;
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  int withheld = 0;
  for (const auto& c : cases) {
    auto* row = response->add_rows();
    row->set_case_id(c.case_id);
    row->set_case_number(c.case_number);
    row->set_status(ToProto(c.status));
    row->set_district_code(c.district_code);
    row->set_office_id(c.office_id);
    row->set_sentence_kind(ToProto(c.sentence_kind));
    row->set_offence_category(c.offence_category);
    *row->mutable_start_date() = ToProtoDate(c.start_date);
    *row->mutable_end_date() = ToProtoDate(c.end_date);
    row->set_sex(ToProto(c.sex));
    row->set_age_on_export(static_cast<int32_t>(time::YearsBetween(c.birth_date, today)));
    row->set_minor(c.minor);
    row->set_supervision_level(ToProtoLevel(domain::LevelOn(
        {c.intake_reported_on, c.assessed_level, c.level_effective_on}, today, PolicyOn(today))));
    // Minors' identities never leave in an export (Law art. 58; DESIGN.md §6), whatever their
    // age today.
    if (c.minor) {
      row->set_identity_withheld(true);
      ++withheld;
    } else {
      row->set_name(c.name);
      *row->mutable_birth_date() = ToProtoDate(c.birth_date);
    }
  }
  response->set_identities_withheld(withheld);
  if (page->more && !cases.empty()) {
    response->set_next_page_token(EncodeToken("e1:", cases.back().case_id));
  }
  return absl::OkStatus();
}

CCMS_UNARY_HANDLER(RecordsServiceImpl, RecordDischargeSummary)
CCMS_UNARY_HANDLER(RecordsServiceImpl, RecordFollowUpVisit)
CCMS_UNARY_HANDLER(RecordsServiceImpl, ListDischargesDue)
CCMS_UNARY_HANDLER(RecordsServiceImpl, ListFollowUpsDue)
CCMS_UNARY_HANDLER_WITH_CALL_ID(RecordsServiceImpl, ExportCases)

}  // namespace ccms::records
