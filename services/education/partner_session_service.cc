#include "services/education/partner_session_service.h"

#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/time/calendar.h"
#include "services/education/domain/access.h"
#include "services/education/domain/partner_view.h"
#include "services/education/session_service.h"

namespace ccms::education {

CCMS_UNARY_HANDLER(PartnerSessionServiceImpl, ListPartnerSessions)
CCMS_UNARY_HANDLER(PartnerSessionServiceImpl, GetPartnerSession)
CCMS_UNARY_HANDLER(PartnerSessionServiceImpl, RecordPartnerAttendance)

namespace {

using grpc_util::FieldViolation;
using grpc_util::ToProtoTimestamp;

constexpr int kMaxEntries = 500;
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
constexpr size_t kMaxCodeBytes = 40;

// The enum value named `prefix` + `name` ("SESSION_KIND_" + "INTAKE"); 0 when there is none.
int EnumOf(const google::protobuf::EnumDescriptor* d, std::string_view prefix,
           const std::string& name) {
  if (name.empty()) return 0;
  const auto* v = d->FindValueByName(std::string(prefix) + name);
  return v == nullptr ? 0 : v->number();
}

// The partner's view of a session: the allow-list of PartnerSession, nothing else.
void FillSession(const SessionRecord& s, v1::PartnerSession* out) {
  out->set_session_id(s.session_id);
  out->set_kind(
      static_cast<v1::SessionKind>(EnumOf(v1::SessionKind_descriptor(), "SESSION_KIND_", s.kind)));
  out->set_form(
      static_cast<v1::SessionForm>(EnumOf(v1::SessionForm_descriptor(), "SESSION_FORM_", s.form)));
  out->set_topic_code(s.topic_code);
  out->set_venue(s.venue);
  *out->mutable_start_time() = ToProtoTimestamp(s.start);
  *out->mutable_end_time() = ToProtoTimestamp(s.end);
  out->set_audience(
      static_cast<v1::Audience>(EnumOf(v1::Audience_descriptor(), "AUDIENCE_", s.audience)));
  out->set_status(
      static_cast<v1::SessionStatus>(EnumOf(v1::SessionStatus_descriptor(), "SESSION_STATUS_",
                                            std::string(domain::SessionStatusName(s.status)))));
  out->set_capacity(s.capacity);
  out->set_enrolled_count(s.enrolled_count);
}

}  // namespace

absl::Status PartnerSessionServiceImpl::Fill(const PartnerParticipantRecord& p,
                                             v1::PartnerParticipant* out) const {
  out->set_referral_code(domain::ReferralCode(p.enrolment_id));
  const bool withheld = domain::IdentityWithheld(p.minor);
  out->set_identity_withheld(withheld);
  if (!withheld && !p.given_name_cipher.empty()) {
    auto name = cipher_.Decrypt(p.given_name_cipher, SessionServiceImpl::kGivenNameContext);
    if (!name.ok()) return absl::DataLossError("a given name cannot be decrypted");
    out->set_given_name(*name);
  }
  if (p.attendance.has_value()) {
    out->set_outcome(static_cast<v1::AttendanceOutcome>(
        EnumOf(v1::AttendanceOutcome_descriptor(), "ATTENDANCE_OUTCOME_", p.attendance->outcome)));
    out->set_credited_minutes(p.attendance->credited_minutes);
  }
  return absl::OkStatus();
}

absl::Status PartnerSessionServiceImpl::DoListPartnerSessions(
    const auth::Principal& principal, const v1::ListPartnerSessionsRequest& request,
    v1::ListPartnerSessionsResponse* response) {
  if (auto st = domain::Authorize(principal, domain::Action::kPartnerCall); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  const auto from = grpc_util::DateField(request.from_day(), "from_day", &violations);
  const auto to = grpc_util::DateField(request.to_day(), "to_day", &violations);
  const int page_size =
      grpc_util::CheckPageSize(request.page_size(), kDefaultPageSize, kMaxPageSize, &violations);
  SessionFilter f;
  if (!request.page_token().empty()) ReadSessionPageToken(request.page_token(), &f, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::TimeZone tz = time::ShanghaiTimeZone();
  if (from.has_value()) f.from = absl::FromCivil(*from, tz);
  if (to.has_value()) f.to = absl::FromCivil(*to + 1, tz);
  f.include_superseded = request.include_superseded();
  f.page_size = page_size;
  auto page = store_.List(principal, f);
  if (!page.ok()) return page.status();
  for (const auto& s : page->items) FillSession(s, response->add_sessions());
  if (page->more && !page->items.empty()) {
    response->set_next_page_token(SessionPageToken(page->items.back()));
  }
  return absl::OkStatus();
}

absl::Status PartnerSessionServiceImpl::DoGetPartnerSession(
    const auth::Principal& principal, const v1::GetPartnerSessionRequest& request,
    v1::GetPartnerSessionResponse* response) {
  if (auto st = domain::Authorize(principal, domain::Action::kPartnerCall); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.session_id(), "session_id", "a session id (UUID)");
      !st.ok()) {
    return st;
  }
  auto state = store_.Get(principal, absl::AsciiStrToLower(request.session_id()));
  if (!state.ok()) return state.status();
  FillSession(state->session, response->mutable_session());
  for (const auto& p : state->participants) {
    if (auto st = Fill(p, response->add_participants()); !st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::Status PartnerSessionServiceImpl::DoRecordPartnerAttendance(
    const auth::Principal& principal, const v1::RecordPartnerAttendanceRequest& request,
    v1::RecordPartnerAttendanceResponse* response) {
  if (auto st = domain::Authorize(principal, domain::Action::kPartnerCall); !st.ok()) return st;
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
  // Entries by referral code; the codes are resolved to cases on the locked session.
  std::vector<std::string> codes;
  std::vector<AttendanceInput> entries;
  std::set<std::string> seen;
  for (int i = 0; i < request.entries_size() && i < kMaxEntries; ++i) {
    const v1::PartnerAttendanceEntry& in = request.entries(i);
    const std::string at = absl::StrCat("entries[", i, "].");
    const std::string code = absl::AsciiStrToUpper(in.referral_code());
    if (code.empty() || code.size() > kMaxCodeBytes) {
      violations.push_back({at + "referral_code", "is required: a participant's referral code"});
    } else if (!seen.insert(code).second) {
      violations.push_back({at + "referral_code", "names a participant twice"});
    }
    const auto outcome = domain::OutcomeOf(grpc_util::EnumSuffix(
        v1::AttendanceOutcome_descriptor(), in.outcome(), "ATTENDANCE_OUTCOME_"));
    const std::string excuse =
        grpc_util::EnumSuffix(v1::ExcuseReason_descriptor(), in.excuse_reason(), "EXCUSE_REASON_");
    if (!outcome.has_value()) {
      violations.push_back({at + "outcome", "is required: ATTENDED, LATE, EXCUSED or ABSENT"});
    } else if (*outcome == domain::Outcome::kExcused && excuse.empty()) {
      violations.push_back({at + "excuse_reason", "is required for EXCUSED"});
    } else if (*outcome != domain::Outcome::kExcused && in.excuse_reason() != 0) {
      violations.push_back({at + "excuse_reason", "is only for EXCUSED"});
    } else if (auto st = domain::CheckPartnerOutcome(*outcome, excuse); !st.ok()) {
      violations.push_back({at + "outcome", std::string(st.message())});
    }
    AttendanceInput e;
    e.outcome = outcome.value_or(domain::Outcome::kAbsent);
    e.excuse = excuse;
    e.notice = domain::NoticeGiven(e.outcome, in.notice_given());
    codes.push_back(code);
    entries.push_back(std::move(e));
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::Time now = clock_.Now();
  const std::string recorded_by = absl::StrCat("partner:", principal.agency_id);
  std::set<std::string> cases;
  auto decide = [&](const SessionContext& c) -> absl::StatusOr<SessionWrite> {
    std::map<std::string, std::string> case_of_code;
    for (const auto& e : c.state.enrolments) {
      if (e.status == "ENROLLED") case_of_code[domain::ReferralCode(e.enrolment_id)] = e.case_id;
    }
    std::vector<AttendanceInput> resolved = entries;
    for (size_t i = 0; i < codes.size(); ++i) {
      auto it = case_of_code.find(codes[i]);
      if (it == case_of_code.end()) {
        return absl::FailedPreconditionError(
            absl::StrCat("entries[", i, "]: no one enrolled in the session has this code"));
      }
      resolved[i].case_id = it->second;
      cases.insert(it->second);
    }
    return DecideAttendance(c, resolved, policies_, cipher_, recorded_by, principal.subject, now);
  };
  auto state = store_.RecordAttendance(principal, absl::AsciiStrToLower(request.session_id()),
                                       absl::AsciiStrToLower(request.request_id()), decide);
  if (!state.ok()) return state.status();
  FillSession(state->session, response->mutable_session());
  for (const auto& p : state->participants) {
    if (cases.count(p.case_id) == 0) continue;
    if (auto st = Fill(p, response->add_participants()); !st.ok()) return st;
  }
  return absl::OkStatus();
}

}  // namespace ccms::education
