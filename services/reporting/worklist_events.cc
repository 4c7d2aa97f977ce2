#include "services/reporting/worklist_events.h"

#include <algorithm>

#include "ccms/assessment/v1/assessment_events.pb.h"
#include "ccms/education/v1/education_events.pb.h"
#include "ccms/employment/v1/employment_events.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/time/calendar.h"

namespace ccms::reporting {
namespace {

using domain::WorklistItem;
using domain::WorklistKind;

std::optional<absl::CivilDay> Day(const google::type::Date& d) {
  bool invalid = false;
  return grpc_util::FromProtoDate(d, &invalid);
}

std::optional<absl::CivilDay> DayOf(const google::protobuf::Timestamp& t) {
  bool invalid = false;
  auto at = grpc_util::FromProtoTimestamp(t, &invalid);
  if (!at.has_value()) return std::nullopt;
  return time::ShanghaiDay(*at);
}

WorklistChange Upsert(WorklistKind kind, const events::v1::Envelope& e, std::string item_id,
                      absl::CivilDay since, absl::CivilDay due, std::string reason) {
  return {WorklistChange::Op::kUpsert,
          WorklistItem{kind, e.case_id(), std::move(item_id), e.district_code(), since, due, since,
                       std::move(reason)}};
}

WorklistChange Remove(WorklistKind kind, const events::v1::Envelope& e, std::string item_id) {
  WorklistChange c{WorklistChange::Op::kRemove, {}};
  c.item.kind = kind;
  c.item.case_id = e.case_id();
  c.item.item_id = std::move(item_id);
  return c;
}

// Short codes only: a longer one is not a code (hostile or broken producers).
std::string Code(const std::string& s) { return s.size() <= 64 ? s : ""; }

}  // namespace

WorklistEvent TranslateWorklistEvent(const events::v1::Envelope& e, bool* malformed) {
  *malformed = false;
  WorklistEvent out;
  const std::string& type = e.type();
  auto unpack = [&](auto* p) {
    if (!e.payload().UnpackTo(p)) {
      *malformed = true;
      return false;
    }
    return true;
  };
  auto need = [&](const std::optional<absl::CivilDay>& d) {
    if (!d.has_value()) *malformed = true;
    return d.has_value();
  };
  const std::optional<absl::CivilDay> occurred = DayOf(e.occurred_at());
  if (type == "ccms.assessment.crisis_flag_raised") {
    assessment::v1::CrisisFlagRaised p;
    if (!unpack(&p)) return {};
    auto raised = p.has_raised_at() ? DayOf(p.raised_at()) : occurred;
    if (!need(raised) || p.flag_id().empty() || p.flag_id().size() > 64) {
      *malformed = true;
      return {};
    }
    auto due = p.has_acknowledge_by() ? DayOf(p.acknowledge_by()) : raised;
    out.changes.push_back(Upsert(
        WorklistKind::kCrisisFlag, e, p.flag_id(), *raised, due.value_or(*raised),
        grpc_util::EnumSuffix(assessment::v1::CrisisKind_descriptor(), p.kind(), "CRISIS_KIND_")));
  } else if (type == "ccms.assessment.crisis_flag_acknowledged") {
    assessment::v1::CrisisFlagAcknowledged p;
    if (!unpack(&p)) return {};
    out.changes.push_back(Remove(WorklistKind::kCrisisFlag, e, p.flag_id()));
  } else if (type == "ccms.education.hours_month_closed") {
    education::v1::HoursMonthClosed p;
    if (!unpack(&p)) return {};
    if (p.year() < 1900 || p.year() > 9999 || p.month() < 1 || p.month() > 12) {
      *malformed = true;
      return {};
    }
    WorklistChange clear = Remove(WorklistKind::kHoursShortfall, e, "");
    clear.op = WorklistChange::Op::kClearKind;
    out.changes.push_back(clear);
    const bool study = p.study_shortfall_minutes() > 0;
    const bool service = p.community_service_shortfall_minutes() > 0;
    if (study || service) {
      const absl::CivilMonth month(p.year(), p.month());
      out.changes.push_back(Upsert(WorklistKind::kHoursShortfall, e,
                                   time::FormatDate(absl::CivilDay(month)).substr(0, 7),
                                   absl::CivilDay(month), absl::CivilDay(month + 1) - 1,
                                   study && service ? "STUDY_AND_COMMUNITY_SERVICE"
                                   : study          ? "STUDY"
                                                    : "COMMUNITY_SERVICE"));
    }
  } else if (type == "ccms.records.discharge_approaching") {
    records::v1::DischargeApproaching p;
    if (!unpack(&p)) return {};
    auto end = Day(p.end_date());
    if (!need(end) || !need(occurred)) return {};
    out.changes.push_back(
        Upsert(WorklistKind::kDischargeDue, e, "", std::min(*occurred, *end), *end, "TERM_ENDS"));
  } else if (type == "ccms.records.sentence_changed") {
    records::v1::SentenceChanged p;
    if (!unpack(&p)) return {};
    out.term_end = Day(p.new_end_date());
    if (!need(out.term_end)) return {};
  } else if (type == "ccms.employment.referral_escalated") {
    employment::v1::ReferralChanged p;
    if (!unpack(&p)) return {};
    auto due = Day(p.answer_due_on());
    auto on = p.has_on() ? Day(p.on()) : occurred;
    if (!need(due) || !need(on) || p.referral_id().empty() || p.referral_id().size() > 64) {
      *malformed = true;
      return {};
    }
    out.changes.push_back(
        Upsert(WorklistKind::kReferralEscalated, e, p.referral_id(), *on, *due, Code(p.kind())));
  } else if (type == "ccms.employment.referral_answered" ||
             type == "ccms.employment.referral_outcome" ||
             type == "ccms.employment.referral_withdrawn" ||
             type == "ccms.employment.referral_sent") {
    employment::v1::ReferralChanged p;
    if (!unpack(&p)) return {};
    if (type != "ccms.employment.referral_sent") {
      out.changes.push_back(Remove(WorklistKind::kReferralEscalated, e, p.referral_id()));
    }
    if (type == "ccms.employment.referral_sent" ||
        (type == "ccms.employment.referral_outcome" && p.to_status() == "PLACED")) {
      auto on = p.has_on() ? Day(p.on()) : occurred;
      if (!need(on)) return {};
      out.fact = ServiceFact{"helped", *on};
    }
  } else if (type == "ccms.employment.halfway_house_admitted") {
    employment::v1::HalfwayHousePlacementChanged p;
    if (!unpack(&p)) return {};
    auto on = Day(p.on());
    if (!need(on)) return {};
    out.fact = ServiceFact{"helped", *on};
  } else if (type == "ccms.education.service_file_opened") {
    education::v1::ServiceFileOpened p;
    if (!unpack(&p)) return {};
    auto on = Day(p.opened_on());
    if (!need(on)) return {};
    out.fact = ServiceFact{"file_opened", *on};
  } else if (type == "ccms.education.attendance_recorded") {
    education::v1::AttendanceRecorded p;
    if (!unpack(&p)) return {};
    if (p.outcome() == education::v1::ATTENDANCE_OUTCOME_ATTENDED ||
        p.outcome() == education::v1::ATTENDANCE_OUTCOME_LATE) {
      auto on = Day(p.session_day());
      if (!need(on)) return {};
      out.fact = ServiceFact{"educated", *on};
    }
  } else if (type == "ccms.education.counselling_session_recorded") {
    education::v1::CounsellingSessionRecorded p;
    if (!unpack(&p)) return {};
    auto on = Day(p.held_on());
    if (!need(on)) return {};
    out.fact = ServiceFact{"educated", *on};
  }
  return out;
}

}  // namespace ccms::reporting
