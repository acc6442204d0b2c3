// The catalogue: search with typo correction, items made and changed by admins, and the import
// of the medicines dataset. The prescription rule is here too.
#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <ctime>
#include <map>
#include <set>

#include "core/csv.hpp"
#include "core/log.hpp"
#include "core/search_text.hpp"
#include "core/time.hpp"
#include "identity/audit_row.hpp"
#include "medicines/names.hpp"
#include "pharmacy/service.hpp"
#include "pharmacy/store.hpp"
#include "pharmacy/text.hpp"

namespace vitalis::pharmacy {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxName = 200, kMaxText = 2000, kMaxListItems = 50, kMaxListItem = 300;

// The ingredient keys of a composition ("Paracetamol (500mg) + Caffeine (30mg)").
std::vector<std::string> ingredients_of(const medicines::Knowledge& knowledge,
                                        const std::string& composition) {
  std::vector<std::string> out;
  for (const auto& part : medicines::composition_parts(composition)) {
    for (auto& key : knowledge.ingredient_keys(part)) {
      if (!key.empty() && std::find(out.begin(), out.end(), key) == out.end()) out.push_back(key);
    }
  }
  return out;
}

std::string joined(const std::vector<std::string>& parts, std::string_view between) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += between;
    out += part;
  }
  return out;
}

// What search reads of an item: folded name, ingredients (the knowledge's keys and the
// composition's own spellings, "amoxicillin amoxycillin"), uses.
store::SearchText search_text(const Item& item) {
  store::SearchText text;
  text.name = fold_name(item.name);
  std::string ingredients = joined(item.ingredients, " ");
  for (const auto& part : medicines::composition_parts(item.composition)) {
    ingredients += " " + part;
  }
  text.ingredients = fold_name(ingredients);
  text.uses = fold_name(joined(item.uses, " "));
  return text;
}

std::vector<std::string> terms_of(const store::SearchText& text) {
  std::set<std::string> words;
  for (const auto* field : {&text.name, &text.ingredients, &text.uses}) {
    for (auto& word : name_words(*field)) {
      if (word.size() >= 3 && word.size() <= 40 &&
          !std::isdigit(static_cast<unsigned char>(word[0]))) {
        words.insert(std::move(word));
      }
    }
  }
  return {words.begin(), words.end()};
}

Status check_text(const std::string& value, std::string_view field, std::size_t most,
                  bool required) {
  if (required && value.empty()) {
    return Error::validation(std::string(field), std::string(field) + " is required");
  }
  if (value.size() > most) {
    return Error::validation(std::string(field), std::string(field) + " is too long (" +
                                                     std::to_string(most) + " characters at most)");
  }
  return Ok{};
}

Status check_list(const std::vector<std::string>& values, std::string_view field) {
  if (values.size() > kMaxListItems) {
    return Error::validation(std::string(field), std::string(field) + " has too many entries (" +
                                                     std::to_string(kMaxListItems) + " at most)");
  }
  for (const auto& value : values) {
    if (value.empty() || value.size() > kMaxListItem) {
      return Error::validation(std::string(field), std::string(field) + " entries must be 1 to " +
                                                       std::to_string(kMaxListItem) +
                                                       " characters");
    }
  }
  return Ok{};
}

