// Test-booking tokens: short, unambiguous, read aloud and typed by hand at a desk. Pure functions
// over libsodium's generator; uniqueness is the bookings table's to check.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace vitalis::care {

// A new random token, two groups of four such as "K7RX-M4PD": 23 letters and digits without
// 0/O/Q, 1/I/L, 2/Z, 5/S, 8/B or 6/G (about 7.8 * 10^10 tokens).
std::string new_booking_token();

// A token as typed ("k7rx m4pd", "K7RXM4PD") in its stored form "K7RX-M4PD"; 422 naming `token`
// when it cannot be one.
Result<std::string> normalise_token(std::string_view text);

}  // namespace vitalis::care
