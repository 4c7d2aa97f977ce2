#include "services/records/sanction_service.h"

#include "absl/strings/ascii.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/records/domain/access.h"
#include "services/records/domain/case_facts.h"

namespace ccms::records {
namespace {

using grpc_util::FieldViolation;
using grpc_util::ToProtoDate;

void ToProtoStatus(const domain::LadderStatus& s, const std::string& policy_version,
                   v1::SanctionStatus* out) {
  out->set_uncorrected_admonitions(s.uncorrected_admonitions);
  out->set_uncorrected_warnings(s.uncorrected_warnings);
  out->set_public_security_referrals(s.public_security_referrals);
  out->set_revocation_requested(s.revocation_requested);
  for (auto g : s.grounds_met) {
    out->add_grounds_met(static_cast<v1::RevocationGround>(static_cast<int>(g) + 1));
  }
  for (const auto& e : s.explanations) out->add_explanations(e);
  out->set_longest_lost_contact_days(s.longest_lost_contact_days);
  out->set_next_step(s.next_step);
  out->set_policy_version(policy_version);
  for (const auto& g : s.grounds) {
    v1::SanctionGround* p = out->add_grounds();
    p->set_rule(g.rule);
    p->set_ground_for(static_cast<v1::SanctionKind>(static_cast<int>(g.ground_for) + 1));
    p->set_met(g.met);
    p->set_count(g.count);
    p->set_explanation(g.explanation);
    p->set_policy_version(g.policy_version);
  }
}

}  // namespace

absl::Status SanctionServiceImpl::DoRecordViolation(const auth::Principal& principal,
                                                    const v1::RecordViolationRequest& request,
                                                    v1::RecordViolationResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kEnforce); !st.ok()) {
    return AuditDenied(principal, "RecordViolation", request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  auto kind = domain::ParseViolationKind(
      grpc_util::EnumSuffix(v1::ViolationKind_descriptor(), request.kind(), "VIOLATION_KIND_"));
  if (!kind.has_value()) return grpc_util::InvalidArgumentWithViolations({{"kind", "is required"}});
  const absl::Time now = clock_.Now();
  auto on = DayNotInFuture(request.occurred_on(), "occurred_on", time::ShanghaiDay(now));
  if (!on.ok()) return on.status();
  if (auto st = CheckText(request.facts(), "facts", 8000); !st.ok()) return st;
  NewViolation v{ids::NewUuid(), *kind, *on, request.facts()};
  // A prohibition-order breach states its severity (a minor one is a warning ground, a serious
  // one a revocation ground); no other kind has one.
  if (*kind == domain::ViolationKind::kProhibitionOrderBreach) {
    if (request.severity() == v1::BREACH_SEVERITY_MINOR) {
      v.severity = domain::BreachSeverity::kMinor;
    } else if (request.severity() == v1::BREACH_SEVERITY_SERIOUS) {
      v.severity = domain::BreachSeverity::kSerious;
    } else {
      return grpc_util::InvalidArgumentWithViolations(
          {{"severity", "is required for a prohibition-order breach (MINOR or SERIOUS)"}});
    }
  } else if (request.severity() != v1::BREACH_SEVERITY_UNSPECIFIED) {
    return grpc_util::InvalidArgumentWithViolations(
        {{"severity", "applies only to a prohibition-order breach"}});
  }
  auto result = store_.RecordViolation(
      principal, MutationOf(request.request_id(), request.case_id(), "RecordViolation"), v,
      [&](const CaseRecord& c) {
        v1::ViolationRecorded payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_violation_id(v.violation_id);
        payload.set_kind(request.kind());
        *payload.mutable_occurred_on() = ToProtoDate(v.occurred_on);
        payload.set_severity(request.severity());
        return kafka::MakeEnvelope("ccms.records.violation_recorded", c.case_id, c.district_code,
                                   now, now, principal.subject, payload);
      });
  if (!result.ok()) return result.status();
  response->set_violation_id(result->resource_id);
  return absl::OkStatus();
}

absl::Status SanctionServiceImpl::DoIssueSanction(const auth::Principal& principal,
                                                  const v1::IssueSanctionRequest& request,
                                                  v1::IssueSanctionResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kEnforce); !st.ok()) {
    return AuditDenied(principal, "IssueSanction", request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  auto kind = domain::ParseSanctionKind(
      grpc_util::EnumSuffix(v1::SanctionKind_descriptor(), request.kind(), "SANCTION_KIND_"));
  if (!kind.has_value()) violations.push_back({"kind", "is required"});
  NewSanction sanction;
  for (int g : request.grounds()) {
    if (g <= 0 || g > static_cast<int>(domain::RevocationGround::kReoffendingDuringTerm) + 1) {
      violations.push_back({"grounds", "holds an unknown ground"});
      break;
    }
    sanction.grounds.push_back(static_cast<domain::RevocationGround>(g - 1));
  }
  for (const auto& id : request.violation_ids()) {
    if (!ids::IsUuid(id)) {
      violations.push_back({"violation_ids", "must be violation ids (UUIDs)"});
      break;
    }
    sanction.violation_ids.push_back(absl::AsciiStrToLower(id));
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  auto on = DayNotInFuture(request.issued_on(), "issued_on", today);
  if (!on.ok()) return on.status();
  if (auto st = CheckText(request.reason(), "reason", 8000); !st.ok()) return st;
  sanction.sanction_id = ids::NewUuid();
  sanction.kind = *kind;
  sanction.issued_on = *on;
  sanction.reason = request.reason();
  // The sanction ladder as it stood on the day the sanction is issued.
  const domain::RecordsPolicy& policy = PolicyOn(*on);
  sanction.policy_version = policy.version;
  domain::LadderFacts after;
  auto result = store_.IssueSanction(
      principal, MutationOf(request.request_id(), request.case_id(), "IssueSanction"), sanction,
      [&](const domain::LadderFacts& facts) {
        absl::Status st =
            domain::CheckSanction(sanction.kind, sanction.grounds, facts, policy, today);
        after = facts;
        after.sanctions.push_back({sanction.kind, sanction.issued_on, false});
        return st;
      },
      [&](const CaseRecord& c) {
        v1::SanctionIssued payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_sanction_id(sanction.sanction_id);
        payload.set_kind(request.kind());
        *payload.mutable_issued_on() = ToProtoDate(sanction.issued_on);
        for (const auto& id : sanction.violation_ids) payload.add_violation_ids(id);
        return kafka::MakeEnvelope("ccms.records.sanction_issued", c.case_id, c.district_code, now,
                                   now, principal.subject, payload);
      });
  if (!result.ok()) return result.status();
  response->set_sanction_id(result->resource_id);
  ToProtoStatus(domain::EvaluateLadder(after, PolicyOn(today), today), PolicyOn(today).version,
                response->mutable_status());
  return absl::OkStatus();
}

absl::Status SanctionServiceImpl::DoMarkSanctionCorrected(
    const auth::Principal& principal, const v1::MarkSanctionCorrectedRequest& request,
    v1::MarkSanctionCorrectedResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kEnforce); !st.ok()) {
    return AuditDenied(principal, "MarkSanctionCorrected", request.case_id(), request.request_id(),
                       st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = CheckUuidField(request.sanction_id(), "sanction_id", "a sanction id"); !st.ok()) {
    return st;
  }
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  auto on = DayNotInFuture(request.corrected_on(), "corrected_on", today);
  if (!on.ok()) return on.status();
  auto result = store_.MarkSanctionCorrected(
      principal, MutationOf(request.request_id(), request.case_id(), "MarkSanctionCorrected"),
      absl::AsciiStrToLower(request.sanction_id()), *on);
  if (!result.ok()) return result.status();
  auto facts = store_.GetLadderFacts(principal, absl::AsciiStrToLower(request.case_id()),
                                     request.request_id());
  if (!facts.ok()) return facts.status();
  ToProtoStatus(domain::EvaluateLadder(*facts, PolicyOn(today), today), PolicyOn(today).version,
                response->mutable_status());
  return absl::OkStatus();
}

absl::Status SanctionServiceImpl::DoRecordCommendation(const auth::Principal& principal,
                                                       const v1::RecordCommendationRequest& request,
                                                       v1::RecordCommendationResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kEnforce); !st.ok()) {
    return AuditDenied(principal, "RecordCommendation", request.case_id(), request.request_id(),
                       st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  auto on = DayNotInFuture(request.recorded_on(), "recorded_on", time::ShanghaiDay(now));
  if (!on.ok()) return on.status();
  if (auto st = CheckText(request.reason(), "reason", 8000); !st.ok()) return st;
  NewCommendation cm{ids::NewUuid(), *on, request.reason()};
  auto result = store_.RecordCommendation(
      principal, MutationOf(request.request_id(), request.case_id(), "RecordCommendation"), cm,
      [&](const CaseRecord& c) {
        v1::CommendationRecorded payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_commendation_id(cm.commendation_id);
        *payload.mutable_recorded_on() = ToProtoDate(cm.recorded_on);
        return kafka::MakeEnvelope("ccms.records.commendation_recorded", c.case_id, c.district_code,
                                   now, now, principal.subject, payload);
      });
  if (!result.ok()) return result.status();
  response->set_commendation_id(result->resource_id);
  return absl::OkStatus();
}

absl::Status SanctionServiceImpl::DoGetSanctionStatus(const auth::Principal& principal,
                                                      const v1::GetSanctionStatusRequest& request,
                                                      v1::GetSanctionStatusResponse* response,
                                                      const std::string& call_id) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRead); !st.ok()) {
    return AuditDenied(principal, "GetSanctionStatus", request.case_id(), call_id, st);
  }
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  auto facts = store_.GetLadderFacts(principal, absl::AsciiStrToLower(request.case_id()), call_id);
  if (!facts.ok()) return facts.status();
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  ToProtoStatus(domain::EvaluateLadder(*facts, PolicyOn(today), today), PolicyOn(today).version,
                response->mutable_status());
  return FillDeviceOutages(principal, absl::AsciiStrToLower(request.case_id()), today,
                           response->mutable_status());
}

