#pragma once

#include <optional>

#include "ccms/events/v1/envelope.pb.h"
#include "services/employment/domain/case_view.h"

namespace ccms::employment {

// The domain fact of a records event employment follows (case opened, facts changed or
// snapshot, intake reported, transferred, closed, lost contact marked, found again, discharge
// approaching, standing approval granted or revoked); nullopt for
// a type employment does not follow, or a payload that does not parse (*malformed is set then).
std::optional<domain::RecordsFact> TranslateRecordsEvent(const events::v1::Envelope& event,
                                                         bool* malformed);

}  // namespace ccms::employment
