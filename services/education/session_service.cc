#include "services/education/session_service.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ccms/education/v1/education_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/education/domain/access.h"
#include "services/education/domain/partner_view.h"
#include "services/education/domain/series.h"

namespace ccms::education {

CCMS_UNARY_HANDLER(SessionServiceImpl, ScheduleSession)
CCMS_UNARY_HANDLER(SessionServiceImpl, CancelSession)
CCMS_UNARY_HANDLER(SessionServiceImpl, MoveSession)
CCMS_UNARY_HANDLER(SessionServiceImpl, GetSession)
CCMS_UNARY_HANDLER(SessionServiceImpl, ListSessions)
CCMS_UNARY_HANDLER(SessionServiceImpl, EnrolCase)
CCMS_UNARY_HANDLER(SessionServiceImpl, WithdrawEnrolment)
CCMS_UNARY_HANDLER(SessionServiceImpl, RecordAttendance)
CCMS_UNARY_HANDLER(SessionServiceImpl, SetPartnerViewName)

namespace {

using domain::Action;
using grpc_util::FieldViolation;
using grpc_util::ToProtoDate;
using grpc_util::ToProtoTimestamp;

constexpr size_t kMaxIdLength = 128;
constexpr size_t kMaxVenueBytes = 200;
constexpr size_t kMaxNoteBytes = 4000;
constexpr int kMaxCriteria = 20;
constexpr int kMaxEntries = 500;
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
constexpr char kScheduledType[] = "ccms.education.session_scheduled";
constexpr char kCancelledType[] = "ccms.education.session_cancelled";
constexpr char kAttendanceType[] = "ccms.education.attendance_recorded";
constexpr char kEnrolmentChangedType[] = "ccms.education.enrolment_changed";

template <typename Enum>
std::string NameOf(const google::protobuf::EnumDescriptor* d, Enum value, std::string_view prefix) {
  return grpc_util::EnumSuffix(d, static_cast<int>(value), prefix);
}
int ValueOf(const google::protobuf::EnumDescriptor* d, std::string_view prefix,
            const std::string& name) {
  if (name.empty()) return 0;
  const auto* v = d->FindValueByName(std::string(prefix) + name);
  return v == nullptr ? 0 : v->number();
}

#define CCMS_ENUM_NAME(Type, value, prefix) NameOf(v1::Type##_descriptor(), value, prefix)
#define CCMS_ENUM_OF(Type, name, prefix) \
  static_cast<v1::Type>(ValueOf(v1::Type##_descriptor(), prefix, name))

bool IsCode(const std::string& s, bool lower_ok) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    (lower_ok && c >= 'a' && c <= 'z');
    if (!ok) return false;
  }
  return true;
}

void FromViolations(const std::vector<domain::SessionViolation>& vs,
                    std::vector<FieldViolation>* out) {
  for (const auto& v : vs) out->push_back({v.field, v.description});
}

std::optional<absl::Time> TimeField(const google::protobuf::Timestamp& ts, const char* field,
                                    std::vector<FieldViolation>* violations) {
  bool invalid = false;
  auto t = grpc_util::FromProtoTimestamp(ts, &invalid);
  if (!t.has_value()) {
    violations->push_back({field, invalid ? "is not a valid time" : "is required"});
  }
  return t;
}

std::vector<std::string> Criteria(const google::protobuf::RepeatedPtrField<std::string>& values,
                                  const std::string& field, bool lower_ok,
                                  std::vector<FieldViolation>* violations) {
  std::vector<std::string> out(values.begin(), values.end());
  if (out.size() > kMaxCriteria) {
    violations->push_back({field, "lists at most 20 values"});
    return {};
  }
  std::set<std::string> seen;
  for (const auto& v : out) {
    if (!IsCode(v, lower_ok)) {
      violations->push_back({field, "values are codes: letters, digits and _ (at most 40)"});
      return {};
    }
    if (!seen.insert(v).second) {
      violations->push_back({field, "lists a value twice"});
      return {};
    }
  }
  return out;
}

events::v1::Envelope ScheduledEvent(const SessionRecord& s, absl::Time now,
                                    const std::string& actor) {
  v1::SessionScheduled e;
  e.set_session_id(s.session_id);
  e.set_series_id(s.series_id);
  e.set_district_code(s.district_code);
  e.set_office_id(s.office_id);
  e.set_kind(CCMS_ENUM_OF(SessionKind, s.kind, "SESSION_KIND_"));
  e.set_form(CCMS_ENUM_OF(SessionForm, s.form, "SESSION_FORM_"));
  e.set_topic_code(s.topic_code);
  *e.mutable_start_time() = ToProtoTimestamp(s.start);
  *e.mutable_end_time() = ToProtoTimestamp(s.end);
  e.set_provider_kind(CCMS_ENUM_OF(ProviderKind, s.provider_kind, "PROVIDER_KIND_"));
  e.set_capacity(s.capacity);
  e.set_audience(CCMS_ENUM_OF(Audience, s.audience, "AUDIENCE_"));
  e.set_supersedes(s.supersedes);
  // A session concerns no case: the record key is empty (docs/education.md, "Events").
  return kafka::MakeEnvelope(kScheduledType, "", s.district_code, now, now, actor, e);
}

events::v1::Envelope CancelledEvent(const SessionRecord& s, absl::Time now,
                                    const std::string& actor) {
  v1::SessionCancelled e;
  e.set_session_id(s.session_id);
  e.set_district_code(s.district_code);
  e.set_reason_code(s.change_reason);
  e.set_superseded_by(s.superseded_by);
  e.set_status(s.status == domain::SessionStatus::kMoved ? v1::SESSION_STATUS_MOVED
                                                         : v1::SESSION_STATUS_CANCELLED);
  return kafka::MakeEnvelope(kCancelledType, "", s.district_code, now, now, actor, e);
}

}  // namespace

std::string SessionPageToken(const SessionRecord& last) {
  return absl::StrCat(absl::ToUnixMicros(last.start), ".", last.session_id);
}

void ReadSessionPageToken(const std::string& token, SessionFilter* filter,
                          std::vector<FieldViolation>* violations) {
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  int64_t micros = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &micros) || !ids::IsUuid(parts[1]) ||
      micros < absl::ToUnixMicros(absl::FromCivil(absl::CivilDay(grpc_util::kMinYear, 1, 1),
                                                  absl::UTCTimeZone())) ||
      micros > absl::ToUnixMicros(absl::FromCivil(absl::CivilDay(grpc_util::kMaxYear, 12, 31),
                                                  absl::UTCTimeZone()))) {
    violations->push_back({"page_token", "is not a token of this list"});
    return;
  }
  filter->after_start = absl::FromUnixMicros(micros);
  filter->after_session_id = absl::AsciiStrToLower(parts[1]);
}

