// Fuzzes event envelopes as the consumers decode them: the bytes of a Kafka record value go
// through the inbox consumer's decoding (common/kafka/envelope.h), then through what each
// service makes of an envelope before it touches its database: records' reading of assessment
// events (services/records/assessment_event.h) and assessment's translation of records events
// into domain facts (services/assessment/records_events.h), which are then applied to a case
// state in memory (ApplyRecordsFact), as the consumer's mutator does.

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/auth/principal.h"
#include "common/ids/uuid.h"
#include "common/kafka/envelope.h"
#include "common/policy/policy.h"
#include "google/protobuf/stubs/logging.h"
#include "services/assessment/domain/assessment_policy.h"
#include "services/assessment/domain/case_flow.h"
#include "services/assessment/records_events.h"
#include "services/records/assessment_event.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace domain = ccms::assessment::domain;

constexpr absl::CivilDay kToday(2026, 12, 5);

const domain::AssessmentPolicy& Policy() {
  static const domain::AssessmentPolicy* policy = [] {
    auto doc = ccms::policy::PolicyDocument::Parse(ccms::policy::PolicyDocument::BuiltInDefault(),
                                                   "built-in default");
    CCMS_FUZZ_CHECK(doc.ok());
    auto loaded = domain::LoadAssessmentPolicies(*doc, domain::WeightKeys());
    CCMS_FUZZ_CHECK(loaded.ok());
    return new domain::AssessmentPolicy(loaded->InForce(kToday));
  }();
  return *policy;
}

void CheckEffects(const domain::CaseState& state, const domain::Effects& effects) {
  for (const auto& due : effects.dues) CCMS_FUZZ_CHECK(due.window_opens_on <= due.due_on);
  CCMS_FUZZ_CHECK(effects.open_months.size() <= 25);
  for (const auto& entry : effects.ledger) CCMS_FUZZ_CHECK(!entry.reason.empty());
  CCMS_FUZZ_CHECK(state.commendation_streak >= 0);
}

// Applies `fact` to a case the assessment service has not seen yet, and to one that is open,
// reported and running, the two states a records event usually finds.
void ApplyToCases(const std::string& case_id, const std::string& district,
                  const domain::RecordsFact& fact) {
  const domain::AssessmentPolicy& policy = Policy();
  domain::CaseState fresh;
  fresh.case_id = case_id;
  fresh.district_code = district;
  CheckEffects(fresh, domain::ApplyRecordsFact(fresh, fact, policy, kToday));

  domain::CaseState running;
  running.case_id = case_id;
  running.district_code = district;
  domain::ApplyRecordsFact(running,
                           domain::CaseOpenedFact{district, "office-1", absl::CivilDay(2026, 1, 5),
                                                  absl::CivilDay(2027, 7, 4), false},
                           policy, kToday);
  domain::ApplyRecordsFact(running, domain::IntakeReportedFact{absl::CivilDay(2026, 1, 9)}, policy,
                           kToday);
  CheckEffects(running, domain::ApplyRecordsFact(running, fact, policy, kToday));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Protobuf logs every string field that is not UTF-8; that is noise here.
  static const bool quiet = [] {
    google::protobuf::SetLogHandler(
        [](google::protobuf::LogLevel, const char*, int, const std::string&) {});
    return true;
  }();
  (void)quiet;
  std::optional<ccms::events::v1::Envelope> envelope =
      ccms::kafka::DecodeEnvelope(ccms::fuzz::AsText(data, size));
  if (!envelope.has_value()) return 0;
  CCMS_FUZZ_CHECK(!envelope->event_id().empty());

  // Records follows ccms.assessment.v1.
  bool unreadable = false;
  auto update = ccms::records::DecodeAssessmentEvent(*envelope, &unreadable);
  if (update.has_value()) {
    CCMS_FUZZ_CHECK(!unreadable);
    CCMS_FUZZ_CHECK(update->level != nullptr);
    const std::string level = update->level;
    CCMS_FUZZ_CHECK(level == "STRICT" || level == "STANDARD" || level == "RELAXED");
  }

  // Assessment follows ccms.records.v1 (records_consumer.cc: RecordsEventHandler::Handle).
  bool malformed = false;
  auto fact = ccms::assessment::TranslateRecordsEvent(*envelope, &malformed);
  if (fact.has_value()) CCMS_FUZZ_CHECK(!malformed);
  if (fact.has_value() && ccms::ids::IsUuid(envelope->case_id()) &&
      ccms::auth::IsDistrictCode(envelope->district_code())) {
    ApplyToCases(envelope->case_id(), envelope->district_code(), *fact);
  }
  return 0;
}
