// TOTP over liboath's generator; matching is ours, in constant time per candidate code.
#include "identity/totp.hpp"

#include <liboath/oath.h>
#include <sodium.h>

#include <cctype>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include "identity/crypto.hpp"

namespace vitalis::identity::totp {

namespace {

void init_oath() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (oath_init() != OATH_OK) throw std::runtime_error("liboath failed to initialise");
  });
}

constexpr std::string_view kRecoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";

}  // namespace

std::string new_secret() {
  std::string secret(kSecretBytes, '\0');
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

std::string base32(std::string_view bytes) {
  init_oath();
  char* out = nullptr;
  std::size_t length = 0;
  if (oath_base32_encode(bytes.data(), bytes.size(), &out, &length) != OATH_OK) {
    throw std::runtime_error("base32 encoding failed");
  }
  std::string text(out, length);
  std::free(out);  // NOLINT(cppcoreguidelines-no-malloc): liboath allocated it with malloc
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

std::string code_at(std::string_view secret, std::int64_t unix_time) {
  init_oath();
  char code[7] = {};
  if (oath_totp_generate(secret.data(), secret.size(), static_cast<time_t>(unix_time),
                         static_cast<unsigned>(kStepSeconds), 0, 6, code) != OATH_OK) {
    throw std::runtime_error("TOTP generation failed");
  }
  return std::string(code, 6);
}

std::optional<std::int64_t> matching_step(std::string_view secret, std::string_view code,
                                          std::int64_t now) {
  if (code.size() != 6) return std::nullopt;
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::optional<std::int64_t> found;
  for (std::int64_t offset : {-1, 0, 1}) {
    std::int64_t at = now + offset * kStepSeconds;
    // Every candidate is computed and compared, so the time taken says nothing of which matched.
    if (constant_time_equal(code_at(secret, at), code) && !found) found = at / kStepSeconds;
  }
  return found;
}

std::string otpauth_uri(std::string_view email, std::string_view secret_base32) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string label;
  for (unsigned char c : email) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~' || c == '@') {
      label += static_cast<char>(c);
    } else {
      label += '%';
      label += kHex[c >> 4];
      label += kHex[c & 15];
    }
  }
  return "otpauth://totp/Vitalis:" + label + "?secret=" + std::string(secret_base32) +
         "&issuer=Vitalis";
}

std::string new_recovery_code() {
  std::string code;
  for (int i = 0; i < 12; ++i) {
    if (i == 4 || i == 8) code += '-';
    code += kRecoveryAlphabet[randombytes_uniform(kRecoveryAlphabet.size())];
  }
  return code;
}

std::string normalize_recovery_code(std::string_view typed) {
  std::string out;
  for (unsigned char c : typed) {
    if (c == '-' || std::isspace(c)) continue;
    out += static_cast<char>(std::tolower(c));
  }
  return out;
}

}  // namespace vitalis::identity::totp