absl::Status SanctionServiceImpl::DoRecordReoffence(const auth::Principal& principal,
                                                    const v1::RecordReoffenceRequest& request,
                                                    v1::RecordReoffenceResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kEnforce); !st.ok()) {
    return AuditDenied(principal, "RecordReoffence", request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  NewReoffence r;
  r.reoffence_id = ids::NewUuid();
  r.reported_by = std::string(absl::StripAsciiWhitespace(request.reported_by()));
  if (r.reported_by.empty() || !CheckText(r.reported_by, "reported_by", 200).ok()) {
    violations.push_back(
        {"reported_by", "is required (the public-security body, at most 200 bytes)"});
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  r.reported_on = DayNotInFuture(request.reported_on(), "reported_on", today, &violations);
  auto occurred = RequiredDateField(request.occurred_on(), "occurred_on", &violations);
  if (occurred.has_value() && *occurred > today) {
    violations.push_back({"occurred_on", "must not be in the future"});
  }
  r.offence_category = request.offence_category();
  if (!domain::IsOffenceCategory(PolicyOn(today).offence_categories, r.offence_category)) {
    violations.push_back(
        {"offence_category", "is not a category of the policy (records.offence_categories)"});
  }
  r.detained = request.detained();
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  r.occurred_on = *occurred;
  auto ladder = store_.RecordReoffence(
      principal, MutationOf(request.request_id(), request.case_id(), "RecordReoffence"), r,
      [&](const CaseRecord& c) -> absl::Status {
        absl::Status st = domain::CheckReoffence(c.status, c.start_date, c.end_date, r.occurred_on,
                                                 r.reported_on);
        if (st.code() != absl::StatusCode::kInvalidArgument) return st;
        const std::string msg(st.message());
        const size_t colon = msg.find(": ");
        if (colon == std::string::npos) return st;
        return grpc_util::InvalidArgumentWithViolations(
            {{msg.substr(0, colon), msg.substr(colon + 2)}});
      },
      [&](const CaseRecord& c) {
        v1::ReoffenceRecorded payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_reoffence_id(r.reoffence_id);
        *payload.mutable_occurred_on() = ToProtoDate(r.occurred_on);
        *payload.mutable_reported_on() = ToProtoDate(r.reported_on);
        payload.set_offence_category(r.offence_category);
        payload.set_detained(r.detained);
        return kafka::MakeEnvelope("ccms.records.reoffence_recorded", c.case_id, c.district_code,
                                   now, now, principal.subject, payload);
      });
  if (!ladder.ok()) return ladder.status();
  response->set_reoffence_id(r.reoffence_id);
  ToProtoStatus(domain::EvaluateLadder(*ladder, PolicyOn(today), today), PolicyOn(today).version,
                response->mutable_status());
  return absl::OkStatus();
}

CCMS_UNARY_HANDLER(SanctionServiceImpl, RecordViolation)
CCMS_UNARY_HANDLER(SanctionServiceImpl, RecordReoffence)
CCMS_UNARY_HANDLER(SanctionServiceImpl, IssueSanction)
CCMS_UNARY_HANDLER(SanctionServiceImpl, MarkSanctionCorrected)
CCMS_UNARY_HANDLER(SanctionServiceImpl, RecordCommendation)
CCMS_UNARY_HANDLER_WITH_CALL_ID(SanctionServiceImpl, GetSanctionStatus)

}  // namespace ccms::records
