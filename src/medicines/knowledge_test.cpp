// Medicines knowledge: names in any usual spelling, case and accent resolve to the same
// ingredient; class names resolve to their class; no partial-word guesses; allergy matching by
// ingredient, by a class the allergy names and by a shared class; brand names through the real
// medicines table (read from the shared datasets, which every test machine has) and through a
// small inline table; the class data itself is well-formed.
#include "medicines/knowledge.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/csv.hpp"

namespace vitalis::medicines {
namespace {

std::filesystem::path datasets_dir() {
  if (const char* env = std::getenv("VITALIS_DATASETS"); env != nullptr && *env != '\0') {
    return env;
  }
  return VITALIS_DEFAULT_DATASETS;
}

const Knowledge& built_in() {
  static const Knowledge knowledge = Knowledge::built_in();
  return knowledge;
}

const Knowledge& with_table() {
  static const Knowledge knowledge = [] {
    Knowledge out = Knowledge::built_in();
    auto csv = read_file(datasets_dir() / kMedicinesTable);
    EXPECT_TRUE(csv.ok()) << "the medicines table is part of the shared datasets";
    if (csv.ok()) {
      EXPECT_TRUE(out.add_medicines_table(*csv).ok());
    }
    return out;
  }();
  return knowledge;
}

std::vector<std::string> ingredients(const Knowledge& knowledge, std::string_view name) {
  return knowledge.resolve(name).ingredients;
}

std::vector<std::string> class_ids(const Knowledge& knowledge, const std::string& ingredient) {
  std::vector<std::string> out;
  for (const DrugClass* drug_class : knowledge.classes_of(ingredient))
    out.push_back(drug_class->id);
  return out;
}

using Names = std::vector<std::string>;

TEST(MedicineNames, SpellingsCaseAccentsStrengthsAndFormsMeetInOneName) {
  const auto& k = built_in();
  for (const char* name : {"amoxicillin", "AMOXICILLIN", "Amoxycillin 500 mg capsules",
                           "Amoxicillín", "amoxicilina", "Amoxicillin 1 g", "amoxicillin sodium"}) {
    Resolution found = k.resolve(name);
    EXPECT_EQ(found.matched_by, MatchedBy::kIngredient) << name;
    EXPECT_EQ(found.ingredients, Names{"amoxicillin"}) << name;
  }
  EXPECT_EQ(ingredients(k, "Acetaminophen"), Names{"paracetamol"});
  EXPECT_EQ(ingredients(k, "paracetamol 500mg/5ml syrup"), Names{"paracetamol"});
  EXPECT_EQ(ingredients(k, "Cephalexin"), Names{"cefalexin"});
  EXPECT_EQ(class_ids(k, "cefalexin"), Names{"cephalosporins"});
  EXPECT_EQ(ingredients(k, "Sulphamethoxazole"), Names{"sulfamethoxazole"});
  EXPECT_EQ(ingredients(k, "Diclofenac Sodium 50 mg tablets"), Names{"diclofenac"});
  EXPECT_EQ(ingredients(k, "Olmesartan medoxomil"), Names{"olmesartan"});
  // "Penicillin V" is one penicillin, not the class; "g" after no number is part of the name.
  EXPECT_EQ(ingredients(k, "Penicillin V 250 mg"), Names{"phenoxymethylpenicillin"});
  EXPECT_EQ(ingredients(k, "penicillin G"), Names{"benzylpenicillin"});
  EXPECT_EQ(ingredients(k, "Co-amoxiclav"), (Names{"amoxicillin", "clavulanic acid"}));
  EXPECT_EQ(ingredients(k, "acetylsalicylic acid"), Names{"aspirin"});
  EXPECT_EQ(class_ids(k, "aspirin"), Names{"nsaids"});
}

TEST(MedicineNames, ClassNamesInSeveralLanguagesNameTheClass) {
  const auto& k = built_in();
  for (auto [name, id] : {std::pair<const char*, const char*>{"Penicillin", "penicillins"},
                          {"penicillins", "penicillins"},
                          {"Pénicilline", "penicillins"},
                          {"PENICILINA", "penicillins"},
                          {"sulfa drugs", "sulfonamide_antibiotics"},
                          {"Sulpha", "sulfonamide_antibiotics"},
                          {"NSAIDs", "nsaids"},
                          {"Cephalosporins", "cephalosporins"},
                          {"ACE inhibitors", "ace_inhibitors"},
                          {"opiates", "opioids"}}) {
    Resolution found = k.resolve(name);
    ASSERT_EQ(found.matched_by, MatchedBy::kClass) << name;
    ASSERT_EQ(found.named_classes.size(), 1u) << name;
    EXPECT_EQ(found.named_classes.front()->id, id) << name;
    EXPECT_TRUE(found.ingredients.empty()) << name;
  }
}

TEST(MedicineNames, NoGuessFromPartOfAWord) {
  const auto& k = with_table();
  for (const char* name : {"penicillamine", "Amoxicillinx", "statinol", "", "500 mg tablets"}) {
    Resolution found = k.resolve(name);
    EXPECT_FALSE(found.resolved()) << name;
    EXPECT_TRUE(found.ingredients.empty()) << name;
    EXPECT_TRUE(found.named_classes.empty()) << name;
  }
  EXPECT_TRUE(k.allergy_matches(k.resolve("penicillin"), k.resolve("penicillamine")).empty());
  EXPECT_TRUE(k.allergy_matches(k.resolve("aspirin"), k.resolve("paracetamol")).empty());
}

TEST(MedicineNames, CombinationsResolvePartByPart) {
  const auto& k = built_in();
  EXPECT_EQ(ingredients(k, "amoxicillin + clavulanic acid"),
            (Names{"amoxicillin", "clavulanic acid"}));
  EXPECT_EQ(ingredients(k, "Sulfamethoxazole/Trimethoprim"),
            (Names{"sulfamethoxazole", "trimethoprim"}));
  EXPECT_EQ(ingredients(k, "codeine and paracetamol"), (Names{"codeine", "paracetamol"}));
  Resolution partly = k.resolve("tramadol + unknownium");
  EXPECT_TRUE(partly.resolved());
  EXPECT_EQ(partly.ingredients, Names{"tramadol"});
  EXPECT_EQ(partly.unresolved_parts, Names{"unknownium"});
}

TEST(AllergyMatching, ByIngredientByNamedClassAndBySharedClass) {
  const auto& k = built_in();
  auto matches = [&](const char* allergy, const char* medicine) {
    return k.allergy_matches(k.resolve(allergy), k.resolve(medicine));
  };
  auto penicillin = matches("penicillin", "Amoxicillin 500 mg");
  ASSERT_EQ(penicillin.size(), 1u);
  EXPECT_EQ(penicillin[0].kind, AllergyMatchKind::kAllergyToClass);
  EXPECT_EQ(penicillin[0].ingredient, "amoxicillin");
  EXPECT_EQ(penicillin[0].drug_class->member_noun, "a penicillin");

  auto same = matches("Ibuprofen", "ibuprofen 400mg");
  ASSERT_EQ(same.size(), 1u);
  EXPECT_EQ(same[0].kind, AllergyMatchKind::kSameIngredient);

  auto nsaid = matches("ibuprofen", "Naproxen");
  ASSERT_EQ(nsaid.size(), 1u);
  EXPECT_EQ(nsaid[0].kind, AllergyMatchKind::kSameClass);
  EXPECT_EQ(nsaid[0].allergy_ingredient, "ibuprofen");
  EXPECT_EQ(nsaid[0].drug_class->id, "nsaids");

  auto sulfa = matches("Sulfa", "co-trimoxazole");
  ASSERT_EQ(sulfa.size(), 1u) << "trimethoprim is not a sulfonamide";
  EXPECT_EQ(sulfa[0].ingredient, "sulfamethoxazole");

  EXPECT_TRUE(matches("penicillin", "cefalexin").empty());
  EXPECT_TRUE(matches("penicillin", "clavulanic acid").empty());
  EXPECT_TRUE(matches("latex", "amoxicillin").empty());
}

TEST(BrandNames, ResolveThroughTheMedicinesTable) {
  const auto& k = with_table();
  ASSERT_TRUE(k.has_brand_names());
  EXPECT_GT(k.products(), 11000u);
  Resolution augmentin = k.resolve("Augmentin 625 Duo");
  EXPECT_EQ(augmentin.matched_by, MatchedBy::kBrand);
  EXPECT_EQ(augmentin.product, "Augmentin 625 Duo Tablet");
  EXPECT_EQ(augmentin.ingredients, (Names{"amoxicillin", "clavulanic acid"}));
  EXPECT_EQ(ingredients(k, "augmentin"), (Names{"amoxicillin", "clavulanic acid"}));
  EXPECT_EQ(ingredients(k, "Brufen 400"), Names{"ibuprofen"});
  EXPECT_EQ(ingredients(k, "Mox 500mg Capsule"), Names{"amoxicillin"});

  // An allergy to a brand blocks what it contains, and its class relatives warn.
  auto by_brand = k.allergy_matches(k.resolve("Augmentin"), k.resolve("amoxicillin"));
  ASSERT_EQ(by_brand.size(), 1u);
  EXPECT_EQ(by_brand[0].kind, AllergyMatchKind::kSameIngredient);
  auto relative = k.allergy_matches(k.resolve("Augmentin"), k.resolve("Flucloxacillin"));
  ASSERT_EQ(relative.size(), 1u);
  EXPECT_EQ(relative[0].kind, AllergyMatchKind::kSameClass);
  auto penicillin = k.allergy_matches(k.resolve("penicillin"), k.resolve("Augmentin 625 Duo"));
  ASSERT_EQ(penicillin.size(), 1u);
  EXPECT_EQ(penicillin[0].ingredient, "amoxicillin");

  // Without the table brand names stay unknown, while generic names and classes still work.
  EXPECT_FALSE(built_in().has_brand_names());
  EXPECT_FALSE(built_in().resolve("Augmentin 625 Duo").resolved());
  EXPECT_EQ(ingredients(built_in(), "amoxicillin"), Names{"amoxicillin"});
}

TEST(BrandNames, ExactProductBeforeTheFamilyAndEntitiesUnescaped) {
  Knowledge k = Knowledge::built_in();
  auto added = k.add_medicines_table(
      "Medicine Name,Composition,Uses\r\n"
      "Brandex 400 Tablet,Ibuprofen (400mg),pain\r\n"
      "Brandex Plus Tablet,Ibuprofen (400mg) + Paracetamol (325mg),pain\r\n"
      "\"Tri &amp; Co Syrup\",\"Sulphamethoxazole (200mg/5ml) + Trimethoprim (40mg/5ml)\",x\r\n"
      "Emptyco Tablet,,x\r\n");
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(*added, 3u) << "a product without a composition is skipped";
  EXPECT_EQ(ingredients(k, "Brandex 400"), Names{"ibuprofen"});
  EXPECT_EQ(ingredients(k, "Brandex plus"), (Names{"ibuprofen", "paracetamol"}));
  EXPECT_EQ(ingredients(k, "tri & co"), (Names{"sulfamethoxazole", "trimethoprim"}));
  EXPECT_FALSE(k.add_medicines_table("Name,What\r\nx,y\r\n").ok());
}

TEST(DrugClassData, TheBuiltInFileIsWellFormedAndNamesItsSource) {
  const auto& k = built_in();
  EXPECT_NE(k.source().find("ATC"), std::string::npos);
  EXPECT_NE(k.source().find("WHO"), std::string::npos);
  EXPECT_GE(k.classes().size(), 12u);
  for (const char* id :
       {"penicillins", "cephalosporins", "sulfonamide_antibiotics", "nsaids", "macrolides",
        "fluoroquinolones", "tetracyclines", "opioids", "ace_inhibitors", "statins"}) {
    const DrugClass* drug_class = k.find_class(id);
    ASSERT_NE(drug_class, nullptr) << id;
    EXPECT_FALSE(drug_class->atc.empty()) << id;
    EXPECT_FALSE(drug_class->members.empty()) << id;
  }
  EXPECT_EQ(k.find_class("penicillins")->atc, Names{"J01C"});
}

TEST(DrugClassData, MalformedFilesAreRefusedNamingTheProblem) {
  EXPECT_FALSE(Knowledge::from_classes_json("not json").ok());
  EXPECT_FALSE(Knowledge::from_classes_json("{}").ok());
  const std::string base =
      R"({"source": "test", "spelling_rules": [], "synonyms": {}, "salt_words": [],
          "name_noise": {"units": [], "forms": []}, "classes": [)";
  auto with_classes = [&](const std::string& classes) {
    return Knowledge::from_classes_json(base + classes + "]}");
  };
  const std::string penicillins =
      R"({"id": "penicillins", "name": "Penicillins", "member_noun": "a penicillin",
          "atc": ["J01C"], "names": ["penicillin"], "members": ["amoxicillin"]})";
  EXPECT_TRUE(with_classes(penicillins).ok());
  auto twice = with_classes(penicillins + "," + penicillins);
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("twice"), std::string::npos);
  auto both = with_classes(
      R"({"id": "x", "name": "X", "member_noun": "an x", "atc": [], "names": ["amoxicillin"],
          "members": ["amoxicillin"]})");
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.error().message.find("both"), std::string::npos);
  EXPECT_FALSE(with_classes(R"({"id": "x", "name": "X", "member_noun": "an x", "atc": [],
                                "names": [], "members": []})")
                   .ok());
}

}  // namespace
}  // namespace vitalis::medicines
