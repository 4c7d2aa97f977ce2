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

namespace ccms::education {

// The service file (建档) of a case.
struct ServiceFileRecord {
  std::string file_id;
  std::string case_id;
  absl::CivilDay opened_on;
  std::vector<std::string> cause_codes;
  std::vector<std::string> need_codes;
  std::string analysis;  // stays in education
  std::string opened_by;
  bool late = false;
  absl::Time created_at;
};

// The first contact (接触) after intake.
struct FirstContactRecord {
  std::string contact_id;
  std::string case_id;
  absl::CivilDay contacted_on;
  std::string form;    // FACE_TO_FACE, HOME_VISIT, PHONE, REMOTE
  std::string reason;  // INTAKE, REFERRAL
  std::string worker_id;
  bool late = false;
  std::string recorded_by;
  absl::Time created_at;
};

// A case with its service file and first contact.
struct ServiceFileState {
  CaseRow case_row;
  bool on_leave_today = false;
  std::optional<ServiceFileRecord> file;
  std::optional<FirstContactRecord> contact;
};

// What a command writes: a new file or contact, and the events that go with it (outbox).
struct ServiceFileWrite {
  std::optional<ServiceFileRecord> file;
  std::optional<FirstContactRecord> contact;
  std::vector<events::v1::Envelope> events;
};

// Decides a write from the current state (domain rules); a non-OK status writes nothing.
using ServiceFileDecision =
    std::function<absl::StatusOr<ServiceFileWrite>(const ServiceFileState&)>;

struct ServiceFileFilter {
  std::string district_code;  // "" = every district of the caller
  bool overdue_only = false;
  absl::CivilDay today;
  int page_size = 50;
  std::string after_case_id;  // exclusive; "" from the start
};

struct ServiceFilePage {
  std::vector<ServiceFileState> items;
  std::string next_case_id;  // "" on the last page
};

// Storage of service files and first contacts. Every method is scoped to the principal's
// districts in SQL (a case outside them is NOT_FOUND) and writes an audit row.
class ServiceFileStore {
 public:
  virtual ~ServiceFileStore() = default;

  // Locks the case, runs `decide` on its state and writes what it returns with its events and
  // an audit row (`method`, `request_id`), in one transaction. The state after the write.
  virtual absl::StatusOr<ServiceFileState> Mutate(
      const auth::Principal& principal, const std::string& case_id, std::string_view method,
      const std::string& request_id, absl::CivilDay today, const ServiceFileDecision& decide) = 0;

  // The case's state; audited as `GetServiceFile`.
  virtual absl::StatusOr<ServiceFileState> Get(const auth::Principal& principal,
                                               const std::string& case_id,
                                               absl::CivilDay today) = 0;

  // The caller's cases in case id order; audited as `ListServiceFiles` with the count.
  virtual absl::StatusOr<ServiceFilePage> List(const auth::Principal& principal,
                                               const ServiceFileFilter& filter) = 0;
};

}  // namespace ccms::education
