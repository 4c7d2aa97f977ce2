#include "services/records/order_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/records/domain/access.h"
#include "services/records/domain/orders_rules.h"

namespace ccms::records {
namespace {

using grpc_util::FieldViolation;
using grpc_util::ToProtoDate;

constexpr int kMaxWithinDays = 366;

// A domain INVALID_ARGUMENT "field: what" becomes a field violation; other errors pass.
absl::Status AsFieldViolation(const absl::Status& st) {
  if (st.code() != absl::StatusCode::kInvalidArgument) return st;
  const std::string msg(st.message());
  const size_t colon = msg.find(": ");
  if (colon == std::string::npos) return st;
  return grpc_util::InvalidArgumentWithViolations({{msg.substr(0, colon), msg.substr(colon + 2)}});
}

v1::MonitoringOrderStatus ToProtoStatus(domain::MonitoringStatus s) {
  switch (s) {
    case domain::MonitoringStatus::kScheduled:
      return v1::MONITORING_ORDER_STATUS_SCHEDULED;
    case domain::MonitoringStatus::kActive:
      return v1::MONITORING_ORDER_STATUS_ACTIVE;
    case domain::MonitoringStatus::kExpired:
      return v1::MONITORING_ORDER_STATUS_EXPIRED;
    case domain::MonitoringStatus::kEnded:
      return v1::MONITORING_ORDER_STATUS_ENDED;
  }
  return v1::MONITORING_ORDER_STATUS_UNSPECIFIED;
}

// The proto enums follow the domain enums' order, one past UNSPECIFIED.
v1::MonitoringGround ToProtoGround(domain::MonitoringGround g) {
  return static_cast<v1::MonitoringGround>(static_cast<int>(g) + 1);
}

v1::MonitoringEndReason ToProtoEndReason(domain::MonitoringEndReason r) {
  return static_cast<v1::MonitoringEndReason>(static_cast<int>(r) + 1);
}

void ToProtoOrder(const MonitoringOrderRecord& o, absl::CivilDay today, v1::MonitoringOrder* out) {
  out->set_order_id(o.order_id);
  out->set_case_id(o.case_id);
  for (auto g : o.grounds) out->add_grounds(ToProtoGround(g));
  *out->mutable_starts_on() = ToProtoDate(o.starts_on);
  *out->mutable_ends_on() = ToProtoDate(o.ends_on);
  *out->mutable_original_ends_on() = ToProtoDate(o.original_ends_on);
  out->set_renewals(o.renewals);
  if (o.ended_on.has_value()) *out->mutable_ended_on() = ToProtoDate(*o.ended_on);
  if (o.end_reason.has_value()) out->set_end_reason(ToProtoEndReason(*o.end_reason));
  out->set_status(ToProtoStatus(domain::MonitoringStatusOn(o.Facts(), today)));
  out->set_approved_by(o.approved_by);
  out->set_policy_version(o.policy_version);
}

v1::MonitoringOrderChanged OrderPayload(const CaseRecord& c, const MonitoringOrderRecord& o,
                                        const std::string& policy_version) {
  v1::MonitoringOrderChanged p;
  p.set_case_id(c.case_id);
  p.set_district_code(c.district_code);
  p.set_order_id(o.order_id);
  for (auto g : o.grounds) p.add_grounds(std::string(domain::MonitoringGroundName(g)));
  *p.mutable_starts_on() = ToProtoDate(o.starts_on);
  *p.mutable_ends_on() = ToProtoDate(o.ends_on);
  p.set_renewals(o.renewals);
  p.set_policy_version(policy_version);
  return p;
}

// The district and page checks shared by the two lists.
struct ListArgs {
  std::string district;
  int page_size = 100;
  absl::CivilDay as_of;
  int within_days = 0;
};

std::vector<FieldViolation> CheckListArgs(const auth::Principal& principal,
                                          const std::string& district, int32_t page_size,
                                          const google::type::Date& as_of, int32_t within_days,
                                          absl::CivilDay today, ListArgs* out) {
  std::vector<FieldViolation> violations;
  CheckListDistrict(principal, district, &violations);
  out->page_size = CheckPageSize(page_size, 100, 500, &violations);
  if (within_days < 0 || within_days > kMaxWithinDays) {
    violations.push_back({"within_days", absl::StrCat("must be between 0 and ", kMaxWithinDays)});
  }
  auto day = DateField(as_of, "as_of", &violations);
  out->district = district;
  out->as_of = day.value_or(today);
  out->within_days = within_days;
  return violations;
}

}  // namespace

absl::Status OrderServiceImpl::DoOrderMonitoring(const auth::Principal& principal,
                                                 const v1::OrderMonitoringRequest& request,
                                                 v1::OrderMonitoringResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kBureauApprove); !st.ok()) {
    return AuditDenied(principal, "OrderMonitoring", request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  std::vector<domain::MonitoringGround> grounds;
  for (int g : request.grounds()) {
    auto parsed = domain::ParseMonitoringGround(
        grpc_util::EnumSuffix(v1::MonitoringGround_descriptor(), g, "MONITORING_GROUND_"));
    if (!parsed.has_value()) {
      violations.push_back({"grounds", "holds an unknown ground"});
      break;
    }
    if (std::find(grounds.begin(), grounds.end(), *parsed) == grounds.end()) {
      grounds.push_back(*parsed);
    }
  }
  auto starts = DateField(request.starts_on(), "starts_on", &violations);
  const absl::CivilDay starts_on = starts.value_or(today);
  if (starts_on > today) violations.push_back({"starts_on", "must not be in the future"});
  auto ends = RequiredDateField(request.ends_on(), "ends_on", &violations);
  // The order's length is counted from its start, by the version in force then.
  const domain::RecordsPolicy& policy = PolicyOn(starts_on);
  if (violations.empty() && ends.has_value()) {
    for (const auto& v : domain::ValidateNewOrder(grounds, starts_on, *ends, policy)) {
      violations.push_back({v.field, v.description});
    }
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);

  MonitoringOrderRecord order;
  order.order_id = ids::NewUuid();
  order.grounds = grounds;
  order.starts_on = starts_on;
  order.ends_on = *ends;
  order.original_ends_on = *ends;
  order.policy_version = policy.version;
  auto result = store_.OrderMonitoring(
      principal, MutationOf(request.request_id(), request.case_id(), "OrderMonitoring"), order,
      [&](const CaseRecord& c, const domain::LadderFacts& ladder,
          const std::vector<domain::MonitoringOrderFacts>& existing) {
        return domain::CheckNewOrder(grounds, starts_on, *ends, c.end_date, ladder, existing);
      },
      [&](const CaseRecord& c, const MonitoringOrderRecord& o) {
        return kafka::MakeEnvelope("ccms.records.monitoring_ordered", c.case_id, c.district_code,
                                   now, now, principal.subject, OrderPayload(c, o, policy.version));
      });
  if (!result.ok()) return result.status();
  ToProtoOrder(*result, today, response->mutable_order());
  return absl::OkStatus();
}

absl::Status OrderServiceImpl::DoRenewMonitoring(const auth::Principal& principal,
                                                 const v1::RenewMonitoringRequest& request,
                                                 v1::RenewMonitoringResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kBureauApprove); !st.ok()) {
    return AuditDenied(principal, "RenewMonitoring", request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  if (!ids::IsUuid(request.order_id())) {
    violations.push_back({"order_id", "must be a monitoring order id (UUID)"});
  }
  auto renewed = DateField(request.renewed_on(), "renewed_on", &violations);
  const absl::CivilDay renewed_on = renewed.value_or(today);
  if (renewed_on > today) violations.push_back({"renewed_on", "must not be in the future"});
  auto new_end = RequiredDateField(request.new_ends_on(), "new_ends_on", &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);

  MonitoringChange change{absl::AsciiStrToLower(request.order_id()), ids::NewUuid(), renewed_on};
  absl::CivilDay previous_ends_on;
  std::string policy_version;
  auto result = store_.ChangeMonitoring(
      principal, MutationOf(request.request_id(), request.case_id(), "RenewMonitoring"), change,
      [&](const CaseRecord& c, MonitoringOrderRecord& o) -> absl::Status {
        // A renewal is counted from the order's current end, by the version in force then.
        const domain::RecordsPolicy& policy = PolicyOn(o.ends_on);
        policy_version = policy.version;
        absl::Status st = domain::CheckRenewal(o.Facts(), renewed_on, *new_end, c.end_date, policy);
        if (!st.ok()) return AsFieldViolation(st);
        previous_ends_on = o.ends_on;
        o.ends_on = *new_end;
        ++o.renewals;
        return absl::OkStatus();
      },
      [&](const CaseRecord& c, const MonitoringOrderRecord& o) {
        v1::MonitoringOrderChanged payload = OrderPayload(c, o, policy_version);
        *payload.mutable_previous_ends_on() = ToProtoDate(previous_ends_on);
        return kafka::MakeEnvelope("ccms.records.monitoring_renewed", c.case_id, c.district_code,
                                   now, now, principal.subject, payload);
      });
  if (!result.ok()) return result.status();
  ToProtoOrder(*result, today, response->mutable_order());
  return absl::OkStatus();
}

absl::Status OrderServiceImpl::DoEndMonitoring(const auth::Principal& principal,
                                               const v1::EndMonitoringRequest& request,
                                               v1::EndMonitoringResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kBureauApprove); !st.ok()) {
    return AuditDenied(principal, "EndMonitoring", request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  if (!ids::IsUuid(request.order_id())) {
    violations.push_back({"order_id", "must be a monitoring order id (UUID)"});
  }
  auto ended = DateField(request.ended_on(), "ended_on", &violations);
  const absl::CivilDay ended_on = ended.value_or(today);
  if (ended_on > today) violations.push_back({"ended_on", "must not be in the future"});
  const std::optional<domain::MonitoringEndReason> reason =
      domain::ParseMonitoringEndReason(grpc_util::EnumSuffix(
          v1::MonitoringEndReason_descriptor(), request.reason(), "MONITORING_END_REASON_"));
  if (!reason.has_value()) violations.push_back({"reason", "is required"});
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);

  MonitoringChange change{absl::AsciiStrToLower(request.order_id()), "", ended_on};
  auto result = store_.ChangeMonitoring(
      principal, MutationOf(request.request_id(), request.case_id(), "EndMonitoring"), change,
      [&](const CaseRecord&, MonitoringOrderRecord& o) -> absl::Status {
        if (absl::Status st = domain::CheckEndOrder(o.Facts(), ended_on); !st.ok()) return st;
        o.ended_on = ended_on;
        o.end_reason = reason;
        return absl::OkStatus();
      },
      [&](const CaseRecord& c, const MonitoringOrderRecord& o) {
        v1::MonitoringOrderChanged payload = OrderPayload(c, o, PolicyOn(ended_on).version);
        *payload.mutable_ended_on() = ToProtoDate(ended_on);
        payload.set_end_reason(std::string(domain::MonitoringEndReasonName(*reason)));
        return kafka::MakeEnvelope("ccms.records.monitoring_ended", c.case_id, c.district_code, now,
                                   now, principal.subject, payload);
      });
  if (!result.ok()) return result.status();
  ToProtoOrder(*result, today, response->mutable_order());
  return absl::OkStatus();
}

