#include "services/education/plan_triggers.h"

#include "absl/strings/ascii.h"
#include "ccms/assessment/v1/assessment_events.pb.h"
#include "ccms/education/v1/education_events.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/auth/principal.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/log/log.h"
#include "services/education/correction_plan_service.h"
#include "services/education/pg_plan_store.h"
#include "services/education/pg_service_file_store.h"

namespace ccms::education {
namespace {

constexpr char kPlanRevisionDueType[] = "ccms.education.plan_revision_due";

std::optional<absl::CivilDay> Day(const google::type::Date& d) {
  bool invalid = false;
  return grpc_util::FromProtoDate(d, &invalid);
}

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

}  // namespace

std::optional<PlanTrigger> TranslatePlanTrigger(const events::v1::Envelope& e, bool* malformed) {
  *malformed = false;
  const std::string& type = e.type();
  auto unpack = [&](google::protobuf::Message* p) {
    if (!e.payload().UnpackTo(p)) *malformed = true;
    return !*malformed;
  };
  auto day = [&](const google::type::Date& d) -> std::optional<absl::CivilDay> {
    auto out = Day(d);
    if (!out.has_value()) *malformed = true;
    return out;
  };
  using domain::RevisionReason;
  std::optional<absl::CivilDay> on;
  RevisionReason reason = RevisionReason::kStaff;
  if (type == "ccms.records.sanction_issued") {
    records::v1::SanctionIssued p;
    if (!unpack(&p)) return std::nullopt;
    reason = RevisionReason::kSanction;
    on = day(p.issued_on());
  } else if (type == "ccms.assessment.supervision_level_changed") {
    assessment::v1::SupervisionLevelChanged p;
    if (!unpack(&p)) return std::nullopt;
    if (p.previous_level() == common::v1::SUPERVISION_LEVEL_UNSPECIFIED ||
        p.previous_level() == p.level()) {
      return std::nullopt;
    }
    reason = RevisionReason::kLevelChanged;
    on = day(p.effective_on());
  } else if (type == "ccms.assessment.assessment_recorded") {
    assessment::v1::AssessmentRecorded p;
    if (!unpack(&p)) return std::nullopt;
    reason = RevisionReason::kAssessmentRecorded;
    on = day(p.assessed_on());
  } else if (type == "ccms.assessment.crisis_flag_raised") {
    assessment::v1::CrisisFlagRaised p;
    if (!unpack(&p)) return std::nullopt;
    reason = RevisionReason::kCrisisFlag;
    on = domain::RevisionTriggerDay(TimeOf(p.raised_at()));
  } else if (type == "ccms.assessment.key_attention_changed") {
    assessment::v1::KeyAttentionChanged p;
    if (!unpack(&p)) return std::nullopt;
    if (!p.key_attention()) return std::nullopt;
    reason = RevisionReason::kKeyAttention;
    on = domain::RevisionTriggerDay(TimeOf(e.occurred_at()));
  } else {
    return std::nullopt;
  }
  if (*malformed || !on.has_value()) return std::nullopt;
  return PlanTrigger{reason, *on};
}

absl::Status PlanTriggerHandler::Handle(pqxx::work& tx, const events::v1::Envelope& event) const {
  bool malformed = false;
  auto trigger = TranslatePlanTrigger(event, &malformed);
  if (!trigger.has_value() || !ids::IsUuid(event.case_id())) {
    if (malformed || trigger.has_value()) {
      // Recorded in the inbox and skipped: retrying cannot fix a bad payload.
      log::Warn("plan_trigger_malformed", {{"event_id", event.event_id()}, {"type", event.type()}});
    }
    return absl::OkStatus();
  }
  const std::string case_id = absl::AsciiStrToLower(event.case_id());
  auto state = PgPlanStore::LockForEvent(tx, case_id);
  if (!state.ok()) {
    // A case education has not heard of has no plan: nothing to revise.
    if (state.status().code() == absl::StatusCode::kNotFound) return absl::OkStatus();
    return state.status();
  }
  if (!domain::RevisionApplies(state->case_row.view, state->versions)) return absl::OkStatus();
  const domain::PlanVersionRecord* in_force = domain::VersionInForce(state->versions);
  const domain::EducationPolicy& policy = policies_.InForce(trigger->on);
  RevisionDueRecord r;
  r.revision_id = ids::NewUuid();
  r.case_id = case_id;
  r.district_code = state->case_row.view.district_code;
  r.reason = trigger->reason;
  r.source_event_id = event.event_id().substr(0, 64);
  r.triggered_on = trigger->on;
  r.due_on = domain::RevisionDueOn(trigger->on, policy.plan_revision_within_days);
  r.plan_version = in_force->version;
  r.policy_version = policy.version;
  PgPlanStore::InsertRevision(tx, r);

  v1::PlanRevisionDueRaised e;
  e.set_case_id(case_id);
  e.set_district_code(r.district_code);
  e.set_revision_id(r.revision_id);
  e.set_reason(RevisionReasonToProto(r.reason));
  *e.mutable_triggered_on() = grpc_util::ToProtoDate(r.triggered_on);
  *e.mutable_due_on() = grpc_util::ToProtoDate(r.due_on);
  e.set_plan_version(r.plan_version);
  e.set_source_event_id(r.source_event_id);
  e.set_policy_version(r.policy_version);
  const absl::Time now = clock_.Now();
  kafka::AppendToOutbox(tx, kEducationTopic,
                        kafka::MakeEnvelope(kPlanRevisionDueType, case_id, r.district_code, now,
                                            now, "ccms-education", e));
  return absl::OkStatus();
}

}  // namespace ccms::education
