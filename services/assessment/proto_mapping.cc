#include "services/assessment/proto_mapping.h"

namespace ccms::assessment {

using domain::AssessmentKind;
using domain::CrisisKind;
using domain::InstrumentKind;
using domain::Level;
using domain::RiskLevel;

common::v1::SupervisionLevel ToProto(Level level) {
  switch (level) {
    case Level::kStrict:
      return common::v1::SUPERVISION_LEVEL_STRICT;
    case Level::kStandard:
      return common::v1::SUPERVISION_LEVEL_STANDARD;
    case Level::kRelaxed:
      return common::v1::SUPERVISION_LEVEL_RELAXED;
    default:
      return common::v1::SUPERVISION_LEVEL_UNSPECIFIED;
  }
}

Level FromProto(common::v1::SupervisionLevel level) {
  switch (level) {
    case common::v1::SUPERVISION_LEVEL_STRICT:
      return Level::kStrict;
    case common::v1::SUPERVISION_LEVEL_STANDARD:
      return Level::kStandard;
    case common::v1::SUPERVISION_LEVEL_RELAXED:
      return Level::kRelaxed;
    default:
      return Level::kUnspecified;
  }
}

v1::RiskLevel ToProto(RiskLevel risk) {
  switch (risk) {
    case RiskLevel::kLow:
      return v1::RISK_LEVEL_LOW;
    case RiskLevel::kMedium:
      return v1::RISK_LEVEL_MEDIUM;
    case RiskLevel::kHigh:
      return v1::RISK_LEVEL_HIGH;
    default:
      return v1::RISK_LEVEL_UNSPECIFIED;
  }
}

v1::InstrumentKind ToProto(InstrumentKind kind) {
  switch (kind) {
    case InstrumentKind::kSocialRisk:
      return v1::INSTRUMENT_KIND_SOCIAL_RISK;
    case InstrumentKind::kPsychScreening:
      return v1::INSTRUMENT_KIND_PSYCH_SCREENING;
    default:
      return v1::INSTRUMENT_KIND_UNSPECIFIED;
  }
}

v1::AssessmentKind ToProto(AssessmentKind kind) {
  switch (kind) {
    case AssessmentKind::kIntake:
      return v1::ASSESSMENT_KIND_INTAKE;
    case AssessmentKind::kPeriodic:
      return v1::ASSESSMENT_KIND_PERIODIC;
    case AssessmentKind::kTriggered:
      return v1::ASSESSMENT_KIND_TRIGGERED;
    case AssessmentKind::kDischarge:
      return v1::ASSESSMENT_KIND_DISCHARGE;
    default:
      return v1::ASSESSMENT_KIND_UNSPECIFIED;
  }
}

AssessmentKind FromProto(v1::AssessmentKind kind) {
  switch (kind) {
    case v1::ASSESSMENT_KIND_INTAKE:
      return AssessmentKind::kIntake;
    case v1::ASSESSMENT_KIND_PERIODIC:
      return AssessmentKind::kPeriodic;
    case v1::ASSESSMENT_KIND_TRIGGERED:
      return AssessmentKind::kTriggered;
    case v1::ASSESSMENT_KIND_DISCHARGE:
      return AssessmentKind::kDischarge;
    default:
      return AssessmentKind::kUnspecified;
  }
}

v1::CrisisKind ToProto(CrisisKind kind) {
  switch (kind) {
    case CrisisKind::kSelfHarm:
      return v1::CRISIS_KIND_SELF_HARM;
    case CrisisKind::kSuicide:
      return v1::CRISIS_KIND_SUICIDE;
    case CrisisKind::kViolence:
      return v1::CRISIS_KIND_VIOLENCE;
    case CrisisKind::kOther:
      return v1::CRISIS_KIND_OTHER;
    default:
      return v1::CRISIS_KIND_UNSPECIFIED;
  }
}

CrisisKind FromProto(v1::CrisisKind kind) {
  switch (kind) {
    case v1::CRISIS_KIND_SELF_HARM:
      return CrisisKind::kSelfHarm;
    case v1::CRISIS_KIND_SUICIDE:
      return CrisisKind::kSuicide;
    case v1::CRISIS_KIND_VIOLENCE:
      return CrisisKind::kViolence;
    case v1::CRISIS_KIND_OTHER:
      return CrisisKind::kOther;
    default:
      return CrisisKind::kUnspecified;
  }
}

}  // namespace ccms::assessment
