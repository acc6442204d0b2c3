// Row functions over the named catalogue queries in store.hpp.
#include "pharmacy/store.hpp"

#include <soci/soci.h>

#include "db/line_list.hpp"
#include "db/rows.hpp"

namespace vitalis::pharmacy::store {

namespace {

std::vector<std::string> split_plus(const std::string& text) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= text.size() && !text.empty()) {
    std::size_t at = text.find(" + ", from);
    out.push_back(text.substr(from, at == std::string::npos ? std::string::npos : at - from));
    if (at == std::string::npos) break;
    from = at + 3;
  }
  return out;
}

std::string join_plus(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += " + ";
    out += part;
  }
  return out;
}

class ItemReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(row_.name));
    statement.exchange(soci::into(row_.composition));
    statement.exchange(soci::into(ingredients_));
    statement.exchange(soci::into(uses_));
    statement.exchange(soci::into(side_effects_));
    statement.exchange(soci::into(row_.manufacturer));
    statement.exchange(soci::into(price_));
    statement.exchange(soci::into(row_.currency));
    statement.exchange(soci::into(rx_));
    statement.exchange(soci::into(row_.order_limit));
    statement.exchange(soci::into(excellent_, excellent_ind_));
    statement.exchange(soci::into(average_, average_ind_));
    statement.exchange(soci::into(poor_, poor_ind_));
    statement.exchange(soci::into(active_));
    statement.exchange(soci::into(row_.created_at));
    statement.exchange(soci::into(row_.updated_at));
    statement.exchange(soci::into(available_));
  }
  Item current() const {
    Item out = row_;
    out.id = id_;
    out.ingredients = split_plus(ingredients_);
    out.uses = db::split_lines(uses_);
    out.side_effects = db::split_lines(side_effects_);
    out.price_minor = price_;
    out.prescription_only = rx_ != 0;
    out.active = active_ != 0;
    auto share = [](int value, soci::indicator ind) {
      return ind == soci::i_ok ? std::optional<int>(value) : std::nullopt;
    };
    out.review_excellent = share(excellent_, excellent_ind_);
    out.review_average = share(average_, average_ind_);
    out.review_poor = share(poor_, poor_ind_);
    out.available = available_;
    return out;
  }

 private:
  Item row_;
  long long id_ = 0, price_ = 0, available_ = 0;
  int rx_ = 0, active_ = 0, excellent_ = 0, average_ = 0, poor_ = 0;
  soci::indicator excellent_ind_ = soci::i_null, average_ind_ = soci::i_null,
                  poor_ind_ = soci::i_null;
  std::string ingredients_, uses_, side_effects_;
};

class TextReader {
 public:
  void bind(soci::statement& statement) { statement.exchange(soci::into(value_)); }
  std::string current() const { return value_; }

 private:
  std::string value_;
};

// The values every write of an item binds, kept alive for the statement.
struct ItemValues {
  explicit ItemValues(const Item& item, const SearchText& text)
      : name(item.name),
        composition(item.composition),
        ingredients(join_plus(item.ingredients)),
        uses(db::join_lines(item.uses)),
        side_effects(db::join_lines(item.side_effects)),
        manufacturer(item.manufacturer),
        currency(item.currency),
        search_name(text.name),
        search_ingredients(text.ingredients),
        search_uses(text.uses),
        price(item.price_minor),
        rx(item.prescription_only ? 1 : 0),
        active(item.active ? 1 : 0),
        order_limit(item.order_limit) {
    auto share = [](const std::optional<int>& value, int& out, soci::indicator& ind) {
      out = value.value_or(0);
      ind = value ? soci::i_ok : soci::i_null;
    };
    share(item.review_excellent, excellent, excellent_ind);
    share(item.review_average, average, average_ind);
    share(item.review_poor, poor, poor_ind);
  }
  // name … search_uses, in the order kInsertItem and kUpdateItem name them.
  void bind(soci::statement& statement) {
    for (auto* text : {&name, &composition, &ingredients, &uses, &side_effects, &manufacturer}) {
      statement.exchange(soci::use(*text));
    }
    statement.exchange(soci::use(price));
    statement.exchange(soci::use(currency));
    statement.exchange(soci::use(rx));
    statement.exchange(soci::use(order_limit));
    statement.exchange(soci::use(excellent, excellent_ind));
    statement.exchange(soci::use(average, average_ind));
    statement.exchange(soci::use(poor, poor_ind));
    statement.exchange(soci::use(active));
    for (auto* text : {&search_name, &search_ingredients, &search_uses}) {
      statement.exchange(soci::use(*text));
    }
  }
  std::string name, composition, ingredients, uses, side_effects, manufacturer, currency,
      search_name, search_ingredients, search_uses;
  long long price;
  int rx, active, order_limit, excellent = 0, average = 0, poor = 0;
  soci::indicator excellent_ind = soci::i_null, average_ind = soci::i_null, poor_ind = soci::i_null;
};

}  // namespace

