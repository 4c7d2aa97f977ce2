#include "common/errors/reason.h"

#include "gtest/gtest.h"

namespace ccms::errors {
namespace {

TEST(ReasonTest, EveryErrorCodeHasAReasonWord) {
  EXPECT_EQ(DefaultReason(absl::StatusCode::kOk), "");
  for (int code = 1; code <= 16; ++code) {
    const auto reason = DefaultReason(static_cast<absl::StatusCode>(code));
    EXPECT_TRUE(IsReasonWord(reason)) << code << " " << reason;
  }
  EXPECT_EQ(DefaultReason(absl::StatusCode::kInvalidArgument), "INVALID_REQUEST");
  EXPECT_EQ(DefaultReason(absl::StatusCode::kFailedPrecondition), "RULE_VIOLATED");
  EXPECT_EQ(DefaultReason(absl::StatusCode::kAborted), "CONFLICT");
  EXPECT_EQ(DefaultReason(absl::StatusCode::kResourceExhausted), "OVERLOADED");
  EXPECT_EQ(DefaultReason(absl::StatusCode::kDataLoss), "INTERNAL");
}

TEST(ReasonTest, ANamedReasonTravelsWithTheStatus) {
  const absl::Status plain = absl::AlreadyExistsError("the record already exists");
  EXPECT_EQ(ReasonOf(plain), kAlreadyExists);
  const absl::Status named = WithReason(plain, kRequestIdReused);
  EXPECT_EQ(named.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(named.message(), "the record already exists");
  const absl::Status copied = named;  // returned on by the layers above
  EXPECT_EQ(ReasonOf(copied), "REQUEST_ID_REUSED");
}

TEST(ReasonTest, OnlyReasonWordsAreAttached) {
  // Free text (which could carry data) never becomes a reason: the default stays.
  for (const char* bad : {"", "not found", "NOT-FOUND", "Zhang San", "CASE 110101199001011234",
                          "A234567890123456789012345678901234567890123456789012345678901234"}) {
    EXPECT_FALSE(IsReasonWord(bad)) << bad;
    EXPECT_EQ(ReasonOf(WithReason(absl::NotFoundError("case not found"), bad)), "NOT_FOUND") << bad;
  }
  EXPECT_TRUE(WithReason(absl::OkStatus(), kRuleViolated).ok());
  EXPECT_EQ(ReasonOf(absl::OkStatus()), "");
}

}  // namespace
}  // namespace ccms::errors
