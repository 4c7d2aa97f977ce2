#include "services/employment/assistance_service.h"

#include <map>

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

CCMS_UNARY_HANDLER(AssistanceServiceImpl, RecordAssistance)
CCMS_UNARY_HANDLER(AssistanceServiceImpl, ChangeAssistanceStatus)
CCMS_UNARY_HANDLER(AssistanceServiceImpl, ListAssistance)
CCMS_UNARY_HANDLER(AssistanceServiceImpl, SumAssistance)

namespace {

using domain::Action;
using domain::AssistanceStatus;
using grpc_util::FieldViolation;

constexpr char kKindPrefix[] = "ASSISTANCE_KIND_";
constexpr char kStatusPrefix[] = "ASSISTANCE_STATUS_";

std::string KindName(int k) {
  return grpc_util::EnumSuffix(v1::AssistanceKind_descriptor(), k, kKindPrefix);
}
std::string StatusName(int s) {
  return grpc_util::EnumSuffix(v1::AssistanceStatus_descriptor(), s, kStatusPrefix);
}
v1::AssistanceKind KindOf(const std::string& name) {
  v1::AssistanceKind k = v1::ASSISTANCE_KIND_UNSPECIFIED;
  v1::AssistanceKind_Parse(kKindPrefix + name, &k);
  return k;
}
v1::AssistanceStatus StatusOf(const std::string& name) {
  v1::AssistanceStatus s = v1::ASSISTANCE_STATUS_UNSPECIFIED;
  v1::AssistanceStatus_Parse(kStatusPrefix + name, &s);
  return s;
}
AssistanceStatus DomainStatus(const std::string& name) {
  if (name == "GRANTED") return AssistanceStatus::kGranted;
  if (name == "REFUSED") return AssistanceStatus::kRefused;
  if (name == "ENDED") return AssistanceStatus::kEnded;
  return AssistanceStatus::kApplied;
}

void ToProto(const AssistanceRecordRow& a, v1::AssistanceRecord* out) {
  out->set_assistance_id(a.assistance_id);
  out->set_case_id(a.case_id);
  out->set_district_code(a.district_code);
  out->set_kind(KindOf(a.kind));
  out->set_status(StatusOf(a.status));
  out->set_amount_fen(a.amount_fen);
  *out->mutable_applied_on() = grpc_util::ToProtoDate(a.applied_on);
  if (a.granted_on) *out->mutable_granted_on() = grpc_util::ToProtoDate(*a.granted_on);
  if (a.decided_on) *out->mutable_decided_on() = grpc_util::ToProtoDate(*a.decided_on);
  if (a.ended_on) *out->mutable_ended_on() = grpc_util::ToProtoDate(*a.ended_on);
  out->set_reason_code(a.reason_code);
  out->set_recorded_by(a.recorded_by);
  *out->mutable_created_at() = grpc_util::ToProtoTimestamp(a.created_at);
}

// ccms.employment.assistance_granted, keyed by the case: codes, amounts, dates and ids.
events::v1::Envelope GrantedEvent(const AssistanceRecordRow& a, absl::Time now,
                                  const std::string& actor) {
  v1::AssistanceGranted e;
  e.set_assistance_id(a.assistance_id);
  e.set_case_id(a.case_id);
  e.set_district_code(a.district_code);
  e.set_kind(a.kind);
  e.set_amount_fen(a.amount_fen);
  *e.mutable_applied_on() = grpc_util::ToProtoDate(a.applied_on);
  if (a.granted_on) *e.mutable_granted_on() = grpc_util::ToProtoDate(*a.granted_on);
  return kafka::MakeEnvelope("ccms.employment.assistance_granted", a.case_id, a.district_code, now,
                             now, actor, e);
}

}  // namespace

