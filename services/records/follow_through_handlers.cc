// Handlers of the follow-through RPCs (issue 17 items 6-8), on the handler classes of their proto
// services: OrderService.RecordMonitoringOutage, SanctionService.RecordRevocationDecision and
// RecordRevocationDetention, TransferService.RecordFileHandover; GetSanctionStatus's
// device-outage ground and ListOverdue's follow-through kinds. The rules are in
// domain/follow_through_rules.h.
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
#include "services/records/order_service.h"
#include "services/records/sanction_service.h"
#include "services/records/supervision_service.h"
#include "services/records/transfer_service.h"

namespace ccms::records {
namespace {

using grpc_util::FieldViolation;
using grpc_util::ToProtoDate;

std::string OutageRule(const domain::RecordsPolicy& policy) {
  return absl::StrCat("an outage longer than ", policy.monitoring_outage_max_hours,
                      " h that is the person's doing counts; ",
                      policy.monitoring_outages_for_warning,
                      " make a warning ground (Shenyang rules; policy ", policy.version, ")");
}

std::string DecisionRule(const domain::RecordsPolicy& policy) {
  return absl::StrCat("the court decides within ", policy.revocation_court_decision_days,
                      " days of the request (Law art. 46; policy ", policy.version, ")");
}

std::string DetentionRule(const domain::RecordsPolicy& policy) {
  return absl::StrCat("detention pending the court's decision at most ",
                      policy.revocation_detention_max_days, " days (Law art. 47; policy ",
                      policy.version, ")");
}

std::string HandoverRule(const domain::RecordsPolicy& policy) {
  return absl::StrCat("the paper file within ", policy.transfer_file_handover_working_days,
                      " working days of the acceptance (Measures 2020 art. 30; policy ",
                      policy.version, ")");
}

v1::RevocationProgress ProgressOf(const CaseRecord& c, const RevocationRequestRecord& r,
                                  const domain::RecordsPolicies& policies) {
  const domain::RevocationRequestFacts& f = r.facts;
  v1::RevocationProgress p;
  p.set_case_id(c.case_id);
  p.set_district_code(c.district_code);
  p.set_sanction_id(f.sanction_id);
  *p.mutable_requested_on() = ToProtoDate(f.requested_on);
  const absl::CivilDay due =
      domain::RevocationDecisionDue(f.requested_on, policies.InForce(f.requested_on));
  *p.mutable_decision_due() = ToProtoDate(due);
  if (f.detained_on.has_value()) {
    *p.mutable_detained_on() = ToProtoDate(*f.detained_on);
    *p.mutable_detention_ends() =
        ToProtoDate(domain::DetentionEnds(*f.detained_on, policies.InForce(*f.detained_on)));
  }
  if (f.decision.has_value() && f.decided_on.has_value()) {
    p.set_decision(std::string(domain::RevocationDecisionName(*f.decision)));
    *p.mutable_decided_on() = ToProtoDate(*f.decided_on);
    p.set_decided_late(*f.decided_on > due);
  }
  return p;
}

void AddItem(const OverdueCandidate& oc, v1::OverdueKind kind, absl::CivilDay due, int days,
             std::string rule, v1::ListOverdueResponse* response) {
  auto* item = response->add_items();
  item->set_case_id(oc.c.case_id);
  item->set_case_number(oc.c.case_number);
  item->set_district_code(oc.c.district_code);
  item->set_office_id(oc.c.office_id);
  item->set_kind(kind);
  item->set_days_overdue(days);
  *item->mutable_due() = ToProtoDate(due);
  item->set_rule(std::move(rule));
}

}  // namespace

// ---- OrderService.RecordMonitoringOutage ----

absl::Status OrderServiceImpl::DoRecordMonitoringOutage(
    const auth::Principal& principal, const v1::RecordMonitoringOutageRequest& request,
    v1::RecordMonitoringOutageResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kEnforce); !st.ok()) {
    return AuditDenied(principal, "RecordMonitoringOutage", request.case_id(), request.request_id(),
                       st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = CheckUuidField(request.order_id(), "order_id", "a monitoring order id"); !st.ok()) {
    return st;
  }
  std::vector<FieldViolation> violations;
  bool invalid = false;
  auto started = grpc_util::FromProtoTimestamp(request.started_at(), &invalid);
  if (!started.has_value()) violations.push_back({"started_at", "is required (a valid instant)"});
  invalid = false;
  auto ended = grpc_util::FromProtoTimestamp(request.ended_at(), &invalid);
  if (!ended.has_value()) violations.push_back({"ended_at", "is required (a valid instant)"});
  auto cause = domain::ParseOutageCause(
      grpc_util::EnumSuffix(v1::OutageCause_descriptor(), request.cause(), "OUTAGE_CAUSE_"));
  if (!cause.has_value()) violations.push_back({"cause", "is required (an OutageCause)"});
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::Time now = clock_.Now();
  OutageRecord outage;
  outage.outage_id = ids::NewUuid();
  outage.order_id = absl::AsciiStrToLower(request.order_id());
  outage.fact = {*started, *ended, *cause};
  // Judged by the version in force on the day the outage started.
  const domain::RecordsPolicy& policy = PolicyOn(time::ShanghaiDay(*started));
  auto result = store_.RecordMonitoringOutage(
      principal, MutationOf(request.request_id(), request.case_id(), "RecordMonitoringOutage"),
      outage,
      [&](const CaseRecord&, const MonitoringOrderRecord& order,
          const std::vector<domain::OutageFact>& of_order,
          const std::vector<domain::OutageFact>& of_case, OutageRecord& rec) -> absl::Status {
        if (auto st = domain::CheckOutage(rec.fact, order.Facts(), of_order, now); !st.ok()) {
          return st;
        }
        rec.counted = domain::IsCountedOutage(rec.fact, policy);
        rec.counted_outages = rec.counted ? 1 : 0;
        for (const auto& o : of_case) {
          if (domain::IsCountedOutage(o, PolicyOn(time::ShanghaiDay(o.started_at)))) {
            ++rec.counted_outages;
          }
        }
        return absl::OkStatus();
      },
      [&](const CaseRecord& c, const OutageRecord& rec) {
        v1::MonitoringOutageRecorded payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_order_id(rec.order_id);
        payload.set_outage_id(rec.outage_id);
        *payload.mutable_started_on() = ToProtoDate(time::ShanghaiDay(rec.fact.started_at));
        payload.set_minutes(domain::OutageMinutes(rec.fact));
        payload.set_cause(std::string(domain::OutageCauseName(rec.fact.cause)));
        payload.set_counted(rec.counted);
        payload.set_counted_outages(rec.counted_outages);
        return kafka::MakeEnvelope("ccms.records.monitoring_outage_recorded", c.case_id,
                                   c.district_code, now, now, principal.subject, payload);
      });
  if (!result.ok()) return result.status();
  response->set_outage_id(result->outage_id);
  response->set_minutes(domain::OutageMinutes(result->fact));
  response->set_counted(result->counted);
  response->set_counted_outages(result->counted_outages);
  response->set_rule(OutageRule(policy));
  return absl::OkStatus();
}