// The attendance event of one case (also the consumer's, for an approved leave).
events::v1::Envelope AttendanceEvent(const SessionRecord& s, const std::string& case_id,
                                     const AttendanceRecord& a, absl::Time now,
                                     const std::string& actor) {
  v1::AttendanceRecorded e;
  e.set_case_id(case_id);
  e.set_district_code(s.district_code);
  e.set_session_id(s.session_id);
  e.set_kind(CCMS_ENUM_OF(SessionKind, s.kind, "SESSION_KIND_"));
  *e.mutable_session_day() = ToProtoDate(time::ShanghaiDay(s.start));
  e.set_outcome(CCMS_ENUM_OF(AttendanceOutcome, a.outcome, "ATTENDANCE_OUTCOME_"));
  e.set_excuse_reason(CCMS_ENUM_OF(ExcuseReason, a.excuse_reason, "EXCUSE_REASON_"));
  e.set_notice_given(a.notice_given);
  e.set_credited_minutes(a.credited_minutes);
  e.set_policy_version(a.policy_version);
  e.set_automatic(a.automatic);
  return kafka::MakeEnvelope(kAttendanceType, case_id, s.district_code, now, now, actor, e);
}

events::v1::Envelope EnrolmentChangedEvent(const SessionRecord& s, const std::string& case_id,
                                           const std::string& case_district,
                                           const std::string& status, absl::Time now,
                                           const std::string& actor) {
  v1::EnrolmentChanged e;
  e.set_case_id(case_id);
  e.set_district_code(case_district);
  e.set_session_id(s.session_id);
  e.set_session_district_code(s.district_code);
  e.set_kind(CCMS_ENUM_OF(SessionKind, s.kind, "SESSION_KIND_"));
  *e.mutable_start_time() = ToProtoTimestamp(s.start);
  *e.mutable_end_time() = ToProtoTimestamp(s.end);
  e.set_status(status);
  if (status == "SESSION_MOVED") e.set_superseded_by(s.superseded_by);
  return kafka::MakeEnvelope(kEnrolmentChangedType, case_id, case_district, now, now, actor, e);
}

