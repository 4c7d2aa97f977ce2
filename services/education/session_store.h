#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/auth/principal.h"
#include "services/education/case_rows.h"
#include "services/education/domain/session_rules.h"

namespace ccms::education {

// A session as stored (table `sessions`, migrations/V003). Kinds, forms, audience, provider kind
// and status are the proto's names without their prefix.
struct SessionRecord {
  std::string session_id;
  std::string series_id;  // "" alone
  std::string district_code;
  std::string office_id;
  std::string kind;
  std::string form;
  std::string topic_code;
  std::string venue;
  absl::Time start;
  absl::Time end;
  std::string provider_kind;
  std::string provider_id;
  int capacity = 0;
  std::string audience;
  std::vector<std::string> criteria_sexes;
  std::vector<std::string> criteria_age_bands;
  std::vector<std::string> criteria_offences;
  domain::SessionStatus status = domain::SessionStatus::kScheduled;
  std::string change_reason;
  std::string supersedes;
  std::string superseded_by;
  std::string created_by;
  absl::Time created_at;
  // Read only: counts of the enrolments.
  int enrolled_count = 0;
  int waitlisted_count = 0;

  domain::SessionFacts Facts() const {
    return {session_id,     district_code,      audience,         start, end, status,
            criteria_sexes, criteria_age_bands, criteria_offences};
  }
};

// An attendance as stored; the behaviour note is the PiiCipher blob (empty: none).
struct AttendanceRecord {
  std::string outcome;        // domain::OutcomeName
  std::string excuse_reason;  // APPROVED_LEAVE, HOSPITAL, WORK, OTHER or ""
  bool notice_given = false;
  int credited_minutes = 0;
  std::string note_cipher;
  bool automatic = false;
  std::string policy_version;
  std::string recorded_by;
  absl::Time recorded_at;
};

struct EnrolmentRecord {
  std::string enrolment_id;
  std::string session_id;
  std::string case_id;
  std::string status;         // ENROLLED, WAITLISTED, WITHDRAWN
  int waitlist_position = 0;  // read only: 1 is next
  std::optional<AttendanceRecord> attendance;
  absl::Time enrolled_at;
};

// A session with its enrolments: enrolled first, then the waitlist in order, then withdrawn.
struct SessionState {
  SessionRecord session;
  std::vector<EnrolmentRecord> enrolments;
};

// What a command on a session writes, with its events (outbox).
struct SessionWrite {
  // Status, change reason and superseded_by of the locked session.
  std::optional<SessionRecord> update;
  // New sessions (a move's replacement), written first (before `update` and `carried`).
  std::vector<SessionRecord> created;
  // Enrolments copied to a new session (a move).
  std::vector<EnrolmentRecord> carried;
  // Attendance of the locked session's cases, by case id.
  std::vector<std::pair<std::string, AttendanceRecord>> attendance;
  std::vector<events::v1::Envelope> events;
};

// Decides a write from the locked session (and, for a move, from the other sessions of its
// cases); a non-OK status writes nothing.
struct SessionContext {
  const SessionState& state;
  // For each case of the session (enrolled or waitlisted), its other scheduled sessions.
  std::function<std::vector<domain::SessionFacts>(const std::string& case_id)> others_of;
};
using SessionDecision = std::function<absl::StatusOr<SessionWrite>(const SessionContext&)>;

// The decision on an enrolment, from the locked session, the locked case and the case's other
// scheduled sessions where it is enrolled or waitlisted: OK to enrol, or why not.
using EnrolCheck = std::function<absl::Status(const SessionState&, const domain::CaseView&,
                                              const std::vector<domain::SessionFacts>&)>;

struct EnrolResult {
  EnrolmentRecord enrolment;
};
struct WithdrawResult {
  EnrolmentRecord enrolment;
  std::optional<EnrolmentRecord> promoted;
};

struct SessionFilter {
  std::string district_code;       // "" = every district of the caller
  std::optional<absl::Time> from;  // start_at >= from
  std::optional<absl::Time> to;    // start_at < to
  bool include_superseded = false;
  int page_size = 50;
  // Exclusive keyset: the last session of the previous page.
  std::optional<absl::Time> after_start;
  std::string after_session_id;
};

struct SessionPage {
  std::vector<SessionRecord> items;
  bool more = false;
};

// Storage of sessions, enrolments and attendance. Every method is scoped to the principal's
// districts in SQL (a session or case outside them is NOT_FOUND) and writes an audit row.
// Locks: a session before a case, always.
class SessionStore {
 public:
  virtual ~SessionStore() = default;

  // Writes new sessions (one, or a series) with their events; audited as `method`.
  virtual absl::Status Create(const auth::Principal& principal, std::string_view method,
                              const std::string& request_id,
                              const std::vector<SessionRecord>& sessions,
                              const std::vector<events::v1::Envelope>& events) = 0;

  // Locks the session, runs `decide` and writes what it returns, in one transaction. The
  // session's state after the write.
  virtual absl::StatusOr<SessionState> Mutate(const auth::Principal& principal,
                                              const std::string& session_id,
                                              std::string_view method,
                                              const std::string& request_id,
                                              const SessionDecision& decide) = 0;

  // Locks the session and the case; `check` decides; then the case is ENROLLED while the
  // enrolled count is below the capacity, else WAITLISTED at the end of the waitlist. A
  // withdrawn enrolment is enrolled again; an active one is ALREADY_EXISTS.
  virtual absl::StatusOr<EnrolResult> Enrol(const auth::Principal& principal,
                                            const std::string& session_id,
                                            const std::string& case_id,
                                            const std::string& request_id,
                                            const EnrolCheck& check) = 0;

  // Withdraws the case; a freed seat goes to the first of the waitlist (FAILED_PRECONDITION if
  // the enrolment is withdrawn already, NOT_FOUND if there is none).
  virtual absl::StatusOr<WithdrawResult> Withdraw(const auth::Principal& principal,
                                                  const std::string& session_id,
                                                  const std::string& case_id,
                                                  const std::string& request_id) = 0;

  // The session with its enrolments; audited as `GetSession`.
  virtual absl::StatusOr<SessionState> Get(const auth::Principal& principal,
                                           const std::string& session_id) = 0;

  // The caller's sessions by start, then id; audited as `ListSessions` with the count.
  virtual absl::StatusOr<SessionPage> List(const auth::Principal& principal,
                                           const SessionFilter& filter) = 0;
};

}  // namespace ccms::education
