// The command transaction: one per mutating call, joined by the store's transactions, the first
// response kept for retries, denials' audit rows kept whatever happens.
#include <atomic>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/db/audit.h"
#include "common/db/command.h"
#include "common/db/migrations.h"
#include "common/db/pool.h"
#include "common/ids/uuid.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"
#include "tests/support/integration_env.h"

namespace ccms::testing {
namespace {

using google::protobuf::StringValue;

class CommandRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (IntegrationEnv::Get() == nullptr) GTEST_SKIP() << "needs tests/run";
    db_ = std::make_unique<TestDatabase>();
    pool_ = PoolWithCommonTables(*db_, "CREATE TABLE notes (text text)");
    runner_ = std::make_unique<db::CommandRunner>(*pool_, [this] { ++commits_; });
  }

  // A store call as a service writes one: its own transaction, joined inside a command.
  absl::Status WriteNote(const std::string& text) {
    return pool_->InTransaction([&](pqxx::work& tx) {
      tx.exec_params("INSERT INTO notes (text) VALUES ($1)", text);
      return absl::OkStatus();
    });
  }
  int64_t Notes() { return std::stoll(db_->QueryValue("SELECT count(*) FROM notes")); }

  db::CommandKey Key(const std::string& request_id, const std::string& method = "m.OneRequest",
                     const std::string& subject = "officer-1") {
    return {request_id, method, subject};
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<db::CommandRunner> runner_;
  std::atomic<int> commits_{0};
};

TEST_F(CommandRunnerTest, ARetryGetsTheFirstResponseWithoutRunningTheHandlerAgain) {
  const std::string id = ids::NewUuid();
  int runs = 0;
  auto handler = [&](StringValue* response, const std::string& text) {
    return [&, response, text] {
      ++runs;
      if (auto st = WriteNote(text); !st.ok()) return st;
      response->set_value(text);
      return absl::OkStatus();
    };
  };
  StringValue first;
  ASSERT_TRUE(runner_->Run(Key(id), &first, handler(&first, "first")).ok());
  StringValue retry;
  // The retry's handler would answer differently: it is not run; the first answer comes back.
  ASSERT_TRUE(runner_->Run(Key(id), &retry, handler(&retry, "second")).ok());
  EXPECT_EQ(retry.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(retry.value(), "first");
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(Notes(), 1);
  EXPECT_EQ(commits_.load(), 1);
}

TEST_F(CommandRunnerTest, TheSameRequestIdForAnotherMethodOrCallerIsAlreadyExists) {
  const std::string id = ids::NewUuid();
  StringValue response;
  ASSERT_TRUE(runner_->Run(Key(id), &response, [] { return absl::OkStatus(); }).ok());
  int runs = 0;
  auto count = [&] {
    ++runs;
    return absl::OkStatus();
  };
  EXPECT_EQ(runner_->Run(Key(id, "m.OtherRequest"), &response, count).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(runner_->Run(Key(id, "m.OneRequest", "officer-2"), &response, count).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(runs, 0);
}

TEST_F(CommandRunnerTest, AFailedHandlerLeavesNothingAndItsRequestIdFree) {
  const std::string id = ids::NewUuid();
  StringValue response;
  const absl::Status failed = runner_->Run(Key(id), &response, [&] {
    EXPECT_TRUE(WriteNote("half").ok());
    return absl::FailedPreconditionError("a rule says no");
  });
  EXPECT_EQ(failed.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Notes(), 0);
  EXPECT_EQ(commits_.load(), 0);
  // The request was not done, so the same id may be used again, and then it runs.
  int runs = 0;
  ASSERT_TRUE(runner_
                  ->Run(Key(id), &response,
                        [&] {
                          ++runs;
                          return WriteNote("whole");
                        })
                  .ok());
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(Notes(), 1);
}

TEST_F(CommandRunnerTest, ADenialsAuditRowOutlivesTheRollback) {
  auth::Principal officer;
  officer.subject = "officer-1";
  officer.role = auth::Role::kOfficeStaff;
  StringValue response;
  const absl::Status denied = runner_->Run(Key(ids::NewUuid()), &response, [&] {
    EXPECT_TRUE(WriteNote("before the denial").ok());
    EXPECT_TRUE(pool_
                    ->InSeparateTransaction([officer](pqxx::work& tx) {
                      db::AppendAudit(tx, officer, "OpenCase", "", "DENIED", "r");
                      return absl::OkStatus();
                    })
                    .ok());
    return absl::PermissionDeniedError("not your district");
  });
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Notes(), 0);
  EXPECT_EQ(db_->QueryValue("SELECT count(*) FROM audit_log WHERE result = 'DENIED'"), "1");
}

TEST_F(CommandRunnerTest, AStoreCallThatFailedStopsTheCommitEvenIfTheHandlerGoesOn) {
  StringValue response;
  const absl::Status st = runner_->Run(Key(ids::NewUuid()), &response, [&] {
    EXPECT_TRUE(WriteNote("kept?").ok());
    // A statement error inside the joined transaction; the handler ignores it.
    (void)pool_->InTransaction([](pqxx::work& tx) {
      tx.exec("SELECT * FROM no_such_table");
      return absl::OkStatus();
    });
    return absl::OkStatus();
  });
  EXPECT_EQ(st.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(Notes(), 0);
}

TEST_F(CommandRunnerTest, ReadsInsideACommandSeeItsWritesAndASecondConnectionIsRefused) {
  StringValue response;
  std::string seen;
  ASSERT_TRUE(runner_
                  ->Run(Key(ids::NewUuid()), &response,
                        [&] {
                          EXPECT_TRUE(WriteNote("visible").ok());
                          EXPECT_TRUE(
                              pool_
                                  ->Read([&](pqxx::transaction_base& tx) {
                                    seen =
                                        tx.exec("SELECT text FROM notes")[0][0].as<std::string>();
                                    return absl::OkStatus();
                                  })
                                  .ok());
                          return absl::OkStatus();
                        })
                  .ok());
  EXPECT_EQ(seen, "visible");
  const absl::Status st = runner_->Run(Key(ids::NewUuid()), &response, [&] {
    return pool_->WithConnection([](pqxx::connection&) { return absl::OkStatus(); });
  });
  EXPECT_EQ(st.code(), absl::StatusCode::kInternal);
}

TEST_F(CommandRunnerTest, TwoCopiesOfOneRequestAtOnceRunItOnceAndAnswerAlike) {
  const std::string id = ids::NewUuid();
  std::atomic<int> runs{0};
  StringValue a, b;
  absl::Status sa, sb;
  auto handler = [&](StringValue* response) {
    return [&, response] {
      ++runs;
      absl::SleepFor(absl::Milliseconds(300));  // the copy arrives while this one runs
      if (auto st = WriteNote("once"); !st.ok()) return st;
      response->set_value(absl::StrCat("run ", runs.load()));
      return absl::OkStatus();
    };
  };
  std::thread first([&] { sa = runner_->Run(Key(id), &a, handler(&a)); });
  absl::SleepFor(absl::Milliseconds(50));
  std::thread second([&] { sb = runner_->Run(Key(id), &b, handler(&b)); });
  first.join();
  second.join();
  ASSERT_TRUE(sa.ok()) << sa;
  ASSERT_TRUE(sb.ok()) << sb;
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString());
  EXPECT_EQ(Notes(), 1);
}

}  // namespace
}  // namespace ccms::testing