absl::StatusOr<SessionWrite> DecideAttendance(const SessionContext& c,
                                              const std::vector<AttendanceInput>& entries,
                                              const domain::EducationPolicies& policies,
                                              const crypto::PiiCipher& cipher,
                                              const std::string& recorded_by,
                                              const std::string& actor, absl::Time now) {
  const SessionRecord& s = c.state.session;
  if (s.status != domain::SessionStatus::kScheduled) {
    return absl::FailedPreconditionError("the session was cancelled or moved");
  }
  if (s.start > now) return absl::FailedPreconditionError("the session has not started yet");
  std::set<std::string> enrolled;
  for (const auto& e : c.state.enrolments) {
    if (e.status == "ENROLLED") enrolled.insert(e.case_id);
  }
  const auto& version = policies.InForce(time::ShanghaiDay(s.start));
  SessionWrite w;
  for (size_t i = 0; i < entries.size(); ++i) {
    const AttendanceInput& e = entries[i];
    if (enrolled.count(e.case_id) == 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("entries[", i, "]: the case is not enrolled in the session"));
    }
    AttendanceRecord a;
    a.outcome = std::string(domain::OutcomeName(e.outcome));
    a.excuse_reason = e.excuse;
    a.notice_given = e.notice;
    a.credited_minutes = domain::CreditedMinutes(e.outcome, s.end - s.start, version.session);
    if (!e.note.empty()) a.note_cipher = cipher.Encrypt(e.note, SessionServiceImpl::kNoteContext);
    a.policy_version = version.version;
    a.recorded_by = recorded_by;
    a.recorded_at = now;
    w.events.push_back(AttendanceEvent(s, e.case_id, a, now, actor));
    w.attendance.emplace_back(e.case_id, std::move(a));
  }
  return w;
}

void SessionServiceImpl::Fill(const SessionRecord& s, v1::Session* out) const {
  out->set_session_id(s.session_id);
  out->set_series_id(s.series_id);
  out->set_district_code(s.district_code);
  out->set_office_id(s.office_id);
  out->set_kind(CCMS_ENUM_OF(SessionKind, s.kind, "SESSION_KIND_"));
  out->set_form(CCMS_ENUM_OF(SessionForm, s.form, "SESSION_FORM_"));
  out->set_topic_code(s.topic_code);
  out->set_venue(s.venue);
  *out->mutable_start_time() = ToProtoTimestamp(s.start);
  *out->mutable_end_time() = ToProtoTimestamp(s.end);
  out->mutable_provider()->set_kind(CCMS_ENUM_OF(ProviderKind, s.provider_kind, "PROVIDER_KIND_"));
  out->mutable_provider()->set_id(s.provider_id);
  out->set_capacity(s.capacity);
  out->set_audience(CCMS_ENUM_OF(Audience, s.audience, "AUDIENCE_"));
  for (const auto& v : s.criteria_sexes) out->mutable_criteria()->add_sexes(v);
  for (const auto& v : s.criteria_age_bands) out->mutable_criteria()->add_age_bands(v);
  for (const auto& v : s.criteria_offences) out->mutable_criteria()->add_offence_categories(v);
  out->set_status(CCMS_ENUM_OF(SessionStatus, std::string(domain::SessionStatusName(s.status)),
                               "SESSION_STATUS_"));
  out->set_change_reason(s.change_reason);
  out->set_supersedes(s.supersedes);
  out->set_superseded_by(s.superseded_by);
  out->set_enrolled_count(s.enrolled_count);
  out->set_waitlisted_count(s.waitlisted_count);
  out->set_created_by(s.created_by);
  *out->mutable_created_at() = ToProtoTimestamp(s.created_at);
}

