// The refused common passwords (config/common_passwords.txt, embedded at build; provenance in
// config/common_passwords.PROVENANCE.md).
#pragma once

#include <cstddef>
#include <string_view>

namespace vitalis::identity {

// The list's text: lower-cased passwords, one a line, sorted by bytes (generated file).
std::string_view embedded_common_passwords();

// How many passwords the list holds (parsed once, on first use; thread-safe).
std::size_t common_password_count();

}  // namespace vitalis::identity
