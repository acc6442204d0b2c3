// How a medicine's name is compared: the words that matter, in one spelling. "Amoxycillin 500 mg
// Capsules", "AMOXICILLIN" and "Amoxicillín" all become "amoxicillin"; "Augmentin 625 Duo Tablet"
// becomes "augmentin duo". The rules (units, form words, spellings, salts) come from
// config/drug_classes.json. Immutable once built: safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace vitalis::medicines {

struct NameRules {
  std::unordered_set<std::string> units;  // dropped after a number: "500 mg"
  std::unordered_set<std::string> forms;  // dropped from the end: "tablet", "oral suspension"
  std::unordered_set<std::string> salts;  // dropped from the end of an ingredient: "sodium"
  std::vector<std::pair<std::string, std::string>> spellings;  // "sulph" -> "sulf" in any word

  // Lower case, accents and punctuation folded away (core/search_text.hpp), numbers and their
  // units dropped, each word spelled the INN way, trailing form words dropped. May be empty.
  std::string key(std::string_view name) const;
  // `key` without trailing salt words ("olmesartan medoxomil" -> "olmesartan"), keeping at
  // least one word.
  std::string without_salts(const std::string& key) const;
};

// The parts of a combination as people write it: "amoxicillin + clavulanic acid",
// "sulfamethoxazole/trimethoprim", "codeine and paracetamol". One part when there is no
// separator.
std::vector<std::string> combination_parts(std::string_view name);

// The ingredient names of a medicines-table composition: "Amoxycillin  (500mg) +  Clavulanic
// Acid (125mg)" -> {"Amoxycillin", "Clavulanic Acid"} (strengths in brackets dropped).
std::vector<std::string> composition_parts(std::string_view composition);

}  // namespace vitalis::medicines