// ---- SanctionService: GetSanctionStatus's device-outage ground ----

absl::Status SanctionServiceImpl::FillDeviceOutages(const auth::Principal& principal,
                                                    const std::string& case_id,
                                                    absl::CivilDay today,
                                                    v1::SanctionStatus* status) {
  auto outages = store_.GetOutageFacts(principal, case_id);
  if (!outages.ok()) return outages.status();
  const domain::OutageStatus s = domain::EvaluateOutages(*outages, policies_, today);
  v1::DeviceOutageStatus* out = status->mutable_device_outages();
  out->set_counted_outages(s.counted);
  out->set_outages_for_warning(s.for_warning);
  out->set_warning_ground(s.warning_ground);
  out->set_explanation(s.explanation);
  if (s.warning_ground) status->add_explanations(s.explanation);
  return absl::OkStatus();
}

// ---- SanctionService: the court's decision and detention ----

absl::Status SanctionServiceImpl::DoRecordRevocationDecision(
    const auth::Principal& principal, const v1::RecordRevocationDecisionRequest& request,
    v1::RecordRevocationDecisionResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kEnforce); !st.ok()) {
    return AuditDenied(principal, "RecordRevocationDecision", request.case_id(),
                       request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = CheckUuidField(request.sanction_id(), "sanction_id", "a revocation request id");
      !st.ok()) {
    return st;
  }
  std::vector<FieldViolation> violations;
  auto decision = domain::ParseRevocationDecision(grpc_util::EnumSuffix(
      v1::RevocationDecision_descriptor(), request.decision(), "REVOCATION_DECISION_"));
  if (!decision.has_value()) {
    violations.push_back({"decision", "is required (GRANTED or REFUSED)"});
  }
  const std::string document(absl::StripAsciiWhitespace(request.document_number()));
  if (document.empty() || !CheckText(document, "document_number", 100).ok()) {
    violations.push_back({"document_number", "is required (the ruling's number, at most 100)"});
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay decided_on =
      DayNotInFuture(request.decided_on(), "decided_on", time::ShanghaiDay(now), &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  auto result = store_.RecordRevocationStep(
      principal, MutationOf(request.request_id(), request.case_id(), "RecordRevocationDecision"),
      absl::AsciiStrToLower(request.sanction_id()),
      [&](RevocationRequestRecord& r) -> absl::Status {
        if (auto st = domain::CheckRevocationDecision(r.facts, decided_on); !st.ok()) return st;
        r.facts.decision = *decision;
        r.facts.decided_on = decided_on;
        r.document_number = document;
        return absl::OkStatus();
      },
      [&](const CaseRecord& c, const RevocationRequestRecord& r) {
        return kafka::MakeEnvelope("ccms.records.revocation_decided", c.case_id, c.district_code,
                                   now, now, principal.subject, ProgressOf(c, r, policies_));
      });
  if (!result.ok()) return result.status();
  const domain::RecordsPolicy& policy = PolicyOn(result->facts.requested_on);
  const absl::CivilDay due = domain::RevocationDecisionDue(result->facts.requested_on, policy);
  *response->mutable_decision_due() = ToProtoDate(due);
  response->set_decided_late(decided_on > due);
  response->set_rule(DecisionRule(policy));
  return absl::OkStatus();
}

absl::Status SanctionServiceImpl::DoRecordRevocationDetention(
    const auth::Principal& principal, const v1::RecordRevocationDetentionRequest& request,
    v1::RecordRevocationDetentionResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kEnforce); !st.ok()) {
    return AuditDenied(principal, "RecordRevocationDetention", request.case_id(),
                       request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = CheckUuidField(request.sanction_id(), "sanction_id", "a revocation request id");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  auto detained_on = DayNotInFuture(request.detained_on(), "detained_on", time::ShanghaiDay(now));
  if (!detained_on.ok()) return detained_on.status();
  auto result = store_.RecordRevocationStep(
      principal, MutationOf(request.request_id(), request.case_id(), "RecordRevocationDetention"),
      absl::AsciiStrToLower(request.sanction_id()),
      [&](RevocationRequestRecord& r) -> absl::Status {
        if (auto st = domain::CheckRevocationDetention(r.facts, *detained_on); !st.ok()) {
          return st;
        }
        r.facts.detained_on = *detained_on;
        return absl::OkStatus();
      },
      [&](const CaseRecord& c, const RevocationRequestRecord& r) {
        return kafka::MakeEnvelope("ccms.records.revocation_detention_recorded", c.case_id,
                                   c.district_code, now, now, principal.subject,
                                   ProgressOf(c, r, policies_));
      });
  if (!result.ok()) return result.status();
  const domain::RecordsPolicy& policy = PolicyOn(*detained_on);
  *response->mutable_detention_ends() = ToProtoDate(domain::DetentionEnds(*detained_on, policy));
  response->set_rule(DetentionRule(policy));
  return absl::OkStatus();
}

// ---- TransferService.RecordFileHandover ----

absl::Status TransferServiceImpl::DoRecordFileHandover(const auth::Principal& principal,
                                                       const v1::RecordFileHandoverRequest& request,
                                                       v1::RecordFileHandoverResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kTransfer); !st.ok()) {
    return AuditDenied(principal, "RecordFileHandover", "", request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckUuidField(request.transfer_id(), "transfer_id", "a transfer id"); !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  auto on = DayNotInFuture(request.handed_over_on(), "handed_over_on", time::ShanghaiDay(now));
  if (!on.ok()) return on.status();
  auto result = store_.RecordFileHandover(
      principal, absl::AsciiStrToLower(request.request_id()),
      absl::AsciiStrToLower(request.transfer_id()),
      [&](FileHandoverRecord& h) -> absl::Status {
        if (auto st =
                domain::CheckFileHandover(h.transfer.status, h.accepted_on, h.handed_over_on, *on);
            !st.ok()) {
          return st;
        }
        h.handed_over_on = *on;
        return absl::OkStatus();
      },
      [&](const FileHandoverRecord& h) {
        const domain::RecordsPolicy& policy = PolicyOn(*h.accepted_on);
        v1::FileHandedOver payload;
        payload.set_case_id(h.transfer.case_id);
        payload.set_transfer_id(h.transfer.transfer_id);
        payload.set_from_district_code(h.transfer.from_district_code);
        payload.set_to_district_code(h.transfer.to_district_code);
        *payload.mutable_accepted_on() = ToProtoDate(*h.accepted_on);
        *payload.mutable_due() = ToProtoDate(domain::FileHandoverDue(*h.accepted_on, policy));
        *payload.mutable_handed_over_on() = ToProtoDate(*h.handed_over_on);
        payload.set_working_days_late(
            domain::FileHandoverWorkingDaysLate(*h.accepted_on, *h.handed_over_on, policy));
        return kafka::MakeEnvelope("ccms.records.file_handed_over", h.transfer.case_id,
                                   h.transfer.to_district_code, now, now, principal.subject,
                                   payload);
      });
  if (!result.ok()) return result.status();
  const domain::RecordsPolicy& policy = PolicyOn(*result->accepted_on);
  *response->mutable_due() = ToProtoDate(domain::FileHandoverDue(*result->accepted_on, policy));
  response->set_working_days_late(
      domain::FileHandoverWorkingDaysLate(*result->accepted_on, *on, policy));
  response->set_rule(HandoverRule(policy));
  return absl::OkStatus();
}

// ---- SupervisionService.ListOverdue: the follow-through kinds ----

absl::StatusOr<std::map<std::string, FollowThroughFacts>> SupervisionServiceImpl::LoadFollowThrough(
    const auth::Principal& principal, const std::vector<OverdueCandidate>& batch,
    v1::OverdueKind kind) {
  std::map<std::string, FollowThroughFacts> out;
  if (kind != v1::OVERDUE_KIND_UNSPECIFIED && kind != v1::OVERDUE_KIND_FILE_HANDOVER &&
      kind != v1::OVERDUE_KIND_REVOCATION_DECISION &&
      kind != v1::OVERDUE_KIND_REVOCATION_DETENTION) {
    return out;
  }
  std::vector<std::string> ids;
  for (const auto& oc : batch) {
    if (oc.c.status == domain::CaseStatus::kActive) ids.push_back(oc.c.case_id);
  }
  auto facts = store_.ListFollowThroughFacts(principal, ids);
  if (!facts.ok()) return facts.status();
  for (auto& f : *facts) out.emplace(f.case_id, std::move(f));
  return out;
}

void SupervisionServiceImpl::AddFollowThroughItems(
    const OverdueCandidate& oc, const std::map<std::string, FollowThroughFacts>& facts,
    absl::CivilDay day, v1::OverdueKind kind, v1::ListOverdueResponse* response) const {
  auto it = facts.find(oc.c.case_id);
  if (it == facts.end()) return;
  const bool all = kind == v1::OVERDUE_KIND_UNSPECIFIED;
  if (all || kind == v1::OVERDUE_KIND_FILE_HANDOVER) {
    for (const auto& h : it->second.handovers) {
      // Counted from the acceptance, by the version in force then.
      const domain::RecordsPolicy& policy = PolicyOn(h.accepted_on);
      if (auto days =
              domain::FileHandoverDaysOverdue(h.accepted_on, h.handed_over_on, day, policy)) {
        AddItem(oc, v1::OVERDUE_KIND_FILE_HANDOVER, domain::FileHandoverDue(h.accepted_on, policy),
                *days, HandoverRule(policy), response);
      }
    }
  }
  for (const auto& r : it->second.revocations) {
    if (all || kind == v1::OVERDUE_KIND_REVOCATION_DECISION) {
      const domain::RecordsPolicy& policy = PolicyOn(r.requested_on);
      if (auto days = domain::RevocationDecisionDaysOverdue(r, day, policy)) {
        AddItem(oc, v1::OVERDUE_KIND_REVOCATION_DECISION,
                domain::RevocationDecisionDue(r.requested_on, policy), *days, DecisionRule(policy),
                response);
      }
    }
    if ((all || kind == v1::OVERDUE_KIND_REVOCATION_DETENTION) && r.detained_on.has_value()) {
      const domain::RecordsPolicy& policy = PolicyOn(*r.detained_on);
      if (auto days = domain::DetentionDaysOverdue(r, day, policy)) {
        AddItem(oc, v1::OVERDUE_KIND_REVOCATION_DETENTION,
                domain::DetentionEnds(*r.detained_on, policy), *days, DetentionRule(policy),
                response);
      }
    }
  }
}

CCMS_UNARY_HANDLER(OrderServiceImpl, RecordMonitoringOutage)
CCMS_UNARY_HANDLER(SanctionServiceImpl, RecordRevocationDecision)
CCMS_UNARY_HANDLER(SanctionServiceImpl, RecordRevocationDetention)
CCMS_UNARY_HANDLER(TransferServiceImpl, RecordFileHandover)

}  // namespace ccms::records
