#include "services/records/domain/transfer_rules.h"

#include "gtest/gtest.h"

namespace ccms::records::domain {
namespace {

RecordsPolicy Policy() {
  auto doc = policy::PolicyDocument::Parse(policy::PolicyDocument::BuiltInDefault(), "default");
  return LoadRecordsPolicies(*doc)->Latest().rules;
}

TEST(TransferRulesTest, EveryTransition) {
  const TransferStatus all[] = {TransferStatus::kRequested, TransferStatus::kConsented,
                                TransferStatus::kAccepted, TransferStatus::kRejected,
                                TransferStatus::kCompleted};
  const TransferStep steps[] = {TransferStep::kConsent, TransferStep::kAccept,
                                TransferStep::kReject, TransferStep::kComplete};
  for (TransferStatus from : all) {
    for (TransferStep step : steps) {
      auto next = NextTransferStatus(from, step);
      std::optional<TransferStatus> want;
      if (from == TransferStatus::kRequested && step == TransferStep::kConsent)
        want = TransferStatus::kConsented;
      if (from == TransferStatus::kConsented && step == TransferStep::kAccept)
        want = TransferStatus::kAccepted;
      if ((from == TransferStatus::kRequested || from == TransferStatus::kConsented) &&
          step == TransferStep::kReject)
        want = TransferStatus::kRejected;
      if (from == TransferStatus::kAccepted && step == TransferStep::kComplete)
        want = TransferStatus::kCompleted;
      SCOPED_TRACE(std::string(TransferStatusName(from)) + " + " +
                   std::string(TransferStepName(step)));
      if (want.has_value()) {
        ASSERT_TRUE(next.ok()) << next.status();
        EXPECT_EQ(*next, *want);
      } else {
        EXPECT_EQ(next.status().code(), absl::StatusCode::kFailedPrecondition);
      }
    }
  }
  EXPECT_NE(NextTransferStatus(TransferStatus::kRequested, TransferStep::kAccept)
                .status()
                .message()
                .find("not consented"),
            absl::string_view::npos);
}

TEST(TransferRulesTest, SidesAndWindows) {
  EXPECT_EQ(SideOf(TransferStep::kConsent), TransferSide::kSending);
  EXPECT_EQ(SideOf(TransferStep::kAccept), TransferSide::kReceiving);
  EXPECT_EQ(SideOf(TransferStep::kReject), TransferSide::kReceiving);
  EXPECT_EQ(SideOf(TransferStep::kComplete), TransferSide::kReceiving);
  const RecordsPolicy p = Policy();
  auto plan = PlanTransfer(absl::CivilDay(2025, 2, 26), absl::CivilDay(2025, 3, 28), p);
  EXPECT_EQ(plan.reply_due, absl::CivilDay(2025, 3, 3));  // 5 days across February's end
  EXPECT_TRUE(plan.notices.empty());                      // exactly 30 days ahead
  plan = PlanTransfer(absl::CivilDay(2025, 2, 26), absl::CivilDay(2025, 3, 27), p);
  ASSERT_EQ(plan.notices.size(), 1u);
  EXPECT_NE(plan.notices[0].find("29 days"), std::string::npos);
  EXPECT_EQ(ReportDue(absl::CivilDay(2024, 2, 25), p), absl::CivilDay(2024, 3, 3));
  for (int i = 0; i <= 4; ++i) {
    const auto s = static_cast<TransferStatus>(i);
    EXPECT_EQ(ParseTransferStatus(TransferStatusName(s)), s);
  }
}

}  // namespace
}  // namespace ccms::records::domain
