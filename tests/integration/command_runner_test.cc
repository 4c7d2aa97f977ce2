// The command transaction: one per mutating call, joined by the store's transactions, the first
// response kept for retries, denials' audit rows kept whatever happens.
#include <atomic>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

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

  // A store call written as records' OpenCase is: its first statement carries the command's claim
  // (and writes only once it is made), its last keeps `response` (set before the call), with
  // `pause` between the two.
  absl::Status WriteNotesCarrying(const std::string& text, const StringValue& response,
                                  absl::Duration pause = absl::ZeroDuration()) {
    const db::ClaimValues claim = db::TakeClaim(*pool_);
    return pool_->InTransaction([&](pqxx::work& tx) -> absl::Status {
      const pqxx::row first = tx.exec_params1(
          "WITH " CCMS_COMMAND_CLAIM_CTE("2", "3", "4") ","
          " n AS (INSERT INTO notes (text) SELECT $1 WHERE " CCMS_COMMAND_CLAIMED("2") ")"
          " SELECT " CCMS_COMMAND_CLAIMED("2"),
          text, claim.request_id, claim.method, claim.subject);
      if (auto st = db::SettleClaim(*pool_, first[0].as<bool>()); !st.ok()) return st;
      absl::SleepFor(pause);
      const db::KeptValues kept = db::KeepResponse(*pool_, response);
      tx.exec_params(
          "WITH " CCMS_COMMAND_KEEP_CTE("2", "3") " INSERT INTO notes (text) VALUES ($1)",
          text + " again", kept.request_id, pqxx::binarystring(kept.bytes));
      return absl::OkStatus();
    });
  }

  db::CommandKey Key(const std::string& request_id, const std::string& method = "m.OneRequest",
                     const std::string& subject = "officer-1") {
    return {request_id, method, subject};
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<db::CommandRunner> runner_;
  std::atomic<int> commits_{0};
};

TEST_F(CommandRunnerTest, ARetryGetsTheFirstResponseAndWritesNothingAgain) {
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
  // The retry's handler would answer differently: it runs up to its first store call, whose claim
  // finds the id answered; what it did is rolled back and the first answer comes back.
  ASSERT_TRUE(runner_->Run(Key(id), &retry, handler(&retry, "second")).ok());
  EXPECT_EQ(retry.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(retry.value(), "first");
  EXPECT_EQ(runs, 2);
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
  // The handlers ran (the claim is lazy: they wrote nothing, so it came at their end).
  EXPECT_EQ(runs, 2);
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
  // Both handlers ran; the second's store call waited on the first's claim and was rolled back.
  EXPECT_EQ(runs.load(), 2);
  EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString());
  EXPECT_EQ(Notes(), 1);
}

// The claim in the handler's first statement and the kept response in its last: BEGIN, the two
// statements, COMMIT (a claim and a kept response of their own would add two).
TEST_F(CommandRunnerTest, AClaimAndAResponseCarriedByTheStatementsCostNoRoundTrip) {
  const std::string id = ids::NewUuid();
  int runs = 0;
  auto carrying = [&](StringValue* response, const std::string& text) {
    return [&, response, text] {
      ++runs;
      response->set_value(text);
      return WriteNotesCarrying(text, *response);
    };
  };
  // libpqxx prepares a statement on a connection at its first use (a round trip): use them once.
  StringValue warm;
  const std::string warm_id = ids::NewUuid();
  ASSERT_TRUE(runner_->Run(Key(warm_id), &warm, carrying(&warm, "warm")).ok());
  ASSERT_TRUE(runner_->Run(Key(warm_id), &warm, carrying(&warm, "warm")).ok());
  ASSERT_TRUE(runner_->Run(Key(ids::NewUuid()), &warm, [&] { return WriteNote("warm"); }).ok());
  runs = 0;
  const int64_t notes = Notes();
  RoundTripCounter trips(*pool_);
  std::string sent;
  StringValue first;
  ASSERT_TRUE(runner_->Run(Key(id), &first, carrying(&first, "first")).ok());
  EXPECT_EQ(trips.Take(&sent), 4) << sent;
  EXPECT_EQ(Notes(), notes + 2);
  EXPECT_EQ(commits_.load(), 3);
  trips.Take();
  // A retry: its first statement finds the id taken, writes nothing; the first response is read
  // with a statement of its own (BEGIN, the statement, ROLLBACK, the read).
  StringValue retry;
  ASSERT_TRUE(runner_->Run(Key(id), &retry, carrying(&retry, "second")).ok());
  EXPECT_EQ(trips.Take(&sent), 4) << sent;
  EXPECT_EQ(retry.value(), "first");
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(Notes(), notes + 2);
  EXPECT_EQ(commits_.load(), 3);
  // The same id for another caller is refused, as with a claim of its own.
  StringValue other;
  EXPECT_EQ(
      runner_->Run(Key(id, "m.OneRequest", "officer-2"), &other, carrying(&other, "x")).code(),
      absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Notes(), notes + 2);
  // A handler with a claim of its own, for comparison: BEGIN, claim, insert, response, COMMIT.
  trips.Take();
  StringValue plain;
  ASSERT_TRUE(runner_->Run(Key(ids::NewUuid()), &plain, [&] { return WriteNote("plain"); }).ok());
  EXPECT_EQ(trips.Take(&sent), 5) << sent;
}

