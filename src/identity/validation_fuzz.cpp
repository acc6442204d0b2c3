// libFuzzer target: identity's checks of what people type at sign-up and in their account
// (validation.cpp): email normalisation (NFC, IDNA), names (Unicode rules), the password policy
// with the common-password list, required texts, birth dates, sex and phone numbers. Built from
// validation.cpp alone: no database (docs/RELIABILITY.md, Fuzzing). The input is split at its first
// NUL: the typed value, then a second value (the email a password must not contain). "Today" is the
// server's clock's date, always "YYYY-MM-DD...", so it is fixed here, not fuzzed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "identity/validation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vitalis::identity;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto nul = input.find('\0');
  std::string_view value = input.substr(0, nul);
  std::string_view other = nul == std::string_view::npos ? "" : input.substr(nul + 1);
  if (auto email = normalize_email(value); email.ok()) {
    auto again = normalize_email(*email);
    if (!again.ok() || *again != *email) __builtin_trap();  // normalising is idempotent
  }
  (void)check_password(value, other);
  (void)is_common_password(value);
  (void)required_text(value, "given_name", 100);
  (void)person_name(value);
  (void)check_birth_date(value, "2026-12-06T21:00:00Z");
  (void)check_sex(value);
  (void)check_phone(value);
  (void)field_label(value);
  return 0;
}