absl::Status SessionServiceImpl::Fill(const EnrolmentRecord& e, v1::Enrolment* out) const {
  out->set_enrolment_id(e.enrolment_id);
  out->set_session_id(e.session_id);
  out->set_case_id(e.case_id);
  out->set_status(CCMS_ENUM_OF(EnrolmentStatus, e.status, "ENROLMENT_STATUS_"));
  out->set_waitlist_position(e.waitlist_position);
  *out->mutable_enrolled_at() = ToProtoTimestamp(e.enrolled_at);
  if (e.attendance.has_value()) {
    const AttendanceRecord& a = *e.attendance;
    v1::Attendance* pa = out->mutable_attendance();
    pa->set_outcome(CCMS_ENUM_OF(AttendanceOutcome, a.outcome, "ATTENDANCE_OUTCOME_"));
    pa->set_excuse_reason(CCMS_ENUM_OF(ExcuseReason, a.excuse_reason, "EXCUSE_REASON_"));
    pa->set_notice_given(a.notice_given);
    pa->set_credited_minutes(a.credited_minutes);
    if (!a.note_cipher.empty()) {
      auto note = cipher_.Decrypt(a.note_cipher, kNoteContext);
      if (!note.ok()) return absl::DataLossError("a behaviour note cannot be decrypted");
      pa->set_behaviour_note(*note);
    }
    pa->set_recorded_by(a.recorded_by);
    *pa->mutable_recorded_at() = ToProtoTimestamp(a.recorded_at);
    pa->set_policy_version(a.policy_version);
  }
  return absl::OkStatus();
}

