// ICU behind identity's Unicode rules (unicode_text.hpp). ICU's normalizer, IDNA and spoof-checker
// instances are made once and are safe to share between threads for these read-only calls.
#include "identity/unicode_text.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uidna.h>
#include <unicode/unistr.h>
#include <unicode/uset.h>
#include <unicode/uspoof.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <stdexcept>

namespace vitalis::identity::unicode {

namespace {

bool valid_utf8(std::string_view text) {
  std::int32_t index = 0, length = static_cast<std::int32_t>(text.size());
  while (index < length) {
    UChar32 ch = 0;
    U8_NEXT(text.data(), index, length, ch);
    if (ch < 0) return false;
  }
  return true;
}

std::string normalize_with(const icu::Normalizer2* normalizer, std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString source = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString normalized = normalizer->normalize(source, status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU normalization failed");
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

const icu::Normalizer2* instance(bool compatibility_casefold) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = compatibility_casefold
                                           ? icu::Normalizer2::getNFKCCasefoldInstance(status)
                                           : icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU normalization data missing");
  return normalizer;
}

bool hidden(UChar32 ch) {
  if (ch == 0x200C || ch == 0x200D) return false;  // ZWNJ, ZWJ: part of some scripts' spelling
  switch (u_charType(ch)) {
    case U_CONTROL_CHAR:
    case U_FORMAT_CHAR:
    case U_PRIVATE_USE_CHAR:
    case U_SURROGATE:
    case U_UNASSIGNED:
    case U_LINE_SEPARATOR:
    case U_PARAGRAPH_SEPARATOR:
      return true;
    default:
      return false;
  }
}

struct SpoofChecker {
  USpoofChecker* checker = nullptr;
  SpoofChecker() {
    UErrorCode status = U_ZERO_ERROR;
    checker = uspoof_open(&status);
    uspoof_setChecks(checker, USPOOF_RESTRICTION_LEVEL | USPOOF_MIXED_NUMBERS, &status);
    uspoof_setRestrictionLevel(checker, USPOOF_MODERATELY_RESTRICTIVE);
    // Scripts are the question, not ICU's identifier profile (which leaves out spaces and
    // punctuation, and would make every two-word name "unrestricted").
    USet* allowed = uset_openPattern(u"[[:L:][:M:][:N:][:Zs:][:P:]\\u200C\\u200D]", -1, &status);
    if (U_SUCCESS(status)) uspoof_setAllowedChars(checker, allowed, &status);
    uset_close(allowed);
    if (U_FAILURE(status)) throw std::runtime_error("ICU spoof checker unavailable");
  }
  ~SpoofChecker() { uspoof_close(checker); }
  SpoofChecker(const SpoofChecker&) = delete;
  SpoofChecker& operator=(const SpoofChecker&) = delete;
};

const UIDNA* idna() {
  static const UIDNA* const uts46 = [] {
    UErrorCode status = U_ZERO_ERROR;
    UIDNA* made = uidna_openUTS46(
        UIDNA_NONTRANSITIONAL_TO_UNICODE | UIDNA_CHECK_BIDI | UIDNA_CHECK_CONTEXTJ, &status);
    if (U_FAILURE(status)) throw std::runtime_error("ICU IDNA unavailable");
    return made;
  }();
  return uts46;
}

}  // namespace

std::optional<std::string> nfc(std::string_view utf8) {
  if (!valid_utf8(utf8)) return std::nullopt;
  static const icu::Normalizer2* const normalizer = instance(false);
  return normalize_with(normalizer, utf8);
}

std::string nfkc_casefold(std::string_view utf8) {
  static const icu::Normalizer2* const normalizer = instance(true);
  return normalize_with(normalizer, utf8);
}

std::optional<char32_t> first_hidden_character(std::string_view utf8) {
  std::int32_t index = 0, length = static_cast<std::int32_t>(utf8.size());
  while (index < length) {
    UChar32 ch = 0;
    U8_NEXT(utf8.data(), index, length, ch);
    if (ch < 0 || hidden(ch)) return static_cast<char32_t>(ch < 0 ? 0xFFFD : ch);
  }
  return std::nullopt;
}

bool mixes_confusable_scripts(std::string_view utf8) {
  static const SpoofChecker spoof;
  UErrorCode status = U_ZERO_ERROR;
  std::int32_t result = uspoof_checkUTF8(spoof.checker, utf8.data(),
                                         static_cast<int32_t>(utf8.size()), nullptr, &status);
  return U_FAILURE(status) || result != 0;
}

std::optional<std::string> idna_domain(std::string_view domain) {
  if (!valid_utf8(domain)) return std::nullopt;
  std::string out(domain.size() * 4 + 16, '\0');
  UErrorCode status = U_ZERO_ERROR;
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  std::int32_t length =
      uidna_nameToUnicodeUTF8(idna(), domain.data(), static_cast<int32_t>(domain.size()),
                              out.data(), static_cast<int32_t>(out.size()), &info, &status);
  if (U_FAILURE(status) || info.errors != 0 || length <= 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(length));
  return out;
}

}  // namespace vitalis::identity::unicode
