// The audit sealer's queue and its one writer thread.
#include "identity/audit_sealer.hpp"

#include "core/time.hpp"

namespace vitalis::identity {

AuditSealer::AuditSealer(db::Pool& pool, const SecretKey& key)
    : pool_(pool), key_(key), thread_([this] { run(); }) {}

AuditSealer::~AuditSealer() { stop(); }

Status AuditSealer::append(AuditEntry entry) {
  // Stamped when the access happened, not when it was sealed.
  if (entry.at.empty()) entry.at = format_rfc3339(Clock::now());
  std::unique_lock lock(mutex_);
  if (stopped_) {
    lock.unlock();
    return write({std::move(entry)});
  }
  std::shared_ptr<Batch> batch = open_;
  batch->entries.push_back(std::move(entry));
  if (sealer_idle_) queued_.notify_one();  // else it takes this batch when its commit is done
  batch->sealed.wait(lock, [&batch] { return batch->done; });
  return batch->status;
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

}  // namespace vitalis::identity
