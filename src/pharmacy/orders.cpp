// Carts and orders: an order reserves its units from lots first-expiry-first-out in one
// transaction (conditional updates whose row counts are read, a ledger row each), moves through
// its states with a conditional status change, and gives its stock back through the ledger when
// cancelled. Prescription-only lines rest on an active prescription in the record or on an
// approval.
#include <algorithm>
#include <map>

#include "identity/audit_row.hpp"
#include "identity/directory.hpp"
#include "notify/outbox.hpp"
#include "notify/templates.hpp"
#include "pharmacy/service.hpp"
#include "pharmacy/store.hpp"
#include "pharmacy/store_stock.hpp"

namespace vitalis::pharmacy {

namespace {

using identity::Role;

std::string money(std::int64_t minor, const std::string& currency) {
  std::string cents = std::to_string(minor % 100);
  if (cents.size() < 2) cents = "0" + cents;
  return currency + " " + std::to_string(minor / 100) + "." + cents;
}

std::string order_number(std::int64_t id) { return "#" + std::to_string(id); }

// What identifies a request, so a reused key with another request is refused. The cart is not
// part of it: the first answer emptied it, and a retry comes with the same body.
std::string fingerprint(const OrderInput& input) {
  std::string out = input.fulfilment + "|" + input.payment + "|" + input.address;
  for (const auto& [item, quantity] : input.items) {
    out += "|" + std::to_string(item) + "x" + std::to_string(quantity);
  }
  return out;
}

// The patient's active prescription that holds every ingredient of `item`, if any.
std::optional<std::int64_t> covering_prescription(
    const medicines::Knowledge& knowledge, const Item& item,
    const std::vector<records::Prescription>& prescriptions) {
  if (item.ingredients.empty()) return std::nullopt;
  for (const auto& prescription : prescriptions) {
    if (prescription.status != "active") continue;
    auto resolved = knowledge.resolve(prescription.medicine);
    auto ingredients = resolved.resolved() ? resolved.ingredients
                                           : knowledge.ingredient_keys(prescription.medicine);
    bool covers =
        std::all_of(item.ingredients.begin(), item.ingredients.end(), [&](const std::string& key) {
          return std::find(ingredients.begin(), ingredients.end(), key) != ingredients.end();
        });
    if (covers) return prescription.id;
  }
  return std::nullopt;
}

// Gives back what `order_id` holds in its lots: released (kind "released") or, when it leaves
// the pharmacy, dispensed. False when a lot no longer holds it (never, unless the ledger broke).
bool settle_holds(db::Lease& lease, std::int64_t order_id, bool dispense, std::int64_t actor,
                  const std::string& at) {
  for (const auto& hold : store::order_holds(lease, order_id)) {
    bool done = dispense ? store::dispense(lease, hold.lot_id, hold.quantity)
                         : store::release(lease, hold.lot_id, hold.quantity);
    if (!done) return false;
    Movement row;
    row.lot_id = hold.lot_id;
    row.item_id = hold.item_id;
    row.kind = dispense ? "dispensed" : "released";
    row.on_hand_change = dispense ? -hold.quantity : 0;
    row.reserved_change = -hold.quantity;
    row.order_id = order_id;
    row.actor_id = actor;
    row.at = at;
    store::insert_movement(lease, row);
  }
  return true;
}

// Each order's patient's name (identity's accounts, one query for all).
void name_patients(db::Lease& lease, std::vector<Order>& orders) {
  std::vector<std::int64_t> ids;
  for (const auto& order : orders) ids.push_back(order.patient_id);
  auto names = identity::directory::names(lease, ids);
  for (auto& order : orders) {
    if (auto found = names.find(order.patient_id); found != names.end()) {
      order.patient_name = found->second;
    }
  }
}

// An order's change, audited against its patient.
void audit_order(identity::IdentityService& identity, db::Lease& lease,
                 const identity::Caller& caller, const std::string& action, const Order& order) {
  identity.audit_write(
      lease, caller,
      identity::audit::Row(action).patient(order.patient_id).resource("order", order.id));
}

std::optional<Order> named_order(db::Lease& lease, std::int64_t id) {
  auto order = store::find_order(lease, id);
  if (!order) return order;
  std::vector<Order> one{std::move(*order)};
  name_patients(lease, one);
  return std::move(one.front());
}

}  // namespace

Status PharmacyService::mail_order(db::Lease& lease, const Order& order, std::string_view kind) {
  auto contact = identity::directory::patient_contact(lease, order.patient_id);
  if (!contact || !notify::is_plain_address(contact->email)) return Ok{};
  std::map<std::string, std::string> vars = {{"name", contact->full_name},
                                             {"order", order_number(order.id)},
                                             {"total", money(order.total_minor, order.currency)},
                                             {"link", public_url_ + "/orders"}};
  if (kind == "pharmacy_order_placed") {
    vars["next"] =
        order.status == "awaiting_approval"
            ? "A pharmacist will check the prescription first; we will write again "
              "when it is on its way or ready to collect."
            : (order.fulfilment == "delivery" ? "We will write again when it is on its way."
                                              : "We will write again when it is ready to collect.");
  }
  auto message = notify::render(kind, vars, contact->email);
  if (!message.ok()) return message.error();
  notify::enqueue(lease, *message);
  return Ok{};
}

// --- cart ----------------------------------------------------------------------------------------

Result<Cart> PharmacyService::cart(std::int64_t patient_id) {
  std::string day = today();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Cart> {
    Cart out;
    auto lines = store::cart_lines(lease, patient_id);
    std::vector<std::int64_t> ids;
    for (const auto& [item, quantity] : lines) ids.push_back(item);
    auto items = store::find_items(lease, ids, day);
    out.currency = currency_;
    for (const auto& [item_id, quantity] : lines) {
      auto item =
          std::find_if(items.begin(), items.end(), [&](const Item& i) { return i.id == item_id; });
      if (item == items.end()) continue;
      out.lines.push_back({item_id, quantity, *item});
      out.total_minor += item->price_minor * quantity;
      out.currency = item->currency;
    }
    return out;
  });
}

