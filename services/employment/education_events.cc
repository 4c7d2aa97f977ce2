#include "services/employment/education_events.h"

#include "absl/strings/ascii.h"
#include "ccms/education/v1/education_events.pb.h"
#include "common/auth/principal.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"

namespace ccms::employment {
namespace {

constexpr char kEnrolmentChanged[] = "ccms.education.enrolment_changed";

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

}  // namespace ccms::employment
