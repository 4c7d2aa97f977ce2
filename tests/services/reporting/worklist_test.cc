// The worklists' pure parts: the never-reported and contact rows of a case's clock, the policy's
// contact intervals, and what each followed event does to the lists and the KPI facts.
#include "services/reporting/domain/worklist.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ccms/assessment/v1/assessment_events.pb.h"
#include "ccms/education/v1/education_events.pb.h"
#include "ccms/employment/v1/employment_events.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/reporting/worklist_events.h"

namespace ccms::reporting {
namespace {

using D = absl::CivilDay;
using domain::WorklistKind;

constexpr char kCase[] = "0190f0a0-0000-7000-8000-000000000001";

domain::ContactSchedule Shipped() {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "built-in");
  EXPECT_TRUE(doc.ok()) << doc.status();
  auto schedule = domain::LoadContactSchedule(*doc);
  EXPECT_TRUE(schedule.ok()) << schedule.status();
  return *std::move(schedule);
}

TEST(WorklistTest, IntervalsParseAsRecordsWritesThem) {
  EXPECT_EQ(domain::ParseContactInterval("15d")->days, 15);
  EXPECT_EQ(domain::ParseContactInterval("2m")->months, 2);
  EXPECT_TRUE(domain::ParseContactInterval("0")->none());
  for (const char* bad : {"", "d", "0d", "-1d", "7w", "367d", "1.5m"}) {
    EXPECT_FALSE(domain::ParseContactInterval(bad).ok()) << bad;
  }
  EXPECT_EQ(domain::AddContactInterval(D(2026, 1, 31), {0, 1}), D(2026, 2, 28));
  EXPECT_EQ(domain::AddContactInterval(D(2026, 1, 31), {7, 0}), D(2026, 2, 7));
}

TEST(WorklistTest, TheShippedPolicyGivesEachLevelItsInPersonInterval) {
  const auto schedule = Shipped();
  const auto& rules = schedule.InForce(D(2026, 6, 1)).in_person;
  EXPECT_EQ(rules.at("STRICT").days, 15);
  EXPECT_EQ(rules.at("STANDARD").months, 1);
  EXPECT_EQ(rules.at("RELAXED").months, 2);
  const std::string bad = R"(records:
  versions:
    - version: "x"
      effective_from: 2026-01-01
      contact: {STRICT: {in_person: "fortnightly"}, STANDARD: {in_person: "1m"},
                RELAXED: {in_person: "2m"}}
)";
  auto doc = policy::PolicyDocument::Parse(bad, "test");
  ASSERT_TRUE(doc.ok()) << doc.status();
  auto refused = domain::LoadContactSchedule(*doc);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("records.contact.STRICT.in_person"), std::string::npos)
      << refused.status();
}

TEST(WorklistTest, ClockItemsFollowTheIntakeAndTheLastInPersonContact) {
  const auto schedule = Shipped();
  domain::CaseClock clock;
  clock.intake_deadline = D(2026, 3, 10);
  auto items = domain::ClockItems(kCase, "110101", clock, schedule);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, WorklistKind::kNeverReported);
  EXPECT_EQ(items[0].due, D(2026, 3, 10));
  EXPECT_EQ(items[0].listed_from, D(2026, 3, 11));
  EXPECT_EQ(items[0].reason, "INTAKE_DEADLINE_PASSED");
  // Reported, no level yet: nothing to count the contacts by.
  clock.intake_reported_on = D(2026, 3, 12);
  EXPECT_TRUE(domain::ClockItems(kCase, "110101", clock, schedule).empty());
  clock.level = "STRICT";
  items = domain::ClockItems(kCase, "110101", clock, schedule);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, WorklistKind::kContactOverdue);
  EXPECT_EQ(items[0].since, D(2026, 3, 12));
  EXPECT_EQ(items[0].due, D(2026, 3, 27));
  EXPECT_EQ(items[0].listed_from, D(2026, 3, 28));
  EXPECT_EQ(items[0].reason, "IN_PERSON_CONTACT_STRICT");
  // A later visit moves it; an earlier one does not.
  clock.last_in_person = D(2026, 3, 1);
  EXPECT_EQ(domain::ClockItems(kCase, "110101", clock, schedule)[0].due, D(2026, 3, 27));
  clock.last_in_person = D(2026, 4, 30);
  clock.level = "STANDARD";
  EXPECT_EQ(domain::ClockItems(kCase, "110101", clock, schedule)[0].due, D(2026, 5, 30));
  clock.closed = true;
  EXPECT_TRUE(domain::ClockItems(kCase, "110101", clock, schedule).empty());
  EXPECT_TRUE(domain::IsInPersonContact("HOME_VISIT"));
  EXPECT_FALSE(domain::IsInPersonContact("CHECK_IN_PHONE"));
}