Result<Cart> PharmacyService::set_cart_line(const identity::Caller& patient, std::int64_t item_id,
                                            int quantity) {
  if (patient.role != Role::kPatient) {
    return about(Error::forbidden("only patients have a cart"), "item_id");
  }
  if (quantity < 0 || quantity > 100) {
    return Error::validation("quantity", "quantity must be 0 to 100");
  }
  std::string day = today(), at = stamp();
  auto done = db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    if (quantity == 0) {
      store::delete_cart_line(lease, patient.account_id, item_id);
      tx.commit();
      return Ok{};
    }
    auto item = store::find_item(lease, item_id, day);
    if (!item || !item->active) return about(Error::not_found("no such item"), "item_id");
    if (quantity > item->order_limit) {
      return Error::validation("quantity", "at most " + std::to_string(item->order_limit) + " of " +
                                               item->name + " in one order");
    }
    if (quantity > item->available) {
      return about(
          Error::conflict(item->available == 0 ? item->name + " is out of stock"
                                               : "only " + std::to_string(item->available) +
                                                     " of " + item->name + " can be had now"),
          "quantity");
    }
    store::set_cart_line(lease, patient.account_id, item_id, quantity, at);
    tx.commit();
    return Ok{};
  });
  if (!done.ok()) return done.error();
  return cart(patient.account_id);
}

Status PharmacyService::clear_cart(const identity::Caller& patient) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Status {
    db::Transaction tx(lease);
    store::clear_cart(lease, patient.account_id);
    tx.commit();
    return Ok{};
  });
}

// --- orders --------------------------------------------------------------------------------------

