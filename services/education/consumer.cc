#include "services/education/consumer.h"

#include "absl/strings/ascii.h"
#include "common/auth/principal.h"
#include "common/ids/uuid.h"
#include "common/log/log.h"
#include "services/education/records_events.h"

namespace ccms::education {

absl::Status RecordsEventHandler::Handle(pqxx::work& tx, const events::v1::Envelope& event) {
  bool malformed = false;
  auto fact = TranslateRecordsEvent(event, &malformed);
  if (!fact.has_value() || !ids::IsUuid(event.case_id()) ||
      !auth::IsDistrictCode(event.district_code())) {
    if (malformed || fact.has_value()) {
      // Recorded in the inbox and skipped: retrying cannot fix a bad payload.
      log::Warn("records_event_malformed",
                {{"event_id", event.event_id()}, {"type", event.type()}});
    }
    return absl::OkStatus();
  }
  const std::string case_id = absl::AsciiStrToLower(event.case_id());
  if (auto st = cases_.Apply(tx, case_id, event.district_code(), *fact); !st.ok()) return st;
  const auto* leave = std::get_if<domain::LeaveFact>(&*fact);
  if (leave != nullptr && leave->status == "APPROVED" && on_leave_approved_) {
    return on_leave_approved_(tx, case_id, *leave);
  }
  return absl::OkStatus();
}

}  // namespace ccms::education
