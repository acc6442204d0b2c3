// The catalogue's text: cleaning what the medicines dataset scraped (HTML entities, uses run
// together, side effects without separators), folded search words, the price the demo gives an
// item, and the edit distance typo correction ranks by. Pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vitalis::pharmacy::text {

// "&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&apos;", "&nbsp;" and numeric references (ASCII
// and Latin-1 as UTF-8) decoded; anything else left as written. Runs of spaces become one;
// the ends are trimmed.
std::string clean(std::string_view raw);

// The uses as the dataset writes them, one a line: "Treatment of AllergiesTreatment of Asthma"
// (run together where a lower-case letter meets a capital) and " Hormone replacement therapy
// Female infertility" (a list without "Treatment of": a capitalised word starts the next one).
std::vector<std::string> split_uses(std::string_view raw);

// "Rectal bleeding Taste change Headache" -> {"Rectal bleeding", "Taste change", "Headache"}: a
// capitalised word (a capital then a lower-case letter) starts the next; upper-case abbreviations
// stay with the words before them.
std::vector<std::string> split_side_effects(std::string_view raw);

// The words a query searches for: folded (lower case, accents away, punctuation separates),
// at most 8 words of at most 40 bytes each, duplicates dropped.
std::vector<std::string> query_words(std::string_view query);

// Damerau-Levenshtein (adjacent swaps count one) distance between two folded words, or
// `limit + 1` as soon as it is known to be above `limit`.
int edit_distance(std::string_view a, std::string_view b, int limit);

// How far a typed word may be from a catalogue word to be read as it: 0 below 4 letters, 1 up to
// 7, 2 from 8.
int typo_allowance(std::string_view word);

// "YYYY-MM-DD" naming a real calendar day (years 2000–2999).
bool is_calendar_day(std::string_view day);

// The day `days` after `day` (both YYYY-MM-DD; `day` a calendar day).
std::string day_after(std::string_view day, int days);

// The deterministic demo price of an imported item (the dataset has none), in minor units: from
// a hash of its source key, 0.50 to 60.00 in steps of 0.05, most below 15.00.
std::int64_t demo_price_minor(std::string_view source_key);

}  // namespace vitalis::pharmacy::text
