#include "services/education/crisis_events.h"

#include "absl/strings/ascii.h"
#include "ccms/assessment/v1/assessment_events.pb.h"
#include "common/auth/principal.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/log/log.h"

namespace ccms::education {

std::optional<CrisisFlagFact> TranslateCrisisEvent(const events::v1::Envelope& event,
                                                   bool* malformed) {
  *malformed = false;
  if (event.type() != "ccms.assessment.crisis_flag_raised") return std::nullopt;
  assessment::v1::CrisisFlagRaised p;
  bool invalid = false;
  std::optional<absl::Time> raised_at;
  if (event.payload().UnpackTo(&p))
    raised_at = grpc_util::FromProtoTimestamp(p.raised_at(), &invalid);
  if (!raised_at.has_value() || invalid || p.flag_id().empty() || p.flag_id().size() > 128) {
    *malformed = true;
    return std::nullopt;
  }
  CrisisFlagFact f;
  f.flag_id = p.flag_id();
  f.case_id = absl::AsciiStrToLower(event.case_id());
  f.district_code = event.district_code();
  std::string kind = assessment::v1::CrisisKind_Name(p.kind());
  constexpr std::string_view kPrefix = "CRISIS_KIND_";
  f.crisis_kind = kind.size() > kPrefix.size() ? kind.substr(kPrefix.size()) : "UNSPECIFIED";
  f.raised_at = *raised_at;
  return f;
}

absl::Status CrisisEventHandler::Handle(pqxx::work& tx, const events::v1::Envelope& event) const {
  bool malformed = false;
  auto flag = TranslateCrisisEvent(event, &malformed);
  if (!flag.has_value() || !ids::IsUuid(event.case_id()) ||
      !auth::IsDistrictCode(event.district_code())) {
    if (malformed || flag.has_value()) {
      log::Warn("assessment_event_malformed",
                {{"event_id", event.event_id()}, {"type", event.type()}});
    }
    return absl::OkStatus();
  }
  return PgCounsellingStore::ApplyCrisisFlag(tx, *flag, policies_);
}

}  // namespace ccms::education
