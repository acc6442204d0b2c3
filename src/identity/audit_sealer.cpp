// The audit sealer's queue and its one writer thread.
#include "identity/audit_sealer.hpp"

#include "core/time.hpp"

namespace vitalis::identity {

AuditSealer::AuditSealer(db::Pool& pool, const KeyRing& keys)
    : pool_(pool), key_(keys), thread_([this] { run(); }) {}

AuditSealer::~AuditSealer() { stop(); }

Status AuditSealer::append(AuditEntry entry) {
  if (AuditHold* hold = AuditHold::current()) {
    enqueue(std::move(entry), hold->track());
    return Ok{};
  }
  // Stamped when the access happened, not when it was sealed.
  if (entry.at.empty()) entry.at = format_rfc3339(Clock::now());
  std::unique_lock lock(mutex_);
  if (stopped_) {
    lock.unlock();
    return write({std::move(entry)});
  }
  std::shared_ptr<Batch> batch = open_;
  queue(lock, std::move(entry), nullptr);
  batch->sealed.wait(lock, [&batch] { return batch->done; });
  return batch->status;
}

void AuditSealer::enqueue(AuditEntry entry, std::function<void(Status)> sealed) {
  if (entry.at.empty()) entry.at = format_rfc3339(Clock::now());
  std::unique_lock lock(mutex_);
  if (stopped_) {
    lock.unlock();
    sealed(write({std::move(entry)}));
    return;
  }
  queue(lock, std::move(entry), std::move(sealed));
}

void AuditSealer::queue(std::unique_lock<std::mutex>&, AuditEntry entry,
                        std::function<void(Status)> sealed) {
  open_->entries.push_back(std::move(entry));
  if (sealed) open_->callbacks.push_back(std::move(sealed));
  if (sealer_idle_) queued_.notify_one();  // else it takes this batch when its commit is done
}

void AuditSealer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_one();
  if (thread_.joinable()) thread_.join();
}

AuditSealer::Stats AuditSealer::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void AuditSealer::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    sealer_idle_ = true;
    queued_.wait(lock, [this] { return stopping_ || !open_->entries.empty(); });
    sealer_idle_ = false;
    if (open_->entries.empty()) break;  // stopping, and everything queued is sealed
    // No timer: entries queue up while the previous batch commits, so the batch grows with the
    // load and an idle server adds no delay.
    std::shared_ptr<Batch> batch = std::exchange(open_, std::make_shared<Batch>());
    lock.unlock();
    Status status = write(batch->entries);
    for (auto& sealed : batch->callbacks) sealed(status);
    lock.lock();
    batch->status = std::move(status);
    batch->done = true;
    ++stats_.batches;
    stats_.entries += static_cast<std::int64_t>(batch->entries.size());
    batch->sealed.notify_all();
  }
  stopped_ = true;
}

Status AuditSealer::write(const std::vector<AuditEntry>& entries) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    append_audit(lease, key_, entries);
    tx.commit();
    return Ok{};
  });
}

// --- AuditHold -------------------------------------------------------------------------------

namespace {
thread_local AuditHold* open_hold = nullptr;
}  // namespace

struct AuditHold::State {
  std::mutex mutex;
  int outstanding = 0;
  Status status = Ok{};
  std::function<void(Status)> continuation;  // set by the release hook
};

AuditHold::AuditHold() : state_(std::make_shared<State>()), outer_(open_hold) { open_hold = this; }

AuditHold::~AuditHold() {
  if (open_hold == this) open_hold = outer_;
}

AuditHold* AuditHold::current() { return open_hold; }

std::function<void(Status)> AuditHold::track() {
  {
    std::lock_guard lock(state_->mutex);
    ++state_->outstanding;
  }
  return [state = state_](Status status) {
    std::function<void(Status)> next;
    Status outcome = Ok{};
    {
      std::lock_guard lock(state->mutex);
      if (!status.ok() && state->status.ok()) state->status = std::move(status);
      if (--state->outstanding > 0 || !state->continuation) return;
      next = std::move(state->continuation);
      outcome = state->status;
    }
    next(std::move(outcome));
  };
}

std::function<void(std::function<void(Status)>)> AuditHold::release() {
  if (open_hold == this) open_hold = outer_;
  {
    std::lock_guard lock(state_->mutex);
    if (state_->outstanding == 0 && state_->status.ok()) return {};
  }
  return [state = state_](std::function<void(Status)> continuation) {
    Status outcome = Ok{};
    {
      std::lock_guard lock(state->mutex);
      if (state->outstanding > 0) {
        state->continuation = std::move(continuation);
        return;
      }
      outcome = state->status;
    }
    continuation(std::move(outcome));
  };
}

}  // namespace vitalis::identity
