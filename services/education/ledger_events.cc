#include "services/education/ledger_events.h"

#include "absl/strings/ascii.h"
#include "ccms/assessment/v1/assessment_events.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/log/log.h"
#include "services/education/domain/plan_rules.h"
#include "services/education/pg_hours_ledger_store.h"

namespace ccms::education {
namespace {

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

}  // namespace

std::optional<LedgerFact> TranslateLedgerEvent(const events::v1::Envelope& e, bool* malformed) {
  *malformed = false;
  const std::string& type = e.type();
  auto unpack = [&](google::protobuf::Message* p) {
    if (!e.payload().UnpackTo(p)) *malformed = true;
    return !*malformed;
  };
  auto day = [&](const google::type::Date& d) -> absl::CivilDay {
    bool invalid = false;
    auto out = grpc_util::FromProtoDate(d, &invalid);
    if (!out.has_value()) *malformed = true;
    return out.value_or(absl::CivilDay());
  };
  const std::string source = e.event_id().substr(0, 64);
  if (source.empty()) {
    *malformed = true;
    return std::nullopt;
  }
  std::optional<LedgerFact> fact;
  using domain::StepUpReason;
  if (type == "ccms.records.lost_contact_marked" || type == "ccms.records.found_again") {
    records::v1::LostContactChanged p;
    if (!unpack(&p)) return std::nullopt;
    if (p.period_id().empty() || p.period_id().size() > 64) *malformed = true;
    LostContactFact f{p.period_id(), std::nullopt, std::nullopt};
    if (p.has_since()) f.since = day(p.since());
    if (type == "ccms.records.found_again") {
      f.found_on = day(p.found_on());
    } else if (!f.since.has_value()) {
      *malformed = true;
    }
    fact = f;
  } else if (type == "ccms.records.violation_recorded") {
    records::v1::ViolationRecorded p;
    if (!unpack(&p)) return std::nullopt;
    fact = domain::StepUpTrigger{StepUpReason::kViolation, day(p.occurred_on()), source};
  } else if (type == "ccms.records.sanction_issued") {
    records::v1::SanctionIssued p;
    if (!unpack(&p)) return std::nullopt;
    fact = domain::StepUpTrigger{StepUpReason::kSanction, day(p.issued_on()), source};
  } else if (type == "ccms.assessment.assessment_recorded") {
    assessment::v1::AssessmentRecorded p;
    if (!unpack(&p)) return std::nullopt;
    if (p.risk_level() != assessment::v1::RISK_LEVEL_HIGH) return std::nullopt;
    fact = domain::StepUpTrigger{StepUpReason::kHighRisk, day(p.assessed_on()), source};
  } else if (type == "ccms.assessment.key_attention_changed") {
    assessment::v1::KeyAttentionChanged p;
    if (!unpack(&p)) return std::nullopt;
    if (!p.key_attention()) return std::nullopt;
    fact = domain::StepUpTrigger{StepUpReason::kKeyAttention,
                                 domain::RevisionTriggerDay(TimeOf(e.occurred_at())), source};
  } else if (type == "ccms.assessment.crisis_flag_raised") {
    assessment::v1::CrisisFlagRaised p;
    if (!unpack(&p)) return std::nullopt;
    fact = domain::StepUpTrigger{StepUpReason::kCrisisFlag,
                                 domain::RevisionTriggerDay(TimeOf(p.raised_at())), source};
  } else {
    return std::nullopt;
  }
  if (*malformed) return std::nullopt;
  return fact;
}

absl::Status LedgerEventHandler::Handle(pqxx::work& tx, const events::v1::Envelope& event) const {
  bool malformed = false;
  auto fact = TranslateLedgerEvent(event, &malformed);
  if (!fact.has_value() || !ids::IsUuid(event.case_id())) {
    if (malformed || fact.has_value()) {
      // Recorded in the inbox and skipped: retrying cannot fix a bad payload.
      log::Warn("ledger_event_malformed", {{"event_id", event.event_id()}, {"type", event.type()}});
    }
    return absl::OkStatus();
  }
  const std::string case_id = absl::AsciiStrToLower(event.case_id());
  if (const auto* lost = std::get_if<LostContactFact>(&*fact)) {
    if (lost->found_on.has_value()) {
      PgHoursLedgerStore::MarkFound(tx, case_id, lost->period_id, lost->since, *lost->found_on);
    } else {
      PgHoursLedgerStore::MarkLostContact(tx, case_id, lost->period_id, *lost->since);
    }
  } else {
    PgHoursLedgerStore::AddStepUp(tx, case_id, std::get<domain::StepUpTrigger>(*fact));
  }
  return absl::OkStatus();
}

}  // namespace ccms::education
