// Pharmacy service: the medicines catalogue and its search, lots of stock with a ledger of every
// movement, server-side carts, and orders that reserve stock first-expiry-first-out under the
// database's guards (a CHECK on each lot and conditional updates whose row counts are read, never
// a read in C++ followed by a write). Each write runs in one transaction with its ledger rows and
// audit row; reads do not audit themselves (the routes declare their read audit). Knows nothing
// of HTTP. Safe for concurrent use: state is in the database; the medicines knowledge is
// immutable.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "db/database.hpp"
#include "identity/model.hpp"
#include "identity/service.hpp"
#include "medicines/knowledge.hpp"
#include "pharmacy/model.hpp"
#include "pharmacy/payments.hpp"
#include "records/clinical_service.hpp"

namespace vitalis::pharmacy {

// The error with the field it concerns (every 4xx of the pharmacy names one).
inline Error about(Error error, std::string field) {
  error.field = std::move(field);
  return error;
}

// Which ingredients make an item prescription-only (config/prescription_only.json, embedded).
class PrescriptionRule {
 public:
  // From the JSON text and the drug classes it names; an error names what is malformed.
  static Result<PrescriptionRule> from_json(std::string_view json,
                                            const medicines::Knowledge& knowledge);
  static PrescriptionRule built_in(const medicines::Knowledge& knowledge);
  bool prescription_only(const std::vector<std::string>& ingredients) const;
  std::size_t size() const { return ingredients_.size(); }

 private:
  std::vector<std::string> ingredients_;  // sorted keys
};

std::string_view embedded_prescription_rule_json();

class PharmacyService {
 public:
  PharmacyService(db::Pool& pool, identity::IdentityService& identity,
                  records::ClinicalService& clinical,
                  std::shared_ptr<const medicines::Knowledge> knowledge);

  identity::IdentityService& identity() const { return identity_; }
  // The clock (Unix seconds) expiry and times are read against; tests set it.
  void set_clock(std::function<std::int64_t()> now) { now_ = std::move(now); }
  void set_public_url(std::string url) { public_url_ = std::move(url); }
  // How orders are paid (default: OfflinePayments, cash on delivery and pay at pickup).
  void set_payments(std::unique_ptr<PaymentMethods> payments) { payments_ = std::move(payments); }
  // The currency of items made here (imported or by an admin without one).
  void set_currency(std::string currency) { currency_ = std::move(currency); }
  const medicines::Knowledge& knowledge() const { return *knowledge_; }

  // --- catalogue (catalogue.cpp) --------------------------------------------------------------
  // Ranked search by brand name, active ingredient (any spelling or synonym the knowledge
  // knows), use or manufacturer words; the last word is a prefix. When the words as typed find
  // nothing, each word the catalogue does not know is read as its nearest catalogue word (within
  // one typo for 4–7 letters, two from 8) and the search runs again, saying so in `corrected`.
  Result<SearchPage> search(const ItemQuery& query);
  // Admins see retired items too.
  Result<Item> item(const identity::Caller& caller, std::int64_t item_id);
  Result<Item> create_item(const identity::Caller& admin, const ItemInput& input);
  Result<Item> update_item(const identity::Caller& admin, std::int64_t item_id,
                           const ItemInput& input);
  Result<std::vector<std::string>> manufacturers();
  // Admin: retired items by name (search shows only items for sale).
  Result<std::vector<Item>> retired_items(int limit, int offset);

  struct ImportReport {
    std::size_t read = 0, added = 0, updated = 0, unchanged = 0, duplicates = 0, skipped = 0;
  };
  // The cleaned items of the medicines dataset (Medicine_Details.csv text): entities decoded,
  // uses and side effects split, duplicate rows dropped (counted in `report`).
  static Result<std::vector<ImportedItem>> read_dataset(std::string_view csv, ImportReport& report);
  // Loads or updates the items, in transactions of `batch` items, each new one with a demo
  // price and the prescription rule's status (existing items keep theirs); `progress(done,
  // total)` after each batch. Idempotent: a second run changes nothing. The catalogue is not
  // patient data: the import is logged, not audited.
  Result<ImportReport> import_items(const std::vector<ImportedItem>& items, ImportReport report,
                                    const std::function<void(std::size_t, std::size_t)>& progress,
                                    std::size_t batch = 500);
  // The same without a service (vitalis import medicines needs neither accounts nor the secret).
  static Result<ImportReport> import_catalogue(
      db::Pool& pool, const medicines::Knowledge& knowledge, const std::vector<ImportedItem>& items,
      ImportReport report, const std::string& currency,
      const std::function<void(std::size_t, std::size_t)>& progress, std::size_t batch = 500);

