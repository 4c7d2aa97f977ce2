#include "services/employment/retention_service.h"

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ccms/employment/v1/employment_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/employment/domain/access.h"
#include "services/employment/domain/retention_rules.h"

namespace ccms::employment {

CCMS_UNARY_HANDLER(RetentionServiceImpl, StartEmploymentSpell)
CCMS_UNARY_HANDLER(RetentionServiceImpl, EndEmploymentSpell)
CCMS_UNARY_HANDLER(RetentionServiceImpl, ConfirmRetentionCheck)
CCMS_UNARY_HANDLER(RetentionServiceImpl, ListRetentionChecks)
CCMS_UNARY_HANDLER(RetentionServiceImpl, ListAgencyRetentionChecks)

namespace {

using domain::Action;
using domain::CheckStatus;
using grpc_util::FieldViolation;

v1::RetentionCheckStatus ToProto(CheckStatus s) {
  switch (s) {
    case CheckStatus::kPending:
      return v1::RETENTION_CHECK_STATUS_PENDING;
    case CheckStatus::kConfirmed:
      return v1::RETENTION_CHECK_STATUS_CONFIRMED;
    case CheckStatus::kMissed:
      return v1::RETENTION_CHECK_STATUS_MISSED;
    case CheckStatus::kCancelled:
      return v1::RETENTION_CHECK_STATUS_CANCELLED;
  }
  return v1::RETENTION_CHECK_STATUS_UNSPECIFIED;
}

void ToProto(const CheckRecord& k, v1::RetentionCheck* out) {
  out->set_spell_id(k.spell_id);
  out->set_day_offset(k.day_offset);
  *out->mutable_due_on() = grpc_util::ToProtoDate(k.due_on);
  *out->mutable_confirm_by() = grpc_util::ToProtoDate(k.confirm_by);
  out->set_status(ToProto(k.status));
  if (k.confirmed_on.has_value()) {
    *out->mutable_confirmed_on() = grpc_util::ToProtoDate(*k.confirmed_on);
  }
  out->set_confirmed_by_kind(k.confirmed_by_kind);
  out->set_case_id(k.case_id);
  out->set_district_code(k.district_code);
  out->set_partner_id(k.partner_id);
  out->set_other_employer_code(k.other_employer_code);
}

// The partner's view: the reviewed allow-list of AgencyRetentionCheck.
void ToAgencyView(const CheckRecord& k, v1::AgencyRetentionCheck* out) {
  out->set_spell_id(k.spell_id);
  out->set_day_offset(k.day_offset);
  *out->mutable_due_on() = grpc_util::ToProtoDate(k.due_on);
  *out->mutable_confirm_by() = grpc_util::ToProtoDate(k.confirm_by);
  out->set_status(ToProto(k.status));
  if (k.confirmed_on.has_value()) {
    *out->mutable_confirmed_on() = grpc_util::ToProtoDate(*k.confirmed_on);
  }
  out->set_referral_code(k.referral_code);
  *out->mutable_started_on() = grpc_util::ToProtoDate(k.started_on);
}

void ToProto(const SpellRecord& s, v1::EmploymentSpell* out) {
  out->set_spell_id(s.spell_id);
  out->set_case_id(s.case_id);
  out->set_district_code(s.district_code);
  out->set_employer_kind(s.employer_kind);
  out->set_partner_id(s.partner_id);
  out->set_other_employer_code(s.other_employer_code);
  out->set_referral_id(s.referral_id);
  *out->mutable_started_on() = grpc_util::ToProtoDate(s.started_on);
  if (s.ended_on.has_value()) *out->mutable_ended_on() = grpc_util::ToProtoDate(*s.ended_on);
  out->set_end_reason(s.end_reason);
  for (const auto& k : s.checks) ToProto(k, out->add_checks());
  out->set_policy_version(s.policy_version);
}

bool Served(const PartnerBrief& p, const std::string& district) {
  for (const auto& d : p.districts_served) {
    if (d == district) return true;
  }
  return false;
}

// "<spell_id>/<day_offset>" of a page token; false when malformed.
bool ParseToken(const std::string& token, std::string* spell_id, int* day_offset) {
  if (token.empty()) return true;
  std::vector<std::string> parts = absl::StrSplit(token, '/');
  if (parts.size() != 2 || !ids::IsUuid(parts[0]) || !absl::SimpleAtoi(parts[1], day_offset) ||
      *day_offset < 0) {
    return false;
  }
  *spell_id = absl::AsciiStrToLower(parts[0]);
  return true;
}

}  // namespace

absl::Status CheckPartnerAgency(PartnerStore& partners, const auth::Principal& principal) {
  if (auto st = domain::Authorize(principal, Action::kPartnerCall); !st.ok()) return st;
  auto status = partners.AgencyStatus(principal.agency_id);
  if (status.status().code() == absl::StatusCode::kNotFound) {
    return absl::PermissionDeniedError("the agency is not registered as a partner");
  }
  if (!status.ok()) return status.status();
  if (*status != "ACTIVE") return absl::PermissionDeniedError("the agency is suspended");
  return absl::OkStatus();
}

events::v1::Envelope SpellEvent(std::string_view type, const SpellRecord& s, absl::CivilDay on,
                                int checks_cancelled, std::string_view recorded_by_kind,
                                absl::Time now, const std::string& actor) {
  v1::EmploymentSpellChanged e;
  e.set_spell_id(s.spell_id);
  e.set_case_id(s.case_id);
  e.set_district_code(s.district_code);
  e.set_employer_kind(s.employer_kind);
  e.set_partner_id(s.partner_id);
  e.set_other_employer_code(s.other_employer_code);
  e.set_referral_id(s.referral_id);
  *e.mutable_started_on() = grpc_util::ToProtoDate(s.started_on);
  *e.mutable_on() = grpc_util::ToProtoDate(on);
  e.set_reason_code(s.end_reason);
  e.set_checks_cancelled(checks_cancelled);
  e.set_recorded_by_kind(std::string(recorded_by_kind));
  e.set_policy_version(s.policy_version);
  return kafka::MakeEnvelope(type, s.case_id, s.district_code, now, now, actor, e);
}

events::v1::Envelope CheckEvent(std::string_view type, const CheckRecord& k, absl::CivilDay on,
                                std::string_view recorded_by_kind, absl::Time now,
                                const std::string& actor) {
  v1::EmploymentSpellChanged e;
  e.set_spell_id(k.spell_id);
  e.set_case_id(k.case_id);
  e.set_district_code(k.district_code);
  e.set_employer_kind(k.partner_id.empty() ? "OTHER" : "PARTNER");
  e.set_partner_id(k.partner_id);
  e.set_other_employer_code(k.other_employer_code);
  e.set_referral_id(k.referral_id);
  *e.mutable_started_on() = grpc_util::ToProtoDate(k.started_on);
  *e.mutable_on() = grpc_util::ToProtoDate(on);
  e.set_day_offset(k.day_offset);
  *e.mutable_due_on() = grpc_util::ToProtoDate(k.due_on);
  e.set_recorded_by_kind(std::string(recorded_by_kind));
  return kafka::MakeEnvelope(type, k.case_id, k.district_code, now, now, actor, e);
}

absl::Status RetentionServiceImpl::DoStartEmploymentSpell(
    const auth::Principal& principal, const v1::StartEmploymentSpellRequest& request,
    v1::StartEmploymentSpellResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWriteReferral); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  grpc_util::OptionalUuidField(request.referral_id(), "referral_id", "a referral id (UUID)",
                               &violations);
  grpc_util::OptionalUuidField(request.partner_id(), "partner_id", "a partner id (UUID)",
                               &violations);
  const absl::CivilDay started_on =
      grpc_util::DayNotInFuture(request.started_on(), "started_on", today, &violations);
  const int employers = (request.referral_id().empty() ? 0 : 1) +
                        (request.partner_id().empty() ? 0 : 1) +
                        (request.other_employer_code().empty() ? 0 : 1);
  if (employers != 1) {
    violations.push_back({"employer",
                          "give exactly one of referral_id, partner_id and "
                          "other_employer_code"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const domain::EmploymentPolicy& policy = policies_.InForce(started_on);
  if (!request.other_employer_code().empty() &&
      !domain::HasCode(policy.other_employer_codes, request.other_employer_code())) {
    return grpc_util::InvalidArgumentWithViolations(
        {{"other_employer_code",
          "must be a code of policy employment.retention."
          "other_employer_codes"}});
  }
  auto decide = [&](const SpellStartView& v) -> absl::StatusOr<SpellWrite> {
    if (auto st = domain::CheckSpellStart(v.case_view, started_on, today); !st.ok()) return st;
    SpellWrite w;
    SpellRecord& s = w.spell;
    s.spell_id = ids::NewUuid();
    s.case_id = v.case_view.case_id;
    s.district_code = v.case_view.district_code;
    s.started_on = started_on;
    s.recorded_by = principal.subject;
    s.policy_version = policy.version;
    if (v.referral.has_value()) {
      if (v.referral->case_id != v.case_view.case_id) {
        return absl::FailedPreconditionError("the referral is of another case");
      }
      if (v.referral->status != domain::ReferralStatus::kPlaced) {
        return absl::FailedPreconditionError(
            absl::StrCat("a spell starts from a PLACED referral; this one is ",
                         domain::StatusName(v.referral->status)));
      }
      if (v.referral_has_spell) {
        return absl::FailedPreconditionError("the referral has started a spell already");
      }
      s.referral_id = v.referral->referral_id;
    }
    if (v.partner.has_value()) {
      if (!v.referral.has_value() && !Served(*v.partner, v.case_view.district_code)) {
        return absl::FailedPreconditionError("the partner does not serve the case's district");
      }
      s.employer_kind = "PARTNER";
      s.partner_id = v.partner->partner_id;
      s.agency_id = v.partner->agency_id;
    } else {
      s.employer_kind = "OTHER";
      s.other_employer_code = request.other_employer_code();
    }
    for (const auto& plan : domain::PlanRetentionChecks(started_on, policy.retention_check_days,
                                                        policy.retention_confirm_within_days)) {
      CheckRecord k;
      k.spell_id = s.spell_id;
      k.day_offset = plan.day_offset;
      k.due_on = plan.due_on;
      k.confirm_by = plan.confirm_by;
      s.checks.push_back(k);
    }
    w.events.push_back(SpellEvent("ccms.employment.placement_started", s, started_on, 0, "STAFF",
                                  now, principal.subject));
    return w;
  };
  auto saved = store_.Start(principal, absl::AsciiStrToLower(request.case_id()),
                            absl::AsciiStrToLower(request.referral_id()),
                            absl::AsciiStrToLower(request.partner_id()),
                            absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_spell());
  return absl::OkStatus();
}

absl::Status RetentionServiceImpl::DoEndEmploymentSpell(
    const auth::Principal& principal, const v1::EndEmploymentSpellRequest& request,
    v1::EndEmploymentSpellResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWriteReferral); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckUuidField(request.spell_id(), "spell_id", "a spell id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay ended_on =
      grpc_util::DayNotInFuture(request.ended_on(), "ended_on", today, &violations);
  const domain::EmploymentPolicy& policy = policies_.InForce(today);
  if (!domain::HasCode(policy.end_reasons, request.reason_code())) {
    violations.push_back(
        {"reason_code", "must be a code of policy employment.referral.end_reasons"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  auto decide = [&](const SpellRecord& current) -> absl::StatusOr<SpellWrite> {
    if (auto st = domain::CheckSpellEnd(current.started_on, current.ended_on, ended_on, today);
        !st.ok()) {
      return st;
    }
    SpellWrite w;
    w.spell = current;
    w.spell.ended_on = ended_on;
    w.spell.end_reason = request.reason_code();
    int cancelled = 0;
    for (CheckRecord& k : w.spell.checks) {
      if (k.status == CheckStatus::kPending && domain::CancelledByEnd(k.due_on, ended_on)) {
        k.status = CheckStatus::kCancelled;
        ++cancelled;
      }
    }
    w.events.push_back(SpellEvent("ccms.employment.placement_ended", w.spell, ended_on, cancelled,
                                  "STAFF", now, principal.subject));
    return w;
  };
  auto saved = store_.End(principal, absl::AsciiStrToLower(request.spell_id()),
                          absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_spell());
  return absl::OkStatus();
}

absl::Status RetentionServiceImpl::DoConfirmRetentionCheck(
    const auth::Principal& principal, const v1::ConfirmRetentionCheckRequest& request,
    v1::ConfirmRetentionCheckResponse* response) {
  const bool partner = principal.role == auth::Role::kPartner;
  if (partner) {
    if (auto st = CheckPartnerAgency(partners_, principal); !st.ok()) return st;
  } else if (auto st = domain::Authorize(principal, Action::kWriteReferral); !st.ok()) {
    return st;
  }
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckUuidField(request.spell_id(), "spell_id", "a spell id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay on = grpc_util::DayNotInFuture(request.on(), "on", today, &violations);
  if (request.day_offset() < 1 || request.day_offset() > 3660) {
    violations.push_back({"day_offset", "must be a check's day (30, 90, 180)"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const std::string kind = partner ? "PARTNER" : "STAFF";
  auto decide = [&](const CheckRecord& current) -> absl::StatusOr<CheckWrite> {
    if (auto st = domain::CheckConfirmation(current.status, current.due_on, current.confirm_by, on,
                                            today);
        !st.ok()) {
      return st;
    }
    CheckWrite w;
    w.check = current;
    w.check.status = CheckStatus::kConfirmed;
    w.check.confirmed_on = on;
    w.check.confirmed_by =
        partner ? absl::StrCat("partner:", principal.agency_id) : principal.subject;
    w.check.confirmed_by_kind = kind;
    w.events.push_back(CheckEvent("ccms.employment.retention_confirmed", w.check, on, kind, now,
                                  principal.subject));
    return w;
  };
  auto saved =
      store_.Confirm(principal, absl::AsciiStrToLower(request.spell_id()), request.day_offset(),
                     absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToAgencyView(*saved, response->mutable_check());
  return absl::OkStatus();
}

absl::Status RetentionServiceImpl::DoListRetentionChecks(
    const auth::Principal& principal, const v1::ListRetentionChecksRequest& request,
    v1::ListRetentionChecksResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  std::vector<FieldViolation> violations;
  grpc_util::CheckListDistrict(principal, request.district_code(), &violations);
  const int page_size = grpc_util::CheckPageSize(request.page_size(), 50, 500, &violations);
  CheckFilter f;
  if (!ParseToken(request.page_token(), &f.after_spell_id, &f.after_day_offset)) {
    violations.push_back({"page_token", "must be a token of this list"});
  }
  if (request.list() != v1::RETENTION_LIST_DUE && request.list() != v1::RETENTION_LIST_OVERDUE) {
    violations.push_back({"list", "must be DUE or OVERDUE"});
  }
  const std::optional<absl::CivilDay> as_of =
      grpc_util::DateField(request.as_of(), "as_of", &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  f.district_code = request.district_code();
  f.overdue = request.list() == v1::RETENTION_LIST_OVERDUE;
  f.as_of = as_of.value_or(today);
  f.page_size = page_size;
  auto page = store_.List(principal, f, "ListRetentionChecks");
  if (!page.ok()) return page.status();
  for (const auto& k : page->items) ToProto(k, response->add_checks());
  response->set_next_page_token(page->next_token);
  return absl::OkStatus();
}

absl::Status RetentionServiceImpl::DoListAgencyRetentionChecks(
    const auth::Principal& principal, const v1::ListAgencyRetentionChecksRequest& request,
    v1::ListAgencyRetentionChecksResponse* response) {
  if (auto st = CheckPartnerAgency(partners_, principal); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  const int page_size = grpc_util::CheckPageSize(request.page_size(), 50, 500, &violations);
  CheckFilter f;
  if (!ParseToken(request.page_token(), &f.after_spell_id, &f.after_day_offset)) {
    violations.push_back({"page_token", "must be a token of this list"});
  }
  switch (request.status()) {
    case v1::RETENTION_CHECK_STATUS_UNSPECIFIED:
      break;
    case v1::RETENTION_CHECK_STATUS_PENDING:
    case v1::RETENTION_CHECK_STATUS_CONFIRMED:
    case v1::RETENTION_CHECK_STATUS_MISSED:
    case v1::RETENTION_CHECK_STATUS_CANCELLED:
      f.status = v1::RetentionCheckStatus_Name(request.status())
                     .substr(std::string_view("RETENTION_CHECK_STATUS_").size());
      break;
    default:
      violations.push_back({"status", "is not a check status"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  f.as_of = time::ShanghaiDay(clock_.Now());
  f.page_size = page_size;
  auto page = store_.List(principal, f, "ListAgencyRetentionChecks");
  if (!page.ok()) return page.status();
  for (const auto& k : page->items) ToAgencyView(k, response->add_checks());
  response->set_next_page_token(page->next_token);
  return absl::OkStatus();
}

absl::StatusOr<int> RetentionSweeper::RunOnce() {
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  int total = 0;
  for (;;) {
    auto n =
        store_.SweepMissed(today, 200, [&](const CheckRecord& k) -> absl::StatusOr<CheckWrite> {
          CheckWrite w;
          w.check = k;
          w.check.status = CheckStatus::kMissed;
          w.events.push_back(CheckEvent("ccms.employment.retention_missed", w.check,
                                        k.confirm_by + 1, "SYSTEM", now, "ccms-employment"));
          return w;
        });
    if (!n.ok()) return n.status();
    total += *n;
    if (*n < 200) return total;
  }
}

}  // namespace ccms::employment
