#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/auth/principal.h"

namespace ccms::employment {

// A person to reach at a partner (encrypted at rest).
struct PartnerContactRecord {
  std::string name;
  std::string phone;
  std::string email;
  std::string title;
};

// A partner organisation of the register (table partners).
struct PartnerRecord {
  std::string partner_id;
  std::string agency_id;
  std::string name;
  std::string kind;  // ENTERPRISE, ...
  std::string district_code;
  std::vector<std::string> districts_served;
  std::vector<PartnerContactRecord> contacts;
  std::string status;  // ACTIVE, SUSPENDED
  std::string suspension_reason;
  std::string registered_by;
  absl::Time created_at;
  absl::Time updated_at;
};

// What a partner command writes: the partner's new status and the events that go with it.
struct PartnerWrite {
  std::string status;
  std::string suspension_reason;
  std::vector<events::v1::Envelope> events;
};

using PartnerDecision = std::function<absl::StatusOr<PartnerWrite>(const PartnerRecord&)>;

struct PartnerFilter {
  std::string district_code;  // "" = any the caller sees
  std::string kind;           // "" = any
  std::string status;         // "" = any
  int page_size = 50;
  std::string after_partner_id;
};

struct PartnerPage {
  std::vector<PartnerRecord> items;
  std::string next_partner_id;
};

// Storage of the partner register. A partner is visible to a caller whose districts hold its
// registering district or one it serves; it changes only by staff of the registering district
// (both in SQL: anything else is NOT_FOUND). Every call writes an audit row.
class PartnerStore {
 public:
  virtual ~PartnerStore() = default;

  // Inserts `partner` with `events`; ALREADY_EXISTS when its agency id is registered.
  virtual absl::StatusOr<PartnerRecord> Register(const auth::Principal& principal,
                                                 const PartnerRecord& partner,
                                                 const std::vector<events::v1::Envelope>& events,
                                                 const std::string& request_id) = 0;

  // Locks the partner, runs `decide` and writes its status and events with an audit row.
  virtual absl::StatusOr<PartnerRecord> Mutate(const auth::Principal& principal,
                                               const std::string& partner_id,
                                               std::string_view method,
                                               const std::string& request_id,
                                               const PartnerDecision& decide) = 0;

  virtual absl::StatusOr<PartnerRecord> Get(const auth::Principal& principal,
                                            const std::string& partner_id) = 0;
  virtual absl::StatusOr<PartnerPage> List(const auth::Principal& principal,
                                           const PartnerFilter& filter) = 0;

  // The status of the partner registered under `agency_id` (ACTIVE, SUSPENDED), NOT_FOUND when
  // none is: how the partner API learns whether its caller may work.
  virtual absl::StatusOr<std::string> AgencyStatus(const std::string& agency_id) = 0;
};

}  // namespace ccms::employment
