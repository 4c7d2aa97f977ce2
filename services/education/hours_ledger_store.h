#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/auth/principal.h"
#include "services/education/case_rows.h"
#include "services/education/domain/hours_ledger.h"
#include "services/education/domain/individual_education.h"

namespace ccms::education {

// A month of the ledger as it was closed (table hours_months, migrations/V005): the month's
// MonthLedger message as JSON.
struct ClosedMonthRecord {
  absl::CivilMonth month;
  std::string ledger_json;
  std::string policy_version;
  std::string closed_by;
  int study_shortfall_minutes = 0;
  int community_service_shortfall_minutes = 0;
  int lost_contact_days = 0;
  int hospital_days = 0;
  int term_days = 0;
};

// Everything the ledger, the windows and individual education need of one case.
struct CaseLedgerData {
  CaseRow case_row;
  // Study entries from attendance at scheduled sessions (dated by the session's Shanghai day),
  // then the community-service entries (community_service_hours.h).
  std::vector<domain::HoursEntry> entries;
  std::vector<domain::HoursWaiver> waivers;
  std::vector<domain::DayPeriod> lost_contact;
  std::vector<absl::CivilDay> hospital_days;    // sessions EXCUSED for HOSPITAL
  std::vector<absl::CivilDay> intake_days;      // INTAKE sessions ATTENDED or LATE
  std::vector<absl::CivilDay> discharge_days;   // DISCHARGE sessions ATTENDED or LATE
  std::vector<absl::CivilDay> individual_days;  // INDIVIDUAL sessions ATTENDED or LATE
  std::vector<domain::StepUpTrigger> triggers;
  std::vector<ClosedMonthRecord> closed;

  const ClosedMonthRecord* Closed(absl::CivilMonth m) const {
    for (const auto& c : closed) {
      if (c.month == m) return &c;
    }
    return nullptr;
  }
};

// What closing a month writes: the frozen month and its event (nothing when already closed).
struct CloseMonthWrite {
  std::optional<ClosedMonthRecord> month;
  std::vector<events::v1::Envelope> events;
};
using CloseMonthDecision = std::function<absl::StatusOr<CloseMonthWrite>(const CaseLedgerData&)>;
using WaiverDecision = std::function<absl::StatusOr<domain::HoursWaiver>(const CaseLedgerData&)>;

// A page of cases of the caller's districts (case id order) that `keep` selected.
struct LedgerListFilter {
  std::string district_code;  // "" = every district of the caller
  bool active_only = true;
  int page_size = 50;
  std::string after_case_id;  // exclusive; "" from the start
};
struct LedgerPage {
  std::vector<CaseLedgerData> items;
  std::string next_token;  // the last case id; "" on the last page
};

// Storage of the ledger's own rows (waivers, closed months) and the reads of attendance, lost
// contact and step-ups. Scoped to the principal's districts in SQL (a case outside them is
// NOT_FOUND, the refusal audited); every read of a case is audited.
class HoursLedgerStore {
 public:
  virtual ~HoursLedgerStore() = default;

  // The case's data; audited as `method`.
  virtual absl::StatusOr<CaseLedgerData> Load(const auth::Principal& principal,
                                              const std::string& case_id,
                                              std::string_view method) = 0;

  // Locks the case, runs `decide`, writes the closed month and its events.
  virtual absl::StatusOr<ClosedMonthRecord> CloseMonth(const auth::Principal& principal,
                                                       const std::string& case_id,
                                                       const std::string& request_id,
                                                       absl::CivilMonth month,
                                                       const CloseMonthDecision& decide) = 0;

  // Locks the case, runs `decide`, writes the waiver.
  virtual absl::StatusOr<domain::HoursWaiver> GrantWaiver(const auth::Principal& principal,
                                                          const std::string& case_id,
                                                          const std::string& request_id,
                                                          const WaiverDecision& decide) = 0;

  // Cases in case id order for which `keep` is true, up to a page; audited as `method` with
  // the count.
  virtual absl::StatusOr<LedgerPage> List(
      const auth::Principal& principal, std::string_view method, const LedgerListFilter& filter,
      const std::function<bool(const CaseLedgerData&)>& keep) = 0;
};

}  // namespace ccms::education
