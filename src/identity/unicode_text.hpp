// Unicode rules for what people type (ICU): normal forms, invisible and direction-changing
// characters, mixed-script look-alikes, internationalised domain names. Pure functions,
// thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vitalis::identity::unicode {

// NFC of valid UTF-8; nullopt for invalid UTF-8.
std::optional<std::string> nfc(std::string_view utf8);

// NFKC with case folding (compatibility forms such as fullwidth letters become their plain
// forms): what a rule compares, never what is stored. Input must be valid UTF-8.
std::string nfkc_casefold(std::string_view utf8);

// A character that is invisible or controls layout: C0/C1 controls, format characters (bidi
// embeddings, overrides and isolates, marks, zero-width space, BOM; zero-width (non-)joiners are
// allowed, Persian and Indic names need them), private use, unassigned, surrogates, line and
// paragraph separators. Returns the first one's code point, or nullopt.
std::optional<char32_t> first_hidden_character(std::string_view utf8);

// Mixes scripts in a way names do not (ICU's moderately restrictive level, UTS #39: Latin may
// join Han/Japanese/Korean or one other script except Cyrillic and Greek), or mixes digits of
// several systems: the trick behind "Bruno Cоsta" with a Cyrillic "о".
bool mixes_confusable_scripts(std::string_view utf8);

// The domain of an email address in its Unicode form (UTS #46: mapped, lower-cased, NFC; an
// "xn--" label decoded); nullopt when it is not a valid internationalised domain name.
std::optional<std::string> idna_domain(std::string_view domain);

}  // namespace vitalis::identity::unicode
