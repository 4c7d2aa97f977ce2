#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/principal.h"
#include "services/education/session_store.h"

namespace ccms::education {

// A person enrolled in a partner's session, with what the partner view is made from: the minor
// flag (the identity withheld) and the given name's PiiCipher blob recorded by the office ("" when
// none). The case id stays in the service: the view shows the referral code of the enrolment.
struct PartnerParticipantRecord {
  std::string enrolment_id;
  std::string case_id;
  bool minor = false;
  std::string given_name_cipher;
  std::optional<AttendanceRecord> attendance;
};

// One of a partner's sessions and its ENROLLED people, by enrolment.
struct PartnerSessionState {
  SessionRecord session;
  std::vector<PartnerParticipantRecord> participants;
};

// Storage of the partner view (issue 14 item 14) and of the names it shows. A partner reaches
// only the sessions its agency (principal.agency_id) delivers, in the SQL (anything else is
// NOT_FOUND, audited); every read writes audit rows.
class PartnerSessionStore {
 public:
  virtual ~PartnerSessionStore() = default;

  // The agency's sessions; one audit row `ListPartnerSessions` with the count.
  virtual absl::StatusOr<SessionPage> List(const auth::Principal& principal,
                                           const SessionFilter& filter) = 0;

  // One of the agency's sessions with its people; an audit row `GetPartnerSession` per person
  // shown (the case), or one with the count 0 when none is enrolled.
  virtual absl::StatusOr<PartnerSessionState> Get(const auth::Principal& principal,
                                                  const std::string& session_id) = 0;

  // The bulk attendance path (SessionStore::Mutate, audited `RecordPartnerAttendance`) on one of
  // the agency's sessions, then the session's people as recorded.
  virtual absl::StatusOr<PartnerSessionState> RecordAttendance(const auth::Principal& principal,
                                                               const std::string& session_id,
                                                               const std::string& request_id,
                                                               const SessionDecision& decide) = 0;

  // Records (or replaces) the given name's blob of a case in the caller's districts, locked;
  // FAILED_PRECONDITION for a minor (nothing is stored). Audited `SetPartnerViewName`.
  virtual absl::Status SetGivenName(const auth::Principal& principal, const std::string& case_id,
                                    const std::string& request_id,
                                    const std::string& given_name_cipher) = 0;
};

}  // namespace ccms::education
