#include "common/concurrency/periodic_task.h"

namespace ccms::concurrency {

void PeriodicTask::Start() {
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      lock.unlock();
      task_();
      lock.lock();
      cv_.wait_for(lock, absl::ToChronoMilliseconds(period_), [this] { return stopping_; });
    }
  });
}

void PeriodicTask::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace ccms::concurrency
