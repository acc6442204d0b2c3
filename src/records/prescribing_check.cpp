// The prescribing safety check and its words.
#include "records/prescribing_check.hpp"

#include <algorithm>
#include <cctype>

namespace vitalis::records {

namespace {

using medicines::AllergyMatchKind;
using medicines::DrugClass;
using medicines::Knowledge;
using medicines::Resolution;

std::string capitalised(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

std::string quoted(const std::string& text) { return "\u201c" + text + "\u201d"; }

std::string listed(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t idx = 0; idx < items.size(); ++idx) {
    if (idx > 0) out += idx + 1 == items.size() ? " and " : ", ";
    out += items[idx];
  }
  return out;
}

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

// The allergy as a resolution to match against: its ingredients and the classes it names.
Resolution as_resolution(const Knowledge& knowledge, const Allergy& allergy) {
  Resolution out;
  out.name = allergy.substance;
  out.ingredients = allergy.ingredients;
  for (const auto& id : allergy.classes) {
    if (const DrugClass* drug_class = knowledge.find_class(id)) {
      out.named_classes.push_back(drug_class);
    }
  }
  return out;
}

// "Recorded allergy: Augmentin (moderate: rash), which contains amoxicillin."
std::string allergy_sentence(const Knowledge& knowledge, const Allergy& allergy,
                             const std::string& allergen) {
  std::string out = "Recorded allergy: " + allergy.substance + " (" + allergy_detail(allergy) + ")";
  if (!allergen.empty() && knowledge.key(allergy.substance) != allergen) {
    out += ", which contains " + allergen;
  }
  return out + ".";
}

// The subject of the medicine's sentence: "Amoxicillin" when that is what was typed, else
// "Augmentin 625 Duo contains amoxicillin,".
std::string medicine_subject(const Knowledge& knowledge, const std::string& medicine,
                             const std::string& ingredient, bool comma) {
  if (knowledge.key(medicine) == ingredient) return capitalised(ingredient);
  return medicine + " contains " + ingredient + (comma ? "," : "");
}

PrescribingConflict allergy_conflict(const Knowledge& knowledge, const std::string& medicine,
                                     const Allergy& allergy, const medicines::AllergyMatch& match) {
  PrescribingConflict out;
  out.kind = "allergy";
  out.ingredient = match.ingredient;
  out.allergy = allergy;
  if (match.drug_class != nullptr) {
    out.class_id = match.drug_class->id;
    out.class_name = match.drug_class->name;
  }
  switch (match.kind) {
    case AllergyMatchKind::kSameIngredient:
      out.match = "ingredient";
      out.message = allergy_sentence(knowledge, allergy, match.allergy_ingredient) + " " +
                    (knowledge.key(medicine) == match.ingredient
                         ? "This prescription is " + match.ingredient + "."
                         : medicine + " contains " + match.ingredient + ".");
      break;
    case AllergyMatchKind::kAllergyToClass:
      out.match = "class";
      out.message = allergy_sentence(knowledge, allergy, "") + " " +
                    medicine_subject(knowledge, medicine, match.ingredient, true) + " " +
                    (knowledge.key(medicine) == match.ingredient ? "is " : "") +
                    match.drug_class->member_noun + ".";
      break;
    case AllergyMatchKind::kSameClass:
      out.match = "related_class";
      out.message = allergy_sentence(knowledge, allergy, match.allergy_ingredient) + " " +
                    medicine_subject(knowledge, medicine, match.ingredient, false) +
                    (knowledge.key(medicine) == match.ingredient ? " is also " : ", also ") +
                    match.drug_class->member_noun + " like " + match.allergy_ingredient +
                    ": a reaction to one can mean a reaction to the other.";
      break;
  }
  return out;
}

// The ingredients of a medicine for the duplicate check: the resolved ones, else the name's own
// key (so two prescriptions of the same unknown name still meet).
std::vector<std::string> duplicate_keys(const Knowledge& knowledge, const Resolution& resolution) {
  if (!resolution.ingredients.empty()) return resolution.ingredients;
  return knowledge.ingredient_keys(resolution.name);
}

PrescribingConflict duplicate_conflict(const Prescription& active,
                                       const std::vector<std::string>& shared) {
  PrescribingConflict out;
  out.kind = "duplicate";
  out.match = "ingredient";
  out.ingredient = shared.front();
  out.prescription_id = active.id;
  std::string what = active.medicine;
  if (!active.strength.empty()) what += " " + active.strength;
  what += ", " + active.dose + " " + active.frequency;
  out.message = "Already prescribed and active: " + what + " (since " +
                active.prescribed_at.substr(0, 10) + "). Both contain " + listed(shared) + ".";
  return out;
}

}  // namespace

std::string allergy_detail(const Allergy& allergy) {
  bool severity = !allergy.severity.empty() && allergy.severity != "unknown";
  if (severity && !allergy.reaction.empty()) return allergy.severity + ": " + allergy.reaction;
  if (severity) return allergy.severity;
  if (!allergy.reaction.empty()) return allergy.reaction + "; severity not recorded";
  return "severity not recorded";
}

Allergy understood(const Knowledge& knowledge, Allergy allergy) {
  Resolution now = knowledge.resolve(allergy.substance);
  for (const auto& ingredient : now.ingredients) add_unique(allergy.ingredients, ingredient);
  for (const DrugClass* drug_class : now.named_classes) add_unique(allergy.classes, drug_class->id);
  return allergy;
}

PrescribingCheck check_prescription(const Knowledge& knowledge, const std::string& medicine,
                                    const std::vector<Allergy>& allergies,
                                    const std::vector<Prescription>& active) {
  PrescribingCheck out;
  out.brand_names_available = knowledge.has_brand_names();
  Resolution resolution = knowledge.resolve(medicine);
  out.medicine_understood = !resolution.ingredients.empty();
  const std::string brands_missing =
      out.brand_names_available
          ? ""
          : " Brand names cannot be looked up right now (the medicines table is not loaded).";
  if (!resolution.resolved()) {
    out.notes.push_back(quoted(medicine) +
                        " is not a medicine this server knows, so it was not checked against "
                        "the recorded allergies or for the same ingredient in current medicines. "
                        "Check it yourself." +
                        brands_missing);
  } else if (resolution.ingredients.empty()) {
    out.notes.push_back(quoted(medicine) +
                        " names a group of medicines, not one medicine, so it was not checked. "
                        "Name the medicine.");
  } else if (!resolution.unresolved_parts.empty()) {
    out.notes.push_back("Part of " + quoted(medicine) + " (" + listed(resolution.unresolved_parts) +
                        ") is not a medicine this server knows, so that part was not checked." +
                        brands_missing);
  }

  std::vector<std::string> not_understood;
  for (const Allergy& stored : allergies) {
    Allergy allergy = understood(knowledge, stored);
    if (allergy.ingredients.empty() && allergy.classes.empty()) {
      not_understood.push_back(allergy.substance);
      continue;
    }
    for (const auto& match :
         knowledge.allergy_matches(as_resolution(knowledge, allergy), resolution)) {
      out.conflicts.push_back(allergy_conflict(knowledge, medicine, allergy, match));
    }
  }
  if (!not_understood.empty()) {
    out.notes.push_back("Not checked against " +
                        std::string(not_understood.size() == 1 ? "this recorded allergy"
                                                               : "these recorded allergies") +
                        ", which the server does not know as medicines: " + listed(not_understood) +
                        "." + brands_missing);
  }

  std::vector<std::string> keys = duplicate_keys(knowledge, resolution);
  for (const Prescription& current : active) {
    std::vector<std::string> shared;
    for (const auto& key : duplicate_keys(knowledge, knowledge.resolve(current.medicine))) {
      if (std::find(keys.begin(), keys.end(), key) != keys.end()) shared.push_back(key);
    }
    if (!shared.empty()) out.conflicts.push_back(duplicate_conflict(current, shared));
  }
  return out;
}

}  // namespace vitalis::records
