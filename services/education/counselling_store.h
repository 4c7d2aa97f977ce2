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
#include "services/education/domain/counselling_rules.h"

namespace ccms::education {

// An expert of a district's pool (专家库, seed 7.5.1).
struct ExpertRecord {
  std::string expert_id;
  std::string district_code;
  std::string kind;  // PROFESSIONAL, PARTNER_CENTRE, SOCIAL_WORKER, VOLUNTEER
  std::string agency_id;
  std::string display_name;  // stays in education
  std::string qualification_code;
  bool therapy_qualified = false;
  std::string created_by;
  absl::Time created_at;

  domain::ExpertFacts Facts() const { return {expert_id, district_code, kind, therapy_qualified}; }
};

struct CounsellingSessionRecord {
  std::string session_id;
  std::string case_id;
  std::string expert_id;
  std::string kind;  // EDUCATION, GUIDANCE, THERAPY
  absl::Time held_at;
  int duration_minutes = 0;
  std::string recorded_by;
  std::vector<std::string> urgent_flag_ids;  // the urgent contacts it met
};

// The psychological file: the text as an AES-256-GCM blob (the handler encrypts and decrypts).
struct PsychFileRecord {
  std::string case_id;
  std::string text_blob;
  int version = 0;
  std::string updated_by;
  absl::Time updated_at;
};

struct ReferralRecord {
  std::string referral_id;
  std::string case_id;
  std::string institution_agency_id;
  std::string reason;
  absl::CivilDay referred_on;
  std::string outcome;  // PENDING, ACCEPTED, DECLINED, COMPLETED, NO_SHOW
  std::optional<absl::CivilDay> outcome_on;
  std::string referred_by;
};

// The urgent counselling contact of a crisis flag (from ccms.assessment.v1).
struct UrgentContactRecord {
  std::string flag_id;
  std::string case_id;
  std::string district_code;
  std::string crisis_kind;
  absl::Time raised_at;
  absl::Time due_at;
  std::string policy_version;
  std::optional<absl::Time> met_at;
  std::string met_by_session_id;
};

// A case's psychological help: the case, its file, sessions, referrals and urgent contacts.
struct CareState {
  CaseRow case_row;
  std::optional<PsychFileRecord> file;
  std::vector<CounsellingSessionRecord> sessions;  // by held_at
  std::vector<ReferralRecord> referrals;           // by referred_on
  std::vector<UrgentContactRecord> urgent;         // by raised_at
};

// What a command writes, with its events (outbox).
struct CareWrite {
  // A new session; the urgent contacts named in its urgent_flag_ids are marked met by it.
  std::optional<CounsellingSessionRecord> session;
  // The file's new version (version = the previous + 1; the store checks the previous).
  std::optional<PsychFileRecord> file;
  std::optional<ReferralRecord> new_referral;
  std::optional<ReferralRecord> referral_outcome;  // outcome and outcome_on of an existing one
  std::vector<events::v1::Envelope> events;
};

// Decides a write from the case's state and the expert the request names (nullopt when it
// names none); a non-OK status writes nothing.
using CareDecision =
    std::function<absl::StatusOr<CareWrite>(const CareState&, const std::optional<ExpertRecord>&)>;

struct ExpertPage {
  std::vector<ExpertRecord> items;
  std::string next_expert_id;  // "" on the last page
};

struct UrgentFilter {
  std::string district_code;  // "" = every district of the caller
  bool overdue_only = false;
  absl::Time now;
  int page_size = 50;
  // Exclusive position (due_at, flag_id) of the last item of the previous page.
  std::optional<absl::Time> after_due_at;
  std::string after_flag_id;
};

struct UrgentPage {
  std::vector<UrgentContactRecord> items;
  std::string next_token;  // "<due_at unix micros>/<flag_id>", "" on the last page
};

// Storage of psychological help. Every method is scoped to the principal's districts in SQL (a
// case outside them is NOT_FOUND) and writes an audit row.
class CounsellingStore {
 public:
  virtual ~CounsellingStore() = default;

  // Adds `expert` to its district's pool (a district outside the caller's: PERMISSION_DENIED).
  virtual absl::StatusOr<ExpertRecord> RegisterExpert(const auth::Principal& principal,
                                                      const std::string& request_id,
                                                      const ExpertRecord& expert) = 0;

  // The pool of `district_code` ("" = every district of the caller) in expert id order.
  virtual absl::StatusOr<ExpertPage> ListExperts(const auth::Principal& principal,
                                                 const std::string& district_code, int page_size,
                                                 const std::string& after_expert_id) = 0;

  // Locks the case, loads the expert `expert_id` ("" for none; unknown: NOT_FOUND), runs
  // `decide` and writes what it returns with its events and an audit row (`method`,
  // `request_id`), in one transaction. The state after the write.
  virtual absl::StatusOr<CareState> Mutate(const auth::Principal& principal,
                                           const std::string& case_id, std::string_view method,
                                           const std::string& request_id,
                                           const std::string& expert_id,
                                           const CareDecision& decide) = 0;

  // The case's state; audited as `GetPsychFile`.
  virtual absl::StatusOr<CareState> Get(const auth::Principal& principal,
                                        const std::string& case_id) = 0;

  // Open urgent contacts by due time; audited as `ListUrgentContacts` with the count.
  virtual absl::StatusOr<UrgentPage> ListUrgent(const auth::Principal& principal,
                                                const UrgentFilter& filter) = 0;
};

}  // namespace ccms::education
