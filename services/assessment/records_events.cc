#include "services/assessment/records_events.h"

#include "ccms/records/v1/records_events.pb.h"
#include "common/auth/principal.h"
#include "common/grpc/proto_convert.h"

namespace ccms::assessment {
namespace {

std::optional<absl::CivilDay> Day(const google::type::Date& d) {
  bool invalid = false;
  return grpc_util::FromProtoDate(d, &invalid);
}

domain::SanctionKind SanctionOf(records::v1::SanctionKind k) {
  switch (k) {
    case records::v1::SANCTION_KIND_ADMONITION:
      return domain::SanctionKind::kAdmonition;
    case records::v1::SANCTION_KIND_WARNING:
      return domain::SanctionKind::kWarning;
    case records::v1::SANCTION_KIND_PUBLIC_SECURITY_REFERRAL:
      return domain::SanctionKind::kPublicSecurityReferral;
    case records::v1::SANCTION_KIND_REVOCATION_REQUEST:
      return domain::SanctionKind::kRevocationRequest;
    default:
      return domain::SanctionKind::kUnspecified;
  }
}

// Unpacks the payload and requires its dates; sets *malformed otherwise.
template <typename Payload>
bool Unpack(const events::v1::Envelope& e, Payload* p, bool* malformed) {
  if (!e.payload().UnpackTo(p)) {
    *malformed = true;
    return false;
  }
  return true;
}

}  // namespace

std::optional<domain::RecordsFact> TranslateRecordsEvent(const events::v1::Envelope& e,
                                                         bool* malformed) {
  *malformed = false;
  const std::string& type = e.type();
  auto need = [&](const std::optional<absl::CivilDay>& d) {
    if (!d.has_value()) *malformed = true;
    return d.value_or(absl::CivilDay());
  };
  if (type == "ccms.records.case_opened") {
    records::v1::CaseOpened p;
    if (!Unpack(e, &p, malformed)) return std::nullopt;
    return domain::CaseOpenedFact{p.district_code(), p.office_id(), Day(p.supervision_start_date()),
                                  Day(p.supervision_end_date()), p.minor()};
  }
  std::optional<domain::RecordsFact> fact;
  if (type == "ccms.records.intake_reported") {
    records::v1::IntakeReported p;
    if (!Unpack(e, &p, malformed)) return std::nullopt;
    fact = domain::IntakeReportedFact{need(Day(p.reported_on()))};
  } else if (type == "ccms.records.violation_recorded") {
    records::v1::ViolationRecorded p;
    if (!Unpack(e, &p, malformed)) return std::nullopt;
    fact = domain::ViolationFact{need(Day(p.occurred_on()))};
  } else if (type == "ccms.records.sanction_issued") {
    records::v1::SanctionIssued p;
    if (!Unpack(e, &p, malformed)) return std::nullopt;
    fact = domain::SanctionFact{SanctionOf(p.kind()), need(Day(p.issued_on()))};
  } else if (type == "ccms.records.commendation_recorded") {
    records::v1::CommendationRecorded p;
    if (!Unpack(e, &p, malformed)) return std::nullopt;
    fact = domain::CommendationFact{need(Day(p.recorded_on()))};
  } else if (type == "ccms.records.discharge_approaching") {
    records::v1::DischargeApproaching p;
    if (!Unpack(e, &p, malformed)) return std::nullopt;
    fact = domain::DischargeApproachingFact{need(Day(p.end_date()))};
  } else if (type == "ccms.records.case_closed") {
    records::v1::CaseClosed p;
    if (!Unpack(e, &p, malformed)) return std::nullopt;
    fact = domain::CaseClosedFact{need(Day(p.closed_on()))};
  } else if (type == "ccms.records.case_transferred") {
    records::v1::CaseTransferred p;
    if (!Unpack(e, &p, malformed)) return std::nullopt;
    if (!auth::IsDistrictCode(p.to_district_code())) *malformed = true;
    fact = domain::CaseTransferredFact{p.to_district_code(), p.to_office_id(),
                                       need(Day(p.effective_on()))};
  } else {
    return std::nullopt;
  }
  if (*malformed) return std::nullopt;
  return fact;
}

}  // namespace ccms::assessment
