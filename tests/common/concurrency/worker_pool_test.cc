#include "common/concurrency/worker_pool.h"

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "gtest/gtest.h"

namespace ccms::concurrency {
namespace {

// A gate the tasks wait at until the test opens it.
class Gate {
 public:
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return open_; });
  }
  void Open() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

TEST(WorkerPoolTest, RunsTasksOnItsThreadsAtOnce) {
  WorkerPool pool(3, 10);
  std::mutex mu;
  std::set<std::thread::id> ids;
  std::atomic<int> started{0};
  Gate gate;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(pool.TrySubmit([&] {
      {
        std::lock_guard<std::mutex> lock(mu);
        ids.insert(std::this_thread::get_id());
      }
      ++started;
      gate.Wait();  // all three must be running together to get here
    }));
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (started < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(started, 3);
  gate.Open();
  pool.Shutdown();
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids.count(std::this_thread::get_id()), 0u);
}

TEST(WorkerPoolTest, AFullQueueRefusesInsteadOfGrowing) {
  WorkerPool pool(1, 2);
  Gate gate;
  std::promise<void> running;
  ASSERT_TRUE(pool.TrySubmit([&] {
    running.set_value();
    gate.Wait();
  }));
  running.get_future().wait();  // the thread holds the first task; the queue is empty
  std::atomic<int> ran{0};
  EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));
  EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));
  EXPECT_EQ(pool.queued(), 2u);
  EXPECT_FALSE(pool.TrySubmit([&] { ++ran; }));  // the limit: shed, not queued
  EXPECT_EQ(pool.queued(), 2u);
  gate.Open();
  pool.Shutdown();
  EXPECT_EQ(ran, 2);
}

TEST(WorkerPoolTest, ShutdownRunsWhatIsQueuedThenRefusesAndIsIdempotent) {
  WorkerPool pool(1, 100);
  Gate gate;
  std::atomic<int> ran{0};
  ASSERT_TRUE(pool.TrySubmit([&] { gate.Wait(); }));
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(pool.TrySubmit([&] { ++ran; }));
  std::thread stopper([&] { pool.Shutdown(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(pool.TrySubmit([&] { ++ran; }));  // stopping: no new work
  gate.Open();
  stopper.join();
  EXPECT_EQ(ran, 50);  // every queued task ran
  EXPECT_EQ(pool.queued(), 0u);
  pool.Shutdown();  // again: nothing happens
  EXPECT_FALSE(pool.TrySubmit([] {}));
}

}  // namespace
}  // namespace ccms::concurrency
