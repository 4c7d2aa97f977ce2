#include "common/time/calendar.h"

#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace ccms::time {
namespace {

absl::Time Utc(int y, int mo, int d, int h, int mi, int s) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone());
}

TEST(ShanghaiTimeZoneTest, IsUtcPlus8Today) {
  const absl::TimeZone tz = ShanghaiTimeZone();
  const absl::TimeZone::CivilInfo winter = tz.At(Utc(2024, 1, 15, 0, 0, 0));
  const absl::TimeZone::CivilInfo summer = tz.At(Utc(2024, 7, 15, 0, 0, 0));
  EXPECT_EQ(winter.offset, 8 * 3600);
  EXPECT_EQ(summer.offset, 8 * 3600);
  EXPECT_FALSE(summer.is_dst);
}

TEST(ShanghaiDayTest, LeapDayBoundary) {
  // 16:00 UTC is midnight in Shanghai.
  EXPECT_EQ(ShanghaiDay(Utc(2024, 2, 29, 16, 0, 0)), absl::CivilDay(2024, 3, 1));
  EXPECT_EQ(ShanghaiDay(Utc(2024, 2, 29, 15, 59, 59)), absl::CivilDay(2024, 2, 29));
  EXPECT_EQ(ShanghaiDay(Utc(2024, 2, 28, 16, 0, 0)), absl::CivilDay(2024, 2, 29));
}

TEST(ShanghaiDayTest, YearEndBoundary) {
  EXPECT_EQ(ShanghaiDay(Utc(2025, 12, 31, 15, 59, 59)), absl::CivilDay(2025, 12, 31));
  EXPECT_EQ(ShanghaiDay(Utc(2025, 12, 31, 16, 0, 0)), absl::CivilDay(2026, 1, 1));
}

TEST(ShanghaiDayTest, SubSecondBeforeMidnight) {
  EXPECT_EQ(ShanghaiDay(Utc(2024, 2, 29, 16, 0, 0) - absl::Nanoseconds(1)),
            absl::CivilDay(2024, 2, 29));
}

TEST(MakeDateTest, AcceptsRealDates) {
  EXPECT_EQ(MakeDate(2024, 2, 29), absl::CivilDay(2024, 2, 29));
  EXPECT_EQ(MakeDate(2000, 2, 29), absl::CivilDay(2000, 2, 29));
  EXPECT_EQ(MakeDate(2023, 12, 31), absl::CivilDay(2023, 12, 31));
}

TEST(MakeDateTest, RejectsWhatCivilDayWouldNormalise) {
  EXPECT_EQ(MakeDate(2023, 2, 29), std::nullopt);
  EXPECT_EQ(MakeDate(1900, 2, 29), std::nullopt);  // Century, not leap.
  EXPECT_EQ(MakeDate(2024, 2, 30), std::nullopt);
  EXPECT_EQ(MakeDate(2024, 4, 31), std::nullopt);
  EXPECT_EQ(MakeDate(2024, 13, 1), std::nullopt);
  EXPECT_EQ(MakeDate(2024, 0, 1), std::nullopt);
  EXPECT_EQ(MakeDate(2024, 1, 0), std::nullopt);
  EXPECT_EQ(MakeDate(2024, 1, 32), std::nullopt);
}

TEST(ParseDateTest, AcceptsValidDates) {
  EXPECT_EQ(ParseDate("2024-02-29"), absl::CivilDay(2024, 2, 29));
  EXPECT_EQ(ParseDate("2000-02-29"), absl::CivilDay(2000, 2, 29));
  EXPECT_EQ(ParseDate("1999-12-31"), absl::CivilDay(1999, 12, 31));
  EXPECT_EQ(ParseDate("2026-01-01"), absl::CivilDay(2026, 1, 1));
  EXPECT_EQ(ParseDate("0999-01-01"), absl::CivilDay(999, 1, 1));
}

TEST(ParseDateTest, RejectsNonexistentDates) {
  for (const char* s : {"2023-02-29", "1900-02-29", "2024-02-30", "2024-04-31", "2024-13-01",
                        "2024-00-10", "2024-01-00", "2024-01-32", "2024-99-99"}) {
    EXPECT_EQ(ParseDate(s), std::nullopt) << s;
  }
}