TEST_F(CommandRunnerTest, CopiesOfOneRequestAtOnceWaitOnTheCarriedClaimAndAnswerAlike) {
  constexpr int kAtOnce = 4;
  const std::string id = ids::NewUuid();
  std::atomic<int> runs{0};
  std::vector<StringValue> responses(kAtOnce);
  std::vector<absl::Status> results(kAtOnce);
  std::vector<std::thread> threads;
  for (int i = 0; i < kAtOnce; ++i) {
    threads.emplace_back([&, i] {
      results[i] = runner_->Run(Key(id), &responses[i], [&, i] {
        responses[i].set_value(absl::StrCat("run ", ++runs));
        // The first to claim holds the id for 300 ms: the others' statements wait on it.
        return WriteNotesCarrying("once", responses[i], absl::Milliseconds(300));
      });
    });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < kAtOnce; ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i];
    EXPECT_EQ(responses[i].SerializeAsString(), responses[0].SerializeAsString());
  }
  EXPECT_EQ(Notes(), 2);  // one run's two rows
  EXPECT_EQ(commits_.load(), 1);
  EXPECT_EQ(db_->QueryValue("SELECT count(*) FROM idempotency_keys"), "1");
}

TEST_F(CommandRunnerTest, AHandlerFailingBeforeItsFirstStatementStillGetsTheFirstResponse) {
  const std::string id = ids::NewUuid();
  StringValue first;
  ASSERT_TRUE(runner_
                  ->Run(Key(id), &first,
                        [&] {
                          first.set_value("first");
                          return WriteNotesCarrying("first", first);
                        })
                  .ok());
  // The retry's handler refuses before it reaches the database (a rule of today's date, say):
  // the id was answered, so the answer is the first one, as when the claim came first.
  StringValue retry;
  ASSERT_TRUE(
      runner_->Run(Key(id), &retry, [] { return absl::InvalidArgumentError("no longer valid"); })
          .ok());
  EXPECT_EQ(retry.value(), "first");
  StringValue other;
  EXPECT_EQ(
      runner_
          ->Run(Key(id, "m.OtherRequest"), &other, [] { return absl::InvalidArgumentError("no"); })
          .code(),
      absl::StatusCode::kAlreadyExists);
  // A fresh id: the handler's own error, and the id stays free.
  const std::string fresh = ids::NewUuid();
  EXPECT_EQ(
      runner_->Run(Key(fresh), &other, [] { return absl::InvalidArgumentError("no"); }).code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      db_->QueryValue("SELECT count(*) FROM idempotency_keys WHERE request_id = '" + fresh + "'"),
      "0");
  // A handler that succeeds without writing is claimed and kept at its end.
  StringValue quiet;
  const std::string quiet_id = ids::NewUuid();
  ASSERT_TRUE(runner_
                  ->Run(Key(quiet_id), &quiet,
                        [&] {
                          quiet.set_value("nothing written");
                          return absl::OkStatus();
                        })
                  .ok());
  StringValue quiet_retry;
  ASSERT_TRUE(runner_->Run(Key(quiet_id), &quiet_retry, [] { return absl::OkStatus(); }).ok());
  EXPECT_EQ(quiet_retry.value(), "nothing written");
}

TEST_F(CommandRunnerTest, AResponseChangedAfterTheStatementKeptItIsKeptAsAnswered) {
  const std::string id = ids::NewUuid();
  StringValue response;
  ASSERT_TRUE(runner_
                  ->Run(Key(id), &response,
                        [&] {
                          response.set_value("as kept by the statement");
                          if (auto st = WriteNotesCarrying("n", response); !st.ok()) return st;
                          response.set_value("as answered");
                          return absl::OkStatus();
                        })
                  .ok());
  StringValue retry;
  ASSERT_TRUE(runner_->Run(Key(id), &retry, [] { return absl::OkStatus(); }).ok());
  EXPECT_EQ(retry.value(), "as answered");
}

// Outside a command the statement claims nothing and goes on.
TEST_F(CommandRunnerTest, AStatementCarryingTheClaimOutsideACommandJustRuns) {
  StringValue response;
  response.set_value("unused");
  ASSERT_TRUE(WriteNotesCarrying("alone", response).ok());
  EXPECT_EQ(Notes(), 2);
  EXPECT_EQ(db_->QueryValue("SELECT count(*) FROM idempotency_keys"), "0");
}

}  // namespace
}  // namespace ccms::testing
