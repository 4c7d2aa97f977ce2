#include "services/employment/referral_views.h"

#include "absl/strings/str_cat.h"
#include "common/grpc/proto_convert.h"
#include "services/employment/referral_events.h"

namespace ccms::employment {
namespace {

using grpc_util::ToProtoDate;

void SetDate(const std::optional<absl::CivilDay>& d, google::type::Date* out) {
  if (d.has_value()) *out = ToProtoDate(*d);
}

}  // namespace

v1::ReferralStatus ToProtoStatus(domain::ReferralStatus s) {
  v1::ReferralStatus out = v1::REFERRAL_STATUS_UNSPECIFIED;
  v1::ReferralStatus_Parse(absl::StrCat("REFERRAL_STATUS_", domain::StatusName(s)), &out);
  return out;
}

std::optional<domain::ReferralStatus> FromProtoStatus(v1::ReferralStatus s) {
  if (s == v1::REFERRAL_STATUS_UNSPECIFIED || !v1::ReferralStatus_IsValid(s)) return std::nullopt;
  return domain::ParseStatus(
      v1::ReferralStatus_Name(s).substr(std::string_view("REFERRAL_STATUS_").size()));
}

std::string KindName(v1::ReferralKind k) {
  if (k == v1::REFERRAL_KIND_UNSPECIFIED || !v1::ReferralKind_IsValid(k)) return "";
  return v1::ReferralKind_Name(k).substr(std::string_view("REFERRAL_KIND_").size());
}

v1::ReferralKind KindOf(const std::string& name) {
  v1::ReferralKind k = v1::REFERRAL_KIND_UNSPECIFIED;
  v1::ReferralKind_Parse("REFERRAL_KIND_" + name, &k);
  return k;
}

void ToProto(const ReferralRecord& r, v1::Referral* out) {
  out->set_referral_id(r.referral_id);
  out->set_referral_code(r.referral_code);
  out->set_case_id(r.case_id);
  out->set_district_code(r.district_code);
  out->set_partner_id(r.partner_id);
  out->set_agency_id(r.agency_id);
  out->set_kind(KindOf(r.kind));
  out->set_status(ToProtoStatus(r.status));
  *out->mutable_referred_on() = ToProtoDate(r.referred_on);
  out->set_age_on_referral(r.age_on_referral);
  v1::AgeBasis basis = v1::AGE_BASIS_UNSPECIFIED;
  v1::AgeBasis_Parse("AGE_BASIS_" + r.age_basis, &basis);
  out->set_age_basis(basis);
  out->set_given_name(r.given_name);
  for (const auto& s : r.skills) out->add_skills(s);
  out->set_availability(r.availability);
  out->set_minor(r.minor);
  out->set_guardian_consent(r.guardian_consent);
  SetDate(r.consent_recorded_on, out->mutable_consent_recorded_on());
  out->set_consent_override_reason(r.consent_override_reason);
  SetDate(r.sent_on, out->mutable_sent_on());
  SetDate(r.answer_due_on, out->mutable_answer_due_on());
  out->set_escalated(r.escalated_on.has_value());
  SetDate(r.escalated_on, out->mutable_escalated_on());
  out->set_paused(r.paused);
  out->set_reason_code(r.reason_code);
  for (const auto& s : r.steps) {
    v1::ReferralStep* p = out->add_steps();
    p->set_from_status(ToProtoStatus(s.from));
    p->set_to_status(ToProtoStatus(s.to));
    p->set_reason_code(s.reason_code);
    *p->mutable_on() = ToProtoDate(s.on);
    p->set_recorded_by(s.recorded_by);
    *p->mutable_recorded_at() = grpc_util::ToProtoTimestamp(s.recorded_at);
  }
  out->set_created_by(r.created_by);
  *out->mutable_created_at() = grpc_util::ToProtoTimestamp(r.created_at);
  out->set_policy_version(r.policy_version);
}

void ToAgencyView(const ReferralRecord& r, v1::AgencyReferral* out) {
  out->set_referral_id(r.referral_id);
  out->set_referral_code(r.referral_code);
  out->set_kind(KindOf(r.kind));
  out->set_status(ToProtoStatus(r.status));
  const bool withheld = r.minor && !r.guardian_consent;
  out->set_identity_withheld(withheld);
  if (!withheld) out->set_given_name(r.given_name);
  for (const auto& s : r.skills) out->add_skills(s);
  out->set_availability(r.availability);
  SetDate(r.sent_on, out->mutable_sent_on());
  SetDate(r.answer_due_on, out->mutable_answer_due_on());
}

absl::StatusOr<ReferralWrite> StepWrite(const ReferralRecord& current, domain::ReferralStatus to,
                                        domain::Actor actor, const std::string& reason_code,
                                        absl::CivilDay on, const std::string& recorded_by,
                                        absl::Time now, const domain::EmploymentPolicy& policy) {
  if (to == domain::ReferralStatus::kSent) {
    return absl::FailedPreconditionError("a referral is sent with SendReferral (consent first)");
  }
  if (auto st = domain::CheckStep(current.status, to, actor, reason_code, policy); !st.ok()) {
    return st;
  }
  if (current.paused && to != domain::ReferralStatus::kWithdrawn) {
    return absl::FailedPreconditionError(
        "the person is lost contact: the referral is paused until found again");
  }
  if (!current.steps.empty() && on < current.steps.back().on) {
    return absl::InvalidArgumentError("on: must not be before the referral's last step");
  }
  ReferralRecord next = current;
  next.status = to;
  next.reason_code = reason_code;
  ReferralWrite w;
  w.step = ReferralStepRecord{current.status, to, reason_code, on, recorded_by, now};
  w.events.push_back(ReferralEvent(ReferralEventType(to), next, current.status,
                                   actor == domain::Actor::kPartner ? "PARTNER" : "STAFF", on, now,
                                   recorded_by));
  w.update = std::move(next);
  return w;
}

}  // namespace ccms::employment