TEST(ParseDateTest, RejectsBadFormat) {
  for (const char* s :
       {"", "2024-2-29", "2024-02-9", "24-02-29", "20240229", "2024/02/29", "2024-02-29 ",
        " 2024-02-29", "2024-02-29T00:00:00", "2024-02-29Z", "+2024-02-29", "2024-+2-01",
        "2024--2-01", "2024-02--1", "２０２４-02-29", "2024_02_29", "abcd-ef-gh", "2024-02-2x"}) {
    EXPECT_EQ(ParseDate(s), std::nullopt) << s;
  }
  // Embedded NUL must not be ignored.
  EXPECT_EQ(ParseDate(std::string_view("2024-02-2\0", 10)), std::nullopt);
}

TEST(FormatDateTest, ZeroPads) {
  EXPECT_EQ(FormatDate(absl::CivilDay(2024, 2, 29)), "2024-02-29");
  EXPECT_EQ(FormatDate(absl::CivilDay(2026, 1, 1)), "2026-01-01");
  EXPECT_EQ(FormatDate(absl::CivilDay(999, 3, 4)), "0999-03-04");
}

TEST(FormatDateTest, RoundTripsWithParseDate) {
  for (absl::CivilDay d(2023, 1, 1); d < absl::CivilDay(2025, 1, 1); ++d) {
    EXPECT_EQ(ParseDate(FormatDate(d)), d);
  }
}

TEST(YearsBetweenTest, OrdinaryBirthday) {
  const absl::CivilDay birth(2008, 6, 15);
  EXPECT_EQ(YearsBetween(birth, birth), 0);
  EXPECT_EQ(YearsBetween(birth, absl::CivilDay(2026, 6, 14)), 17);
  EXPECT_EQ(YearsBetween(birth, absl::CivilDay(2026, 6, 15)), 18);
  EXPECT_EQ(YearsBetween(birth, absl::CivilDay(2026, 6, 16)), 18);
  EXPECT_EQ(YearsBetween(birth, absl::CivilDay(2026, 5, 31)), 17);
  EXPECT_EQ(YearsBetween(birth, absl::CivilDay(2026, 7, 1)), 18);
  EXPECT_EQ(YearsBetween(birth, absl::CivilDay(2009, 6, 14)), 0);
  EXPECT_EQ(YearsBetween(birth, absl::CivilDay(2009, 6, 15)), 1);
}

TEST(YearsBetweenTest, LeapDayBirthdayInNonLeapYearIsMarchFirst) {
  const absl::CivilDay birth(2008, 2, 29);
  EXPECT_EQ(YearsBetween(birth, absl::CivilDay(2026, 2, 28)), 17);
  EXPECT_EQ(YearsBetween(birth, absl::CivilDay(2026, 3, 1)), 18);
  EXPECT_EQ(YearsBetween(birth, absl::CivilDay(2009, 2, 28)), 0);
  EXPECT_EQ(YearsBetween(birth, absl::CivilDay(2009, 3, 1)), 1);
}

TEST(YearsBetweenTest, LeapDayBirthdayInLeapYearIsFebruary29) {
  const absl::CivilDay birth(2008, 2, 29);
  EXPECT_EQ(YearsBetween(birth, absl::CivilDay(2028, 2, 28)), 19);
  EXPECT_EQ(YearsBetween(birth, absl::CivilDay(2028, 2, 29)), 20);
  EXPECT_EQ(YearsBetween(birth, absl::CivilDay(2028, 3, 1)), 20);
}

TEST(YearsBetweenTest, BirthdayOnNewYearsDayAndEve) {
  EXPECT_EQ(YearsBetween(absl::CivilDay(2000, 1, 1), absl::CivilDay(2017, 12, 31)), 17);
  EXPECT_EQ(YearsBetween(absl::CivilDay(2000, 1, 1), absl::CivilDay(2018, 1, 1)), 18);
  EXPECT_EQ(YearsBetween(absl::CivilDay(2000, 12, 31), absl::CivilDay(2018, 12, 30)), 17);
  EXPECT_EQ(YearsBetween(absl::CivilDay(2000, 12, 31), absl::CivilDay(2018, 12, 31)), 18);
}

TEST(YearsBetweenTest, NegativeBeforeBirth) {
  EXPECT_LT(YearsBetween(absl::CivilDay(2000, 5, 1), absl::CivilDay(2000, 4, 30)), 0);
}

}  // namespace
}  // namespace ccms::time
