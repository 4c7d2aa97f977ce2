#include "services/employment/education_events.h"

#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "ccms/education/v1/education_events.pb.h"
#include "common/auth/principal.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"

namespace ccms::employment {
namespace {

constexpr char kEnrolmentChanged[] = "ccms.education.enrolment_changed";
constexpr char kPlanApproved[] = "ccms.education.plan_approved";
constexpr char kPlanClosed[] = "ccms.education.plan_closed";
constexpr int kMaxPlanVersion = 10000;
constexpr size_t kMaxSteps = 50;

// A step id as education gives it: 1-64 letters, digits, '-' or '_'.
bool IsStepId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

// A code: 1-40 upper-case letters, digits and '_'.
bool IsCode(const std::string& s) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool KnownStatus(const std::string& s) {
  return s == "ENROLLED" || s == "WAITLISTED" || s == "WITHDRAWN" || s == "SESSION_CANCELLED" ||
         s == "SESSION_MOVED";
}

}  // namespace

std::optional<EnrolmentFact> TranslateEducationEvent(const events::v1::Envelope& e,
                                                     bool* malformed) {
  *malformed = false;
  if (e.type() != kEnrolmentChanged) return std::nullopt;
  education::v1::EnrolmentChanged p;
  if (!e.payload().UnpackTo(&p)) {
    *malformed = true;
    return std::nullopt;
  }
  bool invalid = false;
  const auto start = grpc_util::FromProtoTimestamp(p.start_time(), &invalid);
  const auto end = grpc_util::FromProtoTimestamp(p.end_time(), &invalid);
  EnrolmentFact f;
  f.case_id = absl::AsciiStrToLower(p.case_id());
  f.district_code = p.district_code();
  f.session_id = absl::AsciiStrToLower(p.session_id());
  f.session_district_code = p.session_district_code();
  f.kind =
      grpc_util::EnumSuffix(education::v1::SessionKind_descriptor(), p.kind(), "SESSION_KIND_");
  f.status = p.status();
  f.superseded_by = absl::AsciiStrToLower(p.superseded_by());
  if (!ids::IsUuid(f.case_id) || !ids::IsUuid(f.session_id) ||
      !auth::IsDistrictCode(f.district_code) || !start.has_value() || !end.has_value() ||
      *end <= *start || !KnownStatus(f.status) ||
      (!f.superseded_by.empty() && !ids::IsUuid(f.superseded_by)) ||
      f.session_district_code.size() > 6) {
    *malformed = true;
    return std::nullopt;
  }
  f.start = *start;
  f.end = *end;
  return f;
}

PlanFact TranslatePlanEvent(const events::v1::Envelope& e, bool* malformed) {
  *malformed = false;
  PlanFact out;
  bool invalid = false;
  if (e.type() == kPlanApproved) {
    education::v1::PlanApproved p;
    if (!e.payload().UnpackTo(&p)) {
      *malformed = true;
      return out;
    }
    PlanApprovedFact f;
    f.case_id = absl::AsciiStrToLower(p.case_id());
    f.district_code = p.district_code();
    f.version_id = absl::AsciiStrToLower(p.version_id());
    f.version = p.version();
    const auto approved_on = grpc_util::FromProtoDate(p.approved_on(), &invalid);
    bool bad = !ids::IsUuid(f.case_id) || !auth::IsDistrictCode(f.district_code) ||
               !ids::IsUuid(f.version_id) || f.version < 1 || f.version > kMaxPlanVersion ||
               !approved_on.has_value() || static_cast<size_t>(p.steps_size()) > kMaxSteps;
    std::set<std::string> seen;
    for (const auto& s : p.steps()) {
      const auto start = grpc_util::FromProtoDate(s.start_date(), &invalid);
      const auto end = grpc_util::FromProtoDate(s.end_date(), &invalid);
      if (!IsStepId(s.step_id()) || !IsCode(s.step_code()) || !start.has_value() ||
          !end.has_value() || *end < *start || !seen.insert(s.step_id()).second) {
        bad = true;
        break;
      }
      f.steps.push_back({s.step_id(), s.step_code(), *start, *end});
    }
    if (bad) {
      *malformed = true;
      return out;
    }
    f.approved_on = *approved_on;
    out.approved = std::move(f);
  } else if (e.type() == kPlanClosed) {
    education::v1::PlanClosed p;
    if (!e.payload().UnpackTo(&p)) {
      *malformed = true;
      return out;
    }
    PlanClosedFact f;
    f.case_id = absl::AsciiStrToLower(p.case_id());
    f.district_code = p.district_code();
    f.version = p.version();
    const auto closed_on = grpc_util::FromProtoDate(p.closed_on(), &invalid);
    if (!ids::IsUuid(f.case_id) || !auth::IsDistrictCode(f.district_code) || f.version < 1 ||
        f.version > kMaxPlanVersion || !closed_on.has_value()) {
      *malformed = true;
      return out;
    }
    f.closed_on = *closed_on;
    out.closed = std::move(f);
  }
  return out;
}

}  // namespace ccms::employment
