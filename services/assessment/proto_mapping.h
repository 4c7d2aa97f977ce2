#pragma once

#include "ccms/assessment/v1/assessment_service.pb.h"
#include "ccms/common/v1/common.pb.h"
#include "services/assessment/domain/types.h"

namespace ccms::assessment {

// Domain enums <-> their proto counterparts (UNSPECIFIED <-> kUnspecified).
common::v1::SupervisionLevel ToProto(domain::Level level);
domain::Level FromProto(common::v1::SupervisionLevel level);
v1::RiskLevel ToProto(domain::RiskLevel risk);
v1::InstrumentKind ToProto(domain::InstrumentKind kind);
v1::AssessmentKind ToProto(domain::AssessmentKind kind);
domain::AssessmentKind FromProto(v1::AssessmentKind kind);
v1::CrisisKind ToProto(domain::CrisisKind kind);
domain::CrisisKind FromProto(v1::CrisisKind kind);

}  // namespace ccms::assessment
