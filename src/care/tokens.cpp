// Test-booking tokens; see tokens.hpp.
#include "care/tokens.hpp"

#include <sodium.h>

#include <cctype>
#include <cstdint>

namespace vitalis::care {

namespace {

constexpr std::string_view kTokenAlphabet = "ACDEFHJKMNPRTUVWXY34679";
constexpr std::size_t kTokenLength = 8;

Error not_a_token() {
  return Error::validation("token", "a booking token is 8 letters and digits, like K7RX-M4PD");
}

}  // namespace

std::string new_booking_token() {
  std::string out;
  for (std::size_t index = 0; index < kTokenLength; ++index) {
    if (index == kTokenLength / 2) out.push_back('-');
    out.push_back(
        kTokenAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kTokenAlphabet.size()))]);
  }
  return out;
}

Result<std::string> normalise_token(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '-' || c == ' ') continue;
    char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (kTokenAlphabet.find(upper) == std::string_view::npos || out.size() >= kTokenLength) {
      return not_a_token();
    }
    out.push_back(upper);
  }
  if (out.size() != kTokenLength) return not_a_token();
  return out.substr(0, 4) + "-" + out.substr(4);
}

}  // namespace vitalis::care