absl::Status SessionServiceImpl::DoScheduleSession(const auth::Principal& principal,
                                                   const v1::ScheduleSessionRequest& request,
                                                   v1::ScheduleSessionResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  if (!auth::IsDistrictCode(request.district_code())) {
    violations.push_back({"district_code", "must be a 6-digit district code"});
  } else if (!principal.CanSeeDistrict(request.district_code())) {
    return absl::PermissionDeniedError("the district is outside the caller's districts");
  }
  if (request.office_id().size() > kMaxIdLength) {
    violations.push_back({"office_id", "must be at most 128 characters"});
  }
  const std::string kind = CCMS_ENUM_NAME(SessionKind, request.kind(), "SESSION_KIND_");
  if (kind.empty()) violations.push_back({"kind", "is required: a SessionKind"});
  const std::string form = CCMS_ENUM_NAME(SessionForm, request.form(), "SESSION_FORM_");
  if (form.empty()) violations.push_back({"form", "is required: a SessionForm"});
  if (!request.topic_code().empty() && !IsCode(request.topic_code(), false)) {
    violations.push_back({"topic_code", "is a code: A-Z, 0-9 and _ (at most 40)"});
  }
  if (request.venue().size() > kMaxVenueBytes) {
    violations.push_back({"venue", "must be at most 200 bytes"});
  }
  const auto start = TimeField(request.start_time(), "start_time", &violations);
  const auto end = TimeField(request.end_time(), "end_time", &violations);
  const std::string provider_kind =
      CCMS_ENUM_NAME(ProviderKind, request.provider().kind(), "PROVIDER_KIND_");
  if (provider_kind.empty()) {
    violations.push_back({"provider.kind", "is required: STAFF, PARTNER_AGENCY or VOLUNTEER"});
  }
  const std::string provider_id(absl::StripAsciiWhitespace(request.provider().id()));
  if (provider_id.empty() || provider_id.size() > kMaxIdLength) {
    violations.push_back({"provider.id", "is required, at most 128 characters"});
  } else if (provider_kind == "PARTNER_AGENCY" && !domain::IsAgencyId(provider_id)) {
    // The agency's partner certificate names it (ccms-partner://<agency_id>): its partner view.
    violations.push_back(
        {"provider.id", "a partner agency's id: 1-64 of A-Z, a-z, 0-9, '.', '_' and '-'"});
  }
  const std::string audience = CCMS_ENUM_NAME(Audience, request.audience(), "AUDIENCE_");
  const auto sexes = Criteria(request.criteria().sexes(), "criteria.sexes", false, &violations);
  for (const auto& s : sexes) {
    if (s != "MALE" && s != "FEMALE") {
      violations.push_back({"criteria.sexes", "values are MALE or FEMALE"});
      break;
    }
  }
  const auto bands =
      Criteria(request.criteria().age_bands(), "criteria.age_bands", false, &violations);
  const auto offences = Criteria(request.criteria().offence_categories(),
                                 "criteria.offence_categories", true, &violations);
  const absl::Time now = clock_.Now();
  if (start.has_value() && end.has_value()) {
    const domain::SessionPolicy& policy = policies_.InForce(time::ShanghaiDay(*start)).session;
    FromViolations(
        domain::CheckSessionValues(*start, *end, request.capacity(), audience, now, policy),
        &violations);
  } else if (audience.empty()) {
    violations.push_back({"audience", "is required: MINORS_ONLY or ADULTS_ONLY (Law art. 52)"});
  }
  std::vector<absl::CivilDay> days;
  std::vector<domain::SkippedDay> skipped;
  const bool series = request.recurrence().frequency() != v1::Recurrence::FREQUENCY_UNSPECIFIED;
  if (series && violations.empty()) {
    domain::SeriesRule rule;
    switch (request.recurrence().frequency()) {
      case v1::Recurrence::FREQUENCY_WEEKLY:
        rule.frequency = domain::Frequency::kWeekly;
        break;
      case v1::Recurrence::FREQUENCY_FORTNIGHTLY:
        rule.frequency = domain::Frequency::kFortnightly;
        break;
      case v1::Recurrence::FREQUENCY_MONTHLY:
        rule.frequency = domain::Frequency::kMonthly;
        break;
      default:
        violations.push_back({"recurrence.frequency", "must be WEEKLY, FORTNIGHTLY or MONTHLY"});
    }
    const auto until =
        grpc_util::RequiredDateField(request.recurrence().until(), "recurrence.until", &violations);
    const int week = static_cast<int>(request.recurrence().monthly_week());
    if (week < 0 || week > 5) {
      violations.push_back({"recurrence.monthly_week", "must be FIRST to FOURTH or LAST"});
    }
    if (violations.empty()) {
      rule.first_day = time::ShanghaiDay(*start);
      rule.until = *until;
      rule.monthly_week = week;
      const domain::SessionPolicy& policy = policies_.InForce(rule.first_day).session;
      auto plan = domain::PlanSeries(rule, policy.calendar, policy.max_series_sessions);
      if (!plan.ok()) {
        const std::string msg(plan.status().message());
        const std::string field = msg.rfind("recurrence.monthly_week", 0) == 0
                                      ? "recurrence.monthly_week"
                                      : "recurrence.until";
        violations.push_back({field, msg.substr(std::min(msg.size(), field.size() + 1))});
      } else {
        days = plan->days;
        skipped = plan->skipped;
      }
    }
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);

  const absl::TimeZone tz = time::ShanghaiTimeZone();
  const absl::Duration into_day = *start - absl::FromCivil(time::ShanghaiDay(*start), tz);
  const absl::Duration length = *end - *start;
  if (!series) days = {time::ShanghaiDay(*start)};
  const std::string series_id = series ? ids::NewUuid() : "";
  std::vector<SessionRecord> sessions;
  std::vector<events::v1::Envelope> events;
  for (absl::CivilDay d : days) {
    SessionRecord s;
    s.session_id = ids::NewUuid();
    s.series_id = series_id;
    s.district_code = request.district_code();
    s.office_id = request.office_id();
    s.kind = kind;
    s.form = form;
    s.topic_code = request.topic_code();
    s.venue = request.venue();
    s.start = absl::FromCivil(d, tz) + into_day;
    s.end = s.start + length;
    s.provider_kind = provider_kind;
    s.provider_id = provider_id;
    s.capacity = request.capacity();
    s.audience = audience;
    s.criteria_sexes = sexes;
    s.criteria_age_bands = bands;
    s.criteria_offences = offences;
    s.created_by = principal.subject;
    s.created_at = now;
    events.push_back(ScheduledEvent(s, now, principal.subject));
    sessions.push_back(std::move(s));
  }
  if (auto st = store_.Create(principal, "ScheduleSession",
                              absl::AsciiStrToLower(request.request_id()), sessions, events);
      !st.ok()) {
    return st;
  }
  for (const auto& s : sessions) Fill(s, response->add_sessions());
  for (const auto& k : skipped) {
    v1::SkippedDay* out = response->add_skipped();
    *out->mutable_day() = ToProtoDate(k.day);
    out->set_reason(k.reason);
  }
  response->set_series_id(series_id);
  return absl::OkStatus();
}

