// libsodium's crypto_aead_xchacha20poly1305_ietf over a length-prefixed encoding of the fields.
// The keys are process-wide: app sets them once at start-up from the deployment's key ring (newest
// first: seal() uses the first, open() tries each); a process that never does seals with a random
// key of its own (never in clear), and warns once.
#include "notify/seal.hpp"

#include <sodium.h>

#include <array>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "core/base64.hpp"
#include "core/log.hpp"
#include "notify/outbox.hpp"

namespace vitalis::notify {

namespace {

constexpr std::string_view kVersion = "v1.";
constexpr std::string_view kAssociatedPrefix = "vitalis outbox v1\n";
using Key = std::array<unsigned char, crypto_aead_xchacha20poly1305_ietf_KEYBYTES>;

struct KeyHolder {
  std::mutex mutex;
  std::vector<Key> keys;  // newest first; empty until set (or the first use)
};

KeyHolder& holder() {
  static KeyHolder instance;
  return instance;
}

// Newest first (copies: set_outbox_keys may run meanwhile); the caller wipes them.
std::vector<Key> current_keys() {
  auto& state = holder();
  std::lock_guard lock(state.mutex);
  if (state.keys.empty()) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    state.keys.emplace_back();
    randombytes_buf(state.keys.front().data(), state.keys.front().size());
    log::warn("outbox key not configured; queued mail is sealed with a key of this process only",
              {});
  }
  return state.keys;
}

void wipe(std::vector<Key>& keys) {
  for (Key& key : keys) sodium_memzero(key.data(), key.size());
}

std::string associated_data(std::string_view kind) {
  std::string out(kAssociatedPrefix);
  out += kind;
  return out;
}

void put_field(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out.push_back(':');
  out += field;
}

// One "<decimal length>:<bytes>" field from `in` at `pos`; false when malformed.
bool take_field(std::string_view in, std::size_t& pos, std::string& field) {
  auto colon = in.find(':', pos);
  if (colon == std::string_view::npos || colon == pos || colon - pos > 9) return false;
  std::size_t length = 0;
  for (std::size_t idx = pos; idx < colon; ++idx) {
    if (in[idx] < '0' || in[idx] > '9') return false;
    length = length * 10 + static_cast<std::size_t>(in[idx] - '0');
  }
  if (in.size() - (colon + 1) < length) return false;
  field.assign(in.substr(colon + 1, length));
  pos = colon + 1 + length;
  return true;
}

}  // namespace

void set_outbox_key(std::string_view key) { set_outbox_keys({std::string(key)}); }

void set_outbox_keys(const std::vector<std::string>& keys) {
  std::vector<Key> copies;
  for (const std::string& key : keys) {
    if (key.size() != Key{}.size()) throw std::invalid_argument("outbox key must be 32 bytes");
    copies.emplace_back();
    std::copy(key.begin(), key.end(), copies.back().begin());
  }
  if (copies.empty()) throw std::invalid_argument("no outbox key");
  auto& state = holder();
  std::lock_guard lock(state.mutex);
  wipe(state.keys);
  state.keys = std::move(copies);
}

namespace seal {

std::string seal(const Contents& contents, std::string_view kind) {
  std::vector<Key> keys = current_keys();
  const Key& key = keys.front();
  std::string plain;
  for (auto field : {&contents.to, &contents.subject, &contents.text, &contents.html}) {
    put_field(plain, *field);
  }
  if (!contents.attachments.empty()) {
    std::string packed;
    for (const auto& attachment : contents.attachments) {
      put_field(packed, attachment.filename);
      put_field(packed, attachment.content_type);
      put_field(packed, attachment.data);
    }
    put_field(plain, packed);
    sodium_memzero(packed.data(), packed.size());
  }
  std::string ad = associated_data(kind);
  std::string box(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plain.size() +
                      crypto_aead_xchacha20poly1305_ietf_ABYTES,
                  '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(box.data());
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long sealed_length = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &sealed_length,
      reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
      reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, nonce, key.data());
  sodium_memzero(plain.data(), plain.size());
  wipe(keys);
  box.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + sealed_length);
  return std::string(kVersion) + base64url_encode(box);
}

std::optional<Contents> open(std::string_view sealed, std::string_view kind) {
  if (!sealed.starts_with(kVersion)) return std::nullopt;
  auto box = base64url_decode(sealed.substr(kVersion.size()));
  constexpr std::size_t kOverhead =
      crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES;
  if (!box || box->size() < kOverhead) return std::nullopt;
  std::vector<Key> keys = current_keys();
  std::string ad = associated_data(kind);
  const auto* nonce = reinterpret_cast<const unsigned char*>(box->data());
  std::string plain(box->size() - kOverhead, '\0');
  unsigned long long plain_length = 0;
  int opened = -1;
  // Newest first: only the key that sealed it authenticates it (AEAD).
  for (const Key& key : keys) {
    opened = crypto_aead_xchacha20poly1305_ietf_decrypt(
        reinterpret_cast<unsigned char*>(plain.data()), &plain_length, nullptr,
        nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
        box->size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
        reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nonce, key.data());
    if (opened == 0) break;
  }
  wipe(keys);
  if (opened != 0) return std::nullopt;
  plain.resize(plain_length);
  Contents out;
  std::size_t pos = 0;
  bool well_formed = true;
  for (auto field : {&out.to, &out.subject, &out.text, &out.html}) {
    well_formed = well_formed && take_field(plain, pos, *field);
  }
  if (well_formed && pos < plain.size()) {
    std::string packed;
    well_formed = take_field(plain, pos, packed);
    for (std::size_t at = 0; well_formed && at < packed.size();) {
      Attachment attachment;
      well_formed = take_field(packed, at, attachment.filename) &&
                    take_field(packed, at, attachment.content_type) &&
                    take_field(packed, at, attachment.data);
      if (well_formed) out.attachments.push_back(std::move(attachment));
    }
    sodium_memzero(packed.data(), packed.size());
  }
  well_formed = well_formed && pos == plain.size();
  sodium_memzero(plain.data(), plain.size());
  if (!well_formed) return std::nullopt;
  return out;
}

}  // namespace seal
}  // namespace vitalis::notify
