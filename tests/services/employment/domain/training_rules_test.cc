// Training at its edges: the last place and one past it (reason TRAINING_FULL), a closed case,
// another district's programme, a second enrolment, the programme's last day and the day after;
// attendance on the first and last day of the programme and outside it, hours up to the
// programme's total and one past; completion before the start; programme shapes.
#include "services/employment/domain/training_rules.h"

#include "common/errors/reason.h"
#include "gtest/gtest.h"

namespace ccms::employment::domain {
namespace {

using absl::CivilDay;

CaseView OpenCase(const std::string& district = "110101") {
  CaseView c;
  c.case_id = "c";
  c.district_code = district;
  c.status = CaseStatus::kActive;
  return c;
}

const CivilDay kToday(2028, 2, 29);

TEST(TrainingRulesTest, TheLastPlaceIsTakenAndTheNextIsRefusedAsFull) {
  const CivilDay ends(2028, 6, 30);
  EXPECT_TRUE(CheckEnrolment(OpenCase(), "110101", 20, 19, false, kToday, ends, kToday).ok());
  const absl::Status full =
      CheckEnrolment(OpenCase(), "110101", 20, 20, false, kToday, ends, kToday);
  EXPECT_EQ(full.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(errors::ReasonOf(full), kTrainingFullReason);
  EXPECT_EQ(
      errors::ReasonOf(CheckEnrolment(OpenCase(), "110101", 20, 21, false, kToday, ends, kToday)),
      kTrainingFullReason);
}

TEST(TrainingRulesTest, ClosedCasesOtherDistrictsRepeatsAndEndedProgrammesAreRefused) {
  CaseView closed = OpenCase();
  closed.status = CaseStatus::kClosed;
  EXPECT_EQ(CheckEnrolment(closed, "110101", 5, 0, false, kToday, kToday, kToday).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      CheckEnrolment(OpenCase("310101"), "110101", 5, 0, false, kToday, kToday, kToday).code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckEnrolment(OpenCase(), "110101", 5, 0, true, kToday, kToday, kToday).code(),
            absl::StatusCode::kFailedPrecondition);
  // On the programme's last day an enrolment is still taken; the day after it is not.
  EXPECT_TRUE(CheckEnrolment(OpenCase(), "110101", 5, 0, false, kToday, kToday, kToday).ok());
  EXPECT_EQ(CheckEnrolment(OpenCase(), "110101", 5, 0, false, kToday, kToday - 1, kToday).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      CheckEnrolment(OpenCase(), "110101", 5, 0, false, kToday + 1, kToday + 9, kToday).code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(TrainingRulesTest, AttendanceOnTheProgrammesDaysUpToItsHours) {
  const CivilDay starts(2028, 2, 1), ends(2028, 2, 29);
  const auto enrolled = EnrolmentStatus::kEnrolled;
  EXPECT_TRUE(CheckAttendance(enrolled, starts, ends, 40, 0, starts, 8, kToday).ok());
  EXPECT_TRUE(CheckAttendance(enrolled, starts, ends, 40, 32, ends, 8, kToday).ok());  // exactly 40
  EXPECT_EQ(CheckAttendance(enrolled, starts, ends, 40, 33, ends, 8, kToday).code(),
            absl::StatusCode::kFailedPrecondition);  // 41 of 40
  EXPECT_EQ(CheckAttendance(enrolled, starts, ends, 40, 0, starts - 1, 8, kToday).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckAttendance(enrolled, starts, ends + 5, 40, 0, kToday + 1, 8, kToday).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckAttendance(enrolled, starts, ends, 40, 0, starts, 0, kToday).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckAttendance(enrolled, starts, ends, 40, 0, starts, kMaxAttendanceHours + 1, kToday)
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      CheckAttendance(EnrolmentStatus::kCompleted, starts, ends, 40, 0, starts, 8, kToday).code(),
      absl::StatusCode::kFailedPrecondition);
}

TEST(TrainingRulesTest, AWithdrawnEnrolmentTakesNoAttendanceNorCompletion) {
  const CivilDay starts(2028, 2, 1), ends(2028, 3, 31);
  EXPECT_EQ(
      CheckAttendance(EnrolmentStatus::kWithdrawn, starts, ends, 40, 0, kToday, 2, kToday).code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckCompletion(EnrolmentStatus::kWithdrawn, starts, kToday, kToday).code(),
            absl::StatusCode::kFailedPrecondition);
  for (auto s :
       {EnrolmentStatus::kEnrolled, EnrolmentStatus::kCompleted, EnrolmentStatus::kWithdrawn}) {
    EXPECT_EQ(EnrolmentStatusOf(EnrolmentStatusName(s)), s);
  }
}

TEST(TrainingRulesTest, CompletionAndProgrammeShapes) {
  const CivilDay starts(2028, 2, 1);
  EXPECT_TRUE(CheckCompletion(EnrolmentStatus::kEnrolled, starts, starts, kToday).ok());
  EXPECT_EQ(CheckCompletion(EnrolmentStatus::kEnrolled, starts, starts - 1, kToday).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckCompletion(EnrolmentStatus::kCompleted, starts, kToday, kToday).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckCompletion(EnrolmentStatus::kEnrolled, starts, kToday + 1, kToday).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckProgramme("ECOM-2028", 120, 20, starts, starts).ok());
  EXPECT_FALSE(CheckProgramme("e", 120, 20, starts, starts).ok());
  EXPECT_FALSE(CheckProgramme("ECOM", 0, 20, starts, starts).ok());
  EXPECT_FALSE(CheckProgramme("ECOM", kMaxTrainingHours + 1, 20, starts, starts).ok());
  EXPECT_FALSE(CheckProgramme("ECOM", 120, 0, starts, starts).ok());
  EXPECT_FALSE(CheckProgramme("ECOM", 120, kMaxTrainingPlaces + 1, starts, starts).ok());
  EXPECT_FALSE(CheckProgramme("ECOM", 120, 20, starts, starts - 1).ok());
}

}  // namespace
}  // namespace ccms::employment::domain