absl::Status SessionServiceImpl::DoCancelSession(const auth::Principal& principal,
                                                 const v1::CancelSessionRequest& request,
                                                 v1::CancelSessionResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.session_id(), "session_id", "a session id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const std::string reason = request.reason_code();
  auto decide = [&](const SessionContext& c) -> absl::StatusOr<SessionWrite> {
    const auto& codes =
        policies_.InForce(time::ShanghaiDay(c.state.session.start)).session.change_reason_codes;
    if (std::find(codes.begin(), codes.end(), reason) == codes.end()) {
      return grpc_util::InvalidArgumentWithViolations(
          {{"reason_code", "must be a code of policy education.session.change_reason_codes"}});
    }
    if (c.state.session.status != domain::SessionStatus::kScheduled) {
      return absl::FailedPreconditionError("the session was already cancelled or moved");
    }
    SessionWrite w;
    SessionRecord u = c.state.session;
    u.status = domain::SessionStatus::kCancelled;
    u.change_reason = reason;
    w.events.push_back(CancelledEvent(u, now, principal.subject));
    w.update = std::move(u);
    return w;
  };
  auto state = store_.Mutate(principal, absl::AsciiStrToLower(request.session_id()),
                             "CancelSession", absl::AsciiStrToLower(request.request_id()), decide);
  if (!state.ok()) return state.status();
  Fill(state->session, response->mutable_session());
  return absl::OkStatus();
}