absl::Status AssistanceServiceImpl::DoRecordAssistance(const auth::Principal& principal,
                                                       const v1::RecordAssistanceRequest& request,
                                                       v1::RecordAssistanceResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWriteReferral); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  const domain::EmploymentPolicy& policy = policies_.InForce(today);
  std::vector<FieldViolation> violations;
  const std::string kind = KindName(request.kind());
  if (kind.empty()) violations.push_back({"kind", "is required"});
  const std::string status = StatusName(request.status());
  if (status != "APPLIED" && status != "GRANTED") {
    violations.push_back({"status", "must be APPLIED or GRANTED"});
  }
  const absl::CivilDay applied_on =
      grpc_util::DayNotInFuture(request.applied_on(), "applied_on", today, &violations);
  const auto granted_given = grpc_util::DateField(request.granted_on(), "granted_on", &violations);
  if (granted_given.has_value() && status != "GRANTED") {
    violations.push_back({"granted_on", "is given only with status GRANTED"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const bool granted = status == "GRANTED";
  std::optional<absl::CivilDay> granted_on;
  if (granted) granted_on = granted_given.value_or(applied_on);
  if (auto st = domain::CheckAssistanceAmount(kind, request.amount_fen(), policy.max_assistance_fen,
                                              granted);
      !st.ok()) {
    return st;
  }
  auto decide = [&](const domain::CaseView& c) -> absl::StatusOr<AssistanceWrite> {
    if (auto st = domain::CheckNewAssistance(c, applied_on, granted_on, today); !st.ok()) {
      return st;
    }
    AssistanceWrite w;
    AssistanceRecordRow& a = w.record;
    a.assistance_id = ids::NewUuid();
    a.case_id = c.case_id;
    a.district_code = c.district_code;
    a.kind = kind;
    a.status = status;
    a.amount_fen = request.amount_fen();
    a.applied_on = applied_on;
    a.granted_on = granted_on;
    if (granted) a.decided_on = granted_on;
    a.recorded_by = principal.subject;
    a.created_at = now;
    if (granted) w.events.push_back(GrantedEvent(a, now, principal.subject));
    return w;
  };
  auto saved = store_.Record(principal, absl::AsciiStrToLower(request.case_id()),
                             absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_assistance());
  return absl::OkStatus();
}

absl::Status AssistanceServiceImpl::DoChangeAssistanceStatus(
    const auth::Principal& principal, const v1::ChangeAssistanceStatusRequest& request,
    v1::ChangeAssistanceStatusResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWriteReferral); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckUuidField(request.assistance_id(), "assistance_id",
                                          "an assistance record id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  const domain::EmploymentPolicy& policy = policies_.InForce(today);
  std::vector<FieldViolation> violations;
  const std::string to = StatusName(request.to_status());
  if (to != "GRANTED" && to != "REFUSED" && to != "ENDED") {
    violations.push_back({"to_status", "must be GRANTED, REFUSED or ENDED"});
  }
  const absl::CivilDay on = grpc_util::DayNotInFuture(request.on(), "on", today, &violations);
  if (to == "REFUSED" &&
      !domain::HasCode(policy.assistance_refusal_reasons, request.reason_code())) {
    violations.push_back(
        {"reason_code", "must be a code of policy employment.assistance.refusal_reasons"});
  } else if (to == "ENDED" &&
             !domain::HasCode(policy.assistance_end_reasons, request.reason_code())) {
    violations.push_back(
        {"reason_code", "must be a code of policy employment.assistance.end_reasons"});
  } else if (to == "GRANTED" && !request.reason_code().empty()) {
    violations.push_back({"reason_code", "is not given with GRANTED"});
  }
  if (to != "GRANTED" && request.amount_fen() != 0) {
    violations.push_back({"amount_fen", "is given only with GRANTED"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  auto decide = [&](const AssistanceRecordRow& current,
                    const domain::CaseView& c) -> absl::StatusOr<AssistanceWrite> {
    if (auto st = domain::CheckAssistanceStep(DomainStatus(current.status), DomainStatus(to), on,
                                              current.applied_on, current.granted_on,
                                              c.status == domain::CaseStatus::kClosed, today);
        !st.ok()) {
      return st;
    }
    AssistanceWrite w;
    w.record = current;
    AssistanceRecordRow& a = w.record;
    a.status = to;
    if (to == "GRANTED") {
      if (request.amount_fen() != 0) a.amount_fen = request.amount_fen();
      if (auto st =
              domain::CheckAssistanceAmount(a.kind, a.amount_fen, policy.max_assistance_fen, true);
          !st.ok()) {
        return st;
      }
      a.granted_on = on;
      a.decided_on = on;
      w.events.push_back(GrantedEvent(a, now, principal.subject));
    } else if (to == "REFUSED") {
      a.decided_on = on;
      a.reason_code = request.reason_code();
    } else {
      a.ended_on = on;
      a.reason_code = request.reason_code();
    }
    return w;
  };
  auto saved = store_.Change(principal, absl::AsciiStrToLower(request.assistance_id()),
                             absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_assistance());
  return absl::OkStatus();
}

absl::Status AssistanceServiceImpl::DoListAssistance(const auth::Principal& principal,
                                                     const v1::ListAssistanceRequest& request,
                                                     v1::ListAssistanceResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  grpc_util::CheckListDistrict(principal, request.district_code(), &violations);
  grpc_util::OptionalUuidField(request.case_id(), "case_id", "a case id (UUID)", &violations);
  const int page_size = grpc_util::CheckPageSize(request.page_size(), 50, 500, &violations);
  grpc_util::OptionalUuidField(request.page_token(), "page_token", "a token of this list",
                               &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  AssistanceFilter f;
  f.district_code = request.district_code();
  f.case_id = absl::AsciiStrToLower(request.case_id());
  f.page_size = page_size;
  f.after_id = absl::AsciiStrToLower(request.page_token());
  auto page = store_.List(principal, f);
  if (!page.ok()) return page.status();
  for (const auto& a : page->items) ToProto(a, response->add_records());
  response->set_next_page_token(page->next_id);
  return absl::OkStatus();
}

absl::Status AssistanceServiceImpl::DoSumAssistance(const auth::Principal& principal,
                                                    const v1::SumAssistanceRequest& request,
                                                    v1::SumAssistanceResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  if (!auth::IsDistrictCode(request.district_code())) {
    violations.push_back({"district_code", "must be a 6-digit district code"});
  }
  if (request.year() < domain::kMinSumYear || request.year() > domain::kMaxSumYear) {
    violations.push_back(
        {"year", absl::StrCat("must be ", domain::kMinSumYear, " to ", domain::kMaxSumYear)});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  if (!principal.CanSeeDistrict(request.district_code())) {
    return absl::PermissionDeniedError("a sum of one of the caller's districts");
  }
  const domain::DayRange days = domain::YearDays(request.year());
  auto rows = store_.Sum(principal, request.district_code(), days.first, days.last);
  if (!rows.ok()) return rows.status();
  std::map<std::string, AssistanceSumRow> by_kind;
  for (const auto& r : *rows) by_kind[r.kind] = r;
  response->set_district_code(request.district_code());
  response->set_year(request.year());
  int records = 0;
  int64_t amount = 0;
  const auto* kinds = v1::AssistanceKind_descriptor();
  for (int i = 0; i < kinds->value_count(); ++i) {
    const int number = kinds->value(i)->number();
    if (number == v1::ASSISTANCE_KIND_UNSPECIFIED) continue;
    v1::AssistanceKindSum* s = response->add_by_kind();
    s->set_kind(static_cast<v1::AssistanceKind>(number));
    auto it = by_kind.find(KindName(number));
    if (it != by_kind.end()) {
      s->set_records(it->second.records);
      s->set_amount_fen(it->second.amount_fen);
      records += it->second.records;
      amount += it->second.amount_fen;
    }
  }
  response->set_records(records);
  response->set_amount_fen(amount);
  return absl::OkStatus();
}

}  // namespace ccms::employment
