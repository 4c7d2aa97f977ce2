#include "services/education/records_events.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/auth/principal.h"
#include "common/grpc/proto_convert.h"

namespace ccms::education {
namespace {

std::optional<absl::CivilDay> Day(const google::type::Date& d) {
  bool invalid = false;
  return grpc_util::FromProtoDate(d, &invalid);
}

std::string SexName(common::v1::Sex s) {
  switch (s) {
    case common::v1::SEX_MALE:
      return "MALE";
    case common::v1::SEX_FEMALE:
      return "FEMALE";
    default:
      return "";
  }
}

// AGE_BAND_18_TO_25 -> 18_TO_25.
std::string AgeBandName(records::v1::AgeBand b) {
  if (b == records::v1::AGE_BAND_UNSPECIFIED) return "";
  std::string name = records::v1::AgeBand_Name(b);
  const std::string prefix = "AGE_BAND_";
  return absl::StartsWith(name, prefix) ? name.substr(prefix.size()) : name;
}

domain::CaseOpenedFact Opened(const records::v1::CaseOpened& p) {
  return domain::CaseOpenedFact{p.district_code(),
                                p.office_id(),
                                Day(p.supervision_start_date()),
                                Day(p.supervision_end_date()),
                                p.minor(),
                                SexName(p.sex()),
                                AgeBandName(p.age_band()),
                                p.offence_category(),
                                std::nullopt};
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
    fact = domain::CaseFactsFact{p.minor(), SexName(p.sex()), AgeBandName(p.age_band()),
                                 p.offence_category()};
  } else if (type == "ccms.records.intake_reported") {
    records::v1::IntakeReported p;
    if (!unpack(&p)) return std::nullopt;
    fact = domain::IntakeReportedFact{need(Day(p.reported_on()))};
  } else if (type == "ccms.records.intake_announced") {
    records::v1::IntakeAnnounced p;
    if (!unpack(&p)) return std::nullopt;
    fact = domain::IntakeAnnouncedFact{need(Day(p.announced_on()))};
  } else if (type == "ccms.records.case_transferred") {
    records::v1::CaseTransferred p;
    if (!unpack(&p)) return std::nullopt;
    if (!auth::IsDistrictCode(p.to_district_code())) *malformed = true;
    fact = domain::CaseTransferredFact{p.to_district_code(), p.to_office_id()};
  } else if (type == "ccms.records.case_closed") {
    records::v1::CaseClosed p;
    if (!unpack(&p)) return std::nullopt;
    fact = domain::CaseClosedFact{need(Day(p.closed_on()))};
  } else if (type == "ccms.records.leave_approved" || type == "ccms.records.leave_returned" ||
             type == "ccms.records.leave_cancelled" || type == "ccms.records.leave_rejected") {
    records::v1::LeaveChanged p;
    if (!unpack(&p)) return std::nullopt;
    if (p.leave_id().empty() || p.leave_id().size() > 64) *malformed = true;
    const std::string status =
        absl::AsciiStrToUpper(type.substr(std::string_view("ccms.records.leave_").size()));
    const absl::CivilDay start = need(Day(p.start_date()));
    const absl::CivilDay end = need(Day(p.end_date()));
    if (!*malformed && end < start) *malformed = true;
    const auto on = Day(p.on());
    fact = domain::LeaveFact{p.leave_id(), status, start, end, on.value_or(end + 1)};
  } else {
    return std::nullopt;
  }
  if (*malformed) return std::nullopt;
  return fact;
}

}  // namespace ccms::education
