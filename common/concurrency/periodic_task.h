#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/time/time.h"

namespace ccms::concurrency {

// Runs `task` now and then every `period` on a thread of its own until Stop() (or destruction).
class PeriodicTask {
 public:
  PeriodicTask(std::function<void()> task, absl::Duration period)
      : task_(std::move(task)), period_(period) {}
  ~PeriodicTask() { Stop(); }
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  void Start();
  void Stop();

 private:
  std::function<void()> task_;
  absl::Duration period_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ccms::concurrency
