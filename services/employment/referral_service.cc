#include "services/employment/referral_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/time/calendar.h"
#include "services/employment/domain/access.h"
#include "services/employment/domain/age_rule.h"
#include "services/employment/referral_events.h"
#include "services/employment/referral_views.h"

namespace ccms::employment {

CCMS_UNARY_HANDLER(ReferralServiceImpl, CreateReferral)
CCMS_UNARY_HANDLER(ReferralServiceImpl, SendReferral)
CCMS_UNARY_HANDLER(ReferralServiceImpl, RecordReferralStep)
CCMS_UNARY_HANDLER(ReferralServiceImpl, GetReferral)
CCMS_UNARY_HANDLER(ReferralServiceImpl, ListReferrals)

namespace {

using domain::Action;
using domain::ReferralStatus;
using grpc_util::FieldViolation;

constexpr int kMaxSkills = 20;

std::string AgeBasisName(domain::AgeBasis b) {
  switch (b) {
    case domain::AgeBasis::kCaseFacts:
      return "CASE_FACTS";
    case domain::AgeBasis::kBirthDate:
      return "BIRTH_DATE";
    case domain::AgeBasis::kNotNeeded:
      return "NOT_NEEDED";
  }
  return "";
}

bool Serves(const PartnerBrief& p, const std::string& district) {
  return std::find(p.districts_served.begin(), p.districts_served.end(), district) !=
         p.districts_served.end();
}

// An INVALID_ARGUMENT "field: what" of the domain as a field violation of `field`.
absl::Status AsViolation(const absl::Status& st, const char* field) {
  if (st.code() != absl::StatusCode::kInvalidArgument) return st;
  std::string what(st.message());
  const std::string prefix = absl::StrCat(field, ": ");
  if (absl::StartsWith(what, prefix)) what = what.substr(prefix.size());
  return grpc_util::InvalidArgumentWithViolations({{field, what}});
}

}  // namespace

absl::Status ReferralServiceImpl::DoCreateReferral(const auth::Principal& principal,
                                                   const v1::CreateReferralRequest& request,
                                                   v1::CreateReferralResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWriteReferral); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.partner_id(), "partner_id", "a partner id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay referred_on =
      grpc_util::DayNotInFuture(request.referred_on(), "referred_on", today, &violations);
  const std::string kind = KindName(request.kind());
  if (kind.empty()) violations.push_back({"kind", "is required"});
  const std::string given_name(absl::StripAsciiWhitespace(request.given_name()));
  if (given_name.empty() || given_name.size() > 50) {
    violations.push_back({"given_name", "is required, at most 50 bytes"});
  }
  if (request.skills_size() > kMaxSkills) {
    violations.push_back({"skills", "must list at most 20 skills"});
  }
  std::vector<std::string> skills;
  for (int i = 0; i < request.skills_size(); ++i) {
    const std::string s(absl::StripAsciiWhitespace(request.skills(i)));
    if (s.empty() || s.size() > 64 || absl::StrContains(s, "|")) {
      violations.push_back({absl::StrCat("skills[", i, "]"), "must be 1-64 bytes, without '|'"});
    }
    skills.push_back(s);
  }
  if (request.availability().size() > 200) {
    violations.push_back({"availability", "must be at most 200 bytes"});
  }
  const std::optional<absl::CivilDay> birth_date =
      grpc_util::DateField(request.birth_date(), "birth_date", &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);

  const domain::EmploymentPolicy& policy = policies_.InForce(referred_on);
  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  auto decide = [&](const domain::CaseView& c,
                    const PartnerBrief& partner) -> absl::StatusOr<ReferralWrite> {
    if (c.status == domain::CaseStatus::kClosed) {
      return absl::FailedPreconditionError("the case is closed");
    }
    if (!Serves(partner, c.district_code)) {
      return absl::FailedPreconditionError("the partner does not serve the case's district");
    }
    if (auto st = domain::CheckContractInForce(partner.contracts, referred_on); !st.ok()) {
      return st;
    }
    auto age = domain::CheckMinimumAge(kind, c.age, birth_date, referred_on, policy);
    if (!age.ok()) return AsViolation(age.status(), "birth_date");
    ReferralRecord r;
    r.referral_id = ids::NewUuid();
    r.referral_code = domain::ReferralCode(r.referral_id);
    r.case_id = case_id;
    r.district_code = c.district_code;
    r.partner_id = partner.partner_id;
    r.agency_id = partner.agency_id;
    r.kind = kind;
    r.status = ReferralStatus::kDraft;
    r.referred_on = referred_on;
    r.age_on_referral = age->age;
    r.age_basis = AgeBasisName(age->basis);
    r.given_name = given_name;
    r.skills = skills;
    r.availability = request.availability();
    r.minor = c.minor;
    r.guardian_consent = request.guardian_consent();
    r.created_by = principal.subject;
    r.policy_version = policy.version;
    r.created_at = now;
    ReferralWrite w;
    w.insert = std::move(r);
    return w;
  };
  auto saved = store_.Create(principal, case_id, absl::AsciiStrToLower(request.partner_id()),
                             absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_referral());
  return absl::OkStatus();
}