Result<Placed> PharmacyService::place_order(const identity::Caller& patient,
                                            const OrderInput& given,
                                            std::vector<Shortage>* shortages_out) {
  if (patient.role != Role::kPatient) {
    return about(Error::forbidden("only patients place orders"), "patient_id");
  }
  OrderInput input = given;
  if (input.fulfilment != "delivery" && input.fulfilment != "pickup") {
    return Error::validation("fulfilment", "fulfilment must be delivery or pickup");
  }
  auto methods = payments_->methods_for(input.fulfilment);
  if (input.payment.empty() && !methods.empty()) input.payment = methods.front();
  if (std::find(methods.begin(), methods.end(), input.payment) == methods.end()) {
    return Error::validation("payment",
                             "pay cash on delivery for a delivery, or at the pharmacy on pickup");
  }
  if (input.fulfilment == "delivery" && input.address.empty()) {
    return Error::validation("address", "a delivery needs an address");
  }
  if (input.address.size() > 300) return Error::validation("address", "address is too long");
  if (input.items.size() > 50) return Error::validation("items", "50 different items at most");
  for (std::size_t i = 0; i < input.items.size(); ++i) {
    if (input.items[i].second < 1 || input.items[i].second > 100) {
      return Error::validation("items[" + std::to_string(i) + "].quantity",
                               "quantity must be 1 to 100");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (input.items[j].first == input.items[i].first) {
        return Error::validation("items[" + std::to_string(i) + "].item_id",
                                 "each item once (give the quantity instead)");
      }
    }
  }
  if (input.idempotency_key.size() > 200) {
    return Error::validation("Idempotency-Key", "Idempotency-Key is too long (200 at most)");
  }
  auto replay = [&](const std::string& expected) -> std::optional<Result<Placed>> {
    if (input.idempotency_key.empty()) return std::nullopt;
    return db::with_connection(pool_, [&](db::Lease& lease) -> std::optional<Result<Placed>> {
      auto key = store::find_key(lease, patient.account_id, input.idempotency_key);
      if (!key) return std::nullopt;
      if (key->fingerprint != expected) {
        return Result<Placed>(Error::validation(
            "Idempotency-Key", "this Idempotency-Key was used for a different order"));
      }
      auto order = named_order(lease, key->order_id);
      if (!order) return Result<Placed>(Error::internal());
      return Result<Placed>(Placed{*order, true});
    });
  };
  const std::string print = fingerprint(input);
  // A retry (after the first answer emptied the cart) gets that order.
  if (auto earlier = replay(print)) return std::move(*earlier);

  std::string day = today(), at = stamp();
  // Which lines need a prescription, and the patient's active prescriptions (records' read).
  auto needs_prescription = db::with_connection(pool_, [&](db::Lease& lease) -> Result<bool> {
    std::vector<std::int64_t> ids;
    for (const auto& [item, quantity] :
         input.items.empty() ? store::cart_lines(lease, patient.account_id) : input.items) {
      ids.push_back(item);
    }
    bool any = false;
    for (const auto& item : store::find_items(lease, ids, day)) any |= item.prescription_only;
    return any;
  });
  if (!needs_prescription.ok()) return needs_prescription.error();
  std::vector<records::Prescription> prescriptions;
  if (*needs_prescription) {
    auto summary = clinical_.summary_of(patient.account_id);
    if (summary.ok()) {
      prescriptions = summary->medicines;
    } else if (summary.error().code != ErrorCode::kNotFound) {  // no record yet: none
      return summary.error();
    }
  }

  enum class Outcome { kPlaced, kReplayed, kShort, kKeyTaken, kOther };
  Outcome outcome = Outcome::kOther;
  std::vector<Shortage> shortages;
  auto placed = db::with_connection(pool_, [&](db::Lease& lease) -> Result<Order> {
    db::Transaction tx(lease);
    // The key again, in the writer's transaction: a request with the same key that committed
    // since the first look (on SQLite possibly in this commit group, not yet visible to other
    // connections) has emptied the cart; its order is the answer.
    if (!input.idempotency_key.empty()) {
      if (auto key = store::find_key(lease, patient.account_id, input.idempotency_key)) {
        if (key->fingerprint != print) {
          return Error::validation("Idempotency-Key",
                                   "this Idempotency-Key was used for a different order");
        }
        auto earlier = named_order(lease, key->order_id);
        if (!earlier) return Error::internal();
        outcome = Outcome::kReplayed;
        return *earlier;
      }
    }
    auto lines = input.items.empty() ? store::cart_lines(lease, patient.account_id) : input.items;
    if (lines.empty()) return Error::validation("items", "your cart is empty");
    // Lots are locked in one order (by item) so two orders never wait on each other.
    std::sort(lines.begin(), lines.end());
    std::vector<std::int64_t> ids;
    for (const auto& [item, quantity] : lines) ids.push_back(item);
    auto items = store::find_items(lease, ids, day);
    Order order;
    order.patient_id = patient.account_id;
    order.fulfilment = input.fulfilment;
    order.payment = input.payment;
    order.address = input.fulfilment == "delivery" ? input.address : "";
    order.currency = currency_;
    order.placed_at = at;
    order.status = "placed";
    for (const auto& [item_id, quantity] : lines) {
      auto item =
          std::find_if(items.begin(), items.end(), [&](const Item& i) { return i.id == item_id; });
      if (item == items.end() || !item->active) {
        shortages.push_back({item_id, item == items.end() ? "" : item->name, quantity, 0});
        continue;
      }
      if (quantity > item->order_limit) {
        return Error::validation("items", "at most " + std::to_string(item->order_limit) + " of " +
                                              item->name + " in one order");
      }
      OrderLine line;
      line.item_id = item_id;
      line.name = item->name;
      line.quantity = quantity;
      line.unit_price_minor = item->price_minor;
      if (item->prescription_only) {
        line.prescription_id = covering_prescription(*knowledge_, *item, prescriptions);
        line.prescription = line.prescription_id ? "record" : "needed";
        if (!line.prescription_id) order.status = "awaiting_approval";
      }
      order.currency = item->currency;
      order.total_minor += item->price_minor * quantity;
      order.lines.push_back(std::move(line));
    }
    if (!shortages.empty()) {
      outcome = Outcome::kShort;
      return about(Error::conflict("some items are no longer sold"), "items");
    }
    order.id = store::insert_order(lease, order);
    if (auto names = identity::directory::names(lease, {patient.account_id}); !names.empty()) {
      order.patient_name = names.begin()->second;
    }
    for (const auto& line : order.lines) store::insert_order_line(lease, order.id, line);
    // Reserve first expiry first, lot by lot; a lot another order took meanwhile is read again.
    for (const auto& line : order.lines) {
      int need = line.quantity;
      for (const auto& lot : store::sellable_lots(lease, line.item_id, day)) {
        int available = lot.on_hand - lot.reserved;
        while (need > 0 && available > 0) {
          int take = std::min(need, available);
          if (store::reserve(lease, lot.id, take, day)) {
            Movement row;
            row.lot_id = lot.id;
            row.item_id = line.item_id;
            row.kind = "reserved";
            row.reserved_change = take;
            row.order_id = order.id;
            row.actor_id = patient.account_id;
            row.at = at;
            store::insert_movement(lease, row);
            need -= take;
            break;
          }
          auto now = store::find_lot(lease, lot.id);
          available = now ? now->on_hand - now->reserved : 0;
        }
        if (need == 0) break;
      }
      // Short: what can be had is what this order got of it (given back on rollback).
      if (need > 0)
        shortages.push_back({line.item_id, line.name, line.quantity, line.quantity - need});
    }
    if (!shortages.empty()) {
      outcome = Outcome::kShort;
      return about(Error::conflict("not enough in stock"), "items");
    }
    if (!input.idempotency_key.empty() &&
        !store::insert_key(lease, patient.account_id, input.idempotency_key, print, order.id, at)) {
      outcome = Outcome::kKeyTaken;
      return Error::conflict("replay");
    }
    if (input.items.empty()) store::clear_cart(lease, patient.account_id);
    identity_.audit_write(lease, patient,
                          identity::audit::Row("pharmacy.order_create")
                              .patient(patient.account_id)
                              .resource("order", order.id));
    if (auto mailed = mail_order(lease, order, "pharmacy_order_placed"); !mailed.ok()) {
      return mailed.error();
    }
    tx.commit();
    outcome = Outcome::kPlaced;
    return order;
  });
  if (placed.ok()) {
    if (outcome == Outcome::kReplayed) return Placed{std::move(placed).value(), true};
    // Paid (or arranged) once the stock is held; refused: the order is cancelled, the stock
    // returns, and the patient is told why.
    Order order = std::move(placed).value();
    auto paid = payments_->authorise({order.id, order.patient_id, order.total_minor, order.currency,
                                      order.payment, input.idempotency_key});
    if (!paid.accepted) {
      auto undone = cancel(patient, order.id, "payment refused: " + paid.message);
      if (!undone.ok()) return undone.error();
      return about(Error::conflict(paid.message.empty() ? "the payment was refused" : paid.message),
                   "payment");
    }
    return Placed{std::move(order), false};
  }
  // A concurrent request with the same key may have won (and emptied the cart): its answer is
  // ours, whatever this one ran into.
  if (auto earlier = replay(print)) return std::move(*earlier);
  if (outcome == Outcome::kKeyTaken) return Error::internal();
  if (outcome == Outcome::kShort && shortages_out != nullptr) *shortages_out = shortages;
  return placed.error();
}

