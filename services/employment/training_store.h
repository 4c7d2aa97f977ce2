#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/auth/principal.h"
#include "services/employment/domain/case_view.h"
#include "services/employment/domain/training_rules.h"
#include "services/employment/referral_store.h"

namespace ccms::employment {

// A training programme (table training_programmes) with its places taken now.
struct ProgrammeRecord {
  std::string programme_id;
  std::string code;
  std::string name;
  std::string provider_partner_id;
  std::string agency_id;
  std::string district_code;
  int hours = 0;
  int places = 0;
  int taken = 0;
  absl::CivilDay starts_on;
  absl::CivilDay ends_on;
  std::string registered_by;
};

// An enrolment (table training_enrolments).
struct EnrolmentRecord {
  std::string enrolment_id;
  std::string enrolment_code;
  std::string programme_id;
  std::string case_id;
  std::string district_code;
  domain::EnrolmentStatus status = domain::EnrolmentStatus::kEnrolled;
  absl::CivilDay enrolled_on;
  int age_on_enrolment = 0;
  std::string age_basis;
  int hours_attended = 0;
  std::optional<absl::CivilDay> completed_on;
  bool certificate_obtained = false;
  std::string recorded_by;
};

// One attendance record of an enrolment.
struct AttendanceRecord {
  absl::CivilDay on;
  int hours = 0;
  std::string recorded_by;
  std::string recorded_by_kind;  // STAFF, PARTNER
};

// A registration sees the provider partner (in the caller's reach); returns the programme.
using ProgrammeDecision = std::function<absl::StatusOr<ProgrammeRecord>(const PartnerBrief&)>;

// What an enrolment sees under its locks (case, then programme; the places taken counted after
// the programme's lock): returns the enrolment to insert and the events, or the refusal.
struct EnrolmentView {
  domain::CaseView case_view;
  ProgrammeRecord programme;
  bool already_enrolled = false;
};
struct EnrolmentWrite {
  EnrolmentRecord enrolment;
  std::optional<AttendanceRecord> attendance;  // an attendance record to add
  std::vector<events::v1::Envelope> events;
};
using EnrolDecision = std::function<absl::StatusOr<EnrolmentWrite>(const EnrolmentView&)>;
// Attendance and completion see the enrolment and its programme.
using EnrolmentDecision =
    std::function<absl::StatusOr<EnrolmentWrite>(const EnrolmentRecord&, const ProgrammeRecord&)>;

struct ProgrammeFilter {
  std::string district_code;  // "" = any the caller sees
  int page_size = 50;
  std::string after_id;
};

// Storage of training. Staff reach programmes and enrolments through the programme's district (in
// SQL); a partner principal only the programmes its agency provides and their enrolments:
// anything else is NOT_FOUND (audited). An enrolment locks the case, then the programme row, and
// counts the enrolments in a statement after that lock, so concurrent enrolments for the last
// places are serialised and places are never exceeded. Every call writes an audit row.
class TrainingStore {
 public:
  virtual ~TrainingStore() = default;

  virtual absl::StatusOr<ProgrammeRecord> Register(const auth::Principal& principal,
                                                   const std::string& provider_partner_id,
                                                   const std::string& request_id,
                                                   const ProgrammeDecision& decide) = 0;
  // The enrolment as inserted and the programme after it.
  virtual absl::StatusOr<std::pair<EnrolmentRecord, ProgrammeRecord>> Enrol(
      const auth::Principal& principal, const std::string& programme_id, const std::string& case_id,
      const std::string& request_id, const EnrolDecision& decide) = 0;
  // Attendance or completion (`method` names the audit row).
  virtual absl::StatusOr<EnrolmentRecord> Update(const auth::Principal& principal,
                                                 const std::string& enrolment_id,
                                                 std::string_view method,
                                                 const std::string& request_id,
                                                 const EnrolmentDecision& decide) = 0;
  virtual absl::StatusOr<std::pair<std::vector<ProgrammeRecord>, std::string>> ListProgrammes(
      const auth::Principal& principal, const ProgrammeFilter& filter) = 0;
  // The programme's enrolments (NOT_FOUND when the programme is out of reach).
  virtual absl::StatusOr<std::pair<std::vector<EnrolmentRecord>, std::string>> ListEnrolments(
      const auth::Principal& principal, const std::string& programme_id, int page_size,
      const std::string& after_id) = 0;
};

}  // namespace ccms::employment