absl::Status OrderServiceImpl::DoListMonitoringExpiring(
    const auth::Principal& principal, const v1::ListMonitoringExpiringRequest& request,
    v1::ListMonitoringExpiringResponse* response, const std::string& call_id) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRead); !st.ok()) {
    return AuditDenied(principal, "ListMonitoringExpiring", "", call_id, st);
  }
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  ListArgs args;
  std::vector<FieldViolation> violations =
      CheckListArgs(principal, request.district_code(), request.page_size(), request.as_of(),
                    request.has_within_days() ? request.within_days() : 7, today, &args);
  std::optional<absl::CivilDay> after_ends_on;
  std::string after_order;
  if (!request.page_token().empty()) {
    // The cursor: "YYYY-MM-DD/<order id>" of the last item of the previous page.
    auto cursor = DecodeToken("m1:", request.page_token());
    std::vector<std::string> parts;
    if (cursor.has_value()) parts = absl::StrSplit(*cursor, '/');
    if (parts.size() != 2 || !time::ParseDate(parts[0]).has_value() || !ids::IsUuid(parts[1])) {
      violations.push_back({"page_token", "is not a token from a previous response"});
    } else {
      after_ends_on = time::ParseDate(parts[0]);
      after_order = parts[1];
    }
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  auto rows = store_.ListMonitoringExpiring(principal, args.district, args.as_of,
                                            args.as_of + args.within_days, after_ends_on,
                                            after_order, args.page_size + 1);
  if (!rows.ok()) return rows.status();
  const domain::RecordsPolicy& policy = PolicyOn(args.as_of);
  const std::string rule =
      absl::StrCat("an order lasts at most ", policy.monitoring_max_months_per_order,
                   " months, a renewal adds at most ", policy.monitoring_max_months_per_renewal,
                   " and must be decided before expiry (Law art. 29; policy ", policy.version, ")");
  for (size_t i = 0; i < rows->size(); ++i) {
    const MonitoringOrderRecord& o = (*rows)[i];
    if (static_cast<int>(i) == args.page_size) {
      const MonitoringOrderRecord& last = (*rows)[i - 1];
      response->set_next_page_token(
          EncodeToken("m1:", absl::StrCat(time::FormatDate(last.ends_on), "/", last.order_id)));
      break;
    }
    // The store selects by the same rule; the domain decides the days left.
    auto days_left = domain::DaysLeftIfExpiring(o.Facts(), args.as_of, args.within_days);
    if (!days_left.has_value()) continue;
    auto* item = response->add_items();
    item->set_case_id(o.case_id);
    item->set_case_number(o.case_number);
    item->set_district_code(o.district_code);
    item->set_order_id(o.order_id);
    *item->mutable_ends_on() = ToProtoDate(o.ends_on);
    item->set_days_left(*days_left);
    item->set_rule(rule);
    item->set_policy_version(policy.version);
  }
  response->set_policy_version(policy.version);
  return audit_.AppendAudit(principal, "ListMonitoringExpiring", "",
                            absl::StrCat("OK ", response->items_size(), " items"), call_id);
}