std::optional<Item> find_item(db::Lease& lease, std::int64_t id, const std::string& today) {
  long long key = id;
  std::string day = today;
  return db::first_row<ItemReader>(lease, sql::kSelectItem, db::uses(day, key));
}

std::vector<Item> find_items(db::Lease& lease, const std::vector<std::int64_t>& ids,
                             const std::string& today) {
  if (ids.empty()) return {};
  std::string list = db::id_list(lease.dialect(), ids), day = today;
  bool lite = lease.dialect() == db::Dialect::kSqlite;
  return db::select_rows<ItemReader>(
      lease, lite ? sql::kSelectItemsSqlite : sql::kSelectItemsPostgresql, db::uses(day, list));
}

std::vector<Item> search(db::Lease& lease, const SearchMatch& match, const ItemQuery& query,
                         const std::string& today) {
  std::string day = today, stock_day = today;
  std::string maker = query.manufacturer, maker_value = query.manufacturer;
  int rx = query.prescription_only ? (*query.prescription_only ? 1 : 0) : -1;
  int rx_value = rx, stock = query.in_stock_only ? 1 : 0, limit = query.limit,
      offset = query.offset;
  if (match.all.empty()) {
    return db::select_rows<ItemReader>(
        lease, sql::kBrowse,
        db::uses(day, rx, rx_value, maker, maker_value, stock, stock_day, limit, offset));
  }
  // Each tier's filters are a copy with their own parameters (bound again, in order).
  std::string names = match.name, ingredients = match.ingredients, all = match.all,
              rank_names = match.name;
  std::string maker1 = maker, maker_value1 = maker, stock_day1 = today;
  std::string maker2 = maker, maker_value2 = maker, stock_day2 = today;
  int rx1 = rx, rx_value1 = rx, stock1 = stock, rx2 = rx, rx_value2 = rx, stock2 = stock;
  auto bind = [&](soci::statement& statement) {
    bool lite = lease.dialect() == db::Dialect::kSqlite;
    db::uses(day)(statement);
    if (!lite) db::uses(rank_names)(statement);
    db::uses(names, rx, rx_value, maker, maker_value, stock, stock_day)(statement);
    db::uses(ingredients, rx1, rx_value1, maker1, maker_value1, stock1, stock_day1)(statement);
    db::uses(all, rx2, rx_value2, maker2, maker_value2, stock2, stock_day2, limit,
             offset)(statement);
  };
  return db::select_rows<ItemReader>(
      lease, lease.dialect() == db::Dialect::kSqlite ? sql::kSearchSqlite : sql::kSearchPostgresql,
      bind);
}

std::optional<std::int64_t> insert_item(db::Lease& lease, const Item& item,
                                        const std::string& source_key, const SearchText& text) {
  ItemValues v(item, text);
  std::string key = source_key, created = item.created_at, updated = item.updated_at;
  soci::indicator key_ind = source_key.empty() ? soci::i_null : soci::i_ok;
  std::optional<long long> id;
  long long value = 0;
  db::for_each_row(
      lease, sql::kInsertItem,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(value));
        statement.exchange(soci::use(key, key_ind));
        v.bind(statement);
        statement.exchange(soci::use(created));
        statement.exchange(soci::use(updated));
      },
      [&] { id = value; });
  if (!id) return std::nullopt;
  return static_cast<std::int64_t>(*id);
}

void update_item(db::Lease& lease, const Item& item, const SearchText& text) {
  ItemValues v(item, text);
  std::string updated = item.updated_at;
  long long id = item.id;
  db::execute(lease, sql::kUpdateItem, [&](soci::statement& statement) {
    v.bind(statement);
    statement.exchange(soci::use(updated));
    statement.exchange(soci::use(id));
  });
}

