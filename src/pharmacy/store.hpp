// The pharmacy's catalogue SQL: items, their search (SQLite FTS5 / PostgreSQL full text) and the
// words typo correction reads. Every query named; row functions run them in the caller's lease
// (and transaction). Names only pharmacy's tables. Not thread-safe: one lease per task. Stock,
// carts and orders are in store_stock.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "pharmacy/model.hpp"

namespace vitalis::pharmacy::store {

namespace sql {
// An item's columns and what can be sold of it on :today (lots not expired, on hand not
// reserved). :today comes first in every statement that reads items.
#define VITALIS_ITEM_COLUMNS                                                                    \
  "SELECT i.id, i.name, i.composition, i.ingredients, i.uses, i.side_effects, i.manufacturer, " \
  "i.price_minor, i.currency, i.prescription_only, i.order_limit, i.review_excellent, "         \
  "i.review_average, i.review_poor, i.active, i.created_at, i.updated_at, (SELECT "             \
  "COALESCE(SUM(l.on_hand - l.reserved), 0) FROM pharmacy_lots l WHERE l.item_id = i.id AND "   \
  "l.expires_on > :today) "
inline constexpr const char* kSelectItem =
    VITALIS_ITEM_COLUMNS "FROM pharmacy_items i WHERE i.id = :id";
inline constexpr const char* kSelectItemsSqlite =
    VITALIS_ITEM_COLUMNS "FROM pharmacy_items i WHERE i.id IN (SELECT value FROM json_each(:ids))";
inline constexpr const char* kSelectItemsPostgresql =
    VITALIS_ITEM_COLUMNS "FROM pharmacy_items i WHERE i.id = ANY(CAST(:ids AS bigint[]))";
// The filters of a search, each optional inside the statement: :rx (-1 any, 0, 1), :maker ('' any),
// :stock (0 any, 1 only what can be sold now). `n` keeps each copy's parameter names apart.
#define VITALIS_ITEM_FILTERS_N(n)                                                                \
  "AND i.active = 1 AND (:rx" #n " < 0 OR i.prescription_only = :rx_value" #n ") AND (:maker" #n \
  " = '' OR i.manufacturer = :maker_value" #n ") AND (:stock" #n                                 \
  " = 0 OR EXISTS (SELECT 1 FROM "                                                               \
  "pharmacy_lots s WHERE s.item_id = i.id AND s.expires_on > :stock_today" #n                    \
  " AND s.on_hand > s.reserved)) "
#define VITALIS_ITEM_FILTERS VITALIS_ITEM_FILTERS_N(0)
// Ranked in three tiers: items whose name has the words (by bm25), then those whose ingredients
// have them, then those that have them anywhere (the uses too); after the first tier, shorter
// names first (the plainer product before the combination). Each tier takes at most the first
// 300 matches in catalogue order, and only the first ranks by bm25, whose cost per match is
// what a word in half of a million-item catalogue cannot afford; only the page's rows are then
// read whole, with what can be sold. (PostgreSQL: the name and the ingredients are weights A and
// B of one tsvector.)
#define VITALIS_SEARCH_CANDIDATES(tier, score, from, match, n)                             \
  "SELECT * FROM (SELECT i.id AS hit_id, " #tier " AS tier, " score " AS score FROM " from \
  " WHERE " match " " VITALIS_ITEM_FILTERS_N(n) "LIMIT 300) tier" #tier
#define VITALIS_SEARCH_PAGE                                                                  \
  ") candidates GROUP BY hit_id ORDER BY MIN(tier), MIN(score), hit_id LIMIT :limit OFFSET " \
  ":offset) hits JOIN pharmacy_items i ON i.id = hits.hit_id ORDER BY hits.tier, "           \
  "hits.score, hits.hit_id"
// clang-format off
inline constexpr const char* kSearchSqlite = VITALIS_ITEM_COLUMNS
    "FROM (SELECT hit_id, MIN(tier) AS tier, MIN(score) AS score FROM ("
    VITALIS_SEARCH_CANDIDATES(0, "bm25(pharmacy_name_search)",
                              "pharmacy_name_search f JOIN pharmacy_items i ON i.id = f.rowid",
                              "pharmacy_name_search MATCH :name_match", 1)
    " UNION ALL "
    VITALIS_SEARCH_CANDIDATES(1, "length(i.search_name)",
                              "pharmacy_ingredient_search f JOIN pharmacy_items i ON i.id = f.rowid",
                              "pharmacy_ingredient_search MATCH :ingredient_match", 2)
    " UNION ALL "
    VITALIS_SEARCH_CANDIDATES(2, "length(i.search_name)",
                              "pharmacy_search f JOIN pharmacy_items i ON i.id = f.rowid",
                              "pharmacy_search MATCH :match", 3)
    VITALIS_SEARCH_PAGE;
inline constexpr const char* kSearchPostgresql = VITALIS_ITEM_COLUMNS
    "FROM (SELECT hit_id, MIN(tier) AS tier, MIN(score) AS score FROM ("
    VITALIS_SEARCH_CANDIDATES(0, "-ts_rank(i.search, to_tsquery('simple', :rank_name_match))",
                              "pharmacy_items i", "i.search @@ to_tsquery('simple', :name_match)",
                              1)
    " UNION ALL "
    VITALIS_SEARCH_CANDIDATES(1, "length(i.search_name)", "pharmacy_items i",
                              "i.search @@ to_tsquery('simple', :ingredient_match)", 2)
    " UNION ALL "
    VITALIS_SEARCH_CANDIDATES(2, "length(i.search_name)", "pharmacy_items i",
                              "i.search @@ to_tsquery('simple', :match)", 3)
    VITALIS_SEARCH_PAGE;
// clang-format on
// No words: by name.
inline constexpr const char* kBrowse =
    VITALIS_ITEM_COLUMNS "FROM pharmacy_items i WHERE 1 = 1 " VITALIS_ITEM_FILTERS
                         "ORDER BY i.search_name, i.id LIMIT :limit OFFSET :offset";
inline constexpr const char* kInsertItem =
    "INSERT INTO pharmacy_items (source_key, name, composition, ingredients, uses, side_effects, "
    "manufacturer, price_minor, currency, prescription_only, order_limit, review_excellent, "
    "review_average, review_poor, active, search_name, search_ingredients, search_uses, "
    "created_at, updated_at) VALUES (:source_key, :name, :composition, :ingredients, :uses, "
    ":side_effects, :manufacturer, :price, :currency, :rx, :order_limit, :excellent, :average, "
    ":poor, :active, :search_name, :search_ingredients, :search_uses, :created, :updated) "
    "ON CONFLICT DO NOTHING RETURNING id";
inline constexpr const char* kUpdateItem =
    "UPDATE pharmacy_items SET name = :name, composition = :composition, ingredients = "
    ":ingredients, uses = :uses, side_effects = :side_effects, manufacturer = :manufacturer, "
    "price_minor = :price, currency = :currency, prescription_only = :rx, order_limit = "
    ":order_limit, review_excellent = :excellent, review_average = :average, review_poor = "
    ":poor, active = :active, search_name = :search_name, search_ingredients = "
    ":search_ingredients, search_uses = :search_uses, updated_at = :updated WHERE id = :id";
// An imported item: its dataset text (price, stock, prescription status and activity stay as
// they are). Only when something changed, so a second import writes nothing.
inline constexpr const char* kUpdateImported =
    "UPDATE pharmacy_items SET name = :name, composition = :composition, ingredients = "
    ":ingredients, uses = :uses, side_effects = :side_effects, manufacturer = :manufacturer, "
    "review_excellent = :excellent, review_average = :average, review_poor = :poor, "
    "search_name = :search_name, search_ingredients = :search_ingredients, search_uses = "
    ":search_uses, updated_at = :updated WHERE source_key = :source_key AND (name <> :name_now "
    "OR composition <> :composition_now OR ingredients <> :ingredients_now OR uses <> :uses_now "
    "OR side_effects <> :side_effects_now OR manufacturer <> :manufacturer_now)";
inline constexpr const char* kItemBySource =
    "SELECT id FROM pharmacy_items WHERE source_key = :source_key";
inline constexpr const char* kCountItems = "SELECT COUNT(*) FROM pharmacy_items";
inline constexpr const char* kInsertTerm =
    "INSERT INTO pharmacy_terms (term) VALUES (:term) ON CONFLICT (term) DO NOTHING";
inline constexpr const char* kTermExists = "SELECT COUNT(*) FROM pharmacy_terms WHERE term = :term";
// Words sharing letter triples with :grams ("par" OR "ara" OR …), the most alike first.
inline constexpr const char* kTermsLikeSqlite =
    "SELECT t.term FROM pharmacy_term_grams g JOIN pharmacy_terms t ON t.id = g.rowid WHERE "
    "pharmacy_term_grams MATCH :grams ORDER BY bm25(pharmacy_term_grams) LIMIT 64";
inline constexpr const char* kTermsLikePostgresql =
    "SELECT term FROM pharmacy_terms WHERE term % :word ORDER BY similarity(term, :word_again) "
    "DESC, term LIMIT 64";
// Items that have had stock and have `:threshold` or fewer units to sell, fewest first.
inline constexpr const char* kLowStock = VITALIS_ITEM_COLUMNS
    "FROM pharmacy_items i WHERE i.active = 1 AND EXISTS (SELECT 1 FROM pharmacy_lots x WHERE "
    "x.item_id = i.id) AND (SELECT COALESCE(SUM(y.on_hand - y.reserved), 0) FROM pharmacy_lots y "
    "WHERE y.item_id = i.id AND y.expires_on > :today_again) <= :threshold ORDER BY 18, i.id "
    "LIMIT :limit";
// Active items without a lot yet (demo stock), by id.
inline constexpr const char* kItemsWithoutLots =
    "SELECT i.id FROM pharmacy_items i WHERE i.active = 1 AND NOT EXISTS (SELECT 1 FROM "
    "pharmacy_lots l WHERE l.item_id = i.id) ORDER BY i.id";
inline constexpr const char* kOptimizeSearch =
    "INSERT INTO pharmacy_search (pharmacy_search) VALUES ('optimize')";
inline constexpr const char* kOptimizeNameSearch =
    "INSERT INTO pharmacy_name_search (pharmacy_name_search) VALUES ('optimize')";
inline constexpr const char* kAnalyzeItems = "ANALYZE pharmacy_items";
// Retired items by name (admins find them again to sell them again).
inline constexpr const char* kRetiredItems = VITALIS_ITEM_COLUMNS
    "FROM pharmacy_items i WHERE i.active = 0 ORDER BY i.name, i.id LIMIT :limit OFFSET :offset";
inline constexpr const char* kManufacturers =
    "SELECT manufacturer FROM pharmacy_items WHERE active = 1 AND manufacturer <> '' GROUP BY "
    "manufacturer "
    "ORDER BY manufacturer";
}  // namespace sql

// What search and the writes store about an item besides its fields.
struct SearchText {
  std::string name, ingredients, uses;  // folded
};

std::optional<Item> find_item(db::Lease& lease, std::int64_t id, const std::string& today);
std::vector<Item> find_items(db::Lease& lease, const std::vector<std::int64_t>& ids,
                             const std::string& today);
// The words as an FTS5 query (SQLite) or a tsquery (PostgreSQL), for each tier: in the name, in
// the ingredients, anywhere. An empty `match` browses by name.
struct SearchMatch {
  std::string name, ingredients, all;
};
std::vector<Item> search(db::Lease& lease, const SearchMatch& match, const ItemQuery& query,
                         const std::string& today);
// nullopt when the source key is taken.
std::optional<std::int64_t> insert_item(db::Lease& lease, const Item& item,
                                        const std::string& source_key, const SearchText& text);
void update_item(db::Lease& lease, const Item& item, const SearchText& text);
// True when the imported item's text changed (and was written).
bool update_imported(db::Lease& lease, const Item& item, const std::string& source_key,
                     const SearchText& text);
std::optional<std::int64_t> item_by_source(db::Lease& lease, const std::string& source_key);
std::int64_t count_items(db::Lease& lease);
void add_terms(db::Lease& lease, const std::vector<std::string>& terms);
bool term_exists(db::Lease& lease, const std::string& term);
// Catalogue words that look like `word` (folded), most alike first, up to 64.
std::vector<std::string> terms_like(db::Lease& lease, const std::string& word);
std::vector<std::string> manufacturers(db::Lease& lease);
std::vector<std::int64_t> items_without_lots(db::Lease& lease);
// After a bulk load: SQLite merges the search indexes' segments (FTS5 'optimize'); PostgreSQL
// refreshes the planner's statistics of the items.
void optimize_search(db::Lease& lease);
std::vector<Item> low_stock(db::Lease& lease, const std::string& today, int threshold, int limit);
std::vector<Item> retired_items(db::Lease& lease, const std::string& today, int limit, int offset);

}  // namespace vitalis::pharmacy::store
