#include "services/employment/opening_service.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

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
#include "services/employment/domain/matching.h"
#include "services/employment/domain/referral_machine.h"
#include "services/employment/retention_service.h"

namespace ccms::employment {

CCMS_UNARY_HANDLER(OpeningServiceImpl, PostOpening)
CCMS_UNARY_HANDLER(OpeningServiceImpl, CloseOpening)
CCMS_UNARY_HANDLER(OpeningServiceImpl, RecordOpeningFilled)
CCMS_UNARY_HANDLER(OpeningServiceImpl, ListOpenings)
CCMS_UNARY_HANDLER(OpeningServiceImpl, RankOpeningsForCase)

namespace {

using domain::Action;
using domain::OpeningStatus;
using grpc_util::FieldViolation;

constexpr int kDefaultRankResults = 20;
constexpr int kMaxRankResults = 200;

std::vector<std::string> Strings(const google::protobuf::RepeatedPtrField<std::string>& r) {
  return {r.begin(), r.end()};
}

absl::Status AsViolation(const absl::Status& st) {
  if (st.code() != absl::StatusCode::kInvalidArgument) return st;
  const std::string what(st.message());
  const size_t colon = what.find(": ");
  if (colon == std::string::npos) return grpc_util::InvalidArgumentWithViolations({{"", what}});
  return grpc_util::InvalidArgumentWithViolations(
      {{what.substr(0, colon), what.substr(colon + 2)}});
}

void ToProto(const OpeningRecord& o, v1::Opening* out) {
  out->set_opening_id(o.opening_id);
  out->set_opening_code(o.opening_code);
  out->set_partner_id(o.partner_id);
  out->set_district_code(o.district_code);
  out->set_title(o.title);
  out->set_sector_code(o.sector_code);
  out->set_hours_per_week(o.hours_per_week);
  for (const auto& s : o.required_skill_codes) out->add_required_skill_codes(s);
  *out->mutable_closes_on() = grpc_util::ToProtoDate(o.closes_on);
  out->set_places(o.places);
  out->set_places_filled(o.places_filled);
  for (const auto& c : o.excluded_offence_categories) out->add_excluded_offence_categories(c);
  out->set_status(o.status == OpeningStatus::kClosed ? v1::OPENING_STATUS_CLOSED
                                                     : v1::OPENING_STATUS_OPEN);
  out->set_close_reason_code(o.close_reason);
  *out->mutable_posted_on() = grpc_util::ToProtoDate(o.posted_on);
  if (o.closed_on.has_value()) *out->mutable_closed_on() = grpc_util::ToProtoDate(*o.closed_on);
  if (o.schedule.given()) {
    v1::WeeklySchedule* w = out->mutable_schedule();
    for (int d : o.schedule.days) w->add_days_of_week(d);
    w->set_start_local_time(domain::FormatLocalTime(o.schedule.start_minute));
    w->set_end_local_time(domain::FormatLocalTime(o.schedule.end_minute));
  }
}

// The request's schedule (none when unset or empty); violations name schedule.* fields.
domain::WeeklySchedule ScheduleOf(const v1::PostOpeningRequest& request,
                                  std::vector<FieldViolation>* violations) {
  domain::WeeklySchedule s;
  if (!request.has_schedule()) return s;
  const v1::WeeklySchedule& in = request.schedule();
  if (in.days_of_week_size() == 0 && in.start_local_time().empty() && in.end_local_time().empty()) {
    return s;
  }
  if (in.days_of_week_size() > 7) {
    violations->push_back({"schedule.days_of_week", "at most the 7 days of a week"});
    return s;
  }
  s.days.assign(in.days_of_week().begin(), in.days_of_week().end());
  const auto start = domain::ParseLocalTime(in.start_local_time());
  const auto end = domain::ParseLocalTime(in.end_local_time());
  if (!start.has_value()) {
    violations->push_back({"schedule.start_local_time", "a local time HH:MM, 00:00 to 23:59"});
  }
  if (!end.has_value()) {
    violations->push_back({"schedule.end_local_time", "a local time HH:MM, 00:00 to 23:59"});
  }
  if (!start.has_value() || !end.has_value()) return s;
  s.start_minute = *start;
  s.end_minute = *end;
  if (auto st = domain::CheckWeeklySchedule(s); !st.ok()) {
    const std::string what(st.message());
    const size_t colon = what.find(": ");
    const std::string field = what.substr(0, colon);
    violations->push_back({field == "work_days"     ? "schedule.days_of_week"
                           : field == "shift_start" ? "schedule.start_local_time"
                                                    : "schedule.end_local_time",
                           colon == std::string::npos ? what : what.substr(colon + 2)});
  }
  return s;
}

bool Serves(const PartnerBrief& p, const std::string& district) {
  return std::find(p.districts_served.begin(), p.districts_served.end(), district) !=
         p.districts_served.end();
}

std::string KindOf(const auth::Principal& principal) {
  return principal.role == auth::Role::kPartner ? "PARTNER" : "STAFF";
}

std::string ActorOf(const auth::Principal& principal) {
  return principal.role == auth::Role::kPartner ? absl::StrCat("partner:", principal.agency_id)
                                                : principal.subject;
}

}  // namespace

events::v1::Envelope OpeningEvent(std::string_view type, const OpeningRecord& o, absl::CivilDay on,
                                  std::string_view recorded_by_kind, absl::Time now,
                                  const std::string& actor) {
  v1::OpeningChanged ev;
  ev.set_opening_id(o.opening_id);
  ev.set_partner_id(o.partner_id);
  ev.set_district_code(o.district_code);
  ev.set_sector_code(o.sector_code);
  ev.set_hours_per_week(o.hours_per_week);
  for (const auto& s : o.required_skill_codes) ev.add_required_skill_codes(s);
  *ev.mutable_closes_on() = grpc_util::ToProtoDate(o.closes_on);
  ev.set_places(o.places);
  ev.set_places_filled(o.places_filled);
  for (const auto& c : o.excluded_offence_categories) ev.add_excluded_offence_categories(c);
  ev.set_status(o.status == OpeningStatus::kClosed ? "CLOSED" : "OPEN");
  ev.set_reason_code(o.close_reason);
  *ev.mutable_on() = grpc_util::ToProtoDate(on);
  ev.set_recorded_by_kind(std::string(recorded_by_kind));
  return kafka::MakeEnvelope(type, o.opening_id, o.district_code, now, now, actor, ev);
}

absl::Status OpeningServiceImpl::AuthorizeStaffOrPartner(const auth::Principal& principal,
                                                         Action staff_action) {
  if (principal.role == auth::Role::kPartner) return CheckPartnerAgency(partners_, principal);
  return domain::Authorize(principal, staff_action);
}

absl::Status OpeningServiceImpl::DoPostOpening(const auth::Principal& principal,
                                               const v1::PostOpeningRequest& request,
                                               v1::PostOpeningResponse* response) {
  if (auto st = AuthorizeStaffOrPartner(principal, Action::kManagePartners); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  const bool partner = principal.role == auth::Role::kPartner;
  std::vector<FieldViolation> violations;
  if (partner) {
    grpc_util::OptionalUuidField(request.partner_id(), "partner_id", "a partner id (UUID)",
                                 &violations);
  } else if (auto st = grpc_util::CheckUuidField(request.partner_id(), "partner_id",
                                                 "a partner id (UUID)");
             !st.ok()) {
    return st;
  }
  const std::string title(absl::StripAsciiWhitespace(request.title()));
  if (title.empty() || title.size() > 200) {
    violations.push_back({"title", "is required, at most 200 bytes"});
  }
  if (!auth::IsDistrictCode(request.district_code())) {
    violations.push_back({"district_code", "must be a 6-digit district code"});
  }
  const auto closes_on =
      grpc_util::RequiredDateField(request.closes_on(), "closes_on", &violations);
  const domain::WeeklySchedule schedule = ScheduleOf(request, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  const domain::EmploymentPolicy& policy = policies_.InForce(today);
  const std::vector<std::string> skills = Strings(request.required_skill_codes());
  const std::vector<std::string> excluded = Strings(request.excluded_offence_categories());
  if (auto st = domain::CheckOpening(request.sector_code(), request.hours_per_week(),
                                     request.places(), skills, excluded, *closes_on, today, policy);
      !st.ok()) {
    return AsViolation(st);
  }
  if (!partner && !principal.CanSeeDistrict(request.district_code())) {
    return absl::PermissionDeniedError("staff post openings of their own districts");
  }
  const std::string wanted_partner = absl::AsciiStrToLower(request.partner_id());
  auto decide = [&](const PartnerBrief& p) -> absl::StatusOr<OpeningWrite> {
    if (partner && !wanted_partner.empty() && wanted_partner != p.partner_id) {
      return absl::NotFoundError("partner not found");
    }
    if (p.status != "ACTIVE") return absl::FailedPreconditionError("the partner is suspended");
    if (!Serves(p, request.district_code())) {
      return absl::FailedPreconditionError("the partner does not serve the district");
    }
    OpeningWrite w;
    OpeningRecord& o = w.opening;
    o.opening_id = ids::NewUuid();
    o.opening_code = "J-" + domain::ReferralCode(o.opening_id).substr(2);
    o.partner_id = p.partner_id;
    o.agency_id = p.agency_id;
    o.district_code = request.district_code();
    o.title = title;
    o.sector_code = request.sector_code();
    o.hours_per_week = request.hours_per_week();
    o.required_skill_codes = skills;
    o.closes_on = *closes_on;
    o.places = request.places();
    o.excluded_offence_categories = excluded;
    o.schedule = schedule;
    o.posted_on = today;
    o.posted_by = ActorOf(principal);
    o.posted_by_kind = KindOf(principal);
    w.events.push_back(OpeningEvent("ccms.employment.opening_posted", o, today, KindOf(principal),
                                    now, ActorOf(principal)));
    return w;
  };
  auto saved =
      store_.Post(principal, wanted_partner, absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_opening());
  return absl::OkStatus();
}

absl::Status OpeningServiceImpl::DoCloseOpening(const auth::Principal& principal,
                                                const v1::CloseOpeningRequest& request,
                                                v1::CloseOpeningResponse* response) {
  if (auto st = AuthorizeStaffOrPartner(principal, Action::kManagePartners); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.opening_id(), "opening_id", "an opening id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  const domain::EmploymentPolicy& policy = policies_.InForce(today);
  if (!domain::HasCode(policy.opening_close_reasons, request.reason_code())) {
    return grpc_util::InvalidArgumentWithViolations(
        {{"reason_code", "is not a code of employment.openings.close_reasons"}});
  }
  auto decide = [&](const OpeningRecord& o) -> absl::StatusOr<OpeningWrite> {
    if (auto st = domain::CheckOpeningClose(o.status, request.reason_code(), policy); !st.ok()) {
      return st;
    }
    OpeningWrite w;
    w.opening = o;
    w.opening.status = OpeningStatus::kClosed;
    w.opening.close_reason = request.reason_code();
    w.opening.closed_on = today;
    w.events.push_back(OpeningEvent("ccms.employment.opening_closed", w.opening, today,
                                    KindOf(principal), now, ActorOf(principal)));
    return w;
  };
  auto saved = store_.Mutate(principal, absl::AsciiStrToLower(request.opening_id()), "CloseOpening",
                             absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_opening());
  return absl::OkStatus();
}

absl::Status OpeningServiceImpl::DoRecordOpeningFilled(
    const auth::Principal& principal, const v1::RecordOpeningFilledRequest& request,
    v1::RecordOpeningFilledResponse* response) {
  if (auto st = AuthorizeStaffOrPartner(principal, Action::kManagePartners); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.opening_id(), "opening_id", "an opening id (UUID)");
      !st.ok()) {
    return st;
  }
  if (request.places_filled() < 0 || request.places_filled() > domain::kMaxOpeningPlaces) {
    return grpc_util::InvalidArgumentWithViolations(
        {{"places_filled", absl::StrCat("must be 0 to ", domain::kMaxOpeningPlaces)}});
  }
  auto decide = [&](const OpeningRecord& o) -> absl::StatusOr<OpeningWrite> {
    if (auto st = domain::CheckOpeningFilled(o.status, o.places, request.places_filled());
        !st.ok()) {
      return AsViolation(st);
    }
    OpeningWrite w;
    w.opening = o;
    w.opening.places_filled = request.places_filled();
    return w;
  };
  auto saved =
      store_.Mutate(principal, absl::AsciiStrToLower(request.opening_id()), "RecordOpeningFilled",
                    absl::AsciiStrToLower(request.request_id()), decide);
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_opening());
  return absl::OkStatus();
}

absl::Status OpeningServiceImpl::DoListOpenings(const auth::Principal& principal,
                                                const v1::ListOpeningsRequest& request,
                                                v1::ListOpeningsResponse* response) {
  if (auto st = AuthorizeStaffOrPartner(principal, Action::kRead); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  grpc_util::DistrictFilterField(request.district_code(), &violations);
  const int page_size = grpc_util::CheckPageSize(request.page_size(), 50, 500, &violations);
  grpc_util::OptionalUuidField(request.page_token(), "page_token", "a token of this list",
                               &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  OpeningFilter f;
  f.district_code = request.district_code();
  f.include_closed = request.include_closed();
  f.page_size = page_size;
  f.after_id = absl::AsciiStrToLower(request.page_token());
  auto page = store_.List(principal, f);
  if (!page.ok()) return page.status();
  for (const auto& o : page->first) ToProto(o, response->add_openings());
  response->set_next_page_token(page->second);
  return absl::OkStatus();
}

absl::Status OpeningServiceImpl::DoRankOpeningsForCase(
    const auth::Principal& principal, const v1::RankOpeningsForCaseRequest& request,
    v1::RankOpeningsForCaseResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  const int max_results = grpc_util::CheckPageSize(request.max_results(), kDefaultRankResults,
                                                   kMaxRankResults, &violations);
  if (!violations.empty()) {
    return grpc_util::InvalidArgumentWithViolations(
        {{"max_results", absl::StrCat("must be 0 to ", kMaxRankResults)}});
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  const domain::EmploymentPolicy& policy = policies_.InForce(today);
  auto districts_for = [&](const domain::CaseView& c) {
    std::vector<std::string> d = {c.district_code};
    for (const auto& [a, b] : policy.adjacent_districts) {
      if (a == c.district_code) d.push_back(b);
      if (b == c.district_code) d.push_back(a);
    }
    return d;
  };
  // The person's education sessions from now to the policy's weeks ahead.
  auto input = store_.ForCase(principal, absl::AsciiStrToLower(request.case_id()), districts_for,
                              now, now + absl::Hours(24 * 7 * policy.education_weeks_ahead));
  if (!input.ok()) return input.status();
  domain::MatchCase mc;
  mc.district_code = input->case_view.district_code;
  mc.offence_category = input->case_view.offence_category;
  mc.skills = input->skills;
  mc.standing_approval = domain::HasStandingApproval(input->case_view, today);
  mc.education_sessions = input->education_sessions;
  mc.education_clash_penalty = policy.education_clash_penalty;
  std::vector<domain::OpeningFacts> facts;
  std::map<std::string, const OpeningRecord*> by_id;
  for (const auto& o : input->openings) {
    by_id[o.opening_id] = &o;
    facts.push_back({o.opening_id, o.district_code, o.status, o.required_skill_codes, o.closes_on,
                     o.places, o.places_filled, o.excluded_offence_categories, o.schedule});
  }
  int n = 0;
  for (const auto& r : domain::RankOpenings(mc, facts, policy.adjacent_districts, today)) {
    if (!r.eligible && !request.include_ineligible()) continue;
    if (++n > max_results) break;
    auto* out = response->add_openings();
    ToProto(*by_id.at(r.opening_id), out->mutable_opening());
    out->set_rank(r.rank);
    out->set_score(r.score);
    out->set_eligible(r.eligible);
    for (const auto& s : r.reasons) out->add_reason_codes(s);
    for (const auto& s : r.matched_skills) out->add_matched_skill_codes(s);
    for (const auto& s : r.missing_skills) out->add_missing_skill_codes(s);
    for (const auto& s : r.clashing_sessions) out->add_clashing_session_ids(s);
  }
  response->set_obligations_considered(true);
  response->set_education_sessions_ahead(static_cast<int>(input->education_sessions.size()));
  return absl::OkStatus();
}

}  // namespace ccms::employment