// Applies `input` to `item` (create: name and price required), checking every field.
Status apply(Item& item, const ItemInput& input, bool create) {
  if (input.name) item.name = text::clean(*input.name);
  if (input.composition) item.composition = text::clean(*input.composition);
  if (input.manufacturer) item.manufacturer = text::clean(*input.manufacturer);
  if (input.currency) item.currency = *input.currency;
  if (input.uses) item.uses = *input.uses;
  if (input.side_effects) item.side_effects = *input.side_effects;
  if (input.price_minor) item.price_minor = *input.price_minor;
  if (input.prescription_only) item.prescription_only = *input.prescription_only;
  if (input.active) item.active = *input.active;
  if (input.order_limit) item.order_limit = *input.order_limit;
  if (auto ok = check_text(item.name, "name", kMaxName, true); !ok.ok()) return ok;
  if (auto ok = check_text(item.composition, "composition", kMaxText, false); !ok.ok()) return ok;
  if (auto ok = check_text(item.manufacturer, "manufacturer", kMaxName, false); !ok.ok()) {
    return ok;
  }
  if (auto ok = check_list(item.uses, "uses"); !ok.ok()) return ok;
  if (auto ok = check_list(item.side_effects, "side_effects"); !ok.ok()) return ok;
  if (create && !input.price_minor) {
    return Error::validation("price_minor", "price_minor is required");
  }
  if (item.price_minor < 0 || item.price_minor > 100'000'000) {
    return Error::validation("price_minor",
                             "price_minor must be 0 to 100000000 (in the currency's minor unit)");
  }
  if (item.currency.size() != 3 || !std::all_of(item.currency.begin(), item.currency.end(),
                                                [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return Error::validation("currency", "currency must be a three-letter code such as GBP");
  }
  if (item.order_limit < 1 || item.order_limit > 100) {
    return Error::validation("order_limit", "order_limit must be 1 to 100");
  }
  return Ok{};
}

std::optional<int> share(const std::string& text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0 || value > 100) {
    return std::nullopt;
  }
  return value;
}

// The nearest catalogue word to `word` within its typo allowance, if any; the last word of a
// query is compared as a prefix too ("paracetm" is a typo of "paracetam…").
std::optional<std::string> nearest_term(const std::vector<std::string>& candidates,
                                        const std::string& word, bool prefix) {
  int limit = text::typo_allowance(word);
  if (limit == 0) return std::nullopt;
  std::optional<std::string> best;
  int best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    int distance = text::edit_distance(word, candidate, limit);
    if (prefix) {
      for (std::size_t length = word.size() > 1 ? word.size() - 1 : 1;
           length <= word.size() + 1 && length < candidate.size(); ++length) {
        distance = std::min(
            distance,
            text::edit_distance(word, std::string_view(candidate).substr(0, length), limit));
      }
    }
    if (distance > 0 && distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

}  // namespace

// --- the prescription rule ---------------------------------------------------------------------

Result<PrescriptionRule> PrescriptionRule::from_json(std::string_view json_text,
                                                     const medicines::Knowledge& knowledge) {
  boost::system::error_code ec;
  json::value document = json::parse(json_text, ec);
  if (ec || !document.is_object()) {
    return Error::validation("prescription_only", "the prescription rule is not a JSON object");
  }
  const auto& root = document.as_object();
  PrescriptionRule rule;
  std::set<std::string> keys;
  if (const auto* classes = root.if_contains("classes"); classes && classes->is_array()) {
    for (const auto& id : classes->as_array()) {
      if (!id.is_string()) return Error::validation("classes", "class ids must be text");
      const auto* found = knowledge.find_class(std::string(id.as_string()));
      if (found == nullptr) {
        return Error::validation("classes", "unknown drug class " + std::string(id.as_string()));
      }
      keys.insert(found->members.begin(), found->members.end());
    }
  }
  if (const auto* groups = root.if_contains("groups"); groups && groups->is_array()) {
    for (const auto& group : groups->as_array()) {
      const auto* list = group.is_object() ? group.as_object().if_contains("ingredients") : nullptr;
      if (list == nullptr || !list->is_array()) {
        return Error::validation("groups", "each group needs a list of ingredients");
      }
      for (const auto& name : list->as_array()) {
        if (!name.is_string()) return Error::validation("groups", "ingredients must be text");
        for (auto& key : knowledge.ingredient_keys(std::string(name.as_string()))) {
          keys.insert(std::move(key));
        }
      }
    }
  }
  rule.ingredients_.assign(keys.begin(), keys.end());
  return rule;
}

PrescriptionRule PrescriptionRule::built_in(const medicines::Knowledge& knowledge) {
  auto rule = from_json(embedded_prescription_rule_json(), knowledge);
  if (!rule.ok()) {
    throw std::runtime_error("the built-in prescription rule is broken: " + rule.error().message);
  }
  return std::move(rule).value();
}

bool PrescriptionRule::prescription_only(const std::vector<std::string>& ingredients) const {
  return std::any_of(ingredients.begin(), ingredients.end(), [&](const std::string& key) {
    return std::binary_search(ingredients_.begin(), ingredients_.end(), key);
  });
}

// --- the service: clock and catalogue -----------------------------------------------------------

PharmacyService::PharmacyService(db::Pool& pool, identity::IdentityService& identity,
                                 records::ClinicalService& clinical,
                                 std::shared_ptr<const medicines::Knowledge> knowledge)
    : pool_(pool),
      identity_(identity),
      clinical_(clinical),
      knowledge_(std::move(knowledge)),
      rule_(PrescriptionRule::built_in(*knowledge_)),
      now_([] {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
      }) {}

std::string PharmacyService::stamp() const {
  return format_rfc3339(std::chrono::system_clock::time_point(std::chrono::seconds(now_())));
}

std::string PharmacyService::today() const { return stamp().substr(0, 10); }

std::string PharmacyService::search_match(db::Lease& lease, const std::vector<std::string>& words,
                                          const std::vector<std::string>& synonyms, char weight,
                                          bool last_is_prefix) const {
  bool lite = lease.dialect() == db::Dialect::kSqlite;
  // SQLite: each tier has its own index; PostgreSQL: a tier is a weight of the one tsvector.
  if (weight != 0 && lite) return search_match(lease, words, synonyms, 0, last_is_prefix);
  // FTS5: "word" or "word"*; tsquery: 'word', 'word':*, 'word':A, 'word':*B.
  auto term = [&](const std::string& word, bool prefix) {
    if (lite) return "\"" + word + "\"" + (prefix ? "*" : "");
    std::string out = "'" + word + "'";
    if (prefix || weight != 0) {
      out += std::string(":") + (prefix ? "*" : "") + (weight != 0 ? std::string(1, weight) : "");
    }
    return out;
  };
  std::string all;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (!all.empty()) all += lite ? " AND " : " & ";
    all += term(words[i], i + 1 == words.size() && last_is_prefix);
  }
  if (synonyms.empty()) return all;
  std::string also;
  for (const auto& key : synonyms) {
    for (const auto& word : name_words(fold_name(key))) {
      if (!also.empty()) also += lite ? " AND " : " & ";
      also += term(word, false);
    }
  }
  return "(" + all + ")" + (lite ? " OR " : " | ") + "(" + also + ")";
}

Result<SearchPage> PharmacyService::search(const ItemQuery& given) {
  ItemQuery query = given;
  if (query.limit < 1 || query.limit > 50) {
    return Error::validation("limit", "limit must be 1 to 50");
  }
  if (query.offset < 0 || query.offset > 1000) {
    return Error::validation("offset", "offset must be 0 to 1000");
  }
  if (query.manufacturer.size() > kMaxName) {
    return Error::validation("manufacturer", "manufacturer is too long");
  }
  auto words = text::query_words(query.text);
  // A name the knowledge reads as other ingredients ("acetaminophen" is paracetamol) finds them.
  std::vector<std::string> synonyms;
  if (!words.empty()) {
    auto resolved = knowledge_->resolve(query.text);
    if (resolved.resolved()) {
      for (const auto& key : resolved.ingredients) {
        if (fold_name(key) != joined(words, " ")) synonyms.push_back(key);
      }
    }
  }
  std::string day = today();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<SearchPage> {
    SearchPage page;
    // The last word is a prefix (still being typed), unless it is a whole catalogue word beyond
    // the prefix index's four letters ("syrup"): then the word, which costs a lookup, not a merge
    // of every word that starts with it.
    bool prefix =
        words.empty() || words.back().size() < 5 || !store::term_exists(lease, words.back());
    auto match = [&](const std::vector<std::string>& these, const std::vector<std::string>& also,
                     bool last_prefix) {
      return store::SearchMatch{search_match(lease, these, {}, 'A', last_prefix),
                                search_match(lease, these, also, 'B', last_prefix),
                                search_match(lease, these, also, 0, last_prefix)};
    };
    page.items = store::search(
        lease, words.empty() ? store::SearchMatch{} : match(words, synonyms, prefix), query, day);
    if (!page.items.empty() || words.empty() || query.offset > 0) return page;
    // Nothing: read each word the catalogue does not have as its nearest catalogue word.
    bool changed = false;
    std::vector<std::string> corrected = words;
    for (std::size_t i = 0; i < corrected.size(); ++i) {
      if (store::term_exists(lease, corrected[i])) continue;
      auto nearest =
          nearest_term(store::terms_like(lease, corrected[i]), corrected[i], i + 1 == words.size());
      if (nearest) {
        corrected[i] = *nearest;
        changed = true;
      }
    }
    if (!changed) return page;
    page.items = store::search(lease, match(corrected, {}, true), query, day);
    if (!page.items.empty()) page.corrected = corrected;
    return page;
  });
}

