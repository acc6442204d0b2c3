// Row functions over the named stock, cart and order queries in store_stock.hpp.
#include "pharmacy/store_stock.hpp"

#include <soci/soci.h>

#include <map>

#include "db/rows.hpp"

namespace vitalis::pharmacy::store {

namespace {

class LotReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(item_));
    statement.exchange(soci::into(row_.batch));
    statement.exchange(soci::into(row_.expires_on));
    statement.exchange(soci::into(row_.received_quantity));
    statement.exchange(soci::into(row_.supplier));
    statement.exchange(soci::into(cost_));
    statement.exchange(soci::into(row_.on_hand));
    statement.exchange(soci::into(row_.reserved));
    statement.exchange(soci::into(row_.received_at));
    statement.exchange(soci::into(by_));
  }
  Lot current() const {
    Lot out = row_;
    out.id = id_;
    out.item_id = item_;
    out.cost_minor = cost_;
    out.received_by = by_;
    return out;
  }

 private:
  Lot row_;
  long long id_ = 0, item_ = 0, cost_ = 0, by_ = 0;
};

class MovementReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(lot_));
    statement.exchange(soci::into(item_));
    statement.exchange(soci::into(row_.kind));
    statement.exchange(soci::into(row_.on_hand_change));
    statement.exchange(soci::into(row_.reserved_change));
    statement.exchange(soci::into(order_, order_ind_));
    statement.exchange(soci::into(reason_, reason_ind_));
    statement.exchange(soci::into(actor_));
    statement.exchange(soci::into(row_.at));
    statement.exchange(soci::into(row_.batch));
  }
  Movement current() const {
    Movement out = row_;
    out.id = id_;
    out.lot_id = lot_;
    out.item_id = item_;
    if (order_ind_ == soci::i_ok) out.order_id = order_;
    out.reason = reason_ind_ == soci::i_ok ? reason_ : std::string();
    out.actor_id = actor_;
    return out;
  }

 private:
  Movement row_;
  long long id_ = 0, lot_ = 0, item_ = 0, order_ = 0, actor_ = 0;
  soci::indicator order_ind_ = soci::i_null, reason_ind_ = soci::i_null;
  std::string reason_;
};

class OrderReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(id_));
    statement.exchange(soci::into(patient_));
    statement.exchange(soci::into(row_.status));
    statement.exchange(soci::into(row_.fulfilment));
    statement.exchange(soci::into(row_.payment));
    statement.exchange(soci::into(row_.address));
    statement.exchange(soci::into(total_));
    statement.exchange(soci::into(row_.currency));
    statement.exchange(soci::into(row_.placed_at));
    statement.exchange(soci::into(changed_at_, changed_at_ind_));
    statement.exchange(soci::into(changed_by_, changed_by_ind_));
    statement.exchange(soci::into(reason_, reason_ind_));
  }
  Order current() const {
    Order out = row_;
    out.id = id_;
    out.patient_id = patient_;
    out.total_minor = total_;
    out.changed_at = changed_at_ind_ == soci::i_ok ? changed_at_ : std::string();
    if (changed_by_ind_ == soci::i_ok) out.changed_by = changed_by_;
    out.cancel_reason = reason_ind_ == soci::i_ok ? reason_ : std::string();
    return out;
  }

 private:
  Order row_;
  long long id_ = 0, patient_ = 0, total_ = 0, changed_by_ = 0;
  std::string changed_at_, reason_;
  soci::indicator changed_at_ind_ = soci::i_null, changed_by_ind_ = soci::i_null,
                  reason_ind_ = soci::i_null;
};

struct LineRow {
  std::int64_t order_id = 0;
  OrderLine line;
};

class LineReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(order_));
    statement.exchange(soci::into(item_));
    statement.exchange(soci::into(row_.name));
    statement.exchange(soci::into(row_.quantity));
    statement.exchange(soci::into(price_));
    statement.exchange(soci::into(prescription_, prescription_ind_));
    statement.exchange(soci::into(prescription_id_, prescription_id_ind_));
    statement.exchange(soci::into(approved_by_, approved_by_ind_));
    statement.exchange(soci::into(approved_at_, approved_at_ind_));
    statement.exchange(soci::into(row_.returned));
  }
  LineRow current() const {
    LineRow out{order_, row_};
    out.line.item_id = item_;
    out.line.unit_price_minor = price_;
    out.line.prescription = prescription_ind_ == soci::i_ok ? prescription_ : std::string();
    if (prescription_id_ind_ == soci::i_ok) out.line.prescription_id = prescription_id_;
    if (approved_by_ind_ == soci::i_ok) out.line.approved_by = approved_by_;
    out.line.approved_at = approved_at_ind_ == soci::i_ok ? approved_at_ : std::string();
    return out;
  }

 private:
  OrderLine row_;
  long long order_ = 0, item_ = 0, price_ = 0, prescription_id_ = 0, approved_by_ = 0;
  std::string prescription_, approved_at_;
  soci::indicator prescription_ind_ = soci::i_null, prescription_id_ind_ = soci::i_null,
                  approved_by_ind_ = soci::i_null, approved_at_ind_ = soci::i_null;
};

class HoldReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(lot_));
    statement.exchange(soci::into(item_));
    statement.exchange(soci::into(quantity_));
  }
  Hold current() const { return {lot_, item_, static_cast<int>(quantity_)}; }

 private:
  long long lot_ = 0, item_ = 0, quantity_ = 0;
};

class CartReader {
 public:
  void bind(soci::statement& statement) {
    statement.exchange(soci::into(item_));
    statement.exchange(soci::into(quantity_));
  }
  std::pair<std::int64_t, int> current() const { return {item_, quantity_}; }

 private:
  long long item_ = 0;
  int quantity_ = 0;
};

}  // namespace

std::optional<std::int64_t> insert_lot(db::Lease& lease, const Lot& lot) {
  long long item = lot.item_id, cost = lot.cost_minor, by = lot.received_by;
  std::string batch = lot.batch, expires = lot.expires_on, supplier = lot.supplier,
              at = lot.received_at;
  int quantity = lot.received_quantity;
  auto id = db::first_value<long long>(
      lease, sql::kInsertLot, db::uses(item, batch, expires, quantity, supplier, cost, at, by));
  if (!id) return std::nullopt;
  return static_cast<std::int64_t>(*id);
}

std::optional<Lot> find_lot(db::Lease& lease, std::int64_t id) {
  long long key = id;
  return db::first_row<LotReader>(lease, sql::kSelectLot, db::uses(key));
}

std::vector<Lot> lots_of_item(db::Lease& lease, std::int64_t item_id) {
  long long item = item_id;
  return db::select_rows<LotReader>(lease, sql::kSelectLotsOfItem, db::uses(item));
}

std::vector<Lot> sellable_lots(db::Lease& lease, std::int64_t item_id, const std::string& today) {
  long long item = item_id;
  std::string day = today;
  return db::select_rows<LotReader>(lease, sql::kSellableLots, db::uses(item, day));
}

std::vector<Lot> expiring_lots(db::Lease& lease, const std::string& until, int limit) {
  std::string day = until;
  return db::select_rows<LotReader>(lease, sql::kExpiringLots, db::uses(day, limit));
}

bool receive(db::Lease& lease, std::int64_t lot_id, int quantity) {
  long long id = lot_id;
  return db::execute(lease, sql::kReceive, db::uses(quantity, id)) == 1;
}

bool reserve(db::Lease& lease, std::int64_t lot_id, int quantity, const std::string& today) {
  long long id = lot_id;
  int again = quantity;
  std::string day = today;
  return db::execute(lease, sql::kReserve, db::uses(quantity, id, again, day)) == 1;
}

