// The e-pharmacy's plain types: catalogue items, lots and their ledger, carts and orders. Money is
// an integer in minor currency units (pence, paise), never a floating-point number. No I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vitalis::pharmacy {

struct Item {
  std::int64_t id = 0;
  std::string name, composition, manufacturer;
  std::vector<std::string> ingredients;  // ingredient keys ("paracetamol"), in order
  std::vector<std::string> uses;         // "Treatment of Migraine"
  std::vector<std::string> side_effects;
  std::int64_t price_minor = 0;
  std::string currency;
  bool prescription_only = false;
  int order_limit = 10;  // most units of it in one order
  std::optional<int> review_excellent, review_average, review_poor;  // shares in %
  bool active = true;
  std::string created_at, updated_at;
  // Read with the item: units that can be sold now (on hand, not reserved, in lots not expired).
  std::int64_t available = 0;
};

// What an admin sends to create or change an item (fields left empty stay as they are).
struct ItemInput {
  std::optional<std::string> name, composition, manufacturer, currency;
  std::optional<std::vector<std::string>> uses, side_effects;
  std::optional<std::int64_t> price_minor;
  std::optional<bool> prescription_only, active;
  std::optional<int> order_limit;
};

// An item as the importer reads it from the dataset, cleaned.
struct ImportedItem {
  std::string source_key;  // folded name | folded manufacturer
  std::string name, composition, manufacturer;
  std::vector<std::string> uses, side_effects;
  std::optional<int> review_excellent, review_average, review_poor;
};

struct ItemQuery {
  std::string text;  // words; the last one may be a prefix (as you type)
  bool in_stock_only = false;
  std::optional<bool> prescription_only;
  std::string manufacturer;  // exact, or empty
  int limit = 20;            // 1–50
  int offset = 0;            // 0–1000
};

struct SearchPage {
  std::vector<Item> items;
  // The words searched for when the text as typed found nothing ("paracetmol" -> "paracetamol").
  std::vector<std::string> corrected;
};

struct Lot {
  std::int64_t id = 0, item_id = 0;
  std::string batch, expires_on, supplier;  // expires_on: YYYY-MM-DD
  int received_quantity = 0, on_hand = 0, reserved = 0;
  std::int64_t cost_minor = 0;
  std::string received_at;
  std::int64_t received_by = 0;
};

struct LotInput {
  std::string batch, expires_on, supplier;
  int quantity = 0;
  std::int64_t cost_minor = 0;
};

// One stock movement. on_hand_change and reserved_change are what it did to the lot.
struct Movement {
  std::int64_t id = 0, lot_id = 0, item_id = 0;
  std::string kind;  // received reserved released dispensed adjusted expired returned
  int on_hand_change = 0, reserved_change = 0;
  std::optional<std::int64_t> order_id;
  std::string reason;
  std::int64_t actor_id = 0;
  std::string at;
  std::string batch;  // the lot's
};

struct CartLine {
  std::int64_t item_id = 0;
  int quantity = 0;
  Item item;  // as it is now (price, availability)
};

struct Cart {
  std::vector<CartLine> lines;
  std::int64_t total_minor = 0;
  std::string currency;
};

struct OrderLine {
  std::int64_t item_id = 0;
  std::string name;  // the item's, for lists
  int quantity = 0;
  std::int64_t unit_price_minor = 0;
  // Prescription-only lines: "needed" (waiting for approval), "record" (an active prescription
  // in the patient's record: prescription_id), "approval" (approved_by, approved_at). Empty
  // for other items.
  std::string prescription;
  std::optional<std::int64_t> prescription_id, approved_by;
  std::string approved_at;
  int returned = 0;  // units brought back after the order left
};

struct Order {
  std::int64_t id = 0, patient_id = 0;
  std::string patient_name;  // for the pharmacy counter
  std::string status;        // awaiting_approval placed ready dispatched delivered cancelled
  std::string fulfilment;    // delivery | pickup
  std::string payment;       // cash_on_delivery | pay_at_pickup
  std::string address;
  std::int64_t total_minor = 0;
  std::string currency;
  std::string placed_at, changed_at, cancel_reason;
  std::optional<std::int64_t> changed_by;
  std::vector<OrderLine> lines;
};

struct OrderInput {
  std::string fulfilment = "pickup";
  std::string payment;  // default: cash_on_delivery for delivery, pay_at_pickup for pickup
  std::string address;  // required for delivery
  std::string idempotency_key;
  // "Buy now": these (item, quantity) instead of the cart, which is left as it is. Empty: the cart.
  std::vector<std::pair<std::int64_t, int>> items;
};

// An item the order could not reserve: how many were asked for and how many can be had.
struct Shortage {
  std::int64_t item_id = 0;
  std::string name;
  int wanted = 0;
  std::int64_t available = 0;
};

// A return of units of one line of an order that has left the pharmacy. `restock`: the units
// are fit to sell again (sealed, stored well) and go back to the lots they came from, unless
// those have expired; otherwise they are recorded as returned and kept off the shelf.
struct ReturnInput {
  std::int64_t item_id = 0;
  int quantity = 0;
  bool restock = false;
  std::string reason;
};

struct Returned {
  Order order;
  int restocked = 0;              // put back on the shelf
  std::int64_t refund_minor = 0;  // what the units cost the patient
};

struct Placed {
  Order order;
  bool replayed = false;  // the answer to an earlier request with the same key
};

// What `pharmacy verify` found: empty when every lot equals its ledger.
struct Mismatch {
  std::string what;  // in words: "lot 12 (item 4, batch B-1): on hand 10, ledger says 9"
};

struct StockAlert {
  Item item;
  std::vector<Lot> lots;  // the lots expiring (for expiry alerts)
};

}  // namespace vitalis::pharmacy
