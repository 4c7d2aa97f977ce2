// The contract rule (docs/employment.md "Contract end") at its edges: no contract with the
// district is no rule; the first and the last day of a period are in force, the day after the end
// is not (across a month end and 29 February); a terminated or completed contract is not; a later
// contract in force answers; a contract not started yet; the refusal names the rule and its
// reason.
#include <vector>

#include "common/errors/reason.h"
#include "gtest/gtest.h"
#include "services/employment/domain/partner_rules.h"

namespace ccms::employment::domain {
namespace {

using absl::CivilDay;

ContractSpan Span(CivilDay from, CivilDay to, const char* status = "ACTIVE") {
  return {from, to, status};
}

TEST(ContractRuleTest, NoContractWithTheDistrictIsNoRule) {
  EXPECT_TRUE(CheckContractInForce({}, CivilDay(2028, 2, 29)).ok());
}

TEST(ContractRuleTest, InForceFromTheFirstToTheLastDayOfItsPeriod) {
  const std::vector<ContractSpan> c = {Span(CivilDay(2028, 1, 1), CivilDay(2028, 2, 29))};
  EXPECT_FALSE(CheckContractInForce(c, CivilDay(2027, 12, 31)).ok());
  EXPECT_TRUE(CheckContractInForce(c, CivilDay(2028, 1, 1)).ok());
  EXPECT_TRUE(CheckContractInForce(c, CivilDay(2028, 2, 29)).ok());
  const absl::Status after = CheckContractInForce(c, CivilDay(2028, 3, 1));
  EXPECT_EQ(after.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(errors::ReasonOf(after), kContractEndedReason);
  EXPECT_NE(after.message().find("contract rule"), std::string::npos) << after.message();
  EXPECT_NE(after.message().find("2028-02-29"), std::string::npos) << after.message();
}

TEST(ContractRuleTest, TerminatedOrCompletedIsNotInForce) {
  EXPECT_FALSE(
      CheckContractInForce({Span(CivilDay(2028, 1, 1), CivilDay(2028, 12, 31), "TERMINATED")},
                           CivilDay(2028, 6, 1))
          .ok());
  EXPECT_FALSE(
      CheckContractInForce({Span(CivilDay(2028, 1, 1), CivilDay(2028, 12, 31), "COMPLETED")},
                           CivilDay(2028, 6, 1))
          .ok());
}

TEST(ContractRuleTest, ALaterContractInForceAnswers) {
  const std::vector<ContractSpan> c = {
      Span(CivilDay(2027, 1, 1), CivilDay(2027, 12, 31), "COMPLETED"),
      Span(CivilDay(2028, 1, 1), CivilDay(2028, 12, 31))};
  EXPECT_TRUE(CheckContractInForce(c, CivilDay(2028, 1, 1)).ok());
  // Not yet started: refused, no end named.
  const absl::Status early = CheckContractInForce(
      {Span(CivilDay(2028, 7, 1), CivilDay(2028, 12, 31))}, CivilDay(2028, 6, 30));
  EXPECT_EQ(errors::ReasonOf(early), kContractEndedReason);
  EXPECT_EQ(early.message().find("last ended"), std::string::npos) << early.message();
}

}  // namespace
}  // namespace ccms::employment::domain
