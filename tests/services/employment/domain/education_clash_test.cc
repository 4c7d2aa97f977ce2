// The person's education sessions against an opening's weekly shifts (issue 15 item 3): a session
// ending exactly when a shift starts (and starting when it ends) does not clash, a minute more
// does; a night shift runs past midnight into the next day (and across a month's end on a leap
// year); days are Asia/Shanghai days, not UTC ones; a clash lowers the rank by the penalty per
// session but never excludes; an opening without a schedule says so; the schedule's shape.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/employment/domain/matching.h"

namespace ccms::employment::domain {
namespace {

using absl::CivilDay;

// A Shanghai local time as an instant (UTC+8).
absl::Time Local(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), absl::FixedTimeZone(8 * 3600));
}

EducationSession Session(const std::string& id, absl::Time start, absl::Time end) {
  return {id, start, end};
}

WeeklySchedule Days(std::vector<int> days, int start_h, int start_m, int end_h, int end_m) {
  return {std::move(days), start_h * 60 + start_m, end_h * 60 + end_m};
}

const WeeklySchedule kWeekdays9To5 = Days({1, 2, 3, 4, 5}, 9, 0, 17, 0);

TEST(EducationClashTest, SessionEndingWhenTheShiftStartsDoesNotClash) {
  // Monday 28 February 2028.
  EXPECT_TRUE(ClashingSessions(kWeekdays9To5,
                               {Session("s", Local(2028, 2, 28, 7, 0), Local(2028, 2, 28, 9, 0))})
                  .empty());
  EXPECT_EQ(ClashingSessions(kWeekdays9To5,
                             {Session("s", Local(2028, 2, 28, 7, 0), Local(2028, 2, 28, 9, 1))}),
            std::vector<std::string>{"s"});
  // Starting when the shift ends: no clash; a minute before: a clash.
  EXPECT_TRUE(ClashingSessions(kWeekdays9To5,
                               {Session("s", Local(2028, 2, 28, 17, 0), Local(2028, 2, 28, 19, 0))})
                  .empty());
  EXPECT_EQ(ClashingSessions(kWeekdays9To5,
                             {Session("s", Local(2028, 2, 28, 16, 59), Local(2028, 2, 28, 19, 0))})
                .size(),
            1u);
  // A session inside the shift, and one around it.
  EXPECT_EQ(
      ClashingSessions(kWeekdays9To5,
                       {Session("in", Local(2028, 2, 28, 10, 0), Local(2028, 2, 28, 11, 0)),
                        Session("around", Local(2028, 2, 28, 8, 0), Local(2028, 2, 28, 18, 0))}),
      (std::vector<std::string>{"in", "around"}));
}

TEST(EducationClashTest, DaysOffDoNotClash) {
  // Saturday 4 and Sunday 5 March 2028.
  EXPECT_TRUE(ClashingSessions(kWeekdays9To5,
                               {Session("sat", Local(2028, 3, 4, 10, 0), Local(2028, 3, 4, 12, 0)),
                                Session("sun", Local(2028, 3, 5, 10, 0), Local(2028, 3, 5, 12, 0))})
                  .empty());
}

