// Stock: lots received, adjusted and written off, each change a conditional update of the lot
// beside its ledger row in one transaction; the ledger, alerts and the verification.
#include <algorithm>
#include <chrono>

#include "identity/audit_row.hpp"
#include "pharmacy/service.hpp"
#include "pharmacy/store.hpp"
#include "pharmacy/store_stock.hpp"
#include "pharmacy/text.hpp"

namespace vitalis::pharmacy {

namespace {

constexpr int kMaxLotQuantity = 100'000;

Movement movement(const Lot& lot, std::string kind, int on_hand, int reserved, std::int64_t actor,
                  std::string at, std::string reason = {},
                  std::optional<std::int64_t> order_id = std::nullopt) {
  Movement out;
  out.lot_id = lot.id;
  out.item_id = lot.item_id;
  out.kind = std::move(kind);
  out.on_hand_change = on_hand;
  out.reserved_change = reserved;
  out.actor_id = actor;
  out.at = std::move(at);
  out.reason = std::move(reason);
  out.order_id = order_id;
  return out;
}

}  // namespace

Result<Lot> PharmacyService::receive(const identity::Caller& admin, std::int64_t item_id,
                                     const LotInput& input) {
  Lot lot;
  lot.item_id = item_id;
  lot.batch = text::clean(input.batch);
  lot.supplier = text::clean(input.supplier);
  lot.expires_on = input.expires_on;
  lot.received_quantity = input.quantity;
  lot.cost_minor = input.cost_minor;
  lot.received_by = admin.account_id;
  lot.received_at = stamp();
  if (lot.batch.empty() || lot.batch.size() > 64) {
    return Error::validation("batch", "batch is required (64 characters at most)");
  }
  if (lot.supplier.size() > 200) return Error::validation("supplier", "supplier is too long");
  if (!text::is_calendar_day(lot.expires_on)) {
    return Error::validation("expires_on", "expires_on must be a date such as 2027-06-30");
  }
  if (lot.expires_on <= today()) {
    return Error::validation("expires_on", "this lot has expired already: it cannot be sold");
  }
  if (lot.received_quantity < 1 || lot.received_quantity > kMaxLotQuantity) {
    return Error::validation("quantity", "quantity must be 1 to 100000");
  }
  if (lot.cost_minor < 0 || lot.cost_minor > 1'000'000'000) {
    return Error::validation("cost_minor", "cost_minor must be 0 to 1000000000");
  }
  std::string day = today();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Lot> {
    db::Transaction tx(lease);
    if (!store::find_item(lease, item_id, day)) {
      return about(Error::not_found("no such item"), "item_id");
    }
    auto id = store::insert_lot(lease, lot);
    if (!id) {
      return about(Error::conflict("this item has a lot with this batch number already"), "batch");
    }
    lot.id = *id;
    if (!store::receive(lease, lot.id, lot.received_quantity)) return Error::internal();
    store::insert_movement(lease, movement(lot, "received", lot.received_quantity, 0,
                                           admin.account_id, lot.received_at));
    lot.on_hand = lot.received_quantity;
    identity_.audit_write(lease, admin,
                          identity::audit::Row("pharmacy.stock_receive").resource("lot", lot.id));
    tx.commit();
    return lot;
  });
}

Result<Lot> PharmacyService::adjust(const identity::Caller& admin, std::int64_t lot_id, int change,
                                    const std::string& reason) {
  std::string why = text::clean(reason);
  if (change == 0 || change < -kMaxLotQuantity || change > kMaxLotQuantity) {
    return Error::validation("change", "change must be a non-zero number of units");
  }
  if (why.empty() || why.size() > 300) {
    return Error::validation("reason", "say why the stock changes (300 characters at most)");
  }
  std::string at = stamp();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Lot> {
    db::Transaction tx(lease);
    auto lot = store::find_lot(lease, lot_id);
    if (!lot) return about(Error::not_found("no such lot"), "lot_id");
    if (!store::change_on_hand(lease, lot_id, change)) {
      return about(Error::conflict("the lot has " + std::to_string(lot->on_hand) + " on hand, " +
                                   std::to_string(lot->reserved) +
                                   " of them held by orders: it cannot go below that"),
                   "change");
    }
    store::insert_movement(lease, movement(*lot, "adjusted", change, 0, admin.account_id, at, why));
    identity_.audit_write(lease, admin,
                          identity::audit::Row("pharmacy.stock_adjust").resource("lot", lot_id));
    auto after = store::find_lot(lease, lot_id);
    tx.commit();
    return *after;
  });
}

