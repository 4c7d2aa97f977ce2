#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "ccms/events/v1/envelope.pb.h"
#include "services/reporting/domain/worklist.h"

namespace ccms::reporting {

// One change of the worklists an event makes.
struct WorklistChange {
  enum class Op {
    kUpsert,     // insert or replace `item` (by kind, case and item id)
    kRemove,     // remove the row of item.kind, item.case_id, item.item_id
    kClearKind,  // remove every row of item.kind for item.case_id
  };
  Op op = Op::kUpsert;
  domain::WorklistItem item;
};

// A fact the KPI gauges count (table service_fact): "file_opened" (education's service file,
// 建档), "educated" (an attended education or counselling session, 教育), "helped" (a referral
// sent, a placement, a halfway-house admission, 帮扶), on its day.
struct ServiceFact {
  std::string kind;
  absl::CivilDay on;
};

// What an event of any topic tells the worklists and the KPI facts. Records' and assessment's
// events that the projections follow also move the never-reported and contact rows: the
// consumer recomputes those from the projections (domain::ClockItems), not from here.
struct WorklistEvent {
  std::vector<WorklistChange> changes;
  std::optional<ServiceFact> fact;
  // records' sentence_changed: the discharge-due row goes unless it is due on this new end
  // (records sends discharge_approaching again when the new end comes near).
  std::optional<absl::CivilDay> term_end;
};

// Pure: nothing for a type the worklists do not follow; *malformed when the payload does not
// parse or lacks a day it needs (then nothing either).
WorklistEvent TranslateWorklistEvent(const events::v1::Envelope& event, bool* malformed);

}  // namespace ccms::reporting
