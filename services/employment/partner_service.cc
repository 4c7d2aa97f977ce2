#include "services/employment/partner_service.h"

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
#include "services/employment/domain/partner_rules.h"

namespace ccms::employment {

CCMS_UNARY_HANDLER(PartnerServiceImpl, RegisterPartner)
CCMS_UNARY_HANDLER(PartnerServiceImpl, SuspendPartner)
CCMS_UNARY_HANDLER(PartnerServiceImpl, ReactivatePartner)
CCMS_UNARY_HANDLER(PartnerServiceImpl, GetPartner)
CCMS_UNARY_HANDLER(PartnerServiceImpl, ListPartners)

namespace {

using domain::Action;
using grpc_util::FieldViolation;

constexpr int kMaxServed = 50;
constexpr int kMaxContacts = 10;

std::string KindName(v1::PartnerKind k) {
  if (k == v1::PARTNER_KIND_UNSPECIFIED || !v1::PartnerKind_IsValid(k)) return "";
  return v1::PartnerKind_Name(k).substr(std::string_view("PARTNER_KIND_").size());
}
v1::PartnerKind KindOf(const std::string& name) {
  v1::PartnerKind k = v1::PARTNER_KIND_UNSPECIFIED;
  v1::PartnerKind_Parse("PARTNER_KIND_" + name, &k);
  return k;
}
std::string StatusName(v1::PartnerStatus s) {
  if (s == v1::PARTNER_STATUS_UNSPECIFIED || !v1::PartnerStatus_IsValid(s)) return "";
  return v1::PartnerStatus_Name(s).substr(std::string_view("PARTNER_STATUS_").size());
}
v1::PartnerStatus StatusOf(const std::string& name) {
  v1::PartnerStatus s = v1::PARTNER_STATUS_UNSPECIFIED;
  v1::PartnerStatus_Parse("PARTNER_STATUS_" + name, &s);
  return s;
}

void ToProto(const PartnerRecord& p, v1::Partner* out) {
  out->set_partner_id(p.partner_id);
  out->set_agency_id(p.agency_id);
  out->set_name(p.name);
  out->set_kind(KindOf(p.kind));
  out->set_district_code(p.district_code);
  for (const auto& d : p.districts_served) out->add_districts_served(d);
  for (const auto& c : p.contacts) {
    v1::PartnerContact* pc = out->add_contacts();
    pc->set_name(c.name);
    pc->set_phone(c.phone);
    pc->set_email(c.email);
    pc->set_title(c.title);
  }
  out->set_status(StatusOf(p.status));
  out->set_suspension_reason(p.suspension_reason);
  out->set_registered_by(p.registered_by);
  *out->mutable_created_at() = grpc_util::ToProtoTimestamp(p.created_at);
  *out->mutable_updated_at() = grpc_util::ToProtoTimestamp(p.updated_at);
}

events::v1::Envelope PartnerEvent(std::string_view type, const PartnerRecord& p,
                                  const std::string& status, const std::string& reason,
                                  absl::Time now, const std::string& actor) {
  v1::PartnerChanged e;
  e.set_partner_id(p.partner_id);
  e.set_agency_id(p.agency_id);
  e.set_kind(p.kind);
  e.set_status(status);
  e.set_district_code(p.district_code);
  for (const auto& d : p.districts_served) e.add_districts_served(d);
  e.set_reason_code(reason);
  *e.mutable_on() = grpc_util::ToProtoDate(time::ShanghaiDay(now));
  // Keyed by the partner id: a partner's events stay in order.
  return kafka::MakeEnvelope(type, p.partner_id, p.district_code, now, now, actor, e);
}

void Bounded(const std::string& value, size_t max, const std::string& field,
             std::vector<FieldViolation>* violations) {
  if (value.size() > max) {
    violations->push_back({field, absl::StrCat("must be at most ", max, " bytes")});
  }
}

}  // namespace

absl::Status PartnerServiceImpl::DoRegisterPartner(const auth::Principal& principal,
                                                   const v1::RegisterPartnerRequest& request,
                                                   v1::RegisterPartnerResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kManagePartners); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  if (!domain::IsAgencyId(request.agency_id())) {
    violations.push_back(
        {"agency_id", "must be 3-64 characters: lower-case letters, digits and '-'"});
  }
  const std::string name(absl::StripAsciiWhitespace(request.name()));
  if (name.empty() || name.size() > 200) {
    violations.push_back({"name", "is required, at most 200 bytes"});
  }
  const std::string kind = KindName(request.kind());
  if (kind.empty()) violations.push_back({"kind", "is required"});
  if (!auth::IsDistrictCode(request.district_code())) {
    violations.push_back({"district_code", "must be a 6-digit district code"});
  }
  std::vector<std::string> served(request.districts_served().begin(),
                                  request.districts_served().end());
  if (served.size() > kMaxServed) {
    violations.push_back({"districts_served", "must list at most 50 districts"});
  } else if (auto st = domain::NormalizeDistricts(request.district_code(), &served); !st.ok()) {
    violations.push_back({"districts_served", "every entry is a 6-digit district code"});
  }
  if (request.contacts_size() > kMaxContacts) {
    violations.push_back({"contacts", "must list at most 10 contacts"});
  }
  for (int i = 0; i < request.contacts_size(); ++i) {
    const auto& c = request.contacts(i);
    const std::string f = absl::StrCat("contacts[", i, "]");
    if (c.name().empty()) violations.push_back({f + ".name", "is required"});
    Bounded(c.name(), 100, f + ".name", &violations);
    Bounded(c.phone(), 40, f + ".phone", &violations);
    Bounded(c.email(), 200, f + ".email", &violations);
    Bounded(c.title(), 100, f + ".title", &violations);
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  if (!principal.CanSeeDistrict(request.district_code())) {
    return absl::PermissionDeniedError("a partner is registered by one of the caller's districts");
  }
  const absl::Time now = clock_.Now();
  PartnerRecord p;
  p.partner_id = ids::NewUuid();
  p.agency_id = request.agency_id();
  p.name = name;
  p.kind = kind;
  p.district_code = request.district_code();
  p.districts_served = served;
  for (const auto& c : request.contacts()) {
    p.contacts.push_back({c.name(), c.phone(), c.email(), c.title()});
  }
  p.status = "ACTIVE";
  p.registered_by = principal.subject;
  p.created_at = now;
  p.updated_at = now;
  auto saved = store_.Register(
      principal, p,
      {PartnerEvent("ccms.employment.partner_registered", p, "ACTIVE", "", now, principal.subject)},
      absl::AsciiStrToLower(request.request_id()));
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_partner());
  return absl::OkStatus();
}