absl::Status SessionServiceImpl::DoMoveSession(const auth::Principal& principal,
                                               const v1::MoveSessionRequest& request,
                                               v1::MoveSessionResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.session_id(), "session_id", "a session id (UUID)");
      !st.ok()) {
    return st;
  }
  std::vector<FieldViolation> violations;
  const auto start = TimeField(request.start_time(), "start_time", &violations);
  const auto end = TimeField(request.end_time(), "end_time", &violations);
  if (request.venue().size() > kMaxVenueBytes) {
    violations.push_back({"venue", "must be at most 200 bytes"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::Time now = clock_.Now();
  SessionRecord replacement;
  std::vector<std::string> not_carried;
  auto decide = [&](const SessionContext& c) -> absl::StatusOr<SessionWrite> {
    const SessionRecord& old = c.state.session;
    const domain::SessionPolicy& policy = policies_.InForce(time::ShanghaiDay(*start)).session;
    std::vector<FieldViolation> vs;
    FromViolations(
        domain::CheckSessionValues(*start, *end, old.capacity, old.audience, now, policy), &vs);
    const auto& codes = policy.change_reason_codes;
    if (std::find(codes.begin(), codes.end(), request.reason_code()) == codes.end()) {
      vs.push_back(
          {"reason_code", "must be a code of policy education.session.change_reason_codes"});
    }
    if (!vs.empty()) return grpc_util::InvalidArgumentWithViolations(vs);
    if (old.status != domain::SessionStatus::kScheduled) {
      return absl::FailedPreconditionError("the session was already cancelled or moved");
    }
    if (old.end <= now) return absl::FailedPreconditionError("the session has ended");
    SessionWrite w;
    replacement = old;
    replacement.session_id = ids::NewUuid();
    replacement.start = *start;
    replacement.end = *end;
    if (!request.venue().empty()) replacement.venue = request.venue();
    replacement.status = domain::SessionStatus::kScheduled;
    replacement.change_reason.clear();
    replacement.supersedes = old.session_id;
    replacement.superseded_by.clear();
    replacement.created_by = principal.subject;
    replacement.created_at = now;
    replacement.enrolled_count = 0;
    replacement.waitlisted_count = 0;
    for (const EnrolmentRecord& e : c.state.enrolments) {
      if (e.status == "WITHDRAWN") continue;
      bool clash = false;
      for (const auto& o : c.others_of(e.case_id)) {
        if (domain::Overlaps(*start, *end, o.start, o.end)) clash = true;
      }
      if (clash) {
        not_carried.push_back(e.case_id);
        continue;
      }
      EnrolmentRecord carried = e;
      carried.enrolment_id = ids::NewUuid();
      carried.session_id = replacement.session_id;
      carried.attendance.reset();
      (e.status == "ENROLLED" ? replacement.enrolled_count : replacement.waitlisted_count)++;
      w.carried.push_back(std::move(carried));
    }
    SessionRecord u = old;
    u.status = domain::SessionStatus::kMoved;
    u.change_reason = request.reason_code();
    u.superseded_by = replacement.session_id;
    w.events.push_back(CancelledEvent(u, now, principal.subject));
    w.events.push_back(ScheduledEvent(replacement, now, principal.subject));
    w.update = std::move(u);
    w.created.push_back(replacement);
    return w;
  };
  auto state = store_.Mutate(principal, absl::AsciiStrToLower(request.session_id()), "MoveSession",
                             absl::AsciiStrToLower(request.request_id()), decide);
  if (!state.ok()) return state.status();
  Fill(state->session, response->mutable_moved());
  Fill(replacement, response->mutable_replacement());
  for (const auto& id : not_carried) response->add_not_carried_case_ids(id);
  return absl::OkStatus();
}

absl::Status SessionServiceImpl::DoGetSession(const auth::Principal& principal,
                                              const v1::GetSessionRequest& request,
                                              v1::GetSessionResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.session_id(), "session_id", "a session id (UUID)");
      !st.ok()) {
    return st;
  }
  auto state = store_.Get(principal, absl::AsciiStrToLower(request.session_id()));
  if (!state.ok()) return state.status();
  Fill(state->session, response->mutable_session());
  for (const auto& e : state->enrolments) {
    if (auto st = Fill(e, response->add_enrolments()); !st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::Status SessionServiceImpl::DoListSessions(const auth::Principal& principal,
                                                const v1::ListSessionsRequest& request,
                                                v1::ListSessionsResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  grpc_util::DistrictFilterField(request.district_code(), &violations);
  const auto from = grpc_util::DateField(request.from_day(), "from_day", &violations);
  const auto to = grpc_util::DateField(request.to_day(), "to_day", &violations);
  const int page_size =
      grpc_util::CheckPageSize(request.page_size(), kDefaultPageSize, kMaxPageSize, &violations);
  SessionFilter f;
  if (!request.page_token().empty()) ReadSessionPageToken(request.page_token(), &f, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::TimeZone tz = time::ShanghaiTimeZone();
  f.district_code = request.district_code();
  if (from.has_value()) f.from = absl::FromCivil(*from, tz);
  if (to.has_value()) f.to = absl::FromCivil(*to + 1, tz);
  f.include_superseded = request.include_superseded();
  f.page_size = page_size;
  auto page = store_.List(principal, f);
  if (!page.ok()) return page.status();
  for (const auto& s : page->items) Fill(s, response->add_sessions());
  if (page->more && !page->items.empty()) {
    response->set_next_page_token(SessionPageToken(page->items.back()));
  }
  return absl::OkStatus();
}

absl::Status SessionServiceImpl::DoEnrolCase(const auth::Principal& principal,
                                             const v1::EnrolCaseRequest& request,
                                             v1::EnrolCaseResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.session_id(), "session_id", "a session id (UUID)");
      !st.ok()) {
    return st;
  }
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  auto check = [now](const SessionState& s, const domain::CaseView& c,
                     const std::vector<domain::SessionFacts>& others) {
    return domain::CheckEnrol(s.session.Facts(), c, others, now);
  };
  auto result = store_.Enrol(principal, absl::AsciiStrToLower(request.session_id()),
                             absl::AsciiStrToLower(request.case_id()),
                             absl::AsciiStrToLower(request.request_id()), check);
  if (!result.ok()) return result.status();
  return Fill(result->enrolment, response->mutable_enrolment());
}

absl::Status SessionServiceImpl::DoWithdrawEnrolment(const auth::Principal& principal,
                                                     const v1::WithdrawEnrolmentRequest& request,
                                                     v1::WithdrawEnrolmentResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.session_id(), "session_id", "a session id (UUID)");
      !st.ok()) {
    return st;
  }
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  auto result = store_.Withdraw(principal, absl::AsciiStrToLower(request.session_id()),
                                absl::AsciiStrToLower(request.case_id()),
                                absl::AsciiStrToLower(request.request_id()));
  if (!result.ok()) return result.status();
  if (auto st = Fill(result->enrolment, response->mutable_enrolment()); !st.ok()) return st;
  if (result->promoted.has_value()) return Fill(*result->promoted, response->mutable_promoted());
  return absl::OkStatus();
}

