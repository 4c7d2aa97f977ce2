#include "services/reporting/event_translation.h"

#include "absl/time/time.h"
#include "ccms/assessment/v1/assessment_events.pb.h"
#include "ccms/common/v1/common.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/time/calendar.h"
#include "services/reporting/worklist_events.h"

namespace ccms::reporting {
namespace {

using domain::Occurrence;

std::optional<absl::CivilDay> Day(const google::type::Date& d) {
  bool invalid = false;
  return grpc_util::FromProtoDate(d, &invalid);
}

std::string SentenceKind(common::v1::SentenceKind k) {
  return grpc_util::EnumSuffix(common::v1::SentenceKind_descriptor(), k, "SENTENCE_KIND_");
}
std::string Sex(common::v1::Sex s) {
  return grpc_util::EnumSuffix(common::v1::Sex_descriptor(), s, "SEX_");
}
std::string Level(common::v1::SupervisionLevel l) {
  return grpc_util::EnumSuffix(common::v1::SupervisionLevel_descriptor(), l, "SUPERVISION_LEVEL_");
}
std::string AgeBand(records::v1::AgeBand b) {
  return grpc_util::EnumSuffix(records::v1::AgeBand_descriptor(), b, "AGE_BAND_");
}

void FromOpened(const records::v1::CaseOpened& p, Occurrence* o) {
  o->district = p.district_code();
  o->office = p.office_id();
  o->sentence_kind = SentenceKind(p.sentence_kind());
  o->sex = Sex(p.sex());
  o->age_band = AgeBand(p.age_band());
  o->offence_category = p.offence_category();
  o->minor = p.minor();
  o->deadline = Day(p.intake_deadline());
}

// The Shanghai day the event occurred, for payloads without a day of their own.
std::optional<absl::CivilDay> OccurredDay(const events::v1::Envelope& e) {
  bool invalid = false;
  auto t = grpc_util::FromProtoTimestamp(e.occurred_at(), &invalid);
  if (!t.has_value()) return std::nullopt;
  return time::ShanghaiDay(*t);
}

}  // namespace

std::optional<Occurrence> TranslateEvent(const events::v1::Envelope& e, bool* malformed) {
  *malformed = false;
  Occurrence o;
  o.event_id = e.event_id();
  o.kind = "";
  bool invalid = false;
  if (auto t = grpc_util::FromProtoTimestamp(e.recorded_at(), &invalid)) {
    o.seq = absl::ToUnixMicros(*t);
  }
  o.district = e.district_code();
  std::optional<absl::CivilDay> on;
  const std::string& type = e.type();
  auto unpack = [&](auto* p) {
    if (!e.payload().UnpackTo(p)) {
      *malformed = true;
      return false;
    }
    return true;
  };
  if (type == "ccms.records.case_opened") {
    records::v1::CaseOpened p;
    if (!unpack(&p)) return std::nullopt;
    o.kind = domain::kCaseOpened;
    FromOpened(p, &o);
    on = Day(p.supervision_start_date());
  } else if (type == "ccms.records.case_facts_snapshot") {
    records::v1::CaseFactsSnapshot p;
    if (!unpack(&p)) return std::nullopt;
    o.kind = domain::kFactsSnapshot;
    FromOpened(p.case_opened(), &o);
    o.code = p.status();
    o.as_of = Day(p.as_of());
    on = Day(p.case_opened().supervision_start_date());
  } else if (type == "ccms.records.case_facts_changed") {
    records::v1::CaseFacts p;
    if (!unpack(&p)) return std::nullopt;
    o.kind = domain::kFactsChanged;
    o.sex = Sex(p.sex());
    o.age_band = AgeBand(p.age_band());
    o.offence_category = p.offence_category();
    o.minor = p.minor();
    on = Day(p.as_of());
  } else if (type == "ccms.records.intake_reported") {
    records::v1::IntakeReported p;
    if (!unpack(&p)) return std::nullopt;
    o.kind = domain::kIntakeReported;
    o.code = p.late() ? "LATE" : "ON_TIME";
    on = Day(p.reported_on());
  } else if (type == "ccms.records.case_transferred") {
    records::v1::CaseTransferred p;
    if (!unpack(&p)) return std::nullopt;
    o.kind = domain::kTransferred;
    o.district = p.to_district_code();
    o.office = p.to_office_id();
    on = Day(p.effective_on());
  } else if (type == "ccms.records.case_closed") {
    records::v1::CaseClosed p;
    if (!unpack(&p)) return std::nullopt;
    o.kind = domain::kClosed;
    o.code = grpc_util::EnumSuffix(records::v1::CaseCloseReason_descriptor(), p.reason(),
                                   "CASE_CLOSE_REASON_");
    on = Day(p.closed_on());
  } else if (type == "ccms.records.lost_contact_marked" || type == "ccms.records.found_again") {
    records::v1::LostContactChanged p;
    if (!unpack(&p)) return std::nullopt;
    const bool found = type == "ccms.records.found_again";
    o.kind = found ? domain::kFoundAgain : domain::kLostContact;
    on = Day(found ? p.found_on() : p.since());
  } else if (type == "ccms.records.sanction_issued") {
    records::v1::SanctionIssued p;
    if (!unpack(&p)) return std::nullopt;
    o.kind = domain::kSanction;
    o.code =
        grpc_util::EnumSuffix(records::v1::SanctionKind_descriptor(), p.kind(), "SANCTION_KIND_");
    on = Day(p.issued_on());
  } else if (type == "ccms.records.violation_recorded") {
    records::v1::ViolationRecorded p;
    if (!unpack(&p)) return std::nullopt;
    o.kind = domain::kViolation;
    o.code =
        grpc_util::EnumSuffix(records::v1::ViolationKind_descriptor(), p.kind(), "VIOLATION_KIND_");
    on = Day(p.occurred_on());
  } else if (type == "ccms.records.contact_recorded") {
    records::v1::ContactRecorded p;
    if (!unpack(&p)) return std::nullopt;
    o.kind = domain::kContact;
    o.code = p.kind().size() <= 64 ? p.kind() : "";
    on = Day(p.occurred_on());
  } else if (type == "ccms.assessment.supervision_level_changed") {
    assessment::v1::SupervisionLevelChanged p;
    if (!unpack(&p)) return std::nullopt;
    o.kind = domain::kLevelChanged;
    o.level = Level(p.level());
    on = Day(p.effective_on());
  } else if (type == "ccms.assessment.key_attention_changed") {
    assessment::v1::KeyAttentionChanged p;
    if (!unpack(&p)) return std::nullopt;
    o.kind = domain::kKeyAttention;
    o.flag = p.key_attention();
    on = OccurredDay(e);
  } else {
    // Education's and employment's services: the same events as the KPIs' facts.
    bool fact_malformed = false;
    const WorklistEvent w = TranslateWorklistEvent(e, &fact_malformed);
    if (!w.fact.has_value() || (w.fact->kind != "educated" && w.fact->kind != "helped")) {
      return std::nullopt;
    }
    o.kind = domain::kService;
    o.code = w.fact->kind == "educated" ? "EDUCATION" : "ASSISTANCE";
    on = w.fact->on;
  }
  if (!on.has_value()) {
    *malformed = true;
    return std::nullopt;
  }
  o.on = *on;
  return o;
}

}  // namespace ccms::reporting