bool release(db::Lease& lease, std::int64_t lot_id, int quantity) {
  long long id = lot_id;
  int again = quantity;
  return db::execute(lease, sql::kRelease, db::uses(quantity, id, again)) == 1;
}

bool dispense(db::Lease& lease, std::int64_t lot_id, int quantity) {
  long long id = lot_id;
  int again = quantity, check = quantity;
  return db::execute(lease, sql::kDispense, db::uses(quantity, again, id, check)) == 1;
}

bool change_on_hand(db::Lease& lease, std::int64_t lot_id, int change) {
  long long id = lot_id;
  int again = change;
  return db::execute(lease, sql::kChangeOnHand, db::uses(change, id, again)) == 1;
}

void insert_movement(db::Lease& lease, const Movement& movement) {
  long long lot = movement.lot_id, item = movement.item_id, actor = movement.actor_id;
  long long order = movement.order_id.value_or(0);
  soci::indicator order_ind = movement.order_id ? soci::i_ok : soci::i_null;
  std::string kind = movement.kind, reason = movement.reason, at = movement.at;
  soci::indicator reason_ind = reason.empty() ? soci::i_null : soci::i_ok;
  int on_hand = movement.on_hand_change, reserved = movement.reserved_change;
  db::run(lease, sql::kInsertMovement, [&](soci::statement& statement) {
    statement.exchange(soci::use(lot));
    statement.exchange(soci::use(item));
    statement.exchange(soci::use(kind));
    statement.exchange(soci::use(on_hand));
    statement.exchange(soci::use(reserved));
    statement.exchange(soci::use(order, order_ind));
    statement.exchange(soci::use(reason, reason_ind));
    statement.exchange(soci::use(actor));
    statement.exchange(soci::use(at));
  });
}

std::vector<Movement> ledger_of_item(db::Lease& lease, std::int64_t item_id, std::int64_t before_id,
                                     int limit) {
  long long item = item_id, before = before_id;
  return db::select_rows<MovementReader>(lease, sql::kLedgerOfItem, db::uses(item, before, limit));
}

std::vector<Hold> order_holds(db::Lease& lease, std::int64_t order_id) {
  long long order = order_id;
  return db::select_rows<HoldReader>(lease, sql::kOrderHolds, db::uses(order));
}

std::optional<std::string> first_mismatch(db::Lease& lease) {
  std::optional<std::string> found;
  {
    long long lot = 0, item = 0, on_hand = 0, reserved = 0, ledger_on_hand = 0, ledger_reserved = 0;
    std::string batch;
    db::for_each_row(
        lease, sql::kLotMismatch,
        [&](soci::statement& statement) {
          statement.exchange(soci::into(lot));
          statement.exchange(soci::into(item));
          statement.exchange(soci::into(batch));
          statement.exchange(soci::into(on_hand));
          statement.exchange(soci::into(reserved));
          statement.exchange(soci::into(ledger_on_hand));
          statement.exchange(soci::into(ledger_reserved));
        },
        [&] {
          found = "lot " + std::to_string(lot) + " (item " + std::to_string(item) + ", batch " +
                  batch + "): on hand " + std::to_string(on_hand) + " and reserved " +
                  std::to_string(reserved) + ", but its ledger adds up to on hand " +
                  std::to_string(ledger_on_hand) + " and reserved " +
                  std::to_string(ledger_reserved);
        });
  }
  if (found) return found;
  {
    long long row = 0, lot = 0, item = 0, lot_item = 0;
    db::for_each_row(
        lease, sql::kLedgerItemMismatch,
        [&](soci::statement& statement) {
          statement.exchange(soci::into(row));
          statement.exchange(soci::into(lot));
          statement.exchange(soci::into(item));
          statement.exchange(soci::into(lot_item));
        },
        [&] {
          found = "ledger row " + std::to_string(row) + " names item " + std::to_string(item) +
                  " but its lot " + std::to_string(lot) + " is of item " + std::to_string(lot_item);
        });
  }
  if (found) return found;
  long long order = 0, item = 0, quantity = 0, held = 0, gone = 0, returned = 0, put_back = 0;
  std::string status;
  db::for_each_row(
      lease, sql::kOrderMismatch,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(order));
        statement.exchange(soci::into(item));
        statement.exchange(soci::into(status));
        statement.exchange(soci::into(quantity));
        statement.exchange(soci::into(held));
        statement.exchange(soci::into(gone));
        statement.exchange(soci::into(returned));
        statement.exchange(soci::into(put_back));
      },
      [&] {
        found = "order " + std::to_string(order) + " (" + status + "), item " +
                std::to_string(item) + ": " + std::to_string(quantity) + " ordered and " +
                std::to_string(returned) + " returned, but its ledger holds " +
                std::to_string(held) + " reserved, " + std::to_string(gone) + " dispensed and " +
                std::to_string(put_back) + " put back";
      });
  return found;
}