TEST(EducationClashTest, NightShiftRunsPastMidnightAcrossTheMonthEnd) {
  // Tuesdays 22:00 to 06:00: the shift of Tuesday 29 February 2028 ends on 1 March.
  const WeeklySchedule nights = Days({2}, 22, 0, 6, 0);
  EXPECT_EQ(
      ClashingSessions(nights, {Session("s", Local(2028, 3, 1, 5, 0), Local(2028, 3, 1, 7, 0))}),
      std::vector<std::string>{"s"});
  // From 06:00 on Wednesday: the shift is over.
  EXPECT_TRUE(
      ClashingSessions(nights, {Session("s", Local(2028, 3, 1, 6, 0), Local(2028, 3, 1, 8, 0))})
          .empty());
  // Before 22:00 on Tuesday: not yet.
  EXPECT_TRUE(
      ClashingSessions(nights, {Session("s", Local(2028, 2, 29, 19, 0), Local(2028, 2, 29, 22, 0))})
          .empty());
  // Monday's night is no shift: Tuesday 05:00 is free.
  EXPECT_TRUE(
      ClashingSessions(nights, {Session("s", Local(2028, 2, 29, 5, 0), Local(2028, 2, 29, 6, 0))})
          .empty());
  // A session itself across midnight (Tuesday 23:30 to Wednesday 00:30).
  EXPECT_EQ(
      ClashingSessions(nights, {Session("s", Local(2028, 2, 29, 23, 30), Local(2028, 3, 1, 0, 30))})
          .size(),
      1u);
  // A shift ending at midnight (Tuesdays 18:00 to 00:00) touches no Wednesday session.
  const WeeklySchedule evenings = Days({2}, 18, 0, 0, 0);
  EXPECT_TRUE(
      ClashingSessions(evenings, {Session("s", Local(2028, 3, 1, 0, 0), Local(2028, 3, 1, 2, 0))})
          .empty());
  EXPECT_EQ(ClashingSessions(evenings,
                             {Session("s", Local(2028, 2, 29, 23, 59), Local(2028, 3, 1, 2, 0))})
                .size(),
            1u);
}

TEST(EducationClashTest, DaysAreShanghaiDays) {
  // Monday 28 February 2028 00:30 in Shanghai is Sunday 16:30 UTC.
  const absl::Time start = Local(2028, 2, 28, 0, 30);
  const auto session = Session("s", start, start + absl::Hours(1));
  EXPECT_EQ(ClashingSessions(Days({1}, 0, 0, 1, 0), {session}).size(), 1u);
  // A Sunday shift at 16:00-17:00 (the UTC reading of the session) does not clash.
  EXPECT_TRUE(ClashingSessions(Days({7}, 16, 0, 17, 0), {session}).empty());
}

TEST(EducationClashTest, NoScheduleNoClash) {
  EXPECT_TRUE(ClashingSessions(WeeklySchedule{},
                               {Session("s", Local(2028, 2, 28, 10, 0), Local(2028, 2, 28, 11, 0))})
                  .empty());
}

OpeningFacts Opening(const std::string& id, WeeklySchedule schedule) {
  OpeningFacts o;
  o.opening_id = id;
  o.district_code = "110101";
  o.closes_on = CivilDay(2028, 3, 31);
  o.places = 3;
  o.schedule = std::move(schedule);
  return o;
}

bool Has(const RankedOpening& r, const std::string& reason) {
  return std::find(r.reasons.begin(), r.reasons.end(), reason) != r.reasons.end();
}