Result<Order> PharmacyService::order(const identity::Caller& caller, std::int64_t order_id) {
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Order> {
    auto found = named_order(lease, order_id);
    if (!found || (caller.role != Role::kAdmin && found->patient_id != caller.account_id)) {
      return about(Error::not_found("no such order"), "order_id");
    }
    return *found;
  });
}

Result<std::vector<Order>> PharmacyService::patient_orders(std::int64_t patient_id,
                                                           std::int64_t before_id, int limit) {
  if (limit < 1 || limit > 100) return Error::validation("limit", "limit must be 1 to 100");
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<Order>> {
    auto orders =
        store::orders_of_patient(lease, patient_id, before_id > 0 ? before_id : INT64_MAX, limit);
    name_patients(lease, orders);
    return orders;
  });
}

Result<std::vector<Order>> PharmacyService::queue(const std::string& status, std::int64_t before_id,
                                                  int limit) {
  static const std::vector<std::string> kStatuses = {"awaiting_approval", "placed",    "ready",
                                                     "dispatched",        "delivered", "cancelled"};
  if (std::find(kStatuses.begin(), kStatuses.end(), status) == kStatuses.end()) {
    return Error::validation("status",
                             "status must be awaiting_approval, placed, ready, dispatched, "
                             "delivered or cancelled");
  }
  if (limit < 1 || limit > 100) return Error::validation("limit", "limit must be 1 to 100");
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<std::vector<Order>> {
    auto orders =
        store::orders_in_status(lease, status, before_id > 0 ? before_id : INT64_MAX, limit);
    name_patients(lease, orders);
    return orders;
  });
}

