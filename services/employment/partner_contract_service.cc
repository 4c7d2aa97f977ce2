#include "services/employment/partner_contract_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ccms/employment/v1/employment_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/employment/domain/access.h"
#include "services/employment/domain/support_rules.h"

namespace ccms::employment {

CCMS_UNARY_HANDLER(PartnerContractServiceImpl, RecordPartnerContract)
CCMS_UNARY_HANDLER(PartnerContractServiceImpl, RecordPartnerEvaluation)
CCMS_UNARY_HANDLER(PartnerContractServiceImpl, ListPartnerContracts)
CCMS_UNARY_HANDLER(PartnerContractServiceImpl, ListPartnerEvaluations)

namespace {

using domain::Action;
using grpc_util::FieldViolation;

v1::ContractStatus ContractStatusOf(const std::string& name) {
  v1::ContractStatus s = v1::CONTRACT_STATUS_UNSPECIFIED;
  v1::ContractStatus_Parse("CONTRACT_STATUS_" + name, &s);
  return s;
}

void ToProto(const ContractRecord& c, v1::PartnerContract* out) {
  out->set_contract_id(c.contract_id);
  out->set_partner_id(c.partner_id);
  out->set_district_code(c.district_code);
  out->set_scope_code(c.scope_code);
  *out->mutable_starts_on() = grpc_util::ToProtoDate(c.starts_on);
  *out->mutable_ends_on() = grpc_util::ToProtoDate(c.ends_on);
  out->set_amount_fen(c.amount_fen);
  out->set_status(ContractStatusOf(c.status));
  out->set_recorded_by(c.recorded_by);
  *out->mutable_created_at() = grpc_util::ToProtoTimestamp(c.created_at);
}

void ToProto(const EvaluationRecord& e, v1::PartnerEvaluation* out) {
  out->set_evaluation_id(e.evaluation_id);
  out->set_partner_id(e.partner_id);
  out->set_district_code(e.district_code);
  *out->mutable_period_from() = grpc_util::ToProtoDate(e.period_from);
  *out->mutable_period_to() = grpc_util::ToProtoDate(e.period_to);
  for (const auto& s : e.scores) {
    v1::CriterionScore* cs = out->add_scores();
    cs->set_criterion_code(s.criterion);
    cs->set_score(s.score);
  }
  out->set_total_score(domain::TotalScore(e.scores));
  out->set_result_code(e.result_code);
  out->set_evaluated_by(e.evaluated_by);
  *out->mutable_evaluated_on() = grpc_util::ToProtoDate(e.evaluated_on);
}

// The writing district: a 6-digit code of the caller's.
absl::Status CheckWritingDistrict(const auth::Principal& principal, const std::string& district,
                                  std::vector<FieldViolation>* violations) {
  if (!auth::IsDistrictCode(district)) {
    violations->push_back({"district_code", "must be a 6-digit district code"});
    return absl::OkStatus();
  }
  if (!principal.CanSeeDistrict(district)) {
    return absl::PermissionDeniedError("recorded by one of the caller's districts");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status PartnerContractServiceImpl::DoRecordPartnerContract(
    const auth::Principal& principal, const v1::RecordPartnerContractRequest& request,
    v1::RecordPartnerContractResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kEvaluatePartners); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.partner_id(), "partner_id", "a partner id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  const domain::EmploymentPolicy& policy = policies_.InForce(today);
  std::vector<FieldViolation> violations;
  if (!domain::HasCode(policy.contract_scopes, request.scope_code())) {
    violations.push_back({"scope_code", "must be a code of policy employment.contract.scopes"});
  }
  const auto starts_on =
      grpc_util::RequiredDateField(request.starts_on(), "starts_on", &violations);
  const auto ends_on = grpc_util::RequiredDateField(request.ends_on(), "ends_on", &violations);
  if (auto st = CheckWritingDistrict(principal, request.district_code(), &violations); !st.ok()) {
    return st;
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  if (auto st = domain::CheckContract(*starts_on, *ends_on, request.amount_fen(),
                                      policy.max_contract_fen);
      !st.ok()) {
    return st;
  }
  ContractRecord c;
  c.contract_id = ids::NewUuid();
  c.partner_id = absl::AsciiStrToLower(request.partner_id());
  c.district_code = request.district_code();
  c.scope_code = request.scope_code();
  c.starts_on = *starts_on;
  c.ends_on = *ends_on;
  c.amount_fen = request.amount_fen();
  c.status = "ACTIVE";
  c.recorded_by = principal.subject;
  c.created_at = now;
  v1::PartnerContractRecorded e;
  e.set_contract_id(c.contract_id);
  e.set_partner_id(c.partner_id);
  e.set_district_code(c.district_code);
  e.set_scope_code(c.scope_code);
  *e.mutable_starts_on() = grpc_util::ToProtoDate(c.starts_on);
  *e.mutable_ends_on() = grpc_util::ToProtoDate(c.ends_on);
  e.set_amount_fen(c.amount_fen);
  e.set_status(c.status);
  // Keyed by the partner id, as the partner's other events.
  auto saved = store_.RecordContract(
      principal, c,
      {kafka::MakeEnvelope("ccms.employment.partner_contract_recorded", c.partner_id,
                           c.district_code, now, now, principal.subject, e)},
      absl::AsciiStrToLower(request.request_id()));
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_contract());
  return absl::OkStatus();
}

absl::Status PartnerContractServiceImpl::DoRecordPartnerEvaluation(
    const auth::Principal& principal, const v1::RecordPartnerEvaluationRequest& request,
    v1::RecordPartnerEvaluationResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kEvaluatePartners); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.partner_id(), "partner_id", "a partner id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  const domain::EmploymentPolicy& policy = policies_.InForce(today);
  std::vector<FieldViolation> violations;
  const auto from = grpc_util::RequiredDateField(request.period_from(), "period_from", &violations);
  const auto to = grpc_util::RequiredDateField(request.period_to(), "period_to", &violations);
  const absl::CivilDay evaluated_on =
      grpc_util::DayNotInFuture(request.evaluated_on(), "evaluated_on", today, &violations);
  if (auto st = CheckWritingDistrict(principal, request.district_code(), &violations); !st.ok()) {
    return st;
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  std::vector<domain::Score> scores;
  for (const auto& s : request.scores()) scores.push_back({s.criterion_code(), s.score()});
  if (auto st = domain::CheckEvaluation(*from, *to, evaluated_on, today, scores,
                                        policy.evaluation_criteria, request.result_code(),
                                        policy.evaluation_results);
      !st.ok()) {
    return st;
  }
  EvaluationRecord ev;
  ev.evaluation_id = ids::NewUuid();
  ev.partner_id = absl::AsciiStrToLower(request.partner_id());
  ev.district_code = request.district_code();
  ev.period_from = *from;
  ev.period_to = *to;
  ev.scores = scores;
  ev.result_code = request.result_code();
  ev.evaluated_by = principal.subject;
  ev.evaluated_on = evaluated_on;
  v1::PartnerEvaluated e;
  e.set_evaluation_id(ev.evaluation_id);
  e.set_partner_id(ev.partner_id);
  e.set_district_code(ev.district_code);
  *e.mutable_period_from() = grpc_util::ToProtoDate(ev.period_from);
  *e.mutable_period_to() = grpc_util::ToProtoDate(ev.period_to);
  for (const auto& s : scores) {
    e.add_criterion_codes(s.criterion);
    e.add_scores(s.score);
  }
  e.set_total_score(domain::TotalScore(scores));
  e.set_result_code(ev.result_code);
  *e.mutable_evaluated_on() = grpc_util::ToProtoDate(evaluated_on);
  auto saved = store_.RecordEvaluation(
      principal, ev,
      {kafka::MakeEnvelope("ccms.employment.partner_evaluated", ev.partner_id, ev.district_code,
                           now, now, principal.subject, e)},
      absl::AsciiStrToLower(request.request_id()));
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_evaluation());
  return absl::OkStatus();
}

namespace {

absl::StatusOr<PartnerChildFilter> ChildFilter(const std::string& partner_id, int page_size,
                                               const std::string& token) {
  if (auto st = grpc_util::CheckUuidField(partner_id, "partner_id", "a partner id (UUID)");
      !st.ok()) {
    return st;
  }
  std::vector<FieldViolation> violations;
  PartnerChildFilter f;
  f.page_size = grpc_util::CheckPageSize(page_size, 50, 500, &violations);
  grpc_util::OptionalUuidField(token, "page_token", "a token of this list", &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  f.partner_id = absl::AsciiStrToLower(partner_id);
  f.after_id = absl::AsciiStrToLower(token);
  return f;
}

}  // namespace

absl::Status PartnerContractServiceImpl::DoListPartnerContracts(
    const auth::Principal& principal, const v1::ListPartnerContractsRequest& request,
    v1::ListPartnerContractsResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  auto f = ChildFilter(request.partner_id(), request.page_size(), request.page_token());
  if (!f.ok()) return f.status();
  auto page = store_.ListContracts(principal, *f);
  if (!page.ok()) return page.status();
  for (const auto& c : page->items) ToProto(c, response->add_contracts());
  response->set_next_page_token(page->next_id);
  return absl::OkStatus();
}

absl::Status PartnerContractServiceImpl::DoListPartnerEvaluations(
    const auth::Principal& principal, const v1::ListPartnerEvaluationsRequest& request,
    v1::ListPartnerEvaluationsResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  auto f = ChildFilter(request.partner_id(), request.page_size(), request.page_token());
  if (!f.ok()) return f.status();
  auto page = store_.ListEvaluations(principal, *f);
  if (!page.ok()) return page.status();
  for (const auto& e : page->items) ToProto(e, response->add_evaluations());
  response->set_next_page_token(page->next_id);
  return absl::OkStatus();
}

}  // namespace ccms::employment
