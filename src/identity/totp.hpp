// Time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, what every
// authenticator app reads from an otpauth:// URI), on Debian's liboath; and the recovery codes
// that stand in for the app once each. Pure functions apart from the randomness.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vitalis::identity::totp {

inline constexpr std::int64_t kStepSeconds = 30;
inline constexpr std::size_t kSecretBytes = 20;  // 160 bits (RFC 4226's recommendation)

// A fresh random secret (kSecretBytes raw bytes).
std::string new_secret();
// RFC 4648 base32 without padding, as authenticator apps take it ("JBSWY3DPEHPK3PXP").
std::string base32(std::string_view bytes);
// The 6-digit code of `secret` (raw bytes) for the step holding `unix_time`.
std::string code_at(std::string_view secret, std::int64_t unix_time);
// The time step (unix time / 30) whose code is `code`, trying the step of `now` and one step
// either side (clock drift); nullopt when none matches or `code` is not 6 digits.
std::optional<std::int64_t> matching_step(std::string_view secret, std::string_view code,
                                          std::int64_t now);
// otpauth://totp/Vitalis:<email>?secret=<base32>&issuer=Vitalis (the QR code's text).
std::string otpauth_uri(std::string_view email, std::string_view secret_base32);

// Recovery codes: 12 characters from an alphabet without look-alikes (about 59 bits), shown as
// "abcd-efgh-jkmn".
std::string new_recovery_code();
// What a typed recovery code is compared as: lower case, without spaces and dashes.
std::string normalize_recovery_code(std::string_view typed);

}  // namespace vitalis::identity::totp
