#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "common/auth/principal.h"
#include "services/employment/domain/case_view.h"

namespace ccms::employment {

// A halfway house (table halfway_houses) with its occupancy now.
struct HalfwayHouseRecord {
  std::string house_id;
  std::string name;
  std::string district_code;
  int places = 0;
  int occupied = 0;
  std::string registered_by;
  absl::Time created_at;
};

// A placement (table halfway_house_placements).
struct PlacementRecord {
  std::string placement_id;
  std::string house_id;
  std::string case_id;
  std::string district_code;
  absl::CivilDay admitted_on;
  std::optional<absl::CivilDay> left_on;
  std::string leave_reason;
};

// What an admission sees under its locks: the case, the house and its occupancy, and whether the
// person holds an open placement already. The decision returns the placement to insert (its id,
// dates) with the events to append, or the refusal.
struct AdmissionView {
  domain::CaseView case_view;
  HalfwayHouseRecord house;
  bool already_placed = false;
};
struct PlacementWrite {
  PlacementRecord placement;
  std::vector<events::v1::Envelope> events;
};
using AdmissionDecision = std::function<absl::StatusOr<PlacementWrite>(const AdmissionView&)>;
// A leaving sees the placement and its house; returns the placement as it ends, with its events.
using LeaveDecision = std::function<absl::StatusOr<PlacementWrite>(const PlacementRecord&,
                                                                   const HalfwayHouseRecord&)>;

struct HalfwayHouseFilter {
  std::string district_code;  // "" = any the caller sees
  int page_size = 50;
  std::string after_house_id;
};

struct HalfwayHousePage {
  std::vector<HalfwayHouseRecord> items;
  std::string next_house_id;
};

// Storage of halfway houses and placements. Houses and cases outside the caller's districts are
// NOT_FOUND (in SQL). An admission locks the case, then the house, and counts the house's open
// placements under that lock: concurrent admissions for the last places are serialised, so
// occupancy never exceeds places. Every call writes an audit row.
class HalfwayHouseStore {
 public:
  virtual ~HalfwayHouseStore() = default;

  virtual absl::StatusOr<HalfwayHouseRecord> Register(const auth::Principal& principal,
                                                      const HalfwayHouseRecord& house,
                                                      const std::string& request_id) = 0;
  // The placement as inserted and the house after it.
  virtual absl::StatusOr<std::pair<PlacementRecord, HalfwayHouseRecord>> Admit(
      const auth::Principal& principal, const std::string& house_id, const std::string& case_id,
      const std::string& request_id, const AdmissionDecision& decide) = 0;
  virtual absl::StatusOr<std::pair<PlacementRecord, HalfwayHouseRecord>> Leave(
      const auth::Principal& principal, const std::string& placement_id,
      const std::string& request_id, const LeaveDecision& decide) = 0;
  virtual absl::StatusOr<HalfwayHousePage> List(const auth::Principal& principal,
                                                const HalfwayHouseFilter& filter) = 0;
};

}  // namespace ccms::employment
