// The drug classes and synonyms (config/drug_classes.json), the medicines table's brand names,
// name resolution and allergy matching.
#include "medicines/knowledge.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdlib>

#include "core/csv.hpp"
#include "core/log.hpp"

namespace vitalis::medicines {

namespace json = boost::json;

namespace {

Error data_error(const std::string& what) {
  return Error{ErrorCode::kInternal, "drug classes: " + what, "drug_classes"};
}

// The strings of `object[name]`, which must be a list of strings.
Result<std::vector<std::string>> strings(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (value == nullptr || !value->is_array()) {
    return data_error("\"" + std::string(name) + "\" must be a list of texts");
  }
  std::vector<std::string> out;
  for (const json::value& item : value->as_array()) {
    if (!item.is_string()) return data_error("\"" + std::string(name) + "\" holds a non-text");
    out.emplace_back(item.as_string());
  }
  return out;
}

Result<std::string> text(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (value == nullptr || !value->is_string() || value->as_string().empty()) {
    return data_error("\"" + std::string(name) + "\" must be a non-empty text");
  }
  return std::string(value->as_string());
}

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// "&amp;" as the scraped table writes "&".
std::string unescaped(std::string text) {
  for (auto at = text.find("&amp;"); at != std::string::npos; at = text.find("&amp;", at + 1)) {
    text.replace(at, 5, "&");
  }
  return text;
}

std::string first_word(const std::string& key) { return key.substr(0, key.find(' ')); }

}  // namespace

Result<Knowledge> Knowledge::from_classes_json(std::string_view json_text) {
  boost::system::error_code ec;
  json::value document = json::parse(json_text, ec);
  if (ec || !document.is_object()) return data_error("not a JSON object");
  const json::object& root = document.as_object();
  Knowledge out;
  auto source = text(root, "source");
  if (!source.ok()) return source.error();
  out.source_ = std::move(*source);

  const json::value* spellings = root.if_contains("spelling_rules");
  if (spellings == nullptr || !spellings->is_array()) {
    return data_error("\"spelling_rules\" must be a list of [from, to] pairs");
  }
  for (const json::value& rule : spellings->as_array()) {
    if (!rule.is_array() || rule.as_array().size() != 2 || !rule.as_array()[0].is_string() ||
        !rule.as_array()[1].is_string() || rule.as_array()[0].as_string().empty()) {
      return data_error("a spelling rule must be [from, to]");
    }
    out.rules_.spellings.emplace_back(rule.as_array()[0].as_string(),
                                      rule.as_array()[1].as_string());
  }
  const json::value* noise = root.if_contains("name_noise");
  if (noise == nullptr || !noise->is_object()) return data_error("\"name_noise\" is missing");
  auto units = strings(noise->as_object(), "units");
  auto forms = strings(noise->as_object(), "forms");
  auto salts = strings(root, "salt_words");
  for (const auto* list : {&units, &forms, &salts}) {
    if (!list->ok()) return list->error();
  }
  out.rules_.units.insert(units->begin(), units->end());
  out.rules_.forms.insert(forms->begin(), forms->end());
  for (const auto& salt : *salts) out.rules_.salts.insert(out.rules_.key(salt));

  const json::value* synonyms = root.if_contains("synonyms");
  if (synonyms == nullptr || !synonyms->is_object()) {
    return data_error("\"synonyms\" must map a name to its ingredients");
  }
  for (const auto& [name, targets] : synonyms->as_object()) {
    if (!targets.is_array() || targets.as_array().empty()) {
      return data_error("synonym \"" + std::string(name) + "\" must list its ingredients");
    }
    std::vector<std::string> keys;
    for (const json::value& target : targets.as_array()) {
      if (!target.is_string()) return data_error("synonym \"" + std::string(name) + "\"");
      keys.push_back(out.rules_.key(target.as_string()));
    }
    out.add_known(keys);
    out.synonyms_[out.rules_.key(name)] = std::move(keys);
  }

  const json::value* classes = root.if_contains("classes");
  if (classes == nullptr || !classes->is_array()) return data_error("\"classes\" is missing");
  for (const json::value& entry : classes->as_array()) {
    if (!entry.is_object()) return data_error("a class must be an object");
    const json::object& object = entry.as_object();
    DrugClass drug_class;
    for (auto [field, target] : {std::pair<std::string_view, std::string*>{"id", &drug_class.id},
                                 {"name", &drug_class.name},
                                 {"member_noun", &drug_class.member_noun}}) {
      auto value = text(object, field);
      if (!value.ok()) return value.error();
      *target = std::move(*value);
    }
    auto atc = strings(object, "atc");
    auto names = strings(object, "names");
    auto members = strings(object, "members");
    for (const auto* list : {&atc, &names, &members}) {
      if (!list->ok()) return list->error();
    }
    if (members->empty()) return data_error("class " + drug_class.id + " has no members");
    if (out.find_class(drug_class.id) != nullptr) {
      return data_error("class " + drug_class.id + " is listed twice");
    }
    drug_class.atc = std::move(*atc);
    std::size_t index = out.classes_.size();
    for (const auto& member : *members) {
      std::string key = out.rules_.key(member);
      add_unique(drug_class.members, key);
      out.known_.insert(key);
      out.classes_by_member_[key].push_back(index);
    }
    for (const auto& name : *names) out.class_by_name_[out.rules_.key(name)] = index;
    out.class_by_name_[out.rules_.key(drug_class.name)] = index;
    out.classes_.push_back(std::move(drug_class));
  }
  // A class name must not also be an ingredient: "penicillin" is the class, not a member.
  for (const auto& [name, index] : out.class_by_name_) {
    if (out.classes_by_member_.contains(name)) {
      return data_error("\"" + name + "\" is both a class name and an ingredient");
    }
  }
  return out;
}

Knowledge Knowledge::built_in() {
  auto knowledge = from_classes_json(embedded_classes_json());
  if (!knowledge.ok()) {
    // The file is built into the binary and checked by the tests: a bug, not an input.
    log::error("built-in drug classes are malformed", {{"reason", knowledge.error().message}});
    log::flush();
    std::abort();
  }
  return std::move(*knowledge);
}

void Knowledge::add_known(const std::vector<std::string>& ingredients) {
  for (const auto& ingredient : ingredients) known_.insert(ingredient);
}

Result<std::size_t> Knowledge::add_medicines_table(std::string_view csv) {
  CsvTable table = parse_csv(csv);
  auto column = [&](std::string_view name) -> std::ptrdiff_t {
    auto found = std::find(table.header.begin(), table.header.end(), name);
    return found == table.header.end() ? -1 : found - table.header.begin();
  };
  std::ptrdiff_t name_column = column("Medicine Name"), composition_column = column("Composition");
  if (name_column < 0 || composition_column < 0) {
    return data_error("the medicines table needs the columns Medicine Name and Composition");
  }
  for (const auto& row : table.rows) {
    auto at = [&](std::ptrdiff_t index) {
      return static_cast<std::size_t>(index) < row.size() ? unescaped(row[index]) : std::string();
    };
    Product product{at(name_column), {}, {}};
    product.key = rules_.key(product.name);
    for (const auto& part : composition_parts(at(composition_column))) {
      for (auto& ingredient : canonical(rules_.key(part))) {
        add_unique(product.ingredients, ingredient);
      }
    }
    if (product.key.empty() || product.ingredients.empty()) continue;
    add_known(product.ingredients);
    products_by_first_word_[first_word(product.key)].push_back(products_.size());
    products_.push_back(std::move(product));
  }
  return products_.size();
}

std::vector<std::string> Knowledge::canonical(const std::string& key) const {
  if (key.empty()) return {};
  if (auto found = synonyms_.find(key); found != synonyms_.end()) return found->second;
  std::string bare = rules_.without_salts(key);
  if (auto found = synonyms_.find(bare); found != synonyms_.end()) return found->second;
  return {bare};
}

Resolution Knowledge::resolve_one(std::string_view name) const {
  Resolution out;
  out.name = std::string(name);
  std::string key = rules_.key(name);
  if (key.empty()) return out;
  if (auto found = class_by_name_.find(key); found != class_by_name_.end()) {
    out.matched_by = MatchedBy::kClass;
    out.named_classes.push_back(&classes_[found->second]);
    return out;
  }
  std::vector<std::string> ingredients = canonical(key);
  if (std::all_of(ingredients.begin(), ingredients.end(),
                  [&](const std::string& each) { return known_.contains(each); })) {
    out.matched_by = MatchedBy::kIngredient;
    out.ingredients = std::move(ingredients);
    return out;
  }
  // A brand: the products named exactly so, else every product whose name starts with it
  // ("Augmentin" is all the Augmentin products: what any of them contains counts).
  auto family = products_by_first_word_.find(first_word(key));
  if (family == products_by_first_word_.end()) return out;
  std::vector<std::size_t> exact, prefixed;
  for (std::size_t index : family->second) {
    const std::string& product = products_[index].key;
    if (product == key) {
      exact.push_back(index);
    } else if (product.size() > key.size() && product.compare(0, key.size(), key) == 0 &&
               product[key.size()] == ' ') {
      prefixed.push_back(index);
    }
  }
  const auto& matched = exact.empty() ? prefixed : exact;
  if (matched.empty()) return out;
  out.matched_by = MatchedBy::kBrand;
  out.product = products_[matched.front()].name;
  for (std::size_t index : matched) {
    for (const auto& ingredient : products_[index].ingredients) {
      add_unique(out.ingredients, ingredient);
    }
  }
  return out;
}

Resolution Knowledge::resolve(std::string_view name) const {
  Resolution whole = resolve_one(name);
  if (whole.resolved()) return whole;
  std::vector<std::string> parts = combination_parts(name);
  if (parts.size() < 2) return whole;
  Resolution out;
  out.name = std::string(name);
  for (const auto& part : parts) {
    Resolution one = resolve_one(part);
    if (!one.resolved()) {
      out.unresolved_parts.push_back(part);
      continue;
    }
    // The combination counts as matched by its weakest understood part's way (a brand is the
    // least direct); any understood part makes it resolved.
    if (out.matched_by == MatchedBy::kNone || one.matched_by == MatchedBy::kBrand) {
      out.matched_by = one.matched_by;
    }
    for (const auto& ingredient : one.ingredients) add_unique(out.ingredients, ingredient);
    for (const DrugClass* drug_class : one.named_classes) {
      if (std::find(out.named_classes.begin(), out.named_classes.end(), drug_class) ==
          out.named_classes.end()) {
        out.named_classes.push_back(drug_class);
      }
    }
    if (out.product.empty()) out.product = one.product;
  }
  return out;
}

std::vector<const DrugClass*> Knowledge::classes_of(const std::string& ingredient) const {
  std::vector<const DrugClass*> out;
  if (auto found = classes_by_member_.find(ingredient); found != classes_by_member_.end()) {
    for (std::size_t index : found->second) out.push_back(&classes_[index]);
  }
  return out;
}

const DrugClass* Knowledge::find_class(std::string_view id) const {
  for (const auto& drug_class : classes_) {
    if (drug_class.id == id) return &drug_class;
  }
  return nullptr;
}

std::vector<AllergyMatch> Knowledge::allergy_matches(const Resolution& allergy,
                                                     const Resolution& medicine) const {
  std::vector<AllergyMatch> out;
  for (const auto& ingredient : medicine.ingredients) {
    if (contains(allergy.ingredients, ingredient)) {
      out.push_back({AllergyMatchKind::kSameIngredient, ingredient, ingredient, nullptr});
      continue;
    }
    auto named = std::find_if(
        allergy.named_classes.begin(), allergy.named_classes.end(),
        [&](const DrugClass* drug_class) { return contains(drug_class->members, ingredient); });
    if (named != allergy.named_classes.end()) {
      out.push_back({AllergyMatchKind::kAllergyToClass, ingredient, "", *named});
      continue;
    }
    bool found = false;
    for (const DrugClass* drug_class : classes_of(ingredient)) {
      for (const auto& allergen : allergy.ingredients) {
        if (!found && contains(drug_class->members, allergen)) {
          out.push_back({AllergyMatchKind::kSameClass, ingredient, allergen, drug_class});
          found = true;
        }
      }
    }
  }
  return out;
}

std::shared_ptr<const Knowledge> load_knowledge(const std::filesystem::path& datasets_dir) {
  auto knowledge = std::make_shared<Knowledge>(Knowledge::built_in());
  auto path = datasets_dir / kMedicinesTable;
  auto csv = read_file(path);
  Result<std::size_t> products =
      csv.ok() ? knowledge->add_medicines_table(*csv) : Result<std::size_t>(csv.error());
  if (products.ok()) {
    log::info("medicines table loaded",
              {{"products", static_cast<std::int64_t>(*products)},
               {"classes", static_cast<std::int64_t>(knowledge->classes().size())}});
  } else {
    log::warn("medicines table not loaded: brand names will not be resolved when prescribing",
              {{"reason", products.error().message}});
  }
  return knowledge;
}

}  // namespace vitalis::medicines
