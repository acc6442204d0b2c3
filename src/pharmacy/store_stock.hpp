// The pharmacy's stock, cart and order SQL. A lot's counts change only through the conditional
// updates here, whose row counts the service checks, each beside the ledger row that records it
// in the same transaction. Names only pharmacy's tables. Not thread-safe: one lease per task.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "pharmacy/model.hpp"

namespace vitalis::pharmacy::store {

namespace sql {
#define VITALIS_LOT_COLUMNS                                                                   \
  "SELECT id, item_id, batch, expires_on, received_quantity, supplier, cost_minor, on_hand, " \
  "reserved, received_at, received_by FROM pharmacy_lots "
inline constexpr const char* kInsertLot =
    "INSERT INTO pharmacy_lots (item_id, batch, expires_on, received_quantity, supplier, "
    "cost_minor, on_hand, reserved, received_at, received_by) VALUES (:item, :batch, :expires, "
    ":quantity, :supplier, :cost, 0, 0, :at, :by) ON CONFLICT (item_id, batch) DO NOTHING "
    "RETURNING id";
inline constexpr const char* kSelectLot = VITALIS_LOT_COLUMNS "WHERE id = :id";
inline constexpr const char* kSelectLotsOfItem =
    VITALIS_LOT_COLUMNS "WHERE item_id = :item ORDER BY expires_on, id";
// What can be sold, first expiry first: not expired on :today, something not reserved.
inline constexpr const char* kSellableLots = VITALIS_LOT_COLUMNS
    "WHERE item_id = :item AND expires_on > :today AND on_hand > reserved ORDER BY expires_on, id";
// Lots with stock expiring by :until (and already expired ones), soonest first.
inline constexpr const char* kExpiringLots = VITALIS_LOT_COLUMNS
    "WHERE on_hand > 0 AND expires_on <= :until ORDER BY expires_on, id "
    "LIMIT :limit";
// The conditional updates: each changes a lot only when the result keeps its CHECKs and the
// rule of the movement; the service reads the row count.
inline constexpr const char* kReceive =
    "UPDATE pharmacy_lots SET on_hand = on_hand + :quantity WHERE id = :id";
inline constexpr const char* kReserve =
    "UPDATE pharmacy_lots SET reserved = reserved + :quantity WHERE id = :id AND "
    "on_hand - reserved >= :quantity_again AND expires_on > :today";
inline constexpr const char* kRelease =
    "UPDATE pharmacy_lots SET reserved = reserved - :quantity WHERE id = :id AND "
    "reserved >= :quantity_again";
inline constexpr const char* kDispense =
    "UPDATE pharmacy_lots SET on_hand = on_hand - :quantity, reserved = reserved - "
    ":quantity_again WHERE id = :id AND reserved >= :quantity_check";
// An adjustment (either sign) or a write-off: never below what orders hold.
inline constexpr const char* kChangeOnHand =
    "UPDATE pharmacy_lots SET on_hand = on_hand + :change WHERE id = :id AND "
    "on_hand + :change_again >= reserved";
inline constexpr const char* kInsertMovement =
    "INSERT INTO pharmacy_ledger (lot_id, item_id, kind, on_hand_change, reserved_change, "
    "order_id, reason, actor_id, at) VALUES (:lot, :item, :kind, :on_hand, :reserved, :order_id, "
    ":reason, :actor, :at)";
inline constexpr const char* kLedgerOfItem =
    "SELECT g.id, g.lot_id, g.item_id, g.kind, g.on_hand_change, g.reserved_change, g.order_id, "
    "g.reason, g.actor_id, g.at, l.batch FROM pharmacy_ledger g JOIN pharmacy_lots l ON l.id = "
    "g.lot_id WHERE g.item_id = :item AND g.id < :before ORDER BY g.id DESC LIMIT :limit";
// What an order holds in each lot now (reserved and not yet released or dispensed).
inline constexpr const char* kOrderHolds =
    "SELECT lot_id, item_id, SUM(reserved_change) FROM pharmacy_ledger WHERE order_id = :order "
    "GROUP BY lot_id, item_id HAVING SUM(reserved_change) > 0 ORDER BY lot_id";
// The first lot whose counts differ from the sum of its ledger rows.
inline constexpr const char* kLotMismatch =
    "SELECT l.id, l.item_id, l.batch, l.on_hand, l.reserved, COALESCE(SUM(g.on_hand_change), 0), "
    "COALESCE(SUM(g.reserved_change), 0) FROM pharmacy_lots l LEFT JOIN pharmacy_ledger g ON "
    "g.lot_id = l.id GROUP BY l.id, l.item_id, l.batch, l.on_hand, l.reserved HAVING l.on_hand <> "
    "COALESCE(SUM(g.on_hand_change), 0) OR l.reserved <> COALESCE(SUM(g.reserved_change), 0) "
    "ORDER BY l.id LIMIT 1";
// A ledger row naming another item than its lot's.
inline constexpr const char* kLedgerItemMismatch =
    "SELECT g.id, g.lot_id, g.item_id, l.item_id FROM pharmacy_ledger g JOIN pharmacy_lots l ON "
    "l.id = g.lot_id WHERE g.item_id <> l.item_id ORDER BY g.id LIMIT 1";
// The first order line whose reservation or dispensing differs from what its status says:
// awaiting_approval, placed and ready hold the quantity reserved; dispatched and delivered have
// dispensed it (and only they can have units returned); cancelled holds and dispensed nothing;
// no line has more put back on the shelf than was returned.
inline constexpr const char* kOrderMismatch =
    "SELECT id, item_id, status, quantity, held, gone, returned, put_back FROM (SELECT o.id, "
    "n.item_id, o.status, n.quantity, n.returned, COALESCE((SELECT SUM(g.reserved_change) FROM "
    "pharmacy_ledger g WHERE g.order_id = o.id AND g.item_id = n.item_id), 0) AS held, "
    "COALESCE((SELECT -SUM(g.on_hand_change) FROM pharmacy_ledger g WHERE g.order_id = o.id AND "
    "g.item_id = n.item_id AND g.kind = 'dispensed'), 0) AS gone, COALESCE((SELECT "
    "SUM(g.on_hand_change) FROM pharmacy_ledger g WHERE g.order_id = o.id AND g.item_id = "
    "n.item_id AND g.kind = 'returned'), 0) AS put_back FROM pharmacy_orders o JOIN "
    "pharmacy_order_lines n ON n.order_id = o.id) per_line WHERE (status IN ('awaiting_approval', "
    "'placed', 'ready') AND (held <> quantity OR gone <> 0 OR returned <> 0)) OR (status IN "
    "('dispatched', 'delivered') AND (held <> 0 OR gone <> quantity)) OR (status = 'cancelled' AND "
    "(held <> 0 OR gone <> 0 OR returned <> 0)) OR put_back > returned OR put_back < 0 "
    "ORDER BY id, item_id LIMIT 1";

inline constexpr const char* kSetCartLine =
    "INSERT INTO pharmacy_cart_lines (patient_id, item_id, quantity, added_at) VALUES (:patient, "
    ":item, :quantity, :at) ON CONFLICT (patient_id, item_id) DO UPDATE SET quantity = "
    "excluded.quantity";
inline constexpr const char* kDeleteCartLine =
    "DELETE FROM pharmacy_cart_lines WHERE patient_id = :patient AND item_id = :item";
inline constexpr const char* kClearCart =
    "DELETE FROM pharmacy_cart_lines WHERE patient_id = :patient";
inline constexpr const char* kCartLines =
    "SELECT item_id, quantity FROM pharmacy_cart_lines WHERE patient_id = :patient "
    "ORDER BY added_at, item_id";

#define VITALIS_ORDER_COLUMNS                                                            \
  "SELECT id, patient_id, status, fulfilment, payment, address, total_minor, currency, " \
  "placed_at, changed_at, changed_by, cancel_reason FROM pharmacy_orders "
inline constexpr const char* kInsertOrder =
    "INSERT INTO pharmacy_orders (patient_id, status, fulfilment, payment, address, total_minor, "
    "currency, placed_at) VALUES (:patient, :status, :fulfilment, :payment, :address, :total, "
    ":currency, :at) RETURNING id";
inline constexpr const char* kInsertOrderLine =
    "INSERT INTO pharmacy_order_lines (order_id, item_id, quantity, unit_price_minor, "
    "prescription, prescription_id) VALUES (:order_id, :item, :quantity, :price, :prescription, "
    ":prescription_id)";
inline constexpr const char* kSelectOrder = VITALIS_ORDER_COLUMNS "WHERE id = :id";
inline constexpr const char* kOrdersOfPatient = VITALIS_ORDER_COLUMNS
    "WHERE patient_id = :patient AND id < :before ORDER BY id DESC "
    "LIMIT :limit";
inline constexpr const char* kOrdersInStatus =
    VITALIS_ORDER_COLUMNS "WHERE status = :status AND id < :before ORDER BY id DESC LIMIT :limit";
inline constexpr const char* kOrderLinesSqlite =
    "SELECT n.order_id, n.item_id, i.name, n.quantity, n.unit_price_minor, n.prescription, "
    "n.prescription_id, n.approved_by, n.approved_at, n.returned FROM pharmacy_order_lines n JOIN "
    "pharmacy_items i ON i.id = n.item_id WHERE n.order_id IN (SELECT value FROM "
    "json_each(:ids)) ORDER BY n.order_id, n.item_id";
inline constexpr const char* kOrderLinesPostgresql =
    "SELECT n.order_id, n.item_id, i.name, n.quantity, n.unit_price_minor, n.prescription, "
    "n.prescription_id, n.approved_by, n.approved_at, n.returned FROM pharmacy_order_lines n JOIN "
    "pharmacy_items i ON i.id = n.item_id WHERE n.order_id = ANY(CAST(:ids AS bigint[])) "
    "ORDER BY n.order_id, n.item_id";
// A change of status only from the status the service read (a concurrent change wins once).
inline constexpr const char* kSetOrderStatus =
    "UPDATE pharmacy_orders SET status = :status, changed_at = :at, changed_by = :by, "
    "cancel_reason = :reason WHERE id = :id AND status = :was";
// A return: the line's returned count goes up only while it stays within the quantity.
inline constexpr const char* kReturnLine =
    "UPDATE pharmacy_order_lines SET returned = returned + :quantity WHERE order_id = :order_id "
    "AND item_id = :item AND returned + :quantity_again <= quantity";
// Per lot, what an order's line took out and has not had put back, latest expiry first (the
// lots a return goes back to).
inline constexpr const char* kOrderLineLots =
    "SELECT g.lot_id, l.expires_on, -SUM(g.on_hand_change) FROM pharmacy_ledger g JOIN "
    "pharmacy_lots l ON l.id = g.lot_id WHERE g.order_id = :order_id AND g.item_id = :item AND "
    "g.kind IN ('dispensed', 'returned') GROUP BY g.lot_id, l.expires_on HAVING "
    "-SUM(g.on_hand_change) > 0 ORDER BY l.expires_on DESC, g.lot_id DESC";
inline constexpr const char* kApproveLines =
    "UPDATE pharmacy_order_lines SET prescription = 'approval', approved_by = :by, approved_at = "
    ":at WHERE order_id = :order_id AND prescription = 'needed'";
inline constexpr const char* kInsertKey =
    "INSERT INTO pharmacy_idempotency (patient_id, key, fingerprint, order_id, created_at) "
    "VALUES (:patient, :key, :fingerprint, :order_id, :at) ON CONFLICT (patient_id, key) DO "
    "NOTHING";
inline constexpr const char* kFindKey =
    "SELECT fingerprint, order_id FROM pharmacy_idempotency WHERE patient_id = :patient AND "
    "key = :key";
}  // namespace sql

std::optional<std::int64_t> insert_lot(db::Lease& lease, const Lot& lot);
std::optional<Lot> find_lot(db::Lease& lease, std::int64_t id);
std::vector<Lot> lots_of_item(db::Lease& lease, std::int64_t item_id);
std::vector<Lot> sellable_lots(db::Lease& lease, std::int64_t item_id, const std::string& today);
std::vector<Lot> expiring_lots(db::Lease& lease, const std::string& until, int limit);

// The conditional updates; each returns whether the lot changed.
bool receive(db::Lease& lease, std::int64_t lot_id, int quantity);
bool reserve(db::Lease& lease, std::int64_t lot_id, int quantity, const std::string& today);
bool release(db::Lease& lease, std::int64_t lot_id, int quantity);
bool dispense(db::Lease& lease, std::int64_t lot_id, int quantity);
bool change_on_hand(db::Lease& lease, std::int64_t lot_id, int change);
void insert_movement(db::Lease& lease, const Movement& movement);
std::vector<Movement> ledger_of_item(db::Lease& lease, std::int64_t item_id, std::int64_t before_id,
                                     int limit);

struct Hold {
  std::int64_t lot_id = 0, item_id = 0;
  int quantity = 0;
};
std::vector<Hold> order_holds(db::Lease& lease, std::int64_t order_id);
// In words, the first disagreement between the counts and the ledger, if any.
std::optional<std::string> first_mismatch(db::Lease& lease);

void set_cart_line(db::Lease& lease, std::int64_t patient_id, std::int64_t item_id, int quantity,
                   const std::string& at);
void delete_cart_line(db::Lease& lease, std::int64_t patient_id, std::int64_t item_id);
void clear_cart(db::Lease& lease, std::int64_t patient_id);
std::vector<std::pair<std::int64_t, int>> cart_lines(db::Lease& lease, std::int64_t patient_id);

std::int64_t insert_order(db::Lease& lease, const Order& order);
void insert_order_line(db::Lease& lease, std::int64_t order_id, const OrderLine& line);
std::optional<Order> find_order(db::Lease& lease, std::int64_t id);
std::vector<Order> orders_of_patient(db::Lease& lease, std::int64_t patient_id,
                                     std::int64_t before_id, int limit);
std::vector<Order> orders_in_status(db::Lease& lease, const std::string& status,
                                    std::int64_t before_id, int limit);
// Fills each order's lines (one query for all).
void read_lines(db::Lease& lease, std::vector<Order>& orders);
bool set_order_status(db::Lease& lease, std::int64_t id, const std::string& was,
                      const std::string& status, std::int64_t by, const std::string& at,
                      const std::string& reason);
int approve_lines(db::Lease& lease, std::int64_t order_id, std::int64_t by, const std::string& at);
// False when the line would have more returned than ordered.
bool return_line(db::Lease& lease, std::int64_t order_id, std::int64_t item_id, int quantity);
struct LotOut {
  std::int64_t lot_id = 0;
  std::string expires_on;
  int quantity = 0;  // taken out by the order and not put back
};
std::vector<LotOut> order_line_lots(db::Lease& lease, std::int64_t order_id, std::int64_t item_id);
// False when (patient, key) is taken.
bool insert_key(db::Lease& lease, std::int64_t patient_id, const std::string& key,
                const std::string& fingerprint, std::int64_t order_id, const std::string& at);
struct KeyRow {
  std::string fingerprint;
  std::int64_t order_id = 0;
};
std::optional<KeyRow> find_key(db::Lease& lease, std::int64_t patient_id, const std::string& key);

}  // namespace vitalis::pharmacy::store