Result<Item> PharmacyService::item(const identity::Caller& caller, std::int64_t item_id) {
  std::string day = today();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Item> {
    auto found = store::find_item(lease, item_id, day);
    if (!found || (!found->active && caller.role != identity::Role::kAdmin)) {
      return about(Error::not_found("no such item"), "item_id");
    }
    return *found;
  });
}

Result<Item> PharmacyService::create_item(const identity::Caller& admin, const ItemInput& input) {
  Item item;
  item.currency = currency_;
  if (auto ok = apply(item, input, true); !ok.ok()) return ok.error();
  item.ingredients = ingredients_of(*knowledge_, item.composition);
  if (!input.prescription_only) item.prescription_only = rule_.prescription_only(item.ingredients);
  item.created_at = item.updated_at = stamp();
  auto text = search_text(item);
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Item> {
    db::Transaction tx(lease);
    auto id = store::insert_item(lease, item, "", text);
    if (!id) return Error::internal();
    item.id = *id;
    store::add_terms(lease, terms_of(text));
    identity_.audit_write(lease, admin,
                          identity::audit::Row("pharmacy.item_create").resource("item", item.id));
    tx.commit();
    return item;
  });
}

Result<Item> PharmacyService::update_item(const identity::Caller& admin, std::int64_t item_id,
                                          const ItemInput& input) {
  std::string day = today(), now = stamp();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Item> {
    db::Transaction tx(lease);
    auto item = store::find_item(lease, item_id, day);
    if (!item) return about(Error::not_found("no such item"), "item_id");
    std::string composition = item->composition;
    if (auto ok = apply(*item, input, false); !ok.ok()) return ok.error();
    if (item->composition != composition) {
      item->ingredients = ingredients_of(*knowledge_, item->composition);
    }
    item->updated_at = now;
    auto text = search_text(*item);
    store::update_item(lease, *item, text);
    store::add_terms(lease, terms_of(text));
    identity_.audit_write(lease, admin,
                          identity::audit::Row("pharmacy.item_update").resource("item", item_id));
    tx.commit();
    return *item;
  });
}

