#include "common/grpc/call_executor.h"

#include <stdexcept>
#include <string>

#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "tests/support/test_tokens.h"

namespace ccms::grpc_util {
namespace {

double CounterValue(prometheus::Registry& registry, const std::string& name) {
  for (const auto& family : registry.Collect()) {
    if (family.name == name && !family.metric.empty()) return family.metric[0].counter.value;
  }
  return -1;
}

class CallExecutorTest : public ::testing::Test {
 protected:
  CallExecutorTest()
      : workers_(1, 4),
        verifier_(::ccms::testing::HmacVerifier("call-executor-test-key-0123456789abcdef")),
        executor_(workers_, *verifier_, clock_, &registry_) {}

  concurrency::WorkerPool workers_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  time::SystemClock clock_;
  prometheus::Registry registry_;
  CallExecutor executor_;
};

TEST_F(CallExecutorTest, AHandlerThatThrowsAnswersInternalAndIsCounted) {
  EXPECT_EQ(CounterValue(registry_, "ccms_handler_exceptions_total"), 0);
  const absl::Status st = executor_.RunGuarded(
      [](const auth::Principal&) -> absl::Status {
        // What std::string::substr threw for an enum number the proto does not define.
        throw std::out_of_range("basic_string::substr: __pos (which is 13) > this->size()");
      },
      auth::Principal{});
  EXPECT_EQ(st.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(st.message(), "internal error");  // never the exception's text
  EXPECT_EQ(CounterValue(registry_, "ccms_handler_exceptions_total"), 1);
  const absl::Status other =
      executor_.RunGuarded([](const auth::Principal&) -> absl::Status { throw 42; }, {});
  EXPECT_EQ(other.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(CounterValue(registry_, "ccms_handler_exceptions_total"), 2);
}

TEST_F(CallExecutorTest, AHandlerThatReturnsKeepsItsStatus) {
  EXPECT_EQ(
      executor_
          .RunGuarded([](const auth::Principal&) { return absl::NotFoundError("no case"); }, {})
          .code(),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(CounterValue(registry_, "ccms_handler_exceptions_total"), 0);
}

}  // namespace
}  // namespace ccms::grpc_util