absl::Status SessionServiceImpl::DoRecordAttendance(const auth::Principal& principal,
                                                    const v1::RecordAttendanceRequest& request,
                                                    v1::RecordAttendanceResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.session_id(), "session_id", "a session id (UUID)");
      !st.ok()) {
    return st;
  }
  std::vector<FieldViolation> violations;
  if (request.entries().empty() || request.entries_size() > kMaxEntries) {
    violations.push_back({"entries", "must hold 1 to 500 entries"});
  }
  std::vector<AttendanceInput> entries;
  std::set<std::string> seen;
  for (int i = 0; i < request.entries_size() && i < kMaxEntries; ++i) {
    const v1::AttendanceEntry& in = request.entries(i);
    const std::string at = absl::StrCat("entries[", i, "].");
    AttendanceInput e;
    e.case_id = absl::AsciiStrToLower(in.case_id());
    if (!ids::IsUuid(e.case_id)) {
      violations.push_back({at + "case_id", "must be a case id (UUID)"});
    } else if (!seen.insert(e.case_id).second) {
      violations.push_back({at + "case_id", "names a case twice"});
    }
    const auto outcome =
        domain::OutcomeOf(CCMS_ENUM_NAME(AttendanceOutcome, in.outcome(), "ATTENDANCE_OUTCOME_"));
    if (!outcome.has_value()) {
      violations.push_back({at + "outcome", "is required: an AttendanceOutcome"});
    }
    e.outcome = outcome.value_or(domain::Outcome::kAbsent);
    e.excuse = CCMS_ENUM_NAME(ExcuseReason, in.excuse_reason(), "EXCUSE_REASON_");
    if (outcome == domain::Outcome::kExcused && e.excuse.empty()) {
      violations.push_back({at + "excuse_reason", "is required for EXCUSED"});
    } else if (outcome != domain::Outcome::kExcused && in.excuse_reason() != 0) {
      violations.push_back({at + "excuse_reason", "is only for EXCUSED"});
    }
    if (in.behaviour_note().size() > kMaxNoteBytes) {
      violations.push_back({at + "behaviour_note", "must be at most 4000 bytes"});
    }
    e.notice = domain::NoticeGiven(e.outcome, in.notice_given());
    e.note = in.behaviour_note();
    entries.push_back(std::move(e));
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::Time now = clock_.Now();
  auto decide = [&](const SessionContext& c) -> absl::StatusOr<SessionWrite> {
    return DecideAttendance(c, entries, policies_, cipher_, principal.subject, principal.subject,
                            now);
  };
  auto state =
      store_.Mutate(principal, absl::AsciiStrToLower(request.session_id()), "RecordAttendance",
                    absl::AsciiStrToLower(request.request_id()), decide);
  if (!state.ok()) return state.status();
  for (const auto& e : state->enrolments) {
    if (seen.count(e.case_id) == 0) continue;
    if (auto st = Fill(e, response->add_enrolments()); !st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::Status SessionServiceImpl::DoSetPartnerViewName(const auth::Principal& principal,
                                                      const v1::SetPartnerViewNameRequest& request,
                                                      v1::SetPartnerViewNameResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWrite); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  const std::string name(absl::StripAsciiWhitespace(request.given_name()));
  if (!domain::IsGivenName(name)) {
    return grpc_util::InvalidArgumentWithViolations(
        {{"given_name", "is required: 1-50 bytes, no control characters"}});
  }
  if (partner_store_ == nullptr) return absl::UnimplementedError("the partner view is not wired");
  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  if (auto st = partner_store_->SetGivenName(principal, case_id,
                                             absl::AsciiStrToLower(request.request_id()),
                                             cipher_.Encrypt(name, kGivenNameContext));
      !st.ok()) {
    return st;
  }
  response->set_case_id(case_id);
  return absl::OkStatus();
}

}  // namespace ccms::education
