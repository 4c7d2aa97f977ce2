#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "services/employment/domain/plan_step_rules.h"

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

// education's plan_approved: the approved version and its steps (codes and dates).
struct PlanApprovedFact {
  std::string case_id;
  std::string district_code;
  std::string version_id;
  int version = 0;
  absl::CivilDay approved_on;
  std::vector<domain::PlanStepRef> steps;
};

// education's plan_closed: the version closed and the day.
struct PlanClosedFact {
  std::string case_id;
  std::string district_code;
  int version = 0;
  absl::CivilDay closed_on;
};

// The plan events employment follows (ccms.education.plan_approved / plan_closed): one of the
// facts, or neither for another type, or a payload that does not parse or holds no valid case,
// district, version, day or step (*malformed is set then; steps: a valid id, an upper-case code,
// an end not before the start, at most 50, ids unique).
struct PlanFact {
  std::optional<PlanApprovedFact> approved;
  std::optional<PlanClosedFact> closed;
};
PlanFact TranslatePlanEvent(const events::v1::Envelope& event, bool* malformed);

}  // namespace ccms::employment