void set_cart_line(db::Lease& lease, std::int64_t patient_id, std::int64_t item_id, int quantity,
                   const std::string& at) {
  long long patient = patient_id, item = item_id;
  std::string when = at;
  db::run(lease, sql::kSetCartLine, db::uses(patient, item, quantity, when));
}

void delete_cart_line(db::Lease& lease, std::int64_t patient_id, std::int64_t item_id) {
  long long patient = patient_id, item = item_id;
  db::run(lease, sql::kDeleteCartLine, db::uses(patient, item));
}

void clear_cart(db::Lease& lease, std::int64_t patient_id) {
  long long patient = patient_id;
  db::run(lease, sql::kClearCart, db::uses(patient));
}

std::vector<std::pair<std::int64_t, int>> cart_lines(db::Lease& lease, std::int64_t patient_id) {
  long long patient = patient_id;
  return db::select_rows<CartReader>(lease, sql::kCartLines, db::uses(patient));
}

std::int64_t insert_order(db::Lease& lease, const Order& order) {
  long long patient = order.patient_id, total = order.total_minor;
  std::string status = order.status, fulfilment = order.fulfilment, payment = order.payment,
              address = order.address, currency = order.currency, at = order.placed_at;
  return db::number(lease, sql::kInsertOrder,
                    db::uses(patient, status, fulfilment, payment, address, total, currency, at));
}

void insert_order_line(db::Lease& lease, std::int64_t order_id, const OrderLine& line) {
  long long order = order_id, item = line.item_id, price = line.unit_price_minor;
  long long prescription_id = line.prescription_id.value_or(0);
  int quantity = line.quantity;
  std::string prescription = line.prescription;
  soci::indicator prescription_ind = prescription.empty() ? soci::i_null : soci::i_ok;
  soci::indicator id_ind = line.prescription_id ? soci::i_ok : soci::i_null;
  db::run(lease, sql::kInsertOrderLine, [&](soci::statement& statement) {
    statement.exchange(soci::use(order));
    statement.exchange(soci::use(item));
    statement.exchange(soci::use(quantity));
    statement.exchange(soci::use(price));
    statement.exchange(soci::use(prescription, prescription_ind));
    statement.exchange(soci::use(prescription_id, id_ind));
  });
}

std::optional<Order> find_order(db::Lease& lease, std::int64_t id) {
  long long key = id;
  auto order = db::first_row<OrderReader>(lease, sql::kSelectOrder, db::uses(key));
  if (!order) return std::nullopt;
  std::vector<Order> one{std::move(*order)};
  read_lines(lease, one);
  return std::move(one.front());
}

std::vector<Order> orders_of_patient(db::Lease& lease, std::int64_t patient_id,
                                     std::int64_t before_id, int limit) {
  long long patient = patient_id, before = before_id;
  auto orders =
      db::select_rows<OrderReader>(lease, sql::kOrdersOfPatient, db::uses(patient, before, limit));
  read_lines(lease, orders);
  return orders;
}

