// Input rules for accounts: email, password strength, names, dates. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace vitalis::identity {

// Trimmed, NFC, lower-cased (an internationalised domain in its UTS #46 Unicode form, so
// "xn--" and Unicode spellings are one address); kValidationFailed (field "email") when it is
// not an address or holds invisible or direction-changing characters.
Result<std::string> normalize_email(std::string_view email);

// At least 10 characters, at most 128, not on the common-password list, not the email address
// or its first part, not the account's name (any case; the name also without its spaces).
Status check_password(std::string_view password, std::string_view email,
                      std::string_view field = "password", std::string_view full_name = {});

// On the list of the most common passwords (common_passwords.hpp), in any letter case.
bool is_common_password(std::string_view password);

// Required text of 1..max characters (UTF-8 code points), trimmed, in NFC, without control,
// format (bidi), private-use or unassigned characters. Messages name the field's label.
Result<std::string> required_text(std::string_view value, std::string_view field, std::size_t max);

// A person's name: required_text, and nothing that would act as a link or markup where names
// are written into emails and pages (<, >, @, "://", "www.", a dot followed at once by two
// letters or digits), and no mix of look-alike alphabets (UTS #39 moderately restrictive).
Result<std::string> person_name(std::string_view value, std::string_view field = "full_name",
                                std::size_t max = 200);

// "YYYY-MM-DD", a real date, not in the future, not more than 130 years ago.
Status check_birth_date(std::string_view date, std::string_view today);

// female, male, other or unknown ("prefer not to say").
Status check_sex(std::string_view sex);
// Digits, spaces, + - ( ); at most 32 characters; empty is allowed (no phone).
Status check_phone(std::string_view phone);

// The label people see for a field the identity API names in an error ("full_name" ->
// "Full name"): error messages name it, while Error::field keeps the code.
std::string field_label(std::string_view field);

}  // namespace vitalis::identity
