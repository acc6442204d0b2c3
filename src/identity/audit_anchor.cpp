// The anchor file, its check against the database, and the server's anchoring thread.
#include "identity/audit_anchor.hpp"

#include <charconv>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "core/log.hpp"
#include "core/time.hpp"
#include "identity/audit.hpp"

namespace vitalis::identity {

namespace {

constexpr std::string_view kHeader = "vitalis-audit-anchor 1";

std::string body_of(const AuditAnchor& anchor) {
  return std::string(kHeader) + "\nrow " + std::to_string(anchor.last_id) + "\nhead " +
         (anchor.head.empty() ? "-" : anchor.head) + "\nat " + anchor.at + "\nkey " +
         anchor.key_id + "\n";
}

Error invalid_anchor(const std::string& path, const std::string& why) {
  return Error::validation("audit-anchor-file", "the audit anchor " + path + " " + why);
}

// "2026-12-06" of an RFC 3339 time, for messages.
std::string day_of(const std::string& at) { return at.substr(0, 10); }

}  // namespace

std::string audit_anchor_text(const AuditAnchor& anchor, const KeyRing& keys) {
  const SecretKey* key = keys.find(anchor.key_id);
  if (anchor.key_id.empty() || key == nullptr) throw std::invalid_argument("no such key");
  std::string body = body_of(anchor);
  return body + "mac " + key->for_purpose(key_purpose::kAuditAnchor).keyed_hash(body) + "\n";
}

Result<std::optional<AuditAnchor>> read_audit_anchor(const std::string& path, const KeyRing& keys) {
  auto text = read_key_file(path);
  if (!text.ok() && text.error().code == ErrorCode::kNotFound) {
    return std::optional<AuditAnchor>();
  }
  if (!text.ok()) return invalid_anchor(path, "cannot be read");
  std::vector<std::string> lines;
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  static constexpr std::string_view kFields[] = {"row ", "head ", "at ", "key ", "mac "};
  bool well_formed = lines.size() == 6 && lines[0] == kHeader;
  for (std::size_t idx = 0; well_formed && idx < 5; ++idx) {
    well_formed = lines[idx + 1].starts_with(kFields[idx]);
    if (well_formed) lines[idx + 1].erase(0, kFields[idx].size());
  }
  AuditAnchor anchor;
  if (well_formed) {
    const std::string& row = lines[1];
    auto parsed = std::from_chars(row.data(), row.data() + row.size(), anchor.last_id);
    well_formed = parsed.ec == std::errc() && parsed.ptr == row.data() + row.size() &&
                  anchor.last_id >= 0 && !lines[4].empty();
  }
  if (!well_formed) return invalid_anchor(path, "is not an anchor file (was it edited?)");
  anchor.head = lines[2] == "-" ? "" : lines[2];
  anchor.at = lines[3];
  anchor.key_id = lines[4];
  const SecretKey* key = keys.find(anchor.key_id);
  if (key == nullptr) {
    return invalid_anchor(path, "is signed with key " + anchor.key_id +
                                    ", which is not an active key of the key file");
  }
  std::string mac = key->for_purpose(key_purpose::kAuditAnchor).keyed_hash(body_of(anchor));
  if (!constant_time_equal(mac, lines[5])) {
    return invalid_anchor(path, "does not match its signature: it was edited");
  }
  return std::optional<AuditAnchor>(anchor);
}

std::string audit_anchor_problem(db::Lease& lease, const AuditAnchor& anchor) {
  if (anchor.last_id == 0) return {};
  AuditHead head = audit_head(lease);
  std::string anchored =
      "was anchored at row " + std::to_string(anchor.last_id) + " on " + day_of(anchor.at);
  if (head.id == 0) return "the audit log is empty but " + anchored + ": rows were removed";
  if (head.id < anchor.last_id) {
    return "the audit log ends at row " + std::to_string(head.id) + " but " + anchored +
           ": rows were removed";
  }
  auto hash = audit_hash_of(lease, anchor.last_id);
  if (!hash) {
    return "row " + std::to_string(anchor.last_id) + " is missing but the log " + anchored +
           ": rows were removed";
  }
  if (*hash != anchor.head) {
    return "row " + std::to_string(anchor.last_id) + " is not the row anchored on " +
           day_of(anchor.at) + ": the log was rewritten";
  }
  return {};
}

Result<AuditAnchor> anchor_audit_head(db::Pool& pool, const KeyRing& keys,
                                      const std::string& path) {
  auto existing = read_audit_anchor(path, keys);
  if (!existing.ok()) return existing.error();
  return db::with_connection(pool, [&](db::Lease& lease) -> Result<AuditAnchor> {
    if (*existing) {
      std::string problem = audit_anchor_problem(lease, **existing);
      if (!problem.empty()) {
        return Error::conflict(problem + " (the anchor " + path + " is kept as evidence)");
      }
    }
    AuditHead head = audit_head(lease);
    AuditAnchor anchor{head.id, head.hash, format_rfc3339(Clock::now()), keys.newest_id()};
    if (Status written = replace_file(path, audit_anchor_text(anchor, keys)); !written.ok()) {
      return written.error();
    }
    return anchor;
  });
}

Result<bool> retire_key(db::Pool& pool, KeyRing& keys, const std::string& id,
                        const std::string& anchor_path) {
  const bool known = !id.empty() && keys.find(id) != nullptr;
  if (!known || id == keys.newest_id()) return keys.retire(id, false).error();
  auto anchored = anchor_audit_head(pool, keys.active(), anchor_path);
  if (!anchored.ok()) return anchored.error();
  const bool oldest = keys.keys().back().id == id;
  auto used = db::with_connection(pool, [&](db::Lease& lease) -> Result<bool> {
    return audit_rows_use_key(lease, id, oldest);
  });
  if (!used.ok()) return used.error();
  if (Status retired = keys.retire(id, !*used); !retired.ok()) return retired.error();
  return !*used;
}

AuditAnchorer::AuditAnchorer(db::Pool& pool, const KeyRing& keys, std::string path,
                             std::chrono::seconds interval)
    : pool_(pool), keys_(keys), path_(std::move(path)), interval_(interval) {
  anchor_now();
  if (interval_.count() > 0) thread_ = std::thread([this] { run(); });
}

AuditAnchorer::~AuditAnchorer() { stop(); }

void AuditAnchorer::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  anchor_now();
}

void AuditAnchorer::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    anchor_now();
    lock.lock();
  }
}

void AuditAnchorer::anchor_now() {
  if (refused_) return;
  // One indexed query when nothing changed; the file is rewritten only when the log grew.
  auto head = db::with_connection(
      pool_, [](db::Lease& lease) -> Result<AuditHead> { return audit_head(lease); });
  if (head.ok() && head->id == anchored_id_) return;
  auto anchored = anchor_audit_head(pool_, keys_, path_);
  if (anchored.ok()) {
    anchored_id_ = anchored->last_id;
    return;
  }
  const Error& error = anchored.error();
  refused_ = error.code == ErrorCode::kConflict || error.code == ErrorCode::kValidationFailed;
  if (refused_) {
    log::error("audit anchor not updated: run vitalis audit verify",
               {{"problem", error.message}, {"file", path_}});
  } else {
    log::warn("audit anchor not written; retried later", {{"problem", error.message}});
  }
}

}  // namespace vitalis::identity
