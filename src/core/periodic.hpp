// A job run every so often on a thread of its own (serve's reminder sweep): the first run one
// interval after start, then one interval after each run ends. A job that throws is logged with
// the runner's name and runs again next time. stop() (or the destructor) wakes the thread, waits
// for a run in progress and joins it; idempotent. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace vitalis {

class Periodic {
 public:
  Periodic(std::string name, std::chrono::milliseconds interval, std::function<void()> job);
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;
  ~Periodic();
  void stop();

 private:
  void run();

  const std::string name_;
  const std::chrono::milliseconds interval_;
  const std::function<void()> job_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace vitalis
