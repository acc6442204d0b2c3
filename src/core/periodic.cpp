// See periodic.hpp.
#include "core/periodic.hpp"

#include <exception>

#include "core/log.hpp"

namespace vitalis {

Periodic::Periodic(std::string name, std::chrono::milliseconds interval, std::function<void()> job)
    : name_(std::move(name)), interval_(interval), job_(std::move(job)) {
  thread_ = std::thread([this] { run(); });
}

Periodic::~Periodic() { stop(); }

void Periodic::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Periodic::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    try {
      job_();
    } catch (const std::exception& error) {
      log::error("periodic job failed", {{"job", name_}, {"error", error.what()}});
    } catch (...) {
      log::error("periodic job failed", {{"job", name_}});
    }
    lock.lock();
  }
}

}  // namespace vitalis