  // --- stock (stock.cpp) ----------------------------------------------------------------------
  // Admin: a new lot (batch unique per item, expiry in the future, quantity 1–100,000).
  Result<Lot> receive(const identity::Caller& admin, std::int64_t item_id, const LotInput& input);
  // Admin: on hand up or down (never below what orders hold), with a reason.
  Result<Lot> adjust(const identity::Caller& admin, std::int64_t lot_id, int change,
                     const std::string& reason);
  // Admin: writes off what is left unreserved of an expired lot (kind "expired").
  Result<Lot> write_off(const identity::Caller& admin, std::int64_t lot_id);
  Result<std::vector<Lot>> lots(std::int64_t item_id);
  // Latest first, before `before_id` (0: from the newest).
  Result<std::vector<Movement>> ledger(std::int64_t item_id, std::int64_t before_id, int limit);
  // Items that can be sold but have `threshold` or fewer units left, fewest first.
  Result<std::vector<Item>> low_stock(int threshold, int limit);
  // Lots with stock expiring within `days` days (or expired), soonest first, with their items.
  Result<std::vector<StockAlert>> expiring(int days, int limit);
  // The first disagreement between stock counts, ledger and orders; empty when all agree.
  // (Static: vitalis pharmacy verify reads the database only.)
  static Result<std::vector<Mismatch>> verify(db::Pool& pool);

  // --- cart and orders (orders.cpp) -----------------------------------------------------------
  Result<Cart> cart(std::int64_t patient_id);
  // The patient: sets an item's quantity (0 removes it); checked against the item's order limit
  // and what can be sold now.
  Result<Cart> set_cart_line(const identity::Caller& patient, std::int64_t item_id, int quantity);
  Status clear_cart(const identity::Caller& patient);
  // The patient: the cart becomes an order, reserving every unit from lots first-expiry-first-
  // out in one transaction, at today's prices, and the cart empties. 409 (field "items") when
  // anything is short, with each shortage in `shortages`; nothing is reserved then. A
  // prescription-only item needs an active prescription in the patient's record for its
  // ingredients, else the order waits for a pharmacist's or admin's approval
  // (awaiting_approval). With an idempotency key, the first answer is given again.
  Result<Placed> place_order(const identity::Caller& patient, const OrderInput& input,
                             std::vector<Shortage>* shortages = nullptr);
  // The patient or an admin.
  Result<Order> order(const identity::Caller& caller, std::int64_t order_id);
  Result<std::vector<Order>> patient_orders(std::int64_t patient_id, std::int64_t before_id,
                                            int limit);
  // Admin: orders in a status, newest first.
  Result<std::vector<Order>> queue(const std::string& status, std::int64_t before_id, int limit);
  // Admin: approves the prescription-only lines of an order awaiting approval; it is placed.
  Result<Order> approve(const identity::Caller& admin, std::int64_t order_id);
  // Admin: placed -> ready (pickup) or dispatched (delivery); ready -> delivered (collected);
  // dispatched -> delivered. Stock is dispensed when the order leaves (dispatched, or collected).
  Result<Order> advance(const identity::Caller& admin, std::int64_t order_id,
                        const std::string& status);
  // The patient (before it is ready or dispatched) or an admin (before it leaves): stock returns
  // through the ledger. `reason` is required.
  Result<Order> cancel(const identity::Caller& caller, std::int64_t order_id,
                       const std::string& reason);
  // Admin: units of a line of a dispatched or delivered order came back (never more than were
  // ordered; 409 "quantity" says how many can). With `restock` they go back to the lots they
  // came from, latest expiry first, as ledger rows of kind "returned" (units from a lot expired
  // since stay off the shelf); without, they are only counted as returned. The patient is owed
  // `refund_minor` (payments are offline: the counter refunds).
  Result<Returned> return_items(const identity::Caller& admin, std::int64_t order_id,
                                const ReturnInput& input);

 private:
  std::string stamp() const;
  std::string today() const;  // YYYY-MM-DD (UTC) of now_()
  Status mail_order(db::Lease& lease, const Order& order, std::string_view kind);
  // The words (the last a prefix) as an FTS5 query or a tsquery, or'd with the synonyms'
  // ingredients; `weight` 'A' (the name) or 'B' (the ingredients) restricts a tsquery to that
  // part (SQLite has an index per part instead), 0 anywhere.
  std::string search_match(db::Lease& lease, const std::vector<std::string>& words,
                           const std::vector<std::string>& synonyms, char weight,
                           bool last_is_prefix) const;

  db::Pool& pool_;
  identity::IdentityService& identity_;
  records::ClinicalService& clinical_;
  std::shared_ptr<const medicines::Knowledge> knowledge_;
  PrescriptionRule rule_;
  std::function<std::int64_t()> now_;
  std::string public_url_ = "http://127.0.0.1:8080";
  std::string currency_ = "GBP";
  std::unique_ptr<PaymentMethods> payments_ = std::make_unique<OfflinePayments>();
};

}  // namespace vitalis::pharmacy
