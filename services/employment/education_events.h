#pragma once

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "ccms/events/v1/envelope.pb.h"

namespace ccms::employment {

// One case's place in an education session changed (education's enrolment_changed): what
// employment keeps to rank openings by the person's other obligations.
struct EnrolmentFact {
  std::string case_id;
  std::string district_code;  // the case's
  std::string session_id;
  std::string session_district_code;
  std::string kind;  // SessionKind without its prefix
  absl::Time start;
  absl::Time end;
  std::string status;  // ENROLLED, WAITLISTED, WITHDRAWN, SESSION_CANCELLED, SESSION_MOVED
  std::string superseded_by;
};

// The fact of an education event employment follows (ccms.education.enrolment_changed); nullopt
// for another type, or a payload that does not parse or holds no valid case, session, times or
// status (*malformed is set then).
std::optional<EnrolmentFact> TranslateEducationEvent(const events::v1::Envelope& event,
                                                     bool* malformed);

}  // namespace ccms::employment