Result<std::vector<Item>> PharmacyService::retired_items(int limit, int offset) {
  std::string day = today();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<Item>> {
    return store::retired_items(lease, day, limit, offset);
  });
}

Result<std::vector<std::string>> PharmacyService::manufacturers() {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<std::string>> {
    return store::manufacturers(lease);
  });
}

// --- the dataset --------------------------------------------------------------------------------

Result<std::vector<ImportedItem>> PharmacyService::read_dataset(std::string_view csv,
                                                                ImportReport& report) {
  CsvTable table = parse_csv(csv);
  auto column = [&](std::string_view name) -> std::ptrdiff_t {
    auto found = std::find(table.header.begin(), table.header.end(), name);
    return found == table.header.end() ? -1 : found - table.header.begin();
  };
  std::ptrdiff_t name = column("Medicine Name"), composition = column("Composition"),
                 uses = column("Uses"), effects = column("Side_effects"),
                 maker = column("Manufacturer"), excellent = column("Excellent Review %"),
                 average = column("Average Review %"), poor = column("Poor Review %");
  if (name < 0 || composition < 0 || uses < 0 || effects < 0 || maker < 0) {
    return Error::validation("file",
                             "the medicines table needs the columns Medicine Name, Composition, "
                             "Uses, Side_effects and Manufacturer");
  }
  std::vector<ImportedItem> items;
  std::map<std::string, std::size_t> seen;
  for (const auto& row : table.rows) {
    ++report.read;
    auto at = [&](std::ptrdiff_t index) {
      return index >= 0 && static_cast<std::size_t>(index) < row.size() ? row[index]
                                                                        : std::string();
    };
    ImportedItem item;
    item.name = text::clean(at(name));
    item.composition = text::clean(at(composition));
    item.manufacturer = text::clean(at(maker));
    item.uses = text::split_uses(at(uses));
    item.side_effects = text::split_side_effects(at(effects));
    item.review_excellent = share(at(excellent));
    item.review_average = share(at(average));
    item.review_poor = share(at(poor));
    if (item.name.empty() || item.name.size() > kMaxName || item.composition.size() > kMaxText ||
        item.manufacturer.size() > kMaxName) {
      ++report.skipped;
      continue;
    }
    item.uses.resize(std::min(item.uses.size(), kMaxListItems));
    item.side_effects.resize(std::min(item.side_effects.size(), kMaxListItems));
    std::erase_if(item.uses, [](const std::string& use) { return use.size() > kMaxListItem; });
    std::erase_if(item.side_effects,
                  [](const std::string& effect) { return effect.size() > kMaxListItem; });
    item.source_key = fold_name(item.name) + "|" + fold_name(item.manufacturer);
    if (auto found = seen.find(item.source_key); found != seen.end()) {
      ++report.duplicates;
      // Keep the row that gives strengths ("Lindane (2% w/v)" over "Lindane (NA)").
      auto& kept = items[found->second];
      if (kept.composition.find("(NA)") != std::string::npos &&
          item.composition.find("(NA)") == std::string::npos) {
        kept = std::move(item);
      }
      continue;
    }
    seen.emplace(item.source_key, items.size());
    items.push_back(std::move(item));
  }
  return items;
}

