#include "services/employment/records_events.h"

#include "ccms/records/v1/records_events.pb.h"
#include "common/auth/principal.h"
#include "common/grpc/proto_convert.h"

namespace ccms::employment {
namespace {

std::optional<absl::CivilDay> Day(const google::type::Date& d) {
  bool invalid = false;
  return grpc_util::FromProtoDate(d, &invalid);
}

domain::CaseOpenedFact Opened(const records::v1::CaseOpened& p) {
  domain::CaseOpenedFact f;
  f.district_code = p.district_code();
  f.office_id = p.office_id();
  f.minor = p.minor();
  // 0 is also "not published" (a case opened before records carried the facts).
  if (p.age_at_judgment() > 0) f.age.age_at_judgment = p.age_at_judgment();
  f.age.judgment_date = Day(p.judgment_effective_date());
  f.offence_category = p.offence_category();
  return f;
}

}  // namespace

std::optional<domain::RecordsFact> TranslateRecordsEvent(const events::v1::Envelope& e,
                                                         bool* malformed) {
  *malformed = false;
  const std::string& type = e.type();
  auto unpack = [&](google::protobuf::Message* p) {
    if (!e.payload().UnpackTo(p)) *malformed = true;
    return !*malformed;
  };
  std::optional<domain::RecordsFact> fact;
  if (type == "ccms.records.case_opened") {
    records::v1::CaseOpened p;
    if (!unpack(&p)) return std::nullopt;
    if (!auth::IsDistrictCode(p.district_code())) *malformed = true;
    fact = Opened(p);
  } else if (type == "ccms.records.case_facts_snapshot") {
    records::v1::CaseFactsSnapshot p;
    if (!unpack(&p)) return std::nullopt;
    if (!auth::IsDistrictCode(p.case_opened().district_code())) *malformed = true;
    domain::CaseOpenedFact f = Opened(p.case_opened());
    f.snapshot_status = p.status();
    fact = f;
  } else if (type == "ccms.records.case_facts_changed") {
    records::v1::CaseFacts p;
    if (!unpack(&p)) return std::nullopt;
    domain::CaseFactsFact f;
    f.minor = p.minor();
    if (p.age_at_judgment() > 0) f.age_at_judgment = p.age_at_judgment();
    f.offence_category = p.offence_category();
    fact = f;
  } else if (type == "ccms.records.intake_reported") {
    records::v1::IntakeReported p;
    if (!unpack(&p)) return std::nullopt;
    fact = domain::IntakeReportedFact{};
  } else if (type == "ccms.records.case_transferred") {
    records::v1::CaseTransferred p;
    if (!unpack(&p)) return std::nullopt;
    if (!auth::IsDistrictCode(p.to_district_code())) *malformed = true;
    fact = domain::CaseTransferredFact{p.to_district_code(), p.to_office_id()};
  } else if (type == "ccms.records.case_closed") {
    records::v1::CaseClosed p;
    if (!unpack(&p)) return std::nullopt;
    const auto on = Day(p.closed_on());
    if (!on.has_value()) *malformed = true;
    fact = domain::CaseClosedFact{on.value_or(absl::CivilDay())};
  } else if (type == "ccms.records.lost_contact_marked" || type == "ccms.records.found_again") {
    records::v1::LostContactChanged p;
    if (!unpack(&p)) return std::nullopt;
    fact = domain::LostContactFact{type == "ccms.records.lost_contact_marked"};
  } else if (type == "ccms.records.standing_approval_granted" ||
             type == "ccms.records.standing_approval_revoked") {
    records::v1::StandingApprovalChanged p;
    if (!unpack(&p)) return std::nullopt;
    const auto from = Day(p.valid_from());
    const auto until = Day(p.valid_until());
    if (p.standing_approval_id().empty() || !from.has_value() || !until.has_value()) {
      *malformed = true;
    }
    fact = domain::StandingApprovalFact{p.standing_approval_id(), from.value_or(absl::CivilDay()),
                                        until.value_or(absl::CivilDay()),
                                        type == "ccms.records.standing_approval_revoked"};
  } else if (type == "ccms.records.discharge_approaching") {
    records::v1::DischargeApproaching p;
    if (!unpack(&p)) return std::nullopt;
    const auto end = Day(p.end_date());
    if (!end.has_value()) *malformed = true;
    fact = domain::DischargeApproachingFact{end.value_or(absl::CivilDay())};
  } else {
    return std::nullopt;
  }
  if (*malformed) return std::nullopt;
  return fact;
}

}  // namespace ccms::employment
