#include "services/education/hours_ledger_service.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ccms/education/v1/education_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/education/domain/access.h"
#include "services/education/domain/education_windows.h"
#include "services/education/domain/individual_education.h"

namespace ccms::education {

CCMS_UNARY_HANDLER(HoursLedgerServiceImpl, GetHoursLedger)
CCMS_UNARY_HANDLER(HoursLedgerServiceImpl, CloseHoursMonth)
CCMS_UNARY_HANDLER(HoursLedgerServiceImpl, GrantHoursWaiver)
CCMS_UNARY_HANDLER(HoursLedgerServiceImpl, ListHoursShortfalls)
CCMS_UNARY_HANDLER(HoursLedgerServiceImpl, ListEducationWindows)
CCMS_UNARY_HANDLER(HoursLedgerServiceImpl, ListIndividualEducationDue)

namespace {

using domain::Action;
using grpc_util::FieldViolation;
using grpc_util::ToProtoDate;

constexpr char kHoursMonthClosedType[] = "ccms.education.hours_month_closed";

v1::HoursKind KindToProto(std::optional<domain::HoursKind> k) {
  if (!k.has_value()) return v1::HOURS_KIND_UNSPECIFIED;
  return *k == domain::HoursKind::kStudy ? v1::HOURS_KIND_STUDY : v1::HOURS_KIND_COMMUNITY_SERVICE;
}

v1::WaiverScope ScopeToProto(domain::WaiverScope s) {
  switch (s) {
    case domain::WaiverScope::kStudy:
      return v1::WAIVER_SCOPE_STUDY;
    case domain::WaiverScope::kCommunityService:
      return v1::WAIVER_SCOPE_COMMUNITY_SERVICE;
    case domain::WaiverScope::kBoth:
      return v1::WAIVER_SCOPE_BOTH;
  }
  return v1::WAIVER_SCOPE_UNSPECIFIED;
}

void TotalsToProto(const domain::KindTotals& t, v1::HoursTotals* out) {
  out->set_owed_days(t.owed_days);
  out->set_waived_days(t.waived_days);
  out->set_required_minutes(t.required_minutes);
  out->set_credited_minutes(t.credited_minutes);
  out->set_shortfall_minutes(t.shortfall_minutes);
}

void WindowToProto(const CaseLedgerData& d, const domain::EducationWindow& w,
                   v1::EducationWindow* out) {
  out->set_case_id(d.case_row.view.case_id);
  out->set_district_code(d.case_row.view.district_code);
  out->set_kind(w.kind == domain::WindowKind::kIntake ? v1::WINDOW_KIND_INTAKE
                                                      : v1::WINDOW_KIND_DISCHARGE);
  out->set_state(std::string(domain::WindowStateName(w.state)));
  if (w.opens_on.has_value()) *out->mutable_opens_on() = ToProtoDate(*w.opens_on);
  if (w.due_on.has_value()) *out->mutable_due_on() = ToProtoDate(*w.due_on);
  if (w.completed_on.has_value()) *out->mutable_completed_on() = ToProtoDate(*w.completed_on);
}

// Year and month of a request: both 0 = `today`'s month; else 2000-2100 and 1-12.
std::optional<absl::CivilMonth> MonthField(int year, int month, absl::CivilDay today,
                                           std::vector<FieldViolation>* violations) {
  if (year == 0 && month == 0) return absl::CivilMonth(today);
  if (year < 2000 || year > 2100) {
    violations->push_back({"year", "must be 2000-2100 (or 0 with month 0: this month)"});
    return std::nullopt;
  }
  if (month < 1 || month > 12) {
    violations->push_back({"month", "must be 1-12"});
    return std::nullopt;
  }
  return absl::CivilMonth(year, month);
}

}  // namespace

v1::MonthLedger HoursLedgerServiceImpl::MonthOf(const CaseLedgerData& d,
                                                absl::CivilMonth month) const {
  v1::MonthLedger out;
  if (const ClosedMonthRecord* c = d.Closed(month); c != nullptr) {
    if (google::protobuf::util::JsonStringToMessage(c->ledger_json, &out).ok()) return out;
    out.Clear();  // unreadable: computed below (never expected)
  }
  const domain::EducationPolicy& policy = policies_.InForce(domain::LastDay(month));
  domain::LedgerInputs in;
  in.term = domain::TermOf(d.case_row.view);
  in.entries = d.entries;
  in.waivers = d.waivers;
  in.lost_contact = d.lost_contact;
  in.hospital_days = d.hospital_days;
  const domain::MonthLedger l = domain::ComputeMonthLedger(in, month, policy.hours);
  out.set_case_id(d.case_row.view.case_id);
  out.set_district_code(d.case_row.view.district_code);
  out.set_year(static_cast<int>(month.year()));
  out.set_month(month.month());
  out.set_days_in_month(l.days_in_month);
  out.set_term_days(l.term_days);
  TotalsToProto(l.study, out.mutable_study());
  TotalsToProto(l.community_service, out.mutable_community_service());
  out.set_lost_contact_days(l.lost_contact_days);
  out.set_hospital_days(l.hospital_days);
  for (const auto& line : l.lines) {
    v1::LedgerLine* p = out.add_lines();
    p->set_code(line.code);
    p->set_kind(KindToProto(line.kind));
    p->set_minutes(line.minutes);
    p->set_days(line.days);
    p->set_ref(line.ref);
    if (line.on.has_value()) *p->mutable_on() = ToProtoDate(*line.on);
  }
  out.set_policy_version(policy.version);
  return out;
}

absl::Status HoursLedgerServiceImpl::DoGetHoursLedger(const auth::Principal& principal,
                                                      const v1::GetHoursLedgerRequest& request,
                                                      v1::GetHoursLedgerResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  std::vector<FieldViolation> violations;
  auto month = MonthField(request.year(), request.month(), today, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  auto data = store_.Load(principal, absl::AsciiStrToLower(request.case_id()), "GetHoursLedger");
  if (!data.ok()) return data.status();
  *response->mutable_ledger() = MonthOf(*data, *month);
  const domain::EducationPolicy& policy = policies_.InForce(today);
  WindowToProto(*data,
                domain::IntakeWindow(data->case_row.view, data->intake_days, policy.windows, today),
                response->add_windows());
  WindowToProto(
      *data,
      domain::DischargeWindow(data->case_row.view, data->discharge_days, policy.windows, today),
      response->add_windows());
  const domain::IndividualMonth ind = domain::IndividualFor(
      domain::TermOf(data->case_row.view), *month, data->triggers, data->individual_days,
      policies_.InForce(domain::LastDay(*month)).individual);
  v1::IndividualEducationMonth* i = response->mutable_individual();
  i->set_case_id(data->case_row.view.case_id);
  i->set_district_code(data->case_row.view.district_code);
  i->set_year(static_cast<int>(month->year()));
  i->set_month(month->month());
  i->set_required(ind.required);
  i->set_held(ind.held);
  for (const auto& t : ind.in_force)
    i->add_reasons(std::string(domain::StepUpReasonName(t.reason)));
  return absl::OkStatus();
}

absl::Status HoursLedgerServiceImpl::DoCloseHoursMonth(const auth::Principal& principal,
                                                       const v1::CloseHoursMonthRequest& request,
                                                       v1::CloseHoursMonthResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  if (request.year() == 0 && request.month() == 0) {
    violations.push_back({"year", "is required (2000-2100)"});
  }
  auto month = MonthField(request.year(), request.month(), today, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  bool already = false;
  v1::MonthLedger frozen;
  auto decide = [&](const CaseLedgerData& d) -> absl::StatusOr<CloseMonthWrite> {
    CloseMonthWrite w;
    if (d.Closed(*month) != nullptr) {
      already = true;  // frozen: answered as closed, no new event
      frozen = MonthOf(d, *month);
      return w;
    }
    if (auto st = domain::CheckCloseMonth(domain::TermOf(d.case_row.view), *month, today);
        !st.ok()) {
      return st;
    }
    frozen = MonthOf(d, *month);
    frozen.set_closed(true);
    frozen.set_closed_by(principal.subject);
    ClosedMonthRecord m;
    m.month = *month;
    google::protobuf::util::JsonPrintOptions opts;
    opts.preserve_proto_field_names = true;
    if (!google::protobuf::util::MessageToJsonString(frozen, &m.ledger_json, opts).ok()) {
      return absl::InternalError("the month could not be frozen");
    }
    m.policy_version = frozen.policy_version();
    m.closed_by = principal.subject;
    m.study_shortfall_minutes = frozen.study().shortfall_minutes();
    m.community_service_shortfall_minutes = frozen.community_service().shortfall_minutes();
    m.lost_contact_days = frozen.lost_contact_days();
    m.hospital_days = frozen.hospital_days();
    m.term_days = frozen.term_days();
    w.month = std::move(m);
    v1::HoursMonthClosed e;
    e.set_case_id(case_id);
    e.set_district_code(d.case_row.view.district_code);
    e.set_year(frozen.year());
    e.set_month(frozen.month());
    e.set_term_days(frozen.term_days());
    e.set_study_required_minutes(frozen.study().required_minutes());
    e.set_study_credited_minutes(frozen.study().credited_minutes());
    e.set_study_shortfall_minutes(frozen.study().shortfall_minutes());
    e.set_study_waived_days(frozen.study().waived_days());
    e.set_community_service_required_minutes(frozen.community_service().required_minutes());
    e.set_community_service_credited_minutes(frozen.community_service().credited_minutes());
    e.set_community_service_shortfall_minutes(frozen.community_service().shortfall_minutes());
    e.set_community_service_waived_days(frozen.community_service().waived_days());
    e.set_lost_contact_days(frozen.lost_contact_days());
    e.set_hospital_days(frozen.hospital_days());
    e.set_policy_version(frozen.policy_version());
    w.events.push_back(kafka::MakeEnvelope(kHoursMonthClosedType, case_id,
                                           d.case_row.view.district_code, now, now,
                                           principal.subject, e));
    return w;
  };
  auto closed = store_.CloseMonth(principal, case_id, absl::AsciiStrToLower(request.request_id()),
                                  *month, decide);
  if (!closed.ok()) return closed.status();
  *response->mutable_ledger() = frozen;
  response->set_already_closed(already);
  return absl::OkStatus();
}

absl::Status HoursLedgerServiceImpl::DoGrantHoursWaiver(const auth::Principal& principal,
                                                        const v1::GrantHoursWaiverRequest& request,
                                                        v1::GrantHoursWaiverResponse* response) {
  // Waivers are decided by office staff only (seed 7.6.2; docs/education.md).
  if (principal.role != auth::Role::kOfficeStaff) {
    return absl::PermissionDeniedError("only office staff grant waivers");
  }
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  domain::HoursWaiver w;
  switch (request.scope()) {
    case v1::WAIVER_SCOPE_STUDY:
      w.scope = domain::WaiverScope::kStudy;
      break;
    case v1::WAIVER_SCOPE_COMMUNITY_SERVICE:
      w.scope = domain::WaiverScope::kCommunityService;
      break;
    case v1::WAIVER_SCOPE_BOTH:
      w.scope = domain::WaiverScope::kBoth;
      break;
    default:
      violations.push_back({"scope", "must be STUDY, COMMUNITY_SERVICE or BOTH"});
  }
  auto from = grpc_util::RequiredDateField(request.from_date(), "from_date", &violations);
  auto until = grpc_util::RequiredDateField(request.until_date(), "until_date", &violations);
  if (request.reason_code().empty() || request.reason_code().size() > 40) {
    violations.push_back({"reason_code", "must be a waiver reason of the policy"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  w.waiver_id = ids::NewUuid();
  w.reason_code = request.reason_code();
  w.decided_by = principal.subject;
  w.from = *from;
  w.until = *until;
  const domain::EducationPolicy& policy = policies_.InForce(*from);
  if (auto st = domain::CheckWaiver(w, policy.hours); !st.ok()) {
    const std::string msg(st.message());
    const size_t colon = msg.find(':');
    return grpc_util::InvalidArgumentWithViolations(
        {{colon == std::string::npos ? "waiver" : msg.substr(0, colon),
          colon == std::string::npos ? msg : msg.substr(colon + 2)}});
  }
  auto decide = [&](const CaseLedgerData& d) -> absl::StatusOr<domain::HoursWaiver> {
    if (d.case_row.view.status == domain::CaseStatus::kClosed) {
      return absl::FailedPreconditionError("the case is closed");
    }
    return w;
  };
  auto saved = store_.GrantWaiver(principal, absl::AsciiStrToLower(request.case_id()),
                                  absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  v1::HoursWaiver* out = response->mutable_waiver();
  out->set_waiver_id(saved->waiver_id);
  out->set_case_id(absl::AsciiStrToLower(request.case_id()));
  out->set_scope(ScopeToProto(saved->scope));
  out->set_reason_code(saved->reason_code);
  out->set_decided_by(saved->decided_by);
  *out->mutable_from_date() = ToProtoDate(saved->from);
  *out->mutable_until_date() = ToProtoDate(saved->until);
  return absl::OkStatus();
}

namespace {

// The list filter of a district list request; violations collected.
LedgerListFilter ListFilter(const auth::Principal& principal, const std::string& district,
                            int page_size, const std::string& token,
                            std::vector<FieldViolation>* violations) {
  grpc_util::CheckListDistrict(principal, district, violations);
  LedgerListFilter f;
  f.district_code = district;
  f.page_size = grpc_util::CheckPageSize(page_size, 50, 500, violations);
  if (!token.empty()) {
    if (!ids::IsUuid(token)) {
      violations->push_back({"page_token", "is not a token of this list"});
    } else {
      f.after_case_id = absl::AsciiStrToLower(token);
    }
  }
  return f;
}

}  // namespace

absl::Status HoursLedgerServiceImpl::DoListHoursShortfalls(
    const auth::Principal& principal, const v1::ListHoursShortfallsRequest& request,
    v1::ListHoursShortfallsResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  std::vector<FieldViolation> violations;
  auto month = MonthField(request.year(), request.month(), today, &violations);
  LedgerListFilter f = ListFilter(principal, request.district_code(), request.page_size(),
                                  request.page_token(), &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  // A closed case may have a shortfall in a month of its term.
  f.active_only = false;
  std::vector<v1::MonthLedger> kept;
  auto keep = [&](const CaseLedgerData& d) {
    v1::MonthLedger l = MonthOf(d, *month);
    if (l.study().shortfall_minutes() == 0 && l.community_service().shortfall_minutes() == 0) {
      return false;
    }
    kept.push_back(std::move(l));
    return true;
  };
  auto page = store_.List(principal, "ListHoursShortfalls", f, keep);
  if (!page.ok()) return page.status();
  for (size_t i = 0; i < page->items.size() && i < kept.size(); ++i) {
    const v1::MonthLedger& l = kept[i];
    v1::HoursShortfall* out = response->add_items();
    out->set_case_id(l.case_id());
    out->set_district_code(l.district_code());
    out->set_study_shortfall_minutes(l.study().shortfall_minutes());
    out->set_community_service_shortfall_minutes(l.community_service().shortfall_minutes());
    out->set_closed(l.closed());
    out->set_lost_contact(l.lost_contact_days() > 0);
    out->set_hospital(l.hospital_days() > 0);
  }
  response->set_next_page_token(page->next_token);
  return absl::OkStatus();
}

absl::Status HoursLedgerServiceImpl::DoListEducationWindows(
    const auth::Principal& principal, const v1::ListEducationWindowsRequest& request,
    v1::ListEducationWindowsResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  std::vector<FieldViolation> violations;
  if (request.kind() != v1::WINDOW_KIND_UNSPECIFIED && request.kind() != v1::WINDOW_KIND_INTAKE &&
      request.kind() != v1::WINDOW_KIND_DISCHARGE) {
    violations.push_back({"kind", "must be INTAKE, DISCHARGE or unspecified (both)"});
  }
  LedgerListFilter f = ListFilter(principal, request.district_code(), request.page_size(),
                                  request.page_token(), &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const domain::WindowPolicy& policy = policies_.InForce(today).windows;
  auto listed = [&](const domain::EducationWindow& w) {
    return w.state == domain::WindowState::kOverdue ||
           (!request.overdue_only() && w.state == domain::WindowState::kDue);
  };
  std::vector<std::vector<domain::EducationWindow>> kept;
  auto keep = [&](const CaseLedgerData& d) {
    std::vector<domain::EducationWindow> ws;
    if (request.kind() != v1::WINDOW_KIND_DISCHARGE) {
      auto w = domain::IntakeWindow(d.case_row.view, d.intake_days, policy, today);
      if (listed(w)) ws.push_back(w);
    }
    if (request.kind() != v1::WINDOW_KIND_INTAKE) {
      auto w = domain::DischargeWindow(d.case_row.view, d.discharge_days, policy, today);
      if (listed(w)) ws.push_back(w);
    }
    if (ws.empty()) return false;
    kept.push_back(std::move(ws));
    return true;
  };
  auto page = store_.List(principal, "ListEducationWindows", f, keep);
  if (!page.ok()) return page.status();
  for (size_t i = 0; i < page->items.size() && i < kept.size(); ++i) {
    for (const auto& w : kept[i]) WindowToProto(page->items[i], w, response->add_items());
  }
  response->set_next_page_token(page->next_token);
  return absl::OkStatus();
}

absl::Status HoursLedgerServiceImpl::DoListIndividualEducationDue(
    const auth::Principal& principal, const v1::ListIndividualEducationDueRequest& request,
    v1::ListIndividualEducationDueResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  std::vector<FieldViolation> violations;
  LedgerListFilter f = ListFilter(principal, request.district_code(), request.page_size(),
                                  request.page_token(), &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::CivilMonth month(today);
  const domain::IndividualPolicy& policy = policies_.InForce(today).individual;
  std::vector<domain::IndividualMonth> kept;
  auto keep = [&](const CaseLedgerData& d) {
    domain::IndividualMonth m = domain::IndividualFor(domain::TermOf(d.case_row.view), month,
                                                      d.triggers, d.individual_days, policy);
    if (!m.Below()) return false;
    kept.push_back(std::move(m));
    return true;
  };
  auto page = store_.List(principal, "ListIndividualEducationDue", f, keep);
  if (!page.ok()) return page.status();
  for (size_t i = 0; i < page->items.size() && i < kept.size(); ++i) {
    const domain::IndividualMonth& m = kept[i];
    v1::IndividualEducationMonth* out = response->add_items();
    out->set_case_id(page->items[i].case_row.view.case_id);
    out->set_district_code(page->items[i].case_row.view.district_code);
    out->set_year(static_cast<int>(month.year()));
    out->set_month(month.month());
    out->set_required(m.required);
    out->set_held(m.held);
    for (const auto& t : m.in_force)
      out->add_reasons(std::string(domain::StepUpReasonName(t.reason)));
  }
  response->set_next_page_token(page->next_token);
  return absl::OkStatus();
}

}  // namespace ccms::education