TEST(EducationClashTest, AClashLowersTheRankButNeverExcludes) {
  MatchCase c;
  c.district_code = "110101";
  c.skills = std::vector<std::string>{};
  c.education_clash_penalty = 30;
  // Two Monday sessions in the day, one Saturday morning.
  c.education_sessions = {Session("mon-1", Local(2028, 3, 6, 9, 0), Local(2028, 3, 6, 11, 0)),
                          Session("mon-2", Local(2028, 3, 6, 14, 0), Local(2028, 3, 6, 16, 0)),
                          Session("sat", Local(2028, 3, 11, 9, 0), Local(2028, 3, 11, 11, 0))};
  // "a-days" (Mon-Fri days) clashes twice; "b-nights" (Mon-Fri nights) never; "c-weekend"
  // (Saturday days) once; "d-none" gave no schedule.
  const auto ranked = RankOpenings(
      c,
      {Opening("a-days", kWeekdays9To5), Opening("b-nights", Days({1, 2, 3, 4, 5}, 22, 0, 6, 0)),
       Opening("c-weekend", Days({6}, 8, 0, 12, 0)), Opening("d-none", WeeklySchedule{})},
      {}, CivilDay(2028, 3, 1));
  ASSERT_EQ(ranked.size(), 4u);
  // 150 (same district, nothing required) less 30 a clash.
  EXPECT_EQ(ranked[0].opening_id, "b-nights");
  EXPECT_EQ(ranked[0].score, 150);
  EXPECT_FALSE(Has(ranked[0], "CLASHES_WITH_EDUCATION_SESSION"));
  EXPECT_EQ(ranked[1].opening_id, "d-none");
  EXPECT_TRUE(Has(ranked[1], "SCHEDULE_NOT_GIVEN"));
  EXPECT_EQ(ranked[1].score, 150);
  EXPECT_EQ(ranked[2].opening_id, "c-weekend");
  EXPECT_EQ(ranked[2].score, 120);
  EXPECT_EQ(ranked[2].clashing_sessions, std::vector<std::string>{"sat"});
  EXPECT_EQ(ranked[3].opening_id, "a-days");
  EXPECT_EQ(ranked[3].score, 90);
  EXPECT_EQ(ranked[3].rank, 4);
  EXPECT_TRUE(ranked[3].eligible);
  EXPECT_TRUE(Has(ranked[3], "CLASHES_WITH_EDUCATION_SESSION"));
  EXPECT_EQ(ranked[3].clashing_sessions, (std::vector<std::string>{"mon-1", "mon-2"}));

  // Without sessions, nothing about education is said and the ties fall to the id.
  c.education_sessions.clear();
  const auto free = RankOpenings(c, {Opening("a-days", kWeekdays9To5), Opening("d-none", {})}, {},
                                 CivilDay(2028, 3, 1));
  EXPECT_EQ(free[0].opening_id, "a-days");
  EXPECT_FALSE(Has(free[0], "CLASHES_WITH_EDUCATION_SESSION"));
  EXPECT_FALSE(Has(free[1], "SCHEDULE_NOT_GIVEN"));
}

TEST(EducationClashTest, ScheduleShape) {
  EXPECT_TRUE(CheckWeeklySchedule({}).ok());
  EXPECT_TRUE(CheckWeeklySchedule(kWeekdays9To5).ok());
  EXPECT_TRUE(CheckWeeklySchedule(Days({7}, 23, 59, 0, 0)).ok());
  EXPECT_FALSE(CheckWeeklySchedule({{}, 60, 0}).ok());             // times without days
  EXPECT_FALSE(CheckWeeklySchedule(Days({0}, 9, 0, 17, 0)).ok());  // no day 0
  EXPECT_FALSE(CheckWeeklySchedule(Days({8}, 9, 0, 17, 0)).ok());
  EXPECT_FALSE(CheckWeeklySchedule(Days({2, 1}, 9, 0, 17, 0)).ok());  // out of order
  EXPECT_FALSE(CheckWeeklySchedule(Days({1, 1}, 9, 0, 17, 0)).ok());  // twice
  EXPECT_FALSE(CheckWeeklySchedule(Days({1}, 9, 0, 9, 0)).ok());      // no length
  EXPECT_FALSE(CheckWeeklySchedule({{1}, 1440, 0}).ok());
  EXPECT_EQ(ParseLocalTime("00:00"), 0);
  EXPECT_EQ(ParseLocalTime("23:59"), 1439);
  EXPECT_EQ(ParseLocalTime("24:00"), std::nullopt);
  EXPECT_EQ(ParseLocalTime("12:60"), std::nullopt);
  EXPECT_EQ(ParseLocalTime("9:00"), std::nullopt);
  EXPECT_EQ(ParseLocalTime("09:00 "), std::nullopt);
  EXPECT_EQ(ParseLocalTime("+9:00"), std::nullopt);
  EXPECT_EQ(FormatLocalTime(0), "00:00");
  EXPECT_EQ(FormatLocalTime(1439), "23:59");
}

}  // namespace
}  // namespace ccms::employment::domain