Result<Lot> PharmacyService::write_off(const identity::Caller& admin, std::int64_t lot_id) {
  std::string at = stamp(), day = today();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Lot> {
    db::Transaction tx(lease);
    auto lot = store::find_lot(lease, lot_id);
    if (!lot) return about(Error::not_found("no such lot"), "lot_id");
    if (lot->expires_on > day) {
      return about(
          Error::conflict("this lot has not expired (it expires on " + lot->expires_on + ")"),
          "lot_id");
    }
    int gone = lot->on_hand - lot->reserved;
    if (gone <= 0) return about(Error::conflict("nothing left to write off"), "lot_id");
    if (!store::change_on_hand(lease, lot_id, -gone)) {
      return about(Error::conflict("the lot changed meanwhile; try again"), "lot_id");
    }
    store::insert_movement(lease, movement(*lot, "expired", -gone, 0, admin.account_id, at,
                                           "expired on " + lot->expires_on));
    identity_.audit_write(lease, admin,
                          identity::audit::Row("pharmacy.stock_write_off").resource("lot", lot_id));
    auto after = store::find_lot(lease, lot_id);
    tx.commit();
    return *after;
  });
}

Result<std::vector<Lot>> PharmacyService::lots(std::int64_t item_id) {
  std::string day = today();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<Lot>> {
    if (!store::find_item(lease, item_id, day)) {
      return about(Error::not_found("no such item"), "item_id");
    }
    return store::lots_of_item(lease, item_id);
  });
}

Result<std::vector<Movement>> PharmacyService::ledger(std::int64_t item_id, std::int64_t before_id,
                                                      int limit) {
  if (limit < 1 || limit > 200) return Error::validation("limit", "limit must be 1 to 200");
  std::string day = today();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<Movement>> {
    if (!store::find_item(lease, item_id, day)) {
      return about(Error::not_found("no such item"), "item_id");
    }
    return store::ledger_of_item(lease, item_id, before_id > 0 ? before_id : INT64_MAX, limit);
  });
}

Result<std::vector<Item>> PharmacyService::low_stock(int threshold, int limit) {
  if (threshold < 0 || threshold > 100'000) {
    return Error::validation("threshold", "threshold must be 0 to 100000");
  }
  if (limit < 1 || limit > 200) return Error::validation("limit", "limit must be 1 to 200");
  std::string day = today();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<Item>> {
    return store::low_stock(lease, day, threshold, limit);
  });
}

Result<std::vector<StockAlert>> PharmacyService::expiring(int days, int limit) {
  if (days < 0 || days > 730) return Error::validation("days", "days must be 0 to 730");
  if (limit < 1 || limit > 200) return Error::validation("limit", "limit must be 1 to 200");
  std::string day = today(), until = text::day_after(day, days);
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<StockAlert>> {
    std::vector<StockAlert> alerts;
    auto lots = store::expiring_lots(lease, until, limit);
    std::vector<std::int64_t> ids;
    for (const auto& lot : lots) ids.push_back(lot.item_id);
    auto items = store::find_items(lease, ids, day);
    for (const auto& lot : lots) {
      auto alert = std::find_if(alerts.begin(), alerts.end(),
                                [&](const StockAlert& a) { return a.item.id == lot.item_id; });
      if (alert == alerts.end()) {
        auto item = std::find_if(items.begin(), items.end(),
                                 [&](const Item& i) { return i.id == lot.item_id; });
        if (item == items.end()) continue;
        alerts.push_back({*item, {}});
        alert = alerts.end() - 1;
      }
      alert->lots.push_back(lot);
    }
    return alerts;
  });
}

Result<std::vector<Mismatch>> PharmacyService::verify(db::Pool& pool) {
  return db::with_connection(pool, [&](db::Lease& lease) -> Result<std::vector<Mismatch>> {
    std::vector<Mismatch> found;
    if (auto first = store::first_mismatch(lease)) found.push_back({*first});
    return found;
  });
}

}  // namespace vitalis::pharmacy
