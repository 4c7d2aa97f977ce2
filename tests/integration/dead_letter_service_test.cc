// ccms.ops.v1.DeadLetterService's role matrix: every RPC of the service (read from its
// descriptor) × every role, against a real database (the handlers read dead_letters).
#include "common/server/dead_letter_service.h"

#include <functional>
#include <map>
#include <set>
#include <string>

#include "common/auth/jwt.h"
#include "common/concurrency/worker_pool.h"
#include "common/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "tests/support/integration_env.h"
#include "tests/support/test_tokens.h"

namespace ccms::testing {
namespace {

TEST(DeadLetterServiceTest, RoleMatrixCoversEveryRpc) {
  if (IntegrationEnv::Get() == nullptr) GTEST_SKIP() << "needs tests/run";
  TestDatabase db;
  auto pool = PoolWithCommonTables(db);
  concurrency::WorkerPool workers(1, 1);
  auto verifier = HmacVerifier(std::string(40, 'k'));
  time::FakeClock clock(absl::Now());
  grpc_util::CallExecutor executor(workers, *verifier, clock);
  server::DeadLetterServiceImpl service(*pool, executor);

  using Call = std::function<absl::Status(const auth::Principal&)>;
  const std::map<std::string, Call> rows = {
      {"ListDeadLetters",
       [&](const auth::Principal& p) {
         ops::v1::ListDeadLettersResponse r;
         return service.DoListDeadLetters(p, {}, &r);
       }},
      {"GetDeadLetter",
       [&](const auth::Principal& p) {
         ops::v1::GetDeadLetterRequest q;
         q.set_dead_letter_id(1);
         ops::v1::GetDeadLetterResponse r;
         return service.DoGetDeadLetter(p, q, &r);
       }},
      {"RequeueDeadLetter",
       [&](const auth::Principal& p) {
         ops::v1::RequeueDeadLetterRequest q;
         q.set_dead_letter_id(1);
         ops::v1::RequeueDeadLetterResponse r;
         return service.DoRequeueDeadLetter(p, q, &r);
       }},
  };
  const auto* descriptor = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      ops::v1::DeadLetterService::service_full_name());
  ASSERT_NE(descriptor, nullptr);
  ASSERT_EQ(static_cast<size_t>(descriptor->method_count()), rows.size());
  for (int i = 0; i < descriptor->method_count(); ++i) {
    EXPECT_TRUE(rows.count(descriptor->method(i)->name())) << descriptor->method(i)->name();
  }

  const std::set<auth::Role> allowed = {auth::Role::kOps, auth::Role::kCityAdmin};
  for (const auto& [rpc, call] : rows) {
    for (auth::Role role : {auth::Role::kOfficeStaff, auth::Role::kDistrictBureau,
                            auth::Role::kSocialWorker, auth::Role::kCityAdmin, auth::Role::kAuditor,
                            auth::Role::kPartner, auth::Role::kOps, auth::Role::kService}) {
      auth::Principal p;
      p.subject = "matrix";
      p.role = role;
      p.all_districts = true;
      const absl::Status st = call(p);
      SCOPED_TRACE(rpc + " as " + std::string(auth::RoleName(role)));
      if (allowed.count(role)) {
        EXPECT_NE(st.code(), absl::StatusCode::kPermissionDenied) << st;
      } else {
        EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied) << st;
      }
    }
  }
}

}  // namespace
}  // namespace ccms::testing