Result<Order> PharmacyService::approve(const identity::Caller& admin, std::int64_t order_id) {
  std::string at = stamp();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Order> {
    db::Transaction tx(lease);
    auto order = store::find_order(lease, order_id);
    if (!order) return about(Error::not_found("no such order"), "order_id");
    if (order->status != "awaiting_approval") {
      return about(Error::conflict("this order is " + order->status + ", not awaiting approval"),
                   "order_id");
    }
    if (!store::set_order_status(lease, order_id, "awaiting_approval", "placed", admin.account_id,
                                 at, "")) {
      return about(Error::conflict("the order changed meanwhile; reload it"), "order_id");
    }
    store::approve_lines(lease, order_id, admin.account_id, at);
    audit_order(identity_, lease, admin, "pharmacy.order_approve", *order);
    auto after = named_order(lease, order_id);
    tx.commit();
    return *after;
  });
}

Result<Order> PharmacyService::advance(const identity::Caller& admin, std::int64_t order_id,
                                       const std::string& status) {
  if (status != "ready" && status != "dispatched" && status != "delivered") {
    return Error::validation("status", "status must be ready, dispatched or delivered");
  }
  std::string at = stamp();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Order> {
    db::Transaction tx(lease);
    auto order = store::find_order(lease, order_id);
    if (!order) return about(Error::not_found("no such order"), "order_id");
    const std::string& was = order->status;
    bool allowed = (status == "ready" && was == "placed" && order->fulfilment == "pickup") ||
                   (status == "dispatched" && was == "placed" && order->fulfilment == "delivery") ||
                   (status == "delivered" && (was == "ready" || was == "dispatched"));
    if (!allowed) {
      std::string why =
          was == "awaiting_approval"
              ? "this order waits for its prescription to be approved"
              : "a " + order->fulfilment + " order that is " + was + " cannot become " + status;
      return about(Error::conflict(why), "status");
    }
    if (!store::set_order_status(lease, order_id, was, status, admin.account_id, at, "")) {
      return about(Error::conflict("the order changed meanwhile; reload it"), "status");
    }
    // The stock leaves the pharmacy when the order is sent, or handed over at the counter.
    bool leaves = status == "dispatched" || (status == "delivered" && was == "ready");
    if (leaves && !settle_holds(lease, order_id, true, admin.account_id, at)) {
      return Error::internal();
    }
    audit_order(identity_, lease, admin, "pharmacy.order_" + status, *order);
    order->status = status;
    if (status == "ready" || status == "dispatched") {
      if (auto mailed = mail_order(lease, *order, "pharmacy_order_" + status); !mailed.ok()) {
        return mailed.error();
      }
    }
    auto after = named_order(lease, order_id);
    tx.commit();
    return *after;
  });
}