Result<PharmacyService::ImportReport> PharmacyService::import_items(
    const std::vector<ImportedItem>& items, ImportReport report,
    const std::function<void(std::size_t, std::size_t)>& progress, std::size_t batch) {
  return import_catalogue(pool_, *knowledge_, items, report, currency_, progress, batch);
}

Result<PharmacyService::ImportReport> PharmacyService::import_catalogue(
    db::Pool& pool, const medicines::Knowledge& knowledge, const std::vector<ImportedItem>& items,
    ImportReport report, const std::string& currency,
    const std::function<void(std::size_t, std::size_t)>& progress, std::size_t batch) {
  const PrescriptionRule rule = PrescriptionRule::built_in(knowledge);
  std::string now = format_rfc3339(Clock::now());
  for (std::size_t from = 0; from < items.size(); from += batch) {
    std::size_t to = std::min(items.size(), from + batch);
    auto done = db::with_connection(pool, [&](db::Lease& lease) -> Status {
      db::Transaction tx(lease);
      for (std::size_t i = from; i < to; ++i) {
        const auto& source = items[i];
        Item item;
        item.name = source.name;
        item.composition = source.composition;
        item.manufacturer = source.manufacturer;
        item.uses = source.uses;
        item.side_effects = source.side_effects;
        item.review_excellent = source.review_excellent;
        item.review_average = source.review_average;
        item.review_poor = source.review_poor;
        item.ingredients = ingredients_of(knowledge, item.composition);
        item.price_minor = text::demo_price_minor(source.source_key);
        item.currency = currency;
        item.prescription_only = rule.prescription_only(item.ingredients);
        item.created_at = item.updated_at = now;
        auto text = search_text(item);
        if (store::insert_item(lease, item, source.source_key, text)) {
          ++report.added;
        } else if (store::update_imported(lease, item, source.source_key, text)) {
          ++report.updated;
        } else {
          ++report.unchanged;
          continue;
        }
        store::add_terms(lease, terms_of(text));
      }
      tx.commit();
      return Ok{};
    });
    if (!done.ok()) return done.error();
    if (progress) progress(to, items.size());
  }
  if (report.added + report.updated > 0) {
    auto optimized = db::with_connection(pool, [&](db::Lease& lease) -> Status {
      store::optimize_search(lease);
      return Ok{};
    });
    if (!optimized.ok()) return optimized.error();
  }
  log::info("medicines imported", {{"read", static_cast<std::int64_t>(report.read)},
                                   {"added", static_cast<std::int64_t>(report.added)},
                                   {"updated", static_cast<std::int64_t>(report.updated)},
                                   {"unchanged", static_cast<std::int64_t>(report.unchanged)},
                                   {"duplicates", static_cast<std::int64_t>(report.duplicates)},
                                   {"skipped", static_cast<std::int64_t>(report.skipped)}});
  return report;
}

}  // namespace vitalis::pharmacy
