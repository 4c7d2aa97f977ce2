#include "services/assessment/event_builder.h"

#include "ccms/assessment/v1/assessment_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "services/assessment/proto_mapping.h"

namespace ccms::assessment {

using grpc_util::ToProtoDate;
using grpc_util::ToProtoTimestamp;

void FinishWrite(CaseWrite* w, const std::string& actor, absl::Time now,
                 const std::string& policy_version) {
  const domain::CaseState& s = w->state;
  w->policy_version = policy_version;
  if (w->effects.level_change.has_value()) {
    const auto& c = *w->effects.level_change;
    if (w->level_change_id.empty()) w->level_change_id = ids::NewUuid();
    if (c.from != c.to) {
      v1::SupervisionLevelChanged p;
      p.set_case_id(s.case_id);
      p.set_district_code(s.district_code);
      p.set_level(ToProto(c.to));
      p.set_previous_level(ToProto(c.from));
      *p.mutable_effective_on() = ToProtoDate(c.effective_on);
      p.set_policy_version(policy_version);
      p.set_rule(c.rule);
      p.set_change_id(w->level_change_id);
      p.set_override(c.override);
      w->events.push_back(
          kafka::MakeEnvelope(kLevelChangedType, s.case_id, s.district_code, now, now, actor, p));
    }
  }
  if (w->effects.key_attention_changed) {
    v1::KeyAttentionChanged p;
    p.set_case_id(s.case_id);
    p.set_district_code(s.district_code);
    p.set_key_attention(s.key_attention);
    for (const auto& r : domain::KeyAttentionReasons(s)) p.add_reasons(r);
    w->events.push_back(kafka::MakeEnvelope(kKeyAttentionChangedType, s.case_id, s.district_code,
                                            now, now, actor, p));
  }
}

events::v1::Envelope AssessmentRecordedEvent(const AssessmentRecord& a, const std::string& actor,
                                             absl::Time now) {
  v1::AssessmentRecorded p;
  p.set_case_id(a.case_id);
  p.set_district_code(a.district_code);
  p.set_assessment_id(a.assessment_id);
  p.set_instrument_id(a.instrument_id);
  p.set_instrument_version(a.instrument_version);
  p.set_instrument_kind(ToProto(a.instrument_kind));
  p.set_kind(ToProto(a.kind));
  *p.mutable_assessed_on() = ToProtoDate(a.assessed_on);
  p.set_total_score(a.scores.total);
  p.set_risk_level(ToProto(a.scores.risk));
  p.set_abnormal(a.scores.abnormal);
  for (const auto& s : a.scores.sub_scores) {
    auto* out = p.add_sub_scores();
    out->set_subscale_id(s.subscale);
    out->set_score(s.score);
    out->set_abnormal(s.abnormal);
  }
  p.set_policy_version(a.policy_version);
  return kafka::MakeEnvelope(kAssessmentRecordedType, a.case_id, a.district_code, now, now, actor,
                             p);
}

events::v1::Envelope CrisisRaisedEvent(const CrisisFlagRecord& f, const std::string& policy_version,
                                       absl::Time now) {
  v1::CrisisFlagRaised p;
  p.set_case_id(f.case_id);
  p.set_district_code(f.district_code);
  p.set_flag_id(f.flag_id);
  p.set_kind(ToProto(f.kind));
  p.set_source(f.from_assessment ? v1::CRISIS_SOURCE_ASSESSMENT : v1::CRISIS_SOURCE_STAFF);
  p.set_assessment_id(f.assessment_id);
  *p.mutable_raised_at() = ToProtoTimestamp(f.raised_at);
  *p.mutable_acknowledge_by() = ToProtoTimestamp(f.acknowledge_by);
  p.set_policy_version(policy_version);
  return kafka::MakeEnvelope(kCrisisRaisedType, f.case_id, f.district_code, f.raised_at, now,
                             f.raised_by, p);
}

events::v1::Envelope CrisisAcknowledgedEvent(const CrisisFlagRecord& f, const CrisisAck& ack) {
  v1::CrisisFlagAcknowledged p;
  p.set_case_id(f.case_id);
  p.set_district_code(f.district_code);
  p.set_flag_id(f.flag_id);
  *p.mutable_acknowledged_at() = ToProtoTimestamp(ack.at);
  p.set_within_deadline(ack.at <= f.acknowledge_by);
  return kafka::MakeEnvelope(kCrisisAcknowledgedType, f.case_id, f.district_code, ack.at, ack.at,
                             ack.by, p);
}

events::v1::Envelope MonthClosedEvent(const domain::CaseState& s, const domain::MonthTotal& m,
                                      const std::string& actor, const std::string& policy_version,
                                      absl::Time now) {
  v1::PointsMonthClosed p;
  p.set_case_id(s.case_id);
  p.set_district_code(s.district_code);
  p.set_year(static_cast<int32_t>(m.month.year()));
  p.set_month(m.month.month());
  p.set_total(m.total);
  p.set_policy_version(policy_version);
  return kafka::MakeEnvelope(kPointsMonthClosedType, s.case_id, s.district_code, now, now, actor,
                             p);
}

}  // namespace ccms::assessment