bool update_imported(db::Lease& lease, const Item& item, const std::string& source_key,
                     const SearchText& text) {
  ItemValues v(item, text);
  ItemValues now(item, text);  // the same values again, for the "changed" test
  std::string key = source_key, updated = item.updated_at;
  return db::execute(lease, sql::kUpdateImported, [&](soci::statement& statement) {
           statement.exchange(soci::use(v.name));
           statement.exchange(soci::use(v.composition));
           statement.exchange(soci::use(v.ingredients));
           statement.exchange(soci::use(v.uses));
           statement.exchange(soci::use(v.side_effects));
           statement.exchange(soci::use(v.manufacturer));
           statement.exchange(soci::use(v.excellent, v.excellent_ind));
           statement.exchange(soci::use(v.average, v.average_ind));
           statement.exchange(soci::use(v.poor, v.poor_ind));
           statement.exchange(soci::use(v.search_name));
           statement.exchange(soci::use(v.search_ingredients));
           statement.exchange(soci::use(v.search_uses));
           statement.exchange(soci::use(updated));
           statement.exchange(soci::use(key));
           statement.exchange(soci::use(now.name));
           statement.exchange(soci::use(now.composition));
           statement.exchange(soci::use(now.ingredients));
           statement.exchange(soci::use(now.uses));
           statement.exchange(soci::use(now.side_effects));
           statement.exchange(soci::use(now.manufacturer));
         }) > 0;
}

std::optional<std::int64_t> item_by_source(db::Lease& lease, const std::string& source_key) {
  std::string key = source_key;
  auto id = db::first_value<long long>(lease, sql::kItemBySource, db::uses(key));
  if (!id) return std::nullopt;
  return static_cast<std::int64_t>(*id);
}

std::int64_t count_items(db::Lease& lease) {
  return db::number(lease, sql::kCountItems, [](soci::statement&) {});
}

void add_terms(db::Lease& lease, const std::vector<std::string>& terms) {
  for (const auto& term : terms) {
    std::string value = term;
    db::run(lease, sql::kInsertTerm, db::uses(value));
  }
}

bool term_exists(db::Lease& lease, const std::string& term) {
  std::string value = term;
  return db::number(lease, sql::kTermExists, db::uses(value)) > 0;
}

std::vector<std::string> terms_like(db::Lease& lease, const std::string& word) {
  if (lease.dialect() == db::Dialect::kSqlite) {
    if (word.size() < 3) return {};
    std::string grams;
    for (std::size_t i = 0; i + 3 <= word.size(); ++i) {
      if (!grams.empty()) grams += " OR ";
      grams += "\"" + word.substr(i, 3) + "\"";
    }
    return db::select_rows<TextReader>(lease, sql::kTermsLikeSqlite, db::uses(grams));
  }
  std::string value = word, again = word;
  return db::select_rows<TextReader>(lease, sql::kTermsLikePostgresql, db::uses(value, again));
}

std::vector<std::int64_t> items_without_lots(db::Lease& lease) {
  std::vector<std::int64_t> ids;
  long long id = 0;
  db::for_each_row(
      lease, sql::kItemsWithoutLots,
      [&](soci::statement& statement) { statement.exchange(soci::into(id)); },
      [&] { ids.push_back(id); });
  return ids;
}

void optimize_search(db::Lease& lease) {
  if (lease.dialect() == db::Dialect::kSqlite) {
    db::run(lease, sql::kOptimizeSearch);
    db::run(lease, sql::kOptimizeNameSearch);
  } else {
    db::run(lease, sql::kAnalyzeItems);
  }
}

std::vector<std::string> manufacturers(db::Lease& lease) {
  return db::select_rows<TextReader>(lease, sql::kManufacturers, [](soci::statement&) {});
}

std::vector<Item> retired_items(db::Lease& lease, const std::string& today, int limit, int offset) {
  std::string day = today;
  return db::select_rows<ItemReader>(lease, sql::kRetiredItems, db::uses(day, limit, offset));
}

std::vector<Item> low_stock(db::Lease& lease, const std::string& today, int threshold, int limit) {
  std::string day = today, again = today;
  return db::select_rows<ItemReader>(lease, sql::kLowStock, db::uses(day, again, threshold, limit));
}

}  // namespace vitalis::pharmacy::store
