// Queued mail at rest (issue 16): an outbox row keeps its recipient, subject and both bodies as
// one XChaCha20-Poly1305 ciphertext under the outbox key (outbox.hpp set_outbox_key), with a
// random 24-byte nonce per row and the row's kind as associated data. Whoever reads the database
// (a backup, a replica) without the key sees neither the one-time codes nor the addresses.
// Internal to notify. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "notify/outbox.hpp"

namespace vitalis::notify::seal {

// What a row hides until it is sent. Attachments are a fifth field, written only when there are
// any (rows without them read as before).
struct Contents {
  std::string to, subject, text, html;
  std::vector<Attachment> attachments;
};

// "v1." + base64url(nonce ‖ ciphertext ‖ tag), under the current (newest) outbox key.
std::string seal(const Contents& contents, std::string_view kind);

// The contents, or nullopt when `sealed` was not made by seal() under one of the outbox keys for
// this kind (another key, or the text or kind was changed). Tries the keys newest first.
std::optional<Contents> open(std::string_view sealed, std::string_view kind);

}  // namespace vitalis::notify::seal
