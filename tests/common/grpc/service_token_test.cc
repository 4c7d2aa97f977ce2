#include "common/grpc/service_token.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace ccms::grpc_util {
namespace {

class ServiceTokenTest : public ::testing::Test {
 protected:
  ~ServiceTokenTest() override { std::filesystem::remove(path_); }
  // A new file renamed over the old one, as a sidecar or a Secret volume does.
  void Write(const std::string& text) {
    std::ofstream(path_ + ".tmp", std::ios::trunc) << text;
    std::filesystem::rename(path_ + ".tmp", path_);
  }
  const std::string path_ = (std::filesystem::temp_directory_path() /
                             ("ccms-service-token-test-" + std::to_string(::getpid())))
                                .string();
};

TEST_F(ServiceTokenTest, ARenewedTokenFileIsPickedUpAndABadOneKeepsTheTokenInForce) {
  Write("token-1\n");
  auto token = ServiceToken::FromFile(path_, absl::ZeroDuration());
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ((*token)->Current(), "token-1");
  Write("token-two\n");
  EXPECT_EQ((*token)->Current(), "token-two");
  Write("\n");  // emptied by a failed renewal: the token in force stays
  EXPECT_EQ((*token)->Current(), "token-two");
  Write("token-three");
  EXPECT_EQ((*token)->Current(), "token-three");
}

TEST_F(ServiceTokenTest, TheFileIsLookedAtAtMostOncePerInterval) {
  Write("token-1");
  auto token = ServiceToken::FromFile(path_, absl::Hours(1));
  ASSERT_TRUE(token.ok());
  Write("token-22");
  EXPECT_EQ((*token)->Current(), "token-1");
}

TEST_F(ServiceTokenTest, AMissingOrEmptyFirstFileIsRefusedAndInlineStaysFixed) {
  EXPECT_FALSE(ServiceToken::FromFile(path_ + ".missing").ok());
  Write("");
  EXPECT_FALSE(ServiceToken::FromFile(path_).ok());
  EXPECT_EQ(ServiceToken::Inline("inline")->Current(), "inline");
}

}  // namespace
}  // namespace ccms::grpc_util
