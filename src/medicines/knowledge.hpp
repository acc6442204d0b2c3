// Medicines knowledge: what a medicine's name means. Generic names in any usual spelling,
// combinations and brand names resolve to active ingredients (brands through the medicines table
// read from --datasets); ingredients belong to drug classes, which are data with their source
// (config/drug_classes.json from WHO ATC groups, embedded at build). Records uses it to check a
// prescription against the patient's allergies and current medicines; the pharmacy module can use
// it the same way. No database, no HTTP. Immutable once built: safe for concurrent use from any
// thread.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/error.hpp"
#include "medicines/names.hpp"

namespace vitalis::medicines {

// config/drug_classes.json as built into the binary.
std::string_view embedded_classes_json();

// Where the medicines table lies under the datasets directory.
inline constexpr std::string_view kMedicinesTable =
    "medicines/medicine_details_11k/Medicine_Details.csv";

struct DrugClass {
  std::string id;           // "penicillins"
  std::string name;         // "Penicillins"
  std::string member_noun;  // "a penicillin": "Amoxicillin is a penicillin."
  std::vector<std::string> atc;
  std::vector<std::string> members;  // ingredient keys
};

enum class MatchedBy { kNone, kIngredient, kClass, kBrand };

// What a name was understood as.
struct Resolution {
  std::string name;  // as given
  MatchedBy matched_by = MatchedBy::kNone;
  std::vector<std::string> ingredients;         // ingredient keys ("amoxicillin"), in order
  std::vector<const DrugClass*> named_classes;  // classes the name itself names ("penicillin")
  std::string product;                          // the table's product, when matched by brand
  std::vector<std::string> unresolved_parts;    // parts of a combination not understood

  bool resolved() const { return matched_by != MatchedBy::kNone; }
};

// How a medicine meets an allergy, strongest first.
enum class AllergyMatchKind {
  kSameIngredient,  // the medicine contains what the patient is allergic to
  kAllergyToClass,  // the allergy names a class ("penicillin") the ingredient belongs to
  kSameClass,       // the ingredient shares a class with an allergy ingredient (cross-reaction)
};
struct AllergyMatch {
  AllergyMatchKind kind = AllergyMatchKind::kSameIngredient;
  std::string ingredient;                 // of the medicine
  std::string allergy_ingredient;         // kSameIngredient, kSameClass: the allergy's ingredient
  const DrugClass* drug_class = nullptr;  // kAllergyToClass, kSameClass
};

class Knowledge {
 public:
  // The drug classes, synonyms and name rules of a drug_classes.json text; 422-style error
  // naming what is malformed.
  static Result<Knowledge> from_classes_json(std::string_view json);
  // The built-in classes (embedded_classes_json(), checked by the tests).
  static Knowledge built_in();

  // Adds the brand names and compositions of the medicines table (its CSV text): columns
  // "Medicine Name" and "Composition". Returns how many products it holds.
  Result<std::size_t> add_medicines_table(std::string_view csv);

  // Ingredients and classes of a name as a doctor or patient types it. Unknown names come back
  // unresolved (never guessed from part of a word: "penicillamine" is not "penicillin").
  Resolution resolve(std::string_view name) const;
  // How `medicine` meets the allergy `allergy`: one match per ingredient of the medicine, the
  // strongest kind.
  std::vector<AllergyMatch> allergy_matches(const Resolution& allergy,
                                            const Resolution& medicine) const;

  std::vector<const DrugClass*> classes_of(const std::string& ingredient) const;
  const DrugClass* find_class(std::string_view id) const;
  const std::vector<DrugClass>& classes() const { return classes_; }
  // The name key everything is compared by (NameRules::key).
  std::string key(std::string_view name) const { return rules_.key(name); }
  // What the name would be as ingredient keys, known or not: a synonym's ingredients, else the
  // key without salts ("Zyxorin hydrochloride 10 mg" -> "zyxorin"). For comparing two names
  // the knowledge cannot resolve.
  std::vector<std::string> ingredient_keys(std::string_view name) const {
    return canonical(rules_.key(name));
  }
  // Brand names can be resolved only with the medicines table.
  bool has_brand_names() const { return !products_.empty(); }
  std::size_t products() const { return products_.size(); }
  const std::string& source() const { return source_; }

 private:
  struct Product {
    std::string name, key;
    std::vector<std::string> ingredients;
  };
  // The ingredient keys of a name key: a synonym's, or the key itself (salts dropped).
  std::vector<std::string> canonical(const std::string& key) const;
  // Resolves one name without splitting it into parts.
  Resolution resolve_one(std::string_view name) const;
  void add_known(const std::vector<std::string>& ingredients);

  NameRules rules_;
  std::string source_;
  std::vector<DrugClass> classes_;
  std::unordered_map<std::string, std::size_t> class_by_name_;
  std::unordered_map<std::string, std::vector<std::size_t>> classes_by_member_;
  std::unordered_map<std::string, std::vector<std::string>> synonyms_;
  std::unordered_set<std::string> known_;  // every ingredient key the data names
  std::vector<Product> products_;
  std::unordered_map<std::string, std::vector<std::size_t>> products_by_first_word_;
};

// The built-in knowledge plus the medicines table under `datasets_dir` when it can be read; logs
// what was loaded, and why the table was not (brand names then stay unresolved).
std::shared_ptr<const Knowledge> load_knowledge(const std::filesystem::path& datasets_dir);

}  // namespace vitalis::medicines