// The batch path computes the clock in memory from the occurrences it has just loaded; it must
// read them as the per-case SQL did (reporting_case_clock: max deadline of the openings, min
// intake report day, max in-person contact day; level and district from the projection).
TEST(WorklistTest, ClockOfReadsTheOccurrencesAsTheProjectionKeepsThem) {
  auto occ = [](const char* kind, absl::CivilDay on, int64_t seq) {
    domain::Occurrence o;
    o.event_id = absl::StrCat("e", seq);
    o.kind = kind;
    o.on = on;
    o.seq = seq;
    o.district = "110101";
    o.office = "o1";
    o.sentence_kind = "PROBATION";
    return o;
  };
  std::vector<domain::Occurrence> all;
  all.push_back(occ(domain::kCaseOpened, D(2024, 2, 1), 1));
  all.back().deadline = D(2024, 2, 29);  // a leap day
  auto snapshot = occ(domain::kFactsSnapshot, D(2024, 2, 1), 2);
  snapshot.deadline = D(2024, 3, 1);  // the later deadline counts
  snapshot.code = "PENDING_INTAKE";
  all.push_back(snapshot);
  all.push_back(occ(domain::kIntakeReported, D(2024, 3, 2), 3));
  all.push_back(occ(domain::kIntakeReported, D(2024, 2, 28), 4));  // the first report counts
  auto visit = occ(domain::kContact, D(2024, 4, 30), 5);
  visit.code = "HOME_VISIT";
  all.push_back(visit);
  auto phone = occ(domain::kContact, D(2024, 5, 31), 6);  // not in person
  phone.code = "CHECK_IN_PHONE";
  all.push_back(phone);
  auto early = occ(domain::kContact, D(2024, 3, 31), 7);
  early.code = "CHECK_IN_IN_PERSON";
  all.push_back(early);
  auto level = occ(domain::kLevelChanged, D(2024, 2, 1), 8);
  level.level = "STRICT";
  all.push_back(level);
  auto moved = occ(domain::kTransferred, D(2024, 12, 31), 9);
  moved.district = "110102";
  all.push_back(moved);

  domain::Timeline t = domain::BuildTimeline(all);
  domain::CaseClock c = domain::ClockOf(t, all);
  EXPECT_FALSE(c.closed);
  EXPECT_EQ(c.level, "STRICT");
  EXPECT_EQ(c.intake_deadline, D(2024, 3, 1));
  EXPECT_EQ(c.intake_reported_on, D(2024, 2, 28));
  EXPECT_EQ(c.last_in_person, D(2024, 4, 30));
  EXPECT_EQ(domain::ClockDistrict(t), "110102");  // the latest state's

  auto closed = occ(domain::kClosed, D(2025, 1, 31), 10);
  closed.code = "DISCHARGED";
  all.push_back(closed);
  t = domain::BuildTimeline(all);
  EXPECT_TRUE(domain::ClockOf(t, all).closed);

  // Nothing but an opening without a deadline: no clock at all.
  const std::vector<domain::Occurrence> bare = {occ(domain::kCaseOpened, D(2024, 1, 31), 1)};
  c = domain::ClockOf(domain::BuildTimeline(bare), bare);
  EXPECT_FALSE(c.intake_deadline.has_value());
  EXPECT_FALSE(c.intake_reported_on.has_value());
  EXPECT_FALSE(c.last_in_person.has_value());
  EXPECT_EQ(c.level, "");
}

template <typename P>
WorklistEvent Translate(const std::string& type, const P& p, bool* malformed,
                        absl::Time at = absl::Now()) {
  return TranslateWorklistEvent(kafka::MakeEnvelope(type, kCase, "110101", at, at, "t", p),
                                malformed);
}

