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
#include "services/employment/domain/case_view.h"
#include "services/employment/domain/partner_rules.h"
#include "services/employment/domain/referral_machine.h"

namespace ccms::employment {

struct ReferralStepRecord {
  domain::ReferralStatus from = domain::ReferralStatus::kDraft;
  domain::ReferralStatus to = domain::ReferralStatus::kDraft;
  std::string reason_code;
  absl::CivilDay on;
  std::string recorded_by;
  absl::Time recorded_at;
};

// A referral (table referrals) with its steps; the given name decrypted.
struct ReferralRecord {
  std::string referral_id;
  std::string referral_code;
  std::string case_id;
  std::string district_code;
  std::string partner_id;
  std::string agency_id;
  std::string kind;  // JOB_PLACEMENT, ...
  domain::ReferralStatus status = domain::ReferralStatus::kDraft;
  absl::CivilDay referred_on;
  int age_on_referral = 0;
  std::string age_basis;  // CASE_FACTS, BIRTH_DATE, NOT_NEEDED
  std::string given_name;
  std::vector<std::string> skills;
  std::string availability;
  bool minor = false;
  bool guardian_consent = false;
  std::optional<absl::CivilDay> consent_recorded_on;
  std::string consent_override_reason;
  std::optional<absl::CivilDay> sent_on;
  std::optional<absl::CivilDay> answer_due_on;
  std::optional<absl::CivilDay> escalated_on;
  std::string reason_code;
  std::string created_by;
  std::string policy_version;
  absl::Time created_at;
  bool paused = false;  // the case is lost contact (from cases.lost_contact)
  std::vector<ReferralStepRecord> steps;
};

// A partner as a referral needs it.
struct PartnerBrief {
  std::string partner_id;
  std::string agency_id;
  std::string status;
  std::vector<std::string> districts_served;
  // The partner's purchased-service contracts with the referral's district (the contract rule;
  // filled by the referral store's Create and Mutate only).
  std::vector<domain::ContractSpan> contracts;
};

// What a referral command writes: a new referral, or the referral's new state with one step; and
// the events.
struct ReferralWrite {
  std::optional<ReferralRecord> insert;
  std::optional<ReferralRecord> update;
  std::optional<ReferralStepRecord> step;
  std::vector<events::v1::Envelope> events;
};

// Decides a new referral from the case and the partner.
using CreateDecision =
    std::function<absl::StatusOr<ReferralWrite>(const domain::CaseView&, const PartnerBrief&)>;
// Decides a change from the referral, its case and its partner.
using ReferralDecision = std::function<absl::StatusOr<ReferralWrite>(
    const ReferralRecord&, const domain::CaseView&, const PartnerBrief&)>;

struct ReferralFilter {
  std::string district_code;
  std::string case_id;
  std::string status;  // "" = any
  bool escalated_only = false;
  // Only open referrals to a partner with contracts with the district, none in force on this day.
  std::optional<absl::CivilDay> under_ended_contract_on;
  int page_size = 50;
  std::string after_referral_id;
};

struct ReferralPage {
  std::vector<ReferralRecord> items;
  std::string next_referral_id;
};

// Storage of referrals. Every method is scoped in SQL: staff to the case's district (their
// districts), a partner principal to its own agency's referrals that were sent (never a draft);
// anything else is NOT_FOUND. Every call writes an audit row (partner reads too).
class ReferralStore {
 public:
  virtual ~ReferralStore() = default;

  // Locks the case (in the caller's districts) and reads the partner (visible to the caller),
  // runs `decide` and inserts the referral it returns with its events and an audit row.
  virtual absl::StatusOr<ReferralRecord> Create(const auth::Principal& principal,
                                                const std::string& case_id,
                                                const std::string& partner_id,
                                                const std::string& request_id,
                                                const CreateDecision& decide) = 0;

  // Locks the referral in the caller's reach, runs `decide`, writes the update, its step, the
  // events and an audit row (`method`).
  virtual absl::StatusOr<ReferralRecord> Mutate(const auth::Principal& principal,
                                                const std::string& referral_id,
                                                std::string_view method,
                                                const std::string& request_id,
                                                const ReferralDecision& decide) = 0;

  // The referral; audited as `method`.
  virtual absl::StatusOr<ReferralRecord> Get(const auth::Principal& principal,
                                             const std::string& referral_id,
                                             std::string_view method) = 0;

  // The caller's referrals in id order; audited as `method` with the count.
  virtual absl::StatusOr<ReferralPage> List(const auth::Principal& principal,
                                            const ReferralFilter& filter,
                                            std::string_view method) = 0;
};

}  // namespace ccms::employment
