// Callers, with or without a token, cannot grow the metrics: every path the server does not serve
// is counted under one "unknown" label.
#include <cstdio>
#include <future>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "tests/integration/records_harness.h"

namespace ccms::testing {
namespace {

int SeriesCount(const std::string& metrics) {
  int n = 0;
  for (absl::string_view line : absl::StrSplit(metrics, '\n')) {
    if (!line.empty() && line[0] != '#') ++n;
  }
  return n;
}

grpc::StatusCode CallPath(grpc::GenericStub& stub, const std::string& path,
                          const std::string& token) {
  grpc::ClientContext context;
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Slice empty("");  // an empty message (a default ByteBuffer is no message at all)
  grpc::ByteBuffer in(&empty, 1);
  grpc::ByteBuffer out;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, path, grpc::StubOptions(), &in, &out,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  return done.get_future().get().error_code();
}

TEST(UnknownMethodsTest, TenThousandRandomPathsAddNoSeries) {
  if (IntegrationEnv::Get() == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker";
  RecordsHarness h;
  grpc::GenericStub stub(h.channel());
  const std::string token = h.Token(auth::Role::kCityAdmin, {"*"}, "admin-1");
  // One served call first, so the served method's own series exist before the count.
  EXPECT_EQ(CallPath(stub, "/grpc.health.v1.Health/Check", ""), grpc::OK);
  const int before = SeriesCount(HttpGet(h.host().metrics_port(), "/metrics"));
  std::mt19937_64 random(20261205);
  int unimplemented = 0;
  constexpr int kCalls = 10000;
  for (int i = 0; i < kCalls; ++i) {
    const std::string path =
        absl::StrCat("/x", random() % 1000000, ".Y", random() % 1000, "/M", random() % 1000000);
    // Half without a token, half with one: neither may add series.
    if (CallPath(stub, path, i % 2 == 0 ? "" : token) == grpc::UNIMPLEMENTED) ++unimplemented;
  }
  const std::string metrics = HttpGet(h.host().metrics_port(), "/metrics");
  const int after = SeriesCount(metrics);
  std::printf("unknown paths: %d calls, %d UNIMPLEMENTED, series %d before, %d after\n", kCalls,
              unimplemented, before, after);
  EXPECT_EQ(unimplemented, kCalls);
  EXPECT_EQ(after, before);
  EXPECT_NE(metrics.find(absl::StrCat("grpc_server_handled_total{grpc_code=\"Unimplemented\","
                                      "grpc_method=\"unknown\",grpc_service=\"unknown\","
                                      "grpc_type=\"unary\"} ",
                                      kCalls)),
            std::string::npos);
}

}  // namespace
}  // namespace ccms::testing