std::vector<Order> orders_in_status(db::Lease& lease, const std::string& status,
                                    std::int64_t before_id, int limit) {
  long long before = before_id;
  std::string state = status;
  auto orders =
      db::select_rows<OrderReader>(lease, sql::kOrdersInStatus, db::uses(state, before, limit));
  read_lines(lease, orders);
  return orders;
}

void read_lines(db::Lease& lease, std::vector<Order>& orders) {
  if (orders.empty()) return;
  std::vector<std::int64_t> ids;
  std::map<std::int64_t, Order*> by_id;
  for (auto& order : orders) {
    ids.push_back(order.id);
    by_id[order.id] = &order;
  }
  std::string list = db::id_list(lease.dialect(), ids);
  bool lite = lease.dialect() == db::Dialect::kSqlite;
  for (auto& row : db::select_rows<LineReader>(
           lease, lite ? sql::kOrderLinesSqlite : sql::kOrderLinesPostgresql, db::uses(list))) {
    by_id.at(row.order_id)->lines.push_back(std::move(row.line));
  }
}

bool set_order_status(db::Lease& lease, std::int64_t id, const std::string& was,
                      const std::string& status, std::int64_t by, const std::string& at,
                      const std::string& reason) {
  long long key = id, actor = by;
  std::string state = status, when = at, text = reason, before = was;
  soci::indicator reason_ind = reason.empty() ? soci::i_null : soci::i_ok;
  return db::execute(lease, sql::kSetOrderStatus, [&](soci::statement& statement) {
           statement.exchange(soci::use(state));
           statement.exchange(soci::use(when));
           statement.exchange(soci::use(actor));
           statement.exchange(soci::use(text, reason_ind));
           statement.exchange(soci::use(key));
           statement.exchange(soci::use(before));
         }) == 1;
}

int approve_lines(db::Lease& lease, std::int64_t order_id, std::int64_t by, const std::string& at) {
  long long order = order_id, actor = by;
  std::string when = at;
  return static_cast<int>(db::execute(lease, sql::kApproveLines, db::uses(actor, when, order)));
}

bool return_line(db::Lease& lease, std::int64_t order_id, std::int64_t item_id, int quantity) {
  long long order = order_id, item = item_id;
  int again = quantity;
  return db::execute(lease, sql::kReturnLine, db::uses(quantity, order, item, again)) == 1;
}

std::vector<LotOut> order_line_lots(db::Lease& lease, std::int64_t order_id, std::int64_t item_id) {
  long long order = order_id, item = item_id, lot = 0, out_quantity = 0;
  std::string expires;
  std::vector<LotOut> rows;
  db::for_each_row(
      lease, sql::kOrderLineLots,
      [&](soci::statement& statement) {
        statement.exchange(soci::use(order));
        statement.exchange(soci::use(item));
        statement.exchange(soci::into(lot));
        statement.exchange(soci::into(expires));
        statement.exchange(soci::into(out_quantity));
      },
      [&] {
        rows.push_back({lot, expires, static_cast<int>(out_quantity)});
      });
  return rows;
}

bool insert_key(db::Lease& lease, std::int64_t patient_id, const std::string& key,
                const std::string& fingerprint, std::int64_t order_id, const std::string& at) {
  long long patient = patient_id, order = order_id;
  std::string k = key, print = fingerprint, when = at;
  return db::execute(lease, sql::kInsertKey, db::uses(patient, k, print, order, when)) == 1;
}

std::optional<KeyRow> find_key(db::Lease& lease, std::int64_t patient_id, const std::string& key) {
  long long patient = patient_id, order = 0;
  std::string k = key, print;
  std::optional<KeyRow> found;
  db::for_each_row(
      lease, sql::kFindKey,
      [&](soci::statement& statement) {
        statement.exchange(soci::into(print));
        statement.exchange(soci::into(order));
        statement.exchange(soci::use(patient));
        statement.exchange(soci::use(k));
      },
      [&] {
        found = KeyRow{print, order};
      });
  return found;
}

}  // namespace vitalis::pharmacy::store
