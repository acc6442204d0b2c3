// libsodium wrappers.
#include "identity/crypto.hpp"

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "identity/keyring.hpp"

namespace vitalis::identity {

void init_crypto() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string hash_password(std::string_view password, const PasswordCost& cost) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.opslimit, cost.memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("argon2id ran out of memory");
  }
  return out;
}

bool verify_password(const std::string& hash, std::string_view password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(const std::string& hash, const PasswordCost& cost) {
  return crypto_pwhash_str_needs_rehash(hash.c_str(), cost.opslimit, cost.memlimit) != 0;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<SecretKey> SecretKey::from_text(std::string_view text) {
  auto bytes = base64url_decode(text);
  if (!bytes || bytes->size() != kSize) return std::nullopt;
  SecretKey key;
  std::copy(bytes->begin(), bytes->end(), key.bytes_);
  return key;
}

SecretKey SecretKey::generate() {
  SecretKey key;
  randombytes_buf(key.bytes_, kSize);
  return key;
}

std::string SecretKey::to_text() const {
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes_), kSize));
}

std::string SecretKey::mac(std::string_view data) const {
  unsigned char out[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, bytes_, kSize);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(data.data()),
                                data.size());
  crypto_auth_hmacsha256_final(&state, out);
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

std::string SecretKey::derive(std::string_view purpose) const {
  static_assert(crypto_kdf_KEYBYTES == kSize);
  if (purpose.empty() || purpose.size() > crypto_kdf_CONTEXTBYTES) {
    throw std::invalid_argument("key purpose must have 1 to 8 characters");
  }
  char context[crypto_kdf_CONTEXTBYTES] = {};
  std::copy(purpose.begin(), purpose.end(), context);
  std::string out(kSize, '\0');
  crypto_kdf_derive_from_key(reinterpret_cast<unsigned char*>(out.data()), out.size(), 1, context,
                             bytes_);
  return out;
}

SecretKey SecretKey::for_purpose(std::string_view purpose) const {
  std::string bytes = derive(purpose);
  SecretKey key;
  std::copy(bytes.begin(), bytes.end(), key.bytes_);
  sodium_memzero(bytes.data(), bytes.size());
  return key;
}

std::string SecretKey::keyed_hash(std::string_view data) const {
  std::string raw = mac(data);
  std::string hex(raw.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                 raw.size());
  hex.pop_back();
  return hex;
}

std::string SecretKey::seal(std::string_view plain, std::string_view associated) const {
  constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kSize);
  std::string box(kNonce + plain.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  auto* out = reinterpret_cast<unsigned char*>(box.data());
  randombytes_buf(out, kNonce);
  unsigned long long length = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out + kNonce, &length, reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
      reinterpret_cast<const unsigned char*>(associated.data()), associated.size(), nullptr, out,
      bytes_);
  box.resize(kNonce + length);
  return box;
}

std::optional<std::string> SecretKey::open(std::string_view box,
                                           std::string_view associated) const {
  constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  if (box.size() < kNonce + crypto_aead_xchacha20poly1305_ietf_ABYTES) return std::nullopt;
  const auto* in = reinterpret_cast<const unsigned char*>(box.data());
  std::string plain(box.size() - kNonce - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long length = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &length, nullptr, in + kNonce,
          box.size() - kNonce, reinterpret_cast<const unsigned char*>(associated.data()),
          associated.size(), in, bytes_) != 0) {
    return std::nullopt;
  }
  plain.resize(length);
  return plain;
}

Result<SecretKey> load_secret(const std::string& path) {
  auto text = read_key_file(path);
  if (!text.ok()) return text.error();
  auto key = SecretKey::from_text(text->substr(0, text->find('\n')));
  if (!key) return Error::validation("secret-key-file", path + " does not hold a valid key");
  return *key;
}

Result<SecretKey> load_or_create_secret(const std::string& path) {
  std::error_code ec;
  auto status = std::filesystem::symlink_status(path, ec);
  // Anything at the path (a file, a link to an unmounted volume, a file we may not read) is the
  // key: only a path where nothing exists gets a new one.
  if (!ec && status.type() != std::filesystem::file_type::not_found) return load_secret(path);
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty() && !std::filesystem::exists(parent, ec)) {
    std::filesystem::create_directories(parent, ec);
    std::filesystem::permissions(parent, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
  }
  SecretKey key = SecretKey::generate();
  std::string temp = path + ".tmp." + std::to_string(::getpid());
  {
    mode_t old_mask = ::umask(077);
    std::ofstream out(temp, std::ios::trunc);
    ::umask(old_mask);
    out << key.to_text() << "\n";
    out.flush();
    if (!out) {
      std::filesystem::remove(temp, ec);
      return Error::validation("secret-key-file", "cannot write " + path);
    }
  }
  // link() never replaces: when another process made the key first, theirs is the key.
  int linked = ::link(temp.c_str(), path.c_str());
  int link_error = errno;
  std::filesystem::remove(temp, ec);
  if (linked != 0 && link_error == EEXIST) return load_secret(path);
  if (linked != 0) return Error::validation("secret-key-file", "cannot write " + path);
  return key;
}

std::string random_token() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string random_code() {
  char code[8];
  std::snprintf(code, sizeof code, "%06u", randombytes_uniform(1000000));
  return code;
}

}  // namespace vitalis::identity
