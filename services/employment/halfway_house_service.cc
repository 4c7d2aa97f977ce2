#include "services/employment/halfway_house_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ccms/employment/v1/employment_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/employment/domain/access.h"
#include "services/employment/domain/halfway_house_rules.h"

namespace ccms::employment {

CCMS_UNARY_HANDLER(HalfwayHouseServiceImpl, RegisterHalfwayHouse)
CCMS_UNARY_HANDLER(HalfwayHouseServiceImpl, AdmitToHalfwayHouse)
CCMS_UNARY_HANDLER(HalfwayHouseServiceImpl, LeaveHalfwayHouse)
CCMS_UNARY_HANDLER(HalfwayHouseServiceImpl, ListHalfwayHouses)

namespace {

using domain::Action;
using grpc_util::FieldViolation;

void ToProto(const HalfwayHouseRecord& h, v1::HalfwayHouse* out) {
  out->set_house_id(h.house_id);
  out->set_name(h.name);
  out->set_district_code(h.district_code);
  out->set_places(h.places);
  out->set_occupied(h.occupied);
  out->set_registered_by(h.registered_by);
  *out->mutable_created_at() = grpc_util::ToProtoTimestamp(h.created_at);
}

void ToProto(const PlacementRecord& p, v1::HalfwayHousePlacement* out) {
  out->set_placement_id(p.placement_id);
  out->set_house_id(p.house_id);
  out->set_case_id(p.case_id);
  *out->mutable_admitted_on() = grpc_util::ToProtoDate(p.admitted_on);
  if (p.left_on.has_value()) *out->mutable_left_on() = grpc_util::ToProtoDate(*p.left_on);
  out->set_leave_reason(p.leave_reason);
}

}  // namespace

events::v1::Envelope PlacementEvent(std::string_view type, const PlacementRecord& p,
                                    const HalfwayHouseRecord& house_after, absl::CivilDay on,
                                    absl::Time now, const std::string& actor) {
  v1::HalfwayHousePlacementChanged e;
  e.set_placement_id(p.placement_id);
  e.set_house_id(p.house_id);
  e.set_case_id(p.case_id);
  e.set_district_code(p.district_code);
  *e.mutable_on() = grpc_util::ToProtoDate(on);
  e.set_reason_code(p.leave_reason);
  e.set_places(house_after.places);
  e.set_occupied(house_after.occupied);
  return kafka::MakeEnvelope(type, p.case_id, p.district_code, now, now, actor, e);
}

absl::Status HalfwayHouseServiceImpl::DoRegisterHalfwayHouse(
    const auth::Principal& principal, const v1::RegisterHalfwayHouseRequest& request,
    v1::RegisterHalfwayHouseResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kManagePartners); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  const std::string name(absl::StripAsciiWhitespace(request.name()));
  if (name.empty() || name.size() > 200) {
    violations.push_back({"name", "is required, at most 200 bytes"});
  }
  if (!auth::IsDistrictCode(request.district_code())) {
    violations.push_back({"district_code", "must be a 6-digit district code"});
  }
  if (request.places() < 1 || request.places() > domain::kMaxHalfwayHousePlaces) {
    violations.push_back({"places", absl::StrCat("must be 1 to ", domain::kMaxHalfwayHousePlaces)});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  if (!principal.CanSeeDistrict(request.district_code())) {
    return absl::PermissionDeniedError(
        "a halfway house is registered by one of the caller's districts");
  }
  HalfwayHouseRecord h;
  h.house_id = ids::NewUuid();
  h.name = name;
  h.district_code = request.district_code();
  h.places = request.places();
  h.registered_by = principal.subject;
  h.created_at = clock_.Now();
  auto saved = store_.Register(principal, h, absl::AsciiStrToLower(request.request_id()));
  if (!saved.ok()) return saved.status();
  ToProto(*saved, response->mutable_house());
  return absl::OkStatus();
}

absl::Status HalfwayHouseServiceImpl::DoAdmitToHalfwayHouse(
    const auth::Principal& principal, const v1::AdmitToHalfwayHouseRequest& request,
    v1::AdmitToHalfwayHouseResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWriteReferral); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st =
          grpc_util::CheckUuidField(request.house_id(), "house_id", "a halfway house id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay admitted_on =
      grpc_util::DayNotInFuture(request.admitted_on(), "admitted_on", today, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  auto decide = [&](const AdmissionView& v) -> absl::StatusOr<PlacementWrite> {
    if (auto st = domain::CheckAdmission(v.case_view, v.house.district_code, v.house.places,
                                         v.house.occupied, v.already_placed, admitted_on, today);
        !st.ok()) {
      return st;
    }
    PlacementWrite w;
    w.placement.placement_id = ids::NewUuid();
    w.placement.house_id = v.house.house_id;
    w.placement.case_id = v.case_view.case_id;
    w.placement.district_code = v.case_view.district_code;
    w.placement.admitted_on = admitted_on;
    HalfwayHouseRecord after = v.house;
    after.occupied += 1;
    w.events.push_back(PlacementEvent("ccms.employment.halfway_house_admitted", w.placement, after,
                                      admitted_on, now, principal.subject));
    return w;
  };
  auto placed = store_.Admit(principal, absl::AsciiStrToLower(request.house_id()),
                             absl::AsciiStrToLower(request.case_id()),
                             absl::AsciiStrToLower(request.request_id()), decide);
  if (!placed.ok()) return placed.status();
  ToProto(placed->first, response->mutable_placement());
  ToProto(placed->second, response->mutable_house());
  return absl::OkStatus();
}

absl::Status HalfwayHouseServiceImpl::DoLeaveHalfwayHouse(
    const auth::Principal& principal, const v1::LeaveHalfwayHouseRequest& request,
    v1::LeaveHalfwayHouseResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kWriteReferral); !st.ok()) return st;
  if (auto st = grpc_util::CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = grpc_util::CheckUuidField(request.placement_id(), "placement_id",
                                          "a placement id (UUID)");
      !st.ok()) {
    return st;
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const absl::CivilDay left_on =
      grpc_util::DayNotInFuture(request.left_on(), "left_on", today, &violations);
  const domain::EmploymentPolicy& policy = policies_.InForce(today);
  if (!domain::HasCode(policy.halfway_house_leave_reasons, request.reason_code())) {
    violations.push_back(
        {"reason_code", "must be a code of policy employment.halfway_house.leave_reasons"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  auto decide = [&](const PlacementRecord& p,
                    const HalfwayHouseRecord& house) -> absl::StatusOr<PlacementWrite> {
    if (auto st = domain::CheckLeave(p.admitted_on, p.left_on, left_on, today); !st.ok()) {
      return st;
    }
    PlacementWrite w;
    w.placement = p;
    w.placement.left_on = left_on;
    w.placement.leave_reason = request.reason_code();
    HalfwayHouseRecord after = house;
    after.occupied -= 1;
    w.events.push_back(PlacementEvent("ccms.employment.halfway_house_left", w.placement, after,
                                      left_on, now, principal.subject));
    return w;
  };
  auto left = store_.Leave(principal, absl::AsciiStrToLower(request.placement_id()),
                           absl::AsciiStrToLower(request.request_id()), decide);
  if (!left.ok()) return left.status();
  ToProto(left->first, response->mutable_placement());
  ToProto(left->second, response->mutable_house());
  return absl::OkStatus();
}

absl::Status HalfwayHouseServiceImpl::DoListHalfwayHouses(
    const auth::Principal& principal, const v1::ListHalfwayHousesRequest& request,
    v1::ListHalfwayHousesResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  grpc_util::DistrictFilterField(request.district_code(), &violations);
  const int page_size = grpc_util::CheckPageSize(request.page_size(), 50, 500, &violations);
  grpc_util::OptionalUuidField(request.page_token(), "page_token", "a token of this list",
                               &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  HalfwayHouseFilter f;
  f.district_code = request.district_code();
  f.page_size = page_size;
  f.after_house_id = absl::AsciiStrToLower(request.page_token());
  auto page = store_.List(principal, f);
  if (!page.ok()) return page.status();
  for (const auto& h : page->items) ToProto(h, response->add_houses());
  response->set_next_page_token(page->next_house_id);
  return absl::OkStatus();
}

}  // namespace ccms::employment