TEST(WorklistTest, EventsOpenAndEndTheirRows) {
  bool malformed = true;
  const absl::Time noon =
      absl::FromCivil(absl::CivilSecond(2026, 5, 10, 12, 0, 0), time::ShanghaiTimeZone());
  assessment::v1::CrisisFlagRaised raised;
  raised.set_flag_id("flag-1");
  raised.set_kind(assessment::v1::CRISIS_KIND_VIOLENCE);
  *raised.mutable_raised_at() = grpc_util::ToProtoTimestamp(noon);
  *raised.mutable_acknowledge_by() = grpc_util::ToProtoTimestamp(noon + absl::Hours(24));
  auto w = Translate("ccms.assessment.crisis_flag_raised", raised, &malformed, noon);
  EXPECT_FALSE(malformed);
  ASSERT_EQ(w.changes.size(), 1u);
  EXPECT_EQ(w.changes[0].op, WorklistChange::Op::kUpsert);
  EXPECT_EQ(w.changes[0].item.item_id, "flag-1");
  EXPECT_EQ(w.changes[0].item.since, D(2026, 5, 10));
  EXPECT_EQ(w.changes[0].item.due, D(2026, 5, 11));
  EXPECT_EQ(w.changes[0].item.reason, "VIOLENCE");
  assessment::v1::CrisisFlagAcknowledged ack;
  ack.set_flag_id("flag-1");
  w = Translate("ccms.assessment.crisis_flag_acknowledged", ack, &malformed);
  ASSERT_EQ(w.changes.size(), 1u);
  EXPECT_EQ(w.changes[0].op, WorklistChange::Op::kRemove);

  education::v1::HoursMonthClosed hours;
  hours.set_year(2026);
  hours.set_month(2);
  hours.set_community_service_shortfall_minutes(60);
  w = Translate("ccms.education.hours_month_closed", hours, &malformed);
  ASSERT_EQ(w.changes.size(), 2u);
  EXPECT_EQ(w.changes[0].op, WorklistChange::Op::kClearKind);
  EXPECT_EQ(w.changes[1].item.item_id, "2026-02");
  EXPECT_EQ(w.changes[1].item.due, D(2026, 2, 28));
  EXPECT_EQ(w.changes[1].item.reason, "COMMUNITY_SERVICE");
  hours.set_community_service_shortfall_minutes(0);
  w = Translate("ccms.education.hours_month_closed", hours, &malformed);
  ASSERT_EQ(w.changes.size(), 1u);  // a month without a shortfall clears the row
  hours.set_month(13);
  w = Translate("ccms.education.hours_month_closed", hours, &malformed);
  EXPECT_TRUE(malformed);
  EXPECT_TRUE(w.changes.empty());

  employment::v1::ReferralChanged r;
  r.set_referral_id("ref-1");
  r.set_kind("JOB_PLACEMENT");
  *r.mutable_on() = grpc_util::ToProtoDate(D(2026, 5, 9));
  *r.mutable_answer_due_on() = grpc_util::ToProtoDate(D(2026, 5, 6));
  w = Translate("ccms.employment.referral_escalated", r, &malformed);
  EXPECT_FALSE(malformed);
  ASSERT_EQ(w.changes.size(), 1u);
  EXPECT_EQ(w.changes[0].item.kind, WorklistKind::kReferralEscalated);
  EXPECT_EQ(w.changes[0].item.due, D(2026, 5, 6));
  for (const char* ending :
       {"ccms.employment.referral_answered", "ccms.employment.referral_outcome",
        "ccms.employment.referral_withdrawn"}) {
    w = Translate(ending, r, &malformed);
    ASSERT_EQ(w.changes.size(), 1u) << ending;
    EXPECT_EQ(w.changes[0].op, WorklistChange::Op::kRemove) << ending;
  }
  r.set_to_status("PLACED");
  w = Translate("ccms.employment.referral_outcome", r, &malformed);
  ASSERT_TRUE(w.fact.has_value());
  EXPECT_EQ(w.fact->kind, "helped");
  w = Translate("ccms.employment.referral_sent", r, &malformed);
  EXPECT_TRUE(w.changes.empty());
  ASSERT_TRUE(w.fact.has_value());
  EXPECT_EQ(w.fact->on, D(2026, 5, 9));

  records::v1::DischargeApproaching approaching;
  *approaching.mutable_end_date() = grpc_util::ToProtoDate(D(2026, 6, 1));
  w = Translate("ccms.records.discharge_approaching", approaching, &malformed, noon);
  ASSERT_EQ(w.changes.size(), 1u);
  EXPECT_EQ(w.changes[0].item.since, D(2026, 5, 10));
  EXPECT_EQ(w.changes[0].item.due, D(2026, 6, 1));
  records::v1::SentenceChanged changed;
  *changed.mutable_new_end_date() = grpc_util::ToProtoDate(D(2026, 9, 1));
  w = Translate("ccms.records.sentence_changed", changed, &malformed);
  EXPECT_EQ(w.term_end, D(2026, 9, 1));

  education::v1::AttendanceRecorded at;
  *at.mutable_session_day() = grpc_util::ToProtoDate(D(2026, 5, 3));
  at.set_outcome(education::v1::ATTENDANCE_OUTCOME_EXCUSED);
  EXPECT_FALSE(Translate("ccms.education.attendance_recorded", at, &malformed).fact.has_value());
  at.set_outcome(education::v1::ATTENDANCE_OUTCOME_LATE);
  w = Translate("ccms.education.attendance_recorded", at, &malformed);
  ASSERT_TRUE(w.fact.has_value());
  EXPECT_EQ(w.fact->kind, "educated");
  education::v1::ServiceFileOpened file;
  *file.mutable_opened_on() = grpc_util::ToProtoDate(D(2026, 5, 2));
  w = Translate("ccms.education.service_file_opened", file, &malformed);
  ASSERT_TRUE(w.fact.has_value());
  EXPECT_EQ(w.fact->kind, "file_opened");
  // A payload of the wrong type is malformed; a type the lists do not follow is nothing.
  w = Translate("ccms.education.service_file_opened", approaching, &malformed);
  EXPECT_TRUE(malformed);
  w = Translate("ccms.records.commendation_recorded", approaching, &malformed);
  EXPECT_FALSE(malformed);
  EXPECT_TRUE(w.changes.empty() && !w.fact.has_value() && !w.term_end.has_value());
}

}  // namespace
}  // namespace ccms::reporting
