// The audit chain's head, anchored outside the database (issue 16). The hash chain shows an edit,
// insertion or removal anywhere before its last row, but not rows cut from its end or an emptied
// table. An anchor is a small signed file, kept apart from the database (default beside the key
// file, mode 0600): the last row's id and hash, when, the id of the key whose anchor-purpose key
// (key_purpose::kAuditAnchor) signed it, and that HMAC. The server writes it at start, every
// --audit-anchor-seconds when the log grew, and at shutdown; `vitalis audit anchor` on demand.
// `vitalis audit verify` checks the database against it: the anchored row must still exist with
// the anchored hash. An anchor that no longer matches is never overwritten (by the server or the
// command): it is the evidence.
//
//   vitalis-audit-anchor 1
//   row <id>
//   head <hash, or - for an empty log>
//   at <RFC 3339>
//   key <key id>
//   mac <HMAC-SHA256 hex over the lines above, newlines included>
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/error.hpp"
#include "db/database.hpp"
#include "identity/keyring.hpp"

namespace vitalis::identity {

struct AuditAnchor {
  std::int64_t last_id = 0;  // 0: the log was empty
  std::string head;          // that row's hash
  std::string at;            // when it was anchored
  std::string key_id;
};

// The file's text, signed with the ring's key `anchor.key_id` (std::invalid_argument if absent).
std::string audit_anchor_text(const AuditAnchor& anchor, const KeyRing& keys);
// nullopt when no file exists at `path`; an error when it cannot be read, is malformed, is signed
// with a key that is not an active key of `keys`, or its MAC does not match (it was edited).
Result<std::optional<AuditAnchor>> read_audit_anchor(const std::string& path, const KeyRing& keys);
// What the database contradicts in the anchor, in an operator's words ("the audit log ends at row
// 12 but was anchored at row 15 on ...: rows were removed"); empty when the anchored row is
// there with the anchored hash.
std::string audit_anchor_problem(db::Lease& lease, const AuditAnchor& anchor);
// Anchors the current head with the ring's newest key, after checking the existing anchor (if
// any) against the database: a failing one is kept and its problem returned as the error.
Result<AuditAnchor> anchor_audit_head(db::Pool& pool, const KeyRing& keys, const std::string& path);

// `vitalis keys retire ID`: re-anchors the head with the newest key (an anchor that fails its
// check refuses the retirement), then drops the key from `keys` when no audit row was sealed with
// it, or else marks it audit-only (it verifies its rows, nothing else). The caller saves the ring.
// True when dropped.
Result<bool> retire_key(db::Pool& pool, KeyRing& keys, const std::string& id,
                        const std::string& anchor_path);

// The server's anchoring: once at construction, then every `interval` (0: never) when the log's
// head moved, and once more in stop(). After a failure that is not transient (an anchor that no
// longer matches) it logs the problem once and writes nothing more.
class AuditAnchorer {
 public:
  AuditAnchorer(db::Pool& pool, const KeyRing& keys, std::string path,
                std::chrono::seconds interval);
  AuditAnchorer(const AuditAnchorer&) = delete;
  AuditAnchorer& operator=(const AuditAnchorer&) = delete;
  ~AuditAnchorer();
  // Anchors a last time (after the audit sealer is idle) and ends the thread. Idempotent.
  void stop();

 private:
  void anchor_now();
  void run();

  db::Pool& pool_;
  const KeyRing keys_;
  const std::string path_;
  const std::chrono::seconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool stopped_ = false;
  bool refused_ = false;  // the existing anchor failed its check: leave it alone
  std::int64_t anchored_id_ = -1;
  std::thread thread_;
};

}  // namespace vitalis::identity