absl::Status ReferralServiceImpl::DoSendReferral(const auth::Principal& principal,
                                                 const v1::SendReferralRequest& request,
                                                 v1::SendReferralResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWriteReferral); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.referral_id(), "referral_id", "a referral id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay sent_on =
      grpc_util::DayNotInFuture(request.sent_on(), "sent_on", today, &violations);
  const std::optional<absl::CivilDay> consent_on =
      grpc_util::DateField(request.consent_recorded_on(), "consent_recorded_on", &violations);
  const std::string override_reason(absl::StripAsciiWhitespace(request.consent_override_reason()));
  if (consent_on.has_value() == !override_reason.empty()) {
    violations.push_back({"consent_recorded_on",
                          "give either the day the person's consent was recorded or an override "
                          "reason, not both"});
  }
  if (!override_reason.empty() && (override_reason.size() < 10 || override_reason.size() > 500)) {
    violations.push_back({"consent_override_reason", "must be 10-500 bytes"});
  }
  if (consent_on.has_value() && violations.empty() && *consent_on > sent_on) {
    violations.push_back({"consent_recorded_on", "must not be after sent_on"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const domain::EmploymentPolicy& policy = policies_.InForce(sent_on);
  auto decide = [&](const ReferralRecord& current, const domain::CaseView& c,
                    const PartnerBrief& partner) -> absl::StatusOr<ReferralWrite> {
    if (auto st = domain::CheckStep(current.status, ReferralStatus::kSent, domain::Actor::kStaff,
                                    "", policy);
        !st.ok()) {
      return st;
    }
    if (c.status == domain::CaseStatus::kClosed) {
      return absl::FailedPreconditionError("the case is closed");
    }
    if (current.paused) {
      return absl::FailedPreconditionError(
          "the person is lost contact: the referral waits until found again");
    }
    if (partner.status != "ACTIVE") {
      return absl::FailedPreconditionError("the partner is suspended");
    }
    if (auto st = domain::CheckContractInForce(partner.contracts, sent_on); !st.ok()) return st;
    if (sent_on < current.referred_on) {
      return grpc_util::InvalidArgumentWithViolations(
          {{"sent_on", "must not be before the referral date"}});
    }
    ReferralRecord next = current;
    next.status = ReferralStatus::kSent;
    next.sent_on = sent_on;
    next.answer_due_on = domain::AnswerDueOn(sent_on, policy);
    next.consent_recorded_on = consent_on;
    next.consent_override_reason = override_reason;
    next.reason_code = "";
    next.policy_version = policy.version;
    ReferralWrite w;
    w.step = ReferralStepRecord{current.status, next.status, "", sent_on, principal.subject, now};
    w.events.push_back(ReferralEvent(ReferralEventType(next.status), next, current.status, "STAFF",
                                     sent_on, now, principal.subject,
                                     consent_on.has_value() ? "CONSENT" : "OVERRIDE"));
    w.update = std::move(next);
    return w;
  };
  auto saved = store_.Mutate(principal, absl::AsciiStrToLower(request.referral_id()),
                             "SendReferral", absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_referral());
  return absl::OkStatus();
}

absl::Status ReferralServiceImpl::DoRecordReferralStep(const auth::Principal& principal,
                                                       const v1::RecordReferralStepRequest& request,
                                                       v1::RecordReferralStepResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWriteReferral); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.referral_id(), "referral_id", "a referral id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay on = grpc_util::DayNotInFuture(request.on(), "on", today, &violations);
  const std::optional<ReferralStatus> to = FromProtoStatus(request.to_status());
  if (!to.has_value()) violations.push_back({"to_status", "is required"});
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const domain::EmploymentPolicy& policy = policies_.InForce(on);
  auto decide = [&](const ReferralRecord& current, const domain::CaseView&,
                    const PartnerBrief&) -> absl::StatusOr<ReferralWrite> {
    auto w = StepWrite(current, *to, domain::Actor::kStaff, request.reason_code(), on,
                       principal.subject, now, policy);
    if (!w.ok()) return AsViolation(w.status(), "reason_code");
    return w;
  };
  auto saved =
      store_.Mutate(principal, absl::AsciiStrToLower(request.referral_id()), "RecordReferralStep",
                    absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_referral());
  return absl::OkStatus();
}

absl::Status ReferralServiceImpl::DoGetReferral(const auth::Principal& principal,
                                                const v1::GetReferralRequest& request,
                                                v1::GetReferralResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.referral_id(), "referral_id", "a referral id (UUID)");
      !st.ok()) {
    return st;
  }
  auto r = store_.Get(principal, absl::AsciiStrToLower(request.referral_id()), "GetReferral");
  if (!r.ok()) return r.status();
  ToProto(*r, response->mutable_referral());
  return absl::OkStatus();
}

absl::Status ReferralServiceImpl::DoListReferrals(const auth::Principal& principal,
                                                  const v1::ListReferralsRequest& request,
                                                  v1::ListReferralsResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  grpc_util::DistrictFilterField(request.district_code(), &violations);
  grpc_util::OptionalUuidField(request.case_id(), "case_id", "a case id (UUID)", &violations);
  const int page_size = grpc_util::CheckPageSize(request.page_size(), 50, 500, &violations);
  grpc_util::OptionalUuidField(request.page_token(), "page_token", "a token of this list",
                               &violations);
  std::string status;
  if (request.status() != v1::REFERRAL_STATUS_UNSPECIFIED) {
    const auto s = FromProtoStatus(request.status());
    if (!s.has_value()) {
      violations.push_back({"status", "is not a referral status"});
    } else {
      status = std::string(domain::StatusName(*s));
    }
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  ReferralFilter f;
  f.district_code = request.district_code();
  f.case_id = absl::AsciiStrToLower(request.case_id());
  f.status = status;
  f.escalated_only = request.escalated_only();
  if (request.under_ended_contract()) f.under_ended_contract_on = time::ShanghaiDay(clock_.Now());
  f.page_size = page_size;
  f.after_referral_id = absl::AsciiStrToLower(request.page_token());
  auto page = store_.List(principal, f, "ListReferrals");
  if (!page.ok()) return page.status();
  for (const auto& r : page->items) ToProto(r, response->add_referrals());
  response->set_next_page_token(page->next_referral_id);
  return absl::OkStatus();
}

}  // namespace ccms::employment