Result<Order> PharmacyService::cancel(const identity::Caller& caller, std::int64_t order_id,
                                      const std::string& reason) {
  if (reason.empty() || reason.size() > 300) {
    return Error::validation("reason", "say why the order is cancelled (300 characters at most)");
  }
  std::string at = stamp();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Order> {
    db::Transaction tx(lease);
    auto order = store::find_order(lease, order_id);
    bool admin = caller.role == Role::kAdmin;
    if (!order || (!admin && order->patient_id != caller.account_id)) {
      return about(Error::not_found("no such order"), "order_id");
    }
    const std::string was = order->status;
    bool open = was == "awaiting_approval" || was == "placed" || (admin && was == "ready");
    if (!open) {
      return about(Error::conflict(was == "cancelled" ? "this order is cancelled already"
                                                      : "this order is " + was +
                                                            ": it can no longer be cancelled"),
                   "order_id");
    }
    if (!store::set_order_status(lease, order_id, was, "cancelled", caller.account_id, at,
                                 reason)) {
      return about(Error::conflict("the order changed meanwhile; reload it"), "order_id");
    }
    if (!settle_holds(lease, order_id, false, caller.account_id, at)) return Error::internal();
    audit_order(identity_, lease, caller, "pharmacy.order_cancel", *order);
    order->status = "cancelled";
    if (auto mailed = mail_order(lease, *order, "pharmacy_order_cancelled"); !mailed.ok()) {
      return mailed.error();
    }
    auto after = named_order(lease, order_id);
    tx.commit();
    return *after;
  });
}

Result<Returned> PharmacyService::return_items(const identity::Caller& admin, std::int64_t order_id,
                                               const ReturnInput& input) {
  if (input.reason.empty() || input.reason.size() > 300) {
    return Error::validation("reason",
                             "say why the medicine came back, e.g. \"delivered twice, sealed\" "
                             "(300 characters at most)");
  }
  if (input.quantity < 1 || input.quantity > 100000) {
    return Error::validation("quantity", "quantity must be a whole number from 1 to 100,000");
  }
  std::string at = stamp(), day = today();
  return db::with_connection(pool_, [&](db::Lease& lease) -> Result<Returned> {
    db::Transaction tx(lease);
    auto order = store::find_order(lease, order_id);
    if (!order) return about(Error::not_found("no such order"), "order_id");
    if (order->status != "dispatched" && order->status != "delivered") {
      return about(
          Error::conflict("this order is " + order->status +
                          ": only medicine that has left the pharmacy can be returned" +
                          (order->status == "cancelled" ? "" : " (cancel the order instead)")),
          "order_id");
    }
    auto line = std::find_if(order->lines.begin(), order->lines.end(),
                             [&](const OrderLine& one) { return one.item_id == input.item_id; });
    if (line == order->lines.end()) {
      return Error::validation("item_id", "this order has no such medicine");
    }
    // The line's count first: its conditional update holds the line until commit, so a return
    // racing this one reads the lots below only after this one's rows are in.
    if (!store::return_line(lease, order_id, input.item_id, input.quantity)) {
      int left = line->quantity - line->returned;
      return about(
          Error::conflict(left == 0 ? "every unit of this medicine has been returned already"
                                    : "only " + std::to_string(left) + " of the " +
                                          std::to_string(line->quantity) +
                                          " ordered can still be returned"),
          "quantity");
    }
    Returned out;
    if (input.restock) {
      int left = input.quantity;
      for (const auto& lot : store::order_line_lots(lease, order_id, input.item_id)) {
        if (left == 0) break;
        if (lot.expires_on <= day) continue;  // expired since: never back on the shelf
        int back = std::min(left, lot.quantity);
        if (!store::receive(lease, lot.lot_id, back)) return Error::internal();
        Movement row;
        row.lot_id = lot.lot_id;
        row.item_id = input.item_id;
        row.kind = "returned";
        row.on_hand_change = back;
        row.order_id = order_id;
        row.reason = input.reason;
        row.actor_id = admin.account_id;
        row.at = at;
        store::insert_movement(lease, row);
        out.restocked += back;
        left -= back;
      }
    }
    audit_order(identity_, lease, admin, "pharmacy.order_return", *order);
    auto after = named_order(lease, order_id);
    tx.commit();
    out.order = std::move(*after);
    out.refund_minor = line->unit_price_minor * input.quantity;
    return out;
  });
}

}  // namespace vitalis::pharmacy