absl::Status OrderServiceImpl::DoRecordHealthReport(const auth::Principal& principal,
                                                    const v1::RecordHealthReportRequest& request,
                                                    v1::RecordHealthReportResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRecordContact); !st.ok()) {
    return AuditDenied(principal, "RecordHealthReport", request.case_id(), request.request_id(),
                       st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  auto on = DayNotInFuture(request.received_on(), "received_on", today);
  if (!on.ok()) return on.status();
  NewHealthReport report{ids::NewUuid(), *on};
  auto result = store_.RecordHealthReport(
      principal, MutationOf(request.request_id(), request.case_id(), "RecordHealthReport"), report,
      [&](const CaseRecord& c) {
        return domain::CheckMedicalRecord(c.sentence_kind, c.intake_reported_on, *on);
      },
      [&](const CaseRecord& c) {
        v1::MedicalRecordAdded payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_record_id(report.report_id);
        payload.set_kind("HEALTH_REPORT");
        *payload.mutable_on() = ToProtoDate(*on);
        // The next one is counted from this one, by the version in force on its day.
        payload.set_policy_version(PolicyOn(*on).version);
        return kafka::MakeEnvelope("ccms.records.health_report_recorded", c.case_id,
                                   c.district_code, now, now, principal.subject, payload);
      });
  if (!result.ok()) return result.status();
  response->set_report_id(result->resource_id);
  auto facts = store_.ListMedicalCandidates(principal, "", "", today, 1,
                                            absl::AsciiStrToLower(request.case_id()));
  if (facts.ok() && !facts->empty()) {
    const MedicalCandidate& mc = facts->front();
    const domain::MedicalFacts medical{*mc.c.intake_reported_on, mc.last_health_report,
                                       mc.last_medical_review};
    const domain::MedicalDueKind kind = domain::MedicalDueKind::kHealthReport;
    *response->mutable_next_due() = ToProtoDate(
        domain::NextMedicalDue(medical, kind, PolicyOn(domain::MedicalDueFrom(medical, kind))));
  }
  return absl::OkStatus();
}

absl::Status OrderServiceImpl::DoRecordMedicalReview(const auth::Principal& principal,
                                                     const v1::RecordMedicalReviewRequest& request,
                                                     v1::RecordMedicalReviewResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kEnforce); !st.ok()) {
    return AuditDenied(principal, "RecordMedicalReview", request.case_id(), request.request_id(),
                       st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  auto reviewed = DateField(request.reviewed_on(), "reviewed_on", &violations);
  const absl::CivilDay reviewed_on = reviewed.value_or(today);
  if (reviewed_on > today) violations.push_back({"reviewed_on", "must not be in the future"});
  if (absl::StripAsciiWhitespace(request.institution()).empty()) {
    violations.push_back({"institution", "is required"});
  } else if (request.institution().size() > 200) {
    violations.push_back({"institution", "is too long (at most 200 bytes)"});
  }
  const std::optional<domain::MedicalReviewOutcome> outcome =
      domain::ParseMedicalReviewOutcome(grpc_util::EnumSuffix(
          v1::MedicalReviewOutcome_descriptor(), request.outcome(), "MEDICAL_REVIEW_OUTCOME_"));
  if (!outcome.has_value()) violations.push_back({"outcome", "is required"});
  if (request.details().size() > 8000) {
    violations.push_back({"details", "is too long (at most 8000 bytes)"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  NewMedicalReview review{ids::NewUuid(), reviewed_on, request.institution(), *outcome,
                          request.details()};
  auto result = store_.RecordMedicalReview(
      principal, MutationOf(request.request_id(), request.case_id(), "RecordMedicalReview"), review,
      [&](const CaseRecord& c) {
        return domain::CheckMedicalRecord(c.sentence_kind, c.intake_reported_on, reviewed_on);
      },
      [&](const CaseRecord& c) {
        v1::MedicalRecordAdded payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_record_id(review.review_id);
        payload.set_kind("MEDICAL_REVIEW");
        *payload.mutable_on() = ToProtoDate(reviewed_on);
        payload.set_outcome(std::string(domain::MedicalReviewOutcomeName(*outcome)));
        // The next one is counted from this one, by the version in force on its day.
        payload.set_policy_version(PolicyOn(reviewed_on).version);
        return kafka::MakeEnvelope("ccms.records.medical_review_recorded", c.case_id,
                                   c.district_code, now, now, principal.subject, payload);
      });
  if (!result.ok()) return result.status();
  response->set_review_id(result->resource_id);
  auto facts = store_.ListMedicalCandidates(principal, "", "", today, 1,
                                            absl::AsciiStrToLower(request.case_id()));
  if (facts.ok() && !facts->empty()) {
    const MedicalCandidate& mc = facts->front();
    const domain::MedicalFacts medical{*mc.c.intake_reported_on, mc.last_health_report,
                                       mc.last_medical_review};
    const domain::MedicalDueKind kind = domain::MedicalDueKind::kMedicalReview;
    *response->mutable_next_due() = ToProtoDate(
        domain::NextMedicalDue(medical, kind, PolicyOn(domain::MedicalDueFrom(medical, kind))));
  }
  return absl::OkStatus();
}

absl::Status OrderServiceImpl::DoListMedicalDue(const auth::Principal& principal,
                                                const v1::ListMedicalDueRequest& request,
                                                v1::ListMedicalDueResponse* response,
                                                const std::string& call_id) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRead); !st.ok()) {
    return AuditDenied(principal, "ListMedicalDue", "", call_id, st);
  }
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  ListArgs args;
  std::vector<FieldViolation> violations =
      CheckListArgs(principal, request.district_code(), request.page_size(), request.as_of(),
                    request.within_days(), today, &args);
  std::string after;
  if (!request.page_token().empty()) {
    auto cursor = DecodeToken("d1:", request.page_token());
    if (!cursor.has_value() || !ids::IsUuid(*cursor)) {
      violations.push_back({"page_token", "is not a token from a previous response"});
    } else {
      after = *cursor;
    }
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  // Pages hold whole cases (both kinds of one case stay together), page_size cases at most.
  auto rows =
      store_.ListMedicalCandidates(principal, args.district, after, args.as_of, args.page_size + 1);
  if (!rows.ok()) return rows.status();
  const absl::CivilDay last_day = args.as_of + args.within_days;
  for (size_t i = 0; i < rows->size(); ++i) {
    const MedicalCandidate& mc = (*rows)[i];
    if (static_cast<int>(i) == args.page_size) {
      response->set_next_page_token(EncodeToken("d1:", (*rows)[i - 1].c.case_id));
      break;
    }
    if (!mc.c.intake_reported_on.has_value()) continue;
    const domain::MedicalFacts facts{*mc.c.intake_reported_on, mc.last_health_report,
                                     mc.last_medical_review};
    for (const domain::MedicalDue& d : domain::MedicalDueOn(facts, policies_, args.as_of)) {
      if (d.due > last_day) continue;
      auto* item = response->add_items();
      item->set_case_id(mc.c.case_id);
      item->set_case_number(mc.c.case_number);
      item->set_district_code(mc.c.district_code);
      item->set_office_id(mc.c.office_id);
      item->set_kind(d.kind == domain::MedicalDueKind::kHealthReport
                         ? v1::MEDICAL_DUE_KIND_HEALTH_REPORT
                         : v1::MEDICAL_DUE_KIND_MEDICAL_REVIEW);
      *item->mutable_due() = ToProtoDate(d.due);
      item->set_days_overdue(d.days_overdue);
      item->set_rule(d.rule);
      item->set_policy_version(d.policy_version);
    }
  }
  response->set_policy_version(PolicyOn(args.as_of).version);
  return audit_.AppendAudit(principal, "ListMedicalDue", "",
                            absl::StrCat("OK ", response->items_size(), " items"), call_id);
}

CCMS_UNARY_HANDLER(OrderServiceImpl, OrderMonitoring)
CCMS_UNARY_HANDLER(OrderServiceImpl, RenewMonitoring)
CCMS_UNARY_HANDLER(OrderServiceImpl, EndMonitoring)
CCMS_UNARY_HANDLER_WITH_CALL_ID(OrderServiceImpl, ListMonitoringExpiring)
CCMS_UNARY_HANDLER(OrderServiceImpl, RecordHealthReport)
CCMS_UNARY_HANDLER(OrderServiceImpl, RecordMedicalReview)
CCMS_UNARY_HANDLER_WITH_CALL_ID(OrderServiceImpl, ListMedicalDue)

}  // namespace ccms::records
