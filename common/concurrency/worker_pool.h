#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ccms::concurrency {

// Fixed threads over a bounded queue. Blocking work (database calls) runs here, never on gRPC's
// callback threads; when the queue is full TrySubmit says no and the caller sheds the request
// (RESOURCE_EXHAUSTED) instead of letting latency grow without bound.
class WorkerPool {
 public:
  WorkerPool(size_t threads, size_t queue_limit);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False when the queue is full or the pool is shutting down.
  bool TrySubmit(std::function<void()> task);
  // Runs what is queued, then joins the threads. Idempotent.
  void Shutdown();
  size_t queued() const;

 private:
  void Loop();

  const size_t queue_limit_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ccms::concurrency
