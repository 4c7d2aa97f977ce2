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
#include "services/employment/domain/retention_rules.h"
#include "services/employment/referral_store.h"

namespace ccms::employment {

// A retention check (table retention_checks) with what the lists show of its spell.
struct CheckRecord {
  std::string spell_id;
  int day_offset = 0;
  std::string case_id;
  std::string district_code;
  std::string agency_id;  // the employer's agency when a partner
  absl::CivilDay due_on;
  absl::CivilDay confirm_by;
  domain::CheckStatus status = domain::CheckStatus::kPending;
  std::optional<absl::CivilDay> confirmed_on;
  std::string confirmed_by;
  std::string confirmed_by_kind;  // STAFF, PARTNER
  // Of the spell (read, never written through the check).
  std::string partner_id;
  std::string other_employer_code;
  std::string referral_id;
  std::string referral_code;
  absl::CivilDay started_on;
};

// An employment spell (table employment_spells) with its checks in day order.
struct SpellRecord {
  std::string spell_id;
  std::string case_id;
  std::string district_code;
  std::string employer_kind;  // PARTNER, OTHER
  std::string partner_id;
  std::string agency_id;
  std::string other_employer_code;
  std::string referral_id;
  absl::CivilDay started_on;
  std::optional<absl::CivilDay> ended_on;
  std::string end_reason;
  std::string recorded_by;
  std::string policy_version;
  std::vector<CheckRecord> checks;
};

// What a spell's start sees under the case lock: the case; the referral it comes from (when
// named, in the caller's reach) and whether that referral started a spell already; the partner
// named as employer (unscoped: the decision checks it serves the case's district).
struct SpellStartView {
  domain::CaseView case_view;
  std::optional<ReferralRecord> referral;
  bool referral_has_spell = false;
  std::optional<PartnerBrief> partner;
};

// A spell to insert or its new state, with the checks to write and the events.
struct SpellWrite {
  SpellRecord spell;
  std::vector<events::v1::Envelope> events;
};
using SpellStartDecision = std::function<absl::StatusOr<SpellWrite>(const SpellStartView&)>;
using SpellEndDecision = std::function<absl::StatusOr<SpellWrite>(const SpellRecord&)>;
// A confirmation sees the check (with its spell's fields); returns the check as confirmed and
// the events.
struct CheckWrite {
  CheckRecord check;
  std::vector<events::v1::Envelope> events;
};
using CheckDecision = std::function<absl::StatusOr<CheckWrite>(const CheckRecord&)>;

struct CheckFilter {
  std::string district_code;  // "" = every district the caller sees
  bool overdue = false;       // the overdue list, else the due list
  absl::CivilDay as_of;
  std::string status;  // the partner's list: "" = any
  int page_size = 50;
  std::string after_spell_id;  // the page token: spell id and day of the last check
  int after_day_offset = 0;
};

struct CheckPage {
  std::vector<CheckRecord> items;
  std::string next_token;  // "<spell_id>/<day_offset>" or ""
};

// Storage of spells and retention checks. Staff reach a spell through its district (in SQL); a
// partner principal only the checks of spells with its agency as employer: anything else is
// NOT_FOUND (audited). Every call writes an audit row; the kit's command holds the transaction.
class RetentionStore {
 public:
  virtual ~RetentionStore() = default;

  virtual absl::StatusOr<SpellRecord> Start(const auth::Principal& principal,
                                            const std::string& case_id,
                                            const std::string& referral_id,
                                            const std::string& partner_id,
                                            const std::string& request_id,
                                            const SpellStartDecision& decide) = 0;
  virtual absl::StatusOr<SpellRecord> End(const auth::Principal& principal,
                                          const std::string& spell_id,
                                          const std::string& request_id,
                                          const SpellEndDecision& decide) = 0;
  virtual absl::StatusOr<CheckRecord> Confirm(const auth::Principal& principal,
                                              const std::string& spell_id, int day_offset,
                                              const std::string& request_id,
                                              const CheckDecision& decide) = 0;
  // The due or overdue list (staff), or the partner's own checks (`action` names the audit row).
  virtual absl::StatusOr<CheckPage> List(const auth::Principal& principal, const CheckFilter& f,
                                         std::string_view action) = 0;
  // Marks the pending checks whose window closed before `today` MISSED, with the events `decide`
  // gives (at most `limit`); returns how many. Background work (no principal, no audit row).
  virtual absl::StatusOr<int> SweepMissed(absl::CivilDay today, int limit,
                                          const CheckDecision& decide) = 0;
};

}  // namespace ccms::employment
