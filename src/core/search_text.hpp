// Accent-insensitive text for search: names and other words folded to lower case with Latin
// accents stripped ("José Müller" → "jose muller"), one space between words. Used by patient
// search (identity's name index), the doctor directory and medicine names. Pure functions, safe
// from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vitalis {

// UTF-8 aware: Latin-1 and Latin Extended-A letters fold to ASCII (ß → ss, æ → ae), ASCII,
// Greek and basic Cyrillic capitals to lower case; apostrophes vanish; anything else that is not
// a letter or digit separates words. Invalid UTF-8 bytes separate words too.
std::string fold_name(std::string_view text);

// True when every word of `folded_query` occurs somewhere in `folded_text` (both folded): the
// doctor directory's match ("card lisb" finds "Cardiology, Lisbon Heart Clinic").
bool contains_words(std::string_view folded_text, std::string_view folded_query);

// The distinct words of a folded name, in order.
std::vector<std::string> name_words(std::string_view folded);

}  // namespace vitalis