absl::StatusOr<PartnerRecord> PartnerServiceImpl::ChangeStatus(
    const auth::Principal& principal, const std::string& request_id, const std::string& partner_id,
    const std::string& to_status, const std::string& reason_code, const char* method) {
  const absl::Time now = clock_.Now();
  auto decide = [&](const PartnerRecord& p) -> absl::StatusOr<PartnerWrite> {
    if (p.status == to_status) {
      return absl::FailedPreconditionError(
          absl::StrCat("the partner is ", absl::AsciiStrToLower(to_status), " already"));
    }
    PartnerWrite w;
    w.status = to_status;
    w.suspension_reason = reason_code;
    w.events.push_back(PartnerEvent(to_status == "SUSPENDED"
                                        ? "ccms.employment.partner_suspended"
                                        : "ccms.employment.partner_reactivated",
                                    p, to_status, reason_code, now, principal.subject));
    return w;
  };
  return store_.Mutate(principal, absl::AsciiStrToLower(partner_id), method,
                       absl::AsciiStrToLower(request_id), decide);
}

absl::Status PartnerServiceImpl::DoSuspendPartner(const auth::Principal& principal,
                                                  const v1::SuspendPartnerRequest& request,
                                                  v1::SuspendPartnerResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kManagePartners); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.partner_id(), "partner_id", "a partner id (UUID)");
      !st.ok()) {
    return st;
  }
  const domain::EmploymentPolicy& policy = policies_.InForce(time::ShanghaiDay(clock_.Now()));
  if (!domain::HasCode(policy.suspension_reasons, request.reason_code())) {
    return grpc_util::InvalidArgumentWithViolations(
        {{"reason_code", "must be a code of policy employment.partner.suspension_reasons"}});
  }
  auto p = ChangeStatus(principal, request.request_id(), request.partner_id(), "SUSPENDED",
                        request.reason_code(), "SuspendPartner");
  if (!p.ok()) return p.status();
  ToProto(*p, response->mutable_partner());
  return absl::OkStatus();
}

absl::Status PartnerServiceImpl::DoReactivatePartner(const auth::Principal& principal,
                                                     const v1::ReactivatePartnerRequest& request,
                                                     v1::ReactivatePartnerResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kManagePartners); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.partner_id(), "partner_id", "a partner id (UUID)");
      !st.ok()) {
    return st;
  }
  auto p = ChangeStatus(principal, request.request_id(), request.partner_id(), "ACTIVE", "",
                        "ReactivatePartner");
  if (!p.ok()) return p.status();
  ToProto(*p, response->mutable_partner());
  return absl::OkStatus();
}

absl::Status PartnerServiceImpl::DoGetPartner(const auth::Principal& principal,
                                              const v1::GetPartnerRequest& request,
                                              v1::GetPartnerResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.partner_id(), "partner_id", "a partner id (UUID)");
      !st.ok()) {
    return st;
  }
  auto p = store_.Get(principal, absl::AsciiStrToLower(request.partner_id()));
  if (!p.ok()) return p.status();
  ToProto(*p, response->mutable_partner());
  return absl::OkStatus();
}

absl::Status PartnerServiceImpl::DoListPartners(const auth::Principal& principal,
                                                const v1::ListPartnersRequest& request,
                                                v1::ListPartnersResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  grpc_util::DistrictFilterField(request.district_code(), &violations);
  const int page_size = grpc_util::CheckPageSize(request.page_size(), 50, 500, &violations);
  grpc_util::OptionalUuidField(request.page_token(), "page_token", "a token of this list",
                               &violations);
  if (request.kind() != v1::PARTNER_KIND_UNSPECIFIED && KindName(request.kind()).empty()) {
    violations.push_back({"kind", "is not a partner kind"});
  }
  if (request.status() != v1::PARTNER_STATUS_UNSPECIFIED && StatusName(request.status()).empty()) {
    violations.push_back({"status", "is not a partner status"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  PartnerFilter f;
  f.district_code = request.district_code();
  f.kind = KindName(request.kind());
  f.status = StatusName(request.status());
  f.page_size = page_size;
  f.after_partner_id = absl::AsciiStrToLower(request.page_token());
  auto page = store_.List(principal, f);
  if (!page.ok()) return page.status();
  for (const auto& p : page->items) ToProto(p, response->add_partners());
  response->set_next_page_token(page->next_partner_id);
  return absl::OkStatus();
}

}  // namespace ccms::employment
