#include "services/records/domain/records_policy.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/time/calendar.h"

namespace ccms::records::domain {

std::string Interval::ToString() const {
  if (days > 0) return absl::StrCat(days, "d");
  if (months > 0) return absl::StrCat(months, "m");
  return "0";
}

absl::StatusOr<Interval> ParseInterval(std::string_view text) {
  Interval out;
  if (text == "0") return out;
  if (text.size() < 2) return absl::InvalidArgumentError("must look like 7d, 1m or 0");
  const char unit = text.back();
  int n = 0;
  if (!absl::SimpleAtoi(std::string(text.substr(0, text.size() - 1)), &n) || n <= 0 || n > 366 ||
      (unit != 'd' && unit != 'm')) {
    return absl::InvalidArgumentError("must look like 7d, 1m or 0");
  }
  (unit == 'd' ? out.days : out.months) = n;
  return out;
}

absl::CivilDay AddMonthsClamped(absl::CivilDay day, int months) {
  const absl::CivilMonth month = absl::CivilMonth(day) + months;
  // The last day of the target month: first day of the next month, minus one.
  const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  const int dom = std::min(day.day(), last.day());
  return absl::CivilDay(month.year(), month.month(), dom);
}

absl::CivilDay AddInterval(absl::CivilDay day, const Interval& interval) {
  if (interval.days > 0) return day + interval.days;
  if (interval.months > 0) return AddMonthsClamped(day, interval.months);
  return day;
}

std::vector<std::string> DefaultOffenceCategories() {
  return {"dangerous_driving",  "traffic_accident", "theft",       "fraud",
          "intentional_injury", "provocation",      "gambling",    "drugs",
          "economic_order",     "duty_crime",       "environment", "other"};
}

std::string_view SupervisionLevelName(SupervisionLevel level) {
  switch (level) {
    case SupervisionLevel::kStrict:
      return "STRICT";
    case SupervisionLevel::kStandard:
      return "STANDARD";
    case SupervisionLevel::kRelaxed:
      return "RELAXED";
  }
  return "STANDARD";
}

std::optional<SupervisionLevel> ParseSupervisionLevel(std::string_view name) {
  if (name == "STRICT") return SupervisionLevel::kStrict;
  if (name == "STANDARD") return SupervisionLevel::kStandard;
  if (name == "RELAXED") return SupervisionLevel::kRelaxed;
  return std::nullopt;
}

RecordsPolicy ReadRecordsPolicy(policy::PolicyReader& r) {
  RecordsPolicy p;
  p.version = r.version();
  p.intake.report_within_days = static_cast<int>(r.Int("records.intake.report_within_days", 1, 60));
  p.home_visit_within_days =
      static_cast<int>(r.Int("records.intake.home_visit_within_days", 1, 90));
  p.initial_strict_months = static_cast<int>(r.Int("records.intake.initial_strict_months", 0, 24));
  auto interval = [&](const std::string& key) {
    const std::string text = r.String(key);
    if (text.empty()) return Interval();
    auto parsed = ParseInterval(text);
    if (!parsed.ok()) {
      r.Problem(key, std::string(parsed.status().message()));
      return Interval();
    }
    return *parsed;
  };
  for (SupervisionLevel level :
       {SupervisionLevel::kStrict, SupervisionLevel::kStandard, SupervisionLevel::kRelaxed}) {
    const std::string base = "records.contact." + std::string(SupervisionLevelName(level)) + ".";
    ContactStandard& c = p.contact[static_cast<int>(level)];
    c.report = interval(base + "report");
    c.in_person = interval(base + "in_person");
    c.visit = interval(base + "visit");
  }
  p.self_report = interval("records.self_report");
  p.lost_contact_admonition_max_days =
      static_cast<int>(r.Int("records.lost_contact.admonition_max_days", 1, 90));
  p.revocation_after_lost_contact_months =
      static_cast<int>(r.Int("records.lost_contact.revocation_after_months", 1, 24));
  p.warnings_for_revocation =
      static_cast<int>(r.Int("records.sanctions.warnings_for_revocation", 1, 10));
  p.admonitions_for_warning =
      static_cast<int>(r.Int("records.sanctions.admonitions_for_warning", 1, 10));
  p.leave_office_approval_max_days =
      static_cast<int>(r.Int("records.leave.office_approval_max_days", 1, 90));
  p.leave_max_days_per_approval =
      static_cast<int>(r.Int("records.leave.max_days_per_approval", 1, 365));
  p.leave_max_days_within_two_months =
      static_cast<int>(r.Int("records.leave.max_days_within_two_months", 1, 62));
  p.leave_decision_within_days =
      static_cast<int>(r.Int("records.leave.decision_within_days", 1, 30));
  p.leave_standing_approval_months =
      static_cast<int>(r.Int("records.leave.standing_approval_months", 1, 12));
  p.transfer_apply_days_ahead =
      static_cast<int>(r.Int("records.transfer.apply_days_ahead", 0, 365));
  p.transfer_receiving_reply_days =
      static_cast<int>(r.Int("records.transfer.receiving_reply_days", 1, 90));
  p.transfer_file_handover_working_days =
      static_cast<int>(r.Int("records.transfer.file_handover_working_days", 1, 30));
  p.transfer_report_to_new_office_days =
      static_cast<int>(r.Int("records.transfer.report_to_new_office_days", 1, 90));
  p.monitoring_max_months_per_order =
      static_cast<int>(r.Int("records.monitoring.max_months_per_order", 1, 12));
  p.monitoring_max_months_per_renewal =
      static_cast<int>(r.Int("records.monitoring.max_months_per_renewal", 1, 12));
  p.monitoring_outage_max_hours =
      static_cast<int>(r.Int("records.monitoring.outage_max_hours", 1, 72));
  p.monitoring_outages_for_warning =
      static_cast<int>(r.Int("records.monitoring.outages_for_warning", 1, 10));
  p.health_report_every_months =
      static_cast<int>(r.Int("records.temporary_outside_prison.health_report_every_months", 1, 12));
  p.medical_review_every_months = static_cast<int>(
      r.Int("records.temporary_outside_prison.medical_review_every_months", 1, 24));
  p.discharge_summary_days_before_end =
      static_cast<int>(r.Int("records.discharge.summary_days_before_end", 1, 180));
  p.follow_up_months = r.IntList("records.discharge.follow_up_months", 1, 120);
  // Optional in a version (the built-in list when absent), so files written before the list
  // existed still load.
  if (r.Has("records.offence_categories")) {
    p.offence_categories = r.StringList("records.offence_categories");
  } else {
    p.offence_categories = DefaultOffenceCategories();
  }
  {
    std::set<std::string> seen;
    for (const std::string& code : p.offence_categories) {
      const bool well_formed =
          !code.empty() && code.size() <= 32 && std::all_of(code.begin(), code.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || c == '_';
          });
      if (!well_formed || !seen.insert(code).second) {
        r.Problem("records.offence_categories",
                  "items must be distinct codes of a-z and _, at most 32 characters");
        break;
      }
    }
    if (!seen.count("other")) r.Problem("records.offence_categories", "must include other");
  }
  p.investigation.working_days =
      static_cast<int>(r.Int("records.investigation.working_days", 1, 60));
  p.investigation.fast_track_working_days =
      static_cast<int>(r.Int("records.investigation.fast_track_working_days", 1, 60));
  p.handover.notice_within_days =
      static_cast<int>(r.Int("records.handover.notice_within_days", 1, 60));
  p.handover.documents_within_days =
      static_cast<int>(r.Int("records.handover.documents_within_days", 1, 60));
  // Optional in a version (30 days each when absent), so files written before them still load.
  if (r.Has("records.revocation.court_decision_days")) {
    p.revocation_court_decision_days =
        static_cast<int>(r.Int("records.revocation.court_decision_days", 1, 180));
  }
  if (r.Has("records.revocation.detention_max_days")) {
    p.revocation_detention_max_days =
        static_cast<int>(r.Int("records.revocation.detention_max_days", 1, 180));
  }
  // Dates of the working-day calendar: each a real YYYY-MM-DD; a make-up working day is a
  // Saturday or Sunday and not also a holiday.
  auto dates = [&](const std::string& key, std::set<absl::CivilDay>* out) {
    for (const std::string& text : r.StringList(key)) {
      auto day = time::ParseDate(text);
      if (!day.has_value()) {
        r.Problem(key, "items must be dates YYYY-MM-DD");
        return;
      }
      out->insert(*day);
    }
  };
  dates("records.investigation.holidays", &p.investigation.calendar.holidays);
  dates("records.investigation.extra_working_days", &p.investigation.calendar.extra_working_days);
  for (absl::CivilDay d : p.investigation.calendar.extra_working_days) {
    if (!time::IsWeekend(d) || p.investigation.calendar.holidays.count(d) > 0) {
      r.Problem("records.investigation.extra_working_days",
                time::FormatDate(d) +
                    " must be a Saturday or Sunday that is not also listed in holidays");
    }
  }
  // Work away from home and the exit-restriction filing: optional in a version (the marked
  // defaults of records_policy.h when absent), so files written before them still load.
  auto optional_int = [&](const char* key, int64_t min, int64_t max, int fallback) {
    return r.Has(key) ? static_cast<int>(r.Int(key, min, max)) : fallback;
  };
  auto optional_bool = [&](const char* key, bool fallback) {
    return r.Has(key) ? r.Bool(key) : fallback;
  };
  p.work_away.require_guarantor =
      optional_bool("records.work_away.require_guarantor", p.work_away.require_guarantor);
  p.work_away.require_fixed_residence = optional_bool("records.work_away.require_fixed_residence",
                                                      p.work_away.require_fixed_residence);
  p.work_away.min_job_months =
      optional_int("records.work_away.min_job_months", 0, 120, p.work_away.min_job_months);
  p.work_away.require_relative_assisting = optional_bool(
      "records.work_away.require_relative_assisting", p.work_away.require_relative_assisting);
  p.exit_restriction.file_within_days = optional_int("records.exit_restriction.file_within_days", 1,
                                                     90, p.exit_restriction.file_within_days);
  p.exit_restriction.lift_within_days = optional_int("records.exit_restriction.lift_within_days", 1,
                                                     90, p.exit_restriction.lift_within_days);
  return p;
}

absl::StatusOr<RecordsPolicies> LoadRecordsPolicies(const policy::PolicyDocument& doc) {
  return policy::LoadSchedule<RecordsPolicy>(
      doc, "records", [](policy::PolicyReader& r) -> absl::StatusOr<RecordsPolicy> {
        return ReadRecordsPolicy(r);
      });
}

}  // namespace ccms::records::domain
