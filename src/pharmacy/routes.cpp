// HTTP ↔ pharmacy service: parse, call, render. Each route states its access rule; reads of
// orders (health data: what a patient takes) declare their audit.
#include "pharmacy/routes.hpp"

#include "http/json_fields.hpp"
#include "identity/policy.hpp"

namespace vitalis::pharmacy {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;
using identity::Rule;
using namespace http::fields;

namespace {

json::value optional_int(const std::optional<int>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

json::array strings(const std::vector<std::string>& values) {
  json::array out;
  for (const auto& value : values) out.emplace_back(value);
  return out;
}

json::object item_json(const Item& item) {
  return {{"id", item.id},
          {"name", item.name},
          {"composition", item.composition},
          {"ingredients", strings(item.ingredients)},
          {"uses", strings(item.uses)},
          {"side_effects", strings(item.side_effects)},
          {"manufacturer", item.manufacturer},
          {"price_minor", item.price_minor},
          {"currency", item.currency},
          {"prescription_only", item.prescription_only},
          {"order_limit", item.order_limit},
          {"review_excellent", optional_int(item.review_excellent)},
          {"review_average", optional_int(item.review_average)},
          {"review_poor", optional_int(item.review_poor)},
          {"active", item.active},
          {"available", item.available},
          {"updated_at", item.updated_at}};
}

json::object lot_json(const Lot& lot) {
  return {{"id", lot.id},
          {"item_id", lot.item_id},
          {"batch", lot.batch},
          {"expires_on", lot.expires_on},
          {"received_quantity", lot.received_quantity},
          {"supplier", lot.supplier},
          {"cost_minor", lot.cost_minor},
          {"on_hand", lot.on_hand},
          {"reserved", lot.reserved},
          {"received_at", lot.received_at},
          {"received_by", lot.received_by}};
}

json::object movement_json(const Movement& row) {
  json::object out{{"id", row.id},
                   {"lot_id", row.lot_id},
                   {"batch", row.batch},
                   {"item_id", row.item_id},
                   {"kind", row.kind},
                   {"on_hand_change", row.on_hand_change},
                   {"reserved_change", row.reserved_change},
                   {"actor_id", row.actor_id},
                   {"at", row.at}};
  out["order_id"] = row.order_id ? json::value(*row.order_id) : json::value(nullptr);
  out["reason"] = row.reason.empty() ? json::value(nullptr) : json::value(row.reason);
  return out;
}

json::object order_json(const Order& order) {
  json::array lines;
  for (const auto& line : order.lines) {
    json::object one{{"item_id", line.item_id},
                     {"name", line.name},
                     {"quantity", line.quantity},
                     {"unit_price_minor", line.unit_price_minor}};
    one["prescription"] =
        line.prescription.empty() ? json::value(nullptr) : json::value(line.prescription);
    one["prescription_id"] =
        line.prescription_id ? json::value(*line.prescription_id) : json::value(nullptr);
    one["approved_by"] = line.approved_by ? json::value(*line.approved_by) : json::value(nullptr);
    one["approved_at"] =
        line.approved_at.empty() ? json::value(nullptr) : json::value(line.approved_at);
    one["returned"] = line.returned;
    lines.push_back(std::move(one));
  }
  json::object out{{"id", order.id},
                   {"patient_id", order.patient_id},
                   {"patient_name", order.patient_name},
                   {"status", order.status},
                   {"fulfilment", order.fulfilment},
                   {"payment", order.payment},
                   {"address", order.address},
                   {"total_minor", order.total_minor},
                   {"currency", order.currency},
                   {"placed_at", order.placed_at},
                   {"lines", std::move(lines)}};
  out["changed_at"] =
      order.changed_at.empty() ? json::value(nullptr) : json::value(order.changed_at);
  out["changed_by"] = order.changed_by ? json::value(*order.changed_by) : json::value(nullptr);
  out["cancel_reason"] =
      order.cancel_reason.empty() ? json::value(nullptr) : json::value(order.cancel_reason);
  return out;
}

json::object cart_json(const Cart& cart) {
  json::array lines;
  for (const auto& line : cart.lines) {
    lines.push_back(json::object{
        {"item_id", line.item_id}, {"quantity", line.quantity}, {"item", item_json(line.item)}});
  }
  return {
      {"lines", std::move(lines)}, {"total_minor", cart.total_minor}, {"currency", cart.currency}};
}

template <typename T, typename Render>
Response list_of(const std::vector<T>& rows, Render&& render) {
  json::array items;
  for (const auto& row : rows) items.push_back(render(row));
  return Response::json(200, json::object{{"items", std::move(items)}});
}

Response order_response(int status, const Order& order) {
  return Response::json(status, order_json(order));
}

// ?name= as a whole number within [low, high], or `fallback` when absent; 422 naming it.
Result<int> query_int(const Request& request, std::string_view name, int fallback, int low,
                      int high) {
  auto value = query_integer(request, name, fallback, low, high);
  if (!value.ok()) return value.error();
  return static_cast<int>(*value);
}

Result<ItemInput> item_input(const json::object& body) {
  ItemInput input;
  for (auto [name, target] :
       {std::pair<std::string_view, std::optional<std::string>*>{"name", &input.name},
        {"composition", &input.composition},
        {"manufacturer", &input.manufacturer},
        {"currency", &input.currency}}) {
    auto value = text(body, name);
    if (!value.ok()) return value.error();
    *target = *value;
  }
  for (auto [name, target] :
       {std::pair<std::string_view, std::optional<std::vector<std::string>>*>{"uses", &input.uses},
        {"side_effects", &input.side_effects}}) {
    auto value = text_list(body, name);
    if (!value.ok()) return value.error();
    *target = *value;
  }
  auto price = integer(body, "price_minor");
  if (!price.ok()) return price.error();
  input.price_minor = *price;
  auto limit = integer(body, "order_limit");
  if (!limit.ok()) return limit.error();
  if (*limit) {
    if (**limit < 1 || **limit > 100) {
      return Error::validation("order_limit", "order_limit must be 1 to 100");
    }
    input.order_limit = static_cast<int>(**limit);
  }
  for (auto [name, target] : {std::pair<std::string_view, std::optional<bool>*>{
                                  "prescription_only", &input.prescription_only},
                              {"active", &input.active}}) {
    auto value = boolean(body, name);
    if (!value.ok()) return value.error();
    *target = *value;
  }
  return input;
}

// A whole number field within ±limit, required.
Result<int> required_int(const json::object& body, std::string_view name, std::int64_t low,
                         std::int64_t high) {
  auto value = integer(body, name);
  if (!value.ok()) return value.error();
  if (!*value) return Error::validation(std::string(name), std::string(name) + " is required");
  if (**value < low || **value > high) {
    return Error::validation(
        std::string(name),
        std::string(name) + " must be " + std::to_string(low) + " to " + std::to_string(high));
  }
  return static_cast<int>(**value);
}

void add_stock_routes(http::Router& router, PharmacyService& s) {
  auto& identity = s.identity();
  auto admin = identity::guarded(Rule::kAdmin, identity);
  auto stock_read = identity::quick(
      identity::guarded(Rule::kAdmin, identity).not_audited(identity::NotAudited::kPharmacyStock));

  router.add(
      Method::kGet, "/api/v1/pharmacy/items/{item_id}/lots",
      [&s](Request& request) {
        auto id = identity::id_param(request, "item_id");
        if (!id.ok()) return Response::error(id.error());
        return http::respond(s.lots(*id),
                             [](std::vector<Lot> rows) { return list_of(rows, lot_json); });
      },
      stock_read);

  router.add(
      Method::kPost, "/api/v1/pharmacy/items/{item_id}/lots",
      [&s](Request& request) {
        auto id = identity::id_param(request, "item_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        LotInput input;
        for (auto [name, target] :
             {std::pair<std::string_view, std::string*>{"batch", &input.batch},
              {"expires_on", &input.expires_on},
              {"supplier", &input.supplier}}) {
          auto value = text(*body, name);
          if (!value.ok()) return Response::error(value.error());
          *target = value->value_or("");
        }
        auto quantity = required_int(*body, "quantity", 1, 100'000);
        if (!quantity.ok()) return Response::error(quantity.error());
        input.quantity = *quantity;
        auto cost = integer(*body, "cost_minor");
        if (!cost.ok()) return Response::error(cost.error());
        input.cost_minor = cost->value_or(0);
        return http::respond(s.receive(identity::caller_of(request), *id, input),
                             [](Lot lot) { return Response::json(201, lot_json(lot)); });
      },
      admin);

  router.add(
      Method::kPost, "/api/v1/pharmacy/lots/{lot_id}/adjustments",
      [&s](Request& request) {
        auto id = identity::id_param(request, "lot_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto change = required_int(*body, "change", -100'000, 100'000);
        if (!change.ok()) return Response::error(change.error());
        auto reason = text(*body, "reason");
        if (!reason.ok()) return Response::error(reason.error());
        return http::respond(
            s.adjust(identity::caller_of(request), *id, *change, reason->value_or("")),
            [](Lot lot) { return Response::json(200, lot_json(lot)); });
      },
      admin);

  router.add(
      Method::kPost, "/api/v1/pharmacy/lots/{lot_id}/write-off",
      [&s](Request& request) {
        auto id = identity::id_param(request, "lot_id");
        if (!id.ok()) return Response::error(id.error());
        return http::respond(s.write_off(identity::caller_of(request), *id),
                             [](Lot lot) { return Response::json(200, lot_json(lot)); });
      },
      admin);

  router.add(
      Method::kGet, "/api/v1/pharmacy/items/{item_id}/ledger",
      [&s](Request& request) {
        auto id = identity::id_param(request, "item_id");
        if (!id.ok()) return Response::error(id.error());
        auto before = request.positive_query_param("before", INT64_MAX);
        if (!before.ok()) return Response::error(before.error());
        auto limit = query_int(request, "limit", 50, 1, 200);
        if (!limit.ok()) return Response::error(limit.error());
        return http::respond(
            s.ledger(*id, before->value_or(0), *limit),
            [](std::vector<Movement> rows) { return list_of(rows, movement_json); });
      },
      stock_read);

  router.add(
      Method::kGet, "/api/v1/pharmacy/alerts/low-stock",
      [&s](Request& request) {
        auto threshold = query_int(request, "threshold", 10, 0, 100'000);
        if (!threshold.ok()) return Response::error(threshold.error());
        auto limit = query_int(request, "limit", 50, 1, 200);
        if (!limit.ok()) return Response::error(limit.error());
        return http::respond(s.low_stock(*threshold, *limit),
                             [](std::vector<Item> rows) { return list_of(rows, item_json); });
      },
      stock_read);

  router.add(
      Method::kGet, "/api/v1/pharmacy/alerts/expiring",
      [&s](Request& request) {
        auto days = query_int(request, "days", 60, 0, 730);
        if (!days.ok()) return Response::error(days.error());
        auto limit = query_int(request, "limit", 50, 1, 200);
        if (!limit.ok()) return Response::error(limit.error());
        return http::respond(s.expiring(*days, *limit), [](std::vector<StockAlert> rows) {
          return list_of(rows, [](const StockAlert& alert) {
            json::array lots;
            for (const auto& lot : alert.lots) lots.push_back(lot_json(lot));
            return json::object{{"item", item_json(alert.item)}, {"lots", std::move(lots)}};
          });
        });
      },
      stock_read);
}

void add_order_routes(http::Router& router, PharmacyService& s) {
  auto& identity = s.identity();
  auto patient = identity::guarded(Rule::kPatient, identity);
  auto admin = identity::guarded(Rule::kAdmin, identity);
  auto signed_in = identity::guarded(Rule::kSignedIn, identity);

  // The patient's own cart: not a record read (what they are about to buy, read by them).
  router.add(
      Method::kGet, "/api/v1/pharmacy/cart",
      [&s](Request& request) {
        return http::respond(s.cart(identity::caller_of(request).account_id),
                             [](Cart cart) { return Response::json(200, cart_json(cart)); });
      },
      identity::quick(patient));

  router.add(
      Method::kPut, "/api/v1/pharmacy/cart/items/{item_id}",
      [&s](Request& request) {
        auto id = identity::id_param(request, "item_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto quantity = required_int(*body, "quantity", 0, 100);
        if (!quantity.ok()) return Response::error(quantity.error());
        return http::respond(s.set_cart_line(identity::caller_of(request), *id, *quantity),
                             [](Cart cart) { return Response::json(200, cart_json(cart)); });
      },
      patient);

  router.add(
      Method::kDelete, "/api/v1/pharmacy/cart",
      [&s](Request& request) {
        auto done = s.clear_cart(identity::caller_of(request));
        if (!done.ok()) return Response::error(done.error());
        return Response{204, {}, {}, {}, {}, {}};
      },
      patient);

  // Place the cart as an order; 409 (field items) with each shortage when stock is short.
  router.add(
      Method::kPost, "/api/v1/pharmacy/orders",
      [&s](Request& request) {
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        OrderInput input;
        for (auto [name, target] :
             {std::pair<std::string_view, std::string*>{"fulfilment", &input.fulfilment},
              {"payment", &input.payment},
              {"address", &input.address}}) {
          auto value = text(*body, name);
          if (!value.ok()) return Response::error(value.error());
          if (*value) *target = **value;
        }
        if (const auto* items = body->if_contains("items"); items != nullptr && !items->is_null()) {
          if (!items->is_array()) {
            return Response::error(Error::validation("items", "items must be a list"));
          }
          for (std::size_t i = 0; i < items->as_array().size(); ++i) {
            const auto& entry = items->as_array()[i];
            std::string at = "items[" + std::to_string(i) + "]";
            if (!entry.is_object()) {
              return Response::error(Error::validation(at, at + " must be an object"));
            }
            auto id = integer(entry.as_object(), "item_id");
            auto quantity = integer(entry.as_object(), "quantity");
            if (!id.ok() || !*id || **id < 1) {
              return Response::error(Error::validation(at + ".item_id", "item_id is required"));
            }
            if (!quantity.ok() || !*quantity || **quantity < 1 || **quantity > 100) {
              return Response::error(
                  Error::validation(at + ".quantity", "quantity must be 1 to 100"));
            }
            input.items.emplace_back(**id, static_cast<int>(**quantity));
          }
        }
        input.idempotency_key = std::string(request.header("Idempotency-Key"));
        std::vector<Shortage> shortages;
        auto placed = s.place_order(identity::caller_of(request), input, &shortages);
        if (!placed.ok()) {
          if (shortages.empty()) return Response::error(placed.error());
          json::array short_of;
          for (const auto& one : shortages) {
            short_of.push_back(json::object{{"item_id", one.item_id},
                                            {"name", one.name},
                                            {"wanted", one.wanted},
                                            {"available", one.available}});
          }
          return Response::error(placed.error(), json::object{{"shortages", std::move(short_of)}});
        }
        Response response = order_response(201, placed->order);
        if (placed->replayed) response.headers.emplace_back("Idempotent-Replayed", "true");
        return response;
      },
      patient);

  // One order: its patient, or an admin (audited as a read of the patient's orders).
  router.add(
      Method::kGet, "/api/v1/pharmacy/orders/{order_id}",
      [&s](Request& request) {
        auto id = identity::id_param(request, "order_id");
        if (!id.ok()) return Response::error(id.error());
        auto found = s.order(identity::caller_of(request), *id);
        if (!found.ok()) return Response::error(found.error());
        identity::read_patients(request, {found->patient_id});
        return order_response(200, *found);
      },
      identity::quick(
          identity::guarded(Rule::kSignedIn, identity)
              .audited(identity::ReadAudit("pharmacy_orders").patients_from_handler())));

  // A patient's orders, newest first: a read of their record.
  router.add(
      Method::kGet, "/api/v1/patients/{patient_id}/orders",
      [&s](Request& request) {
        auto before = request.positive_query_param("before", INT64_MAX);
        if (!before.ok()) return Response::error(before.error());
        auto limit = query_int(request, "limit", 20, 1, 100);
        if (!limit.ok()) return Response::error(limit.error());
        return http::respond(
            s.patient_orders(identity::patient_of(request), before->value_or(0), *limit),
            [](std::vector<Order> rows) { return list_of(rows, order_json); });
      },
      identity::quick(identity::guarded(Rule::kRecordRead, identity).audited("pharmacy_orders")));

  // The admins' queue: orders in a status, newest first, audited per patient shown.
  router.add(
      Method::kGet, "/api/v1/pharmacy/orders",
      [&s](Request& request) {
        auto status = query_text(request, "status");
        if (!status.ok()) return Response::error(status.error());
        auto before = request.positive_query_param("before", INT64_MAX);
        if (!before.ok()) return Response::error(before.error());
        auto limit = query_int(request, "limit", 50, 1, 100);
        if (!limit.ok()) return Response::error(limit.error());
        auto rows = s.queue(status->value_or("placed"), before->value_or(0), *limit);
        if (!rows.ok()) return Response::error(rows.error());
        std::vector<std::int64_t> patients;
        for (const auto& order : *rows) patients.push_back(order.patient_id);
        identity::read_patients(request, patients);
        return list_of(*rows, order_json);
      },
      identity::quick(
          identity::guarded(Rule::kAdmin, identity)
              .audited(identity::ReadAudit("pharmacy_orders").patients_from_handler())));

  router.add(
      Method::kPost, "/api/v1/pharmacy/orders/{order_id}/approve",
      [&s](Request& request) {
        auto id = identity::id_param(request, "order_id");
        if (!id.ok()) return Response::error(id.error());
        return http::respond(s.approve(identity::caller_of(request), *id),
                             [](Order order) { return order_response(200, order); });
      },
      admin);

  router.add(
      Method::kPost, "/api/v1/pharmacy/orders/{order_id}/status",
      [&s](Request& request) {
        auto id = identity::id_param(request, "order_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto status = text(*body, "status");
        if (!status.ok()) return Response::error(status.error());
        return http::respond(s.advance(identity::caller_of(request), *id, status->value_or("")),
                             [](Order order) { return order_response(200, order); });
      },
      admin);

  router.add(
      Method::kPost, "/api/v1/pharmacy/orders/{order_id}/cancel",
      [&s](Request& request) {
        auto id = identity::id_param(request, "order_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto reason = text(*body, "reason");
        if (!reason.ok()) return Response::error(reason.error());
        return http::respond(s.cancel(identity::caller_of(request), *id, reason->value_or("")),
                             [](Order order) { return order_response(200, order); });
      },
      signed_in);

  // Units of a dispatched or delivered order brought back: {item_id, quantity, restock?, reason}.
  router.add(
      Method::kPost, "/api/v1/pharmacy/orders/{order_id}/returns",
      [&s](Request& request) {
        auto id = identity::id_param(request, "order_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        ReturnInput input;
        auto item = integer(*body, "item_id");
        if (!item.ok()) return Response::error(item.error());
        if (!*item || **item < 1) {
          return Response::error(
              Error::validation("item_id", "item_id is required: the medicine that came back"));
        }
        input.item_id = **item;
        auto quantity = required_int(*body, "quantity", 1, 100'000);
        if (!quantity.ok()) return Response::error(quantity.error());
        input.quantity = *quantity;
        auto restock = boolean(*body, "restock");
        if (!restock.ok()) return Response::error(restock.error());
        input.restock = restock->value_or(false);
        auto reason = text(*body, "reason");
        if (!reason.ok()) return Response::error(reason.error());
        input.reason = reason->value_or("");
        return http::respond(
            s.return_items(identity::caller_of(request), *id, input), [](Returned done) {
              return Response::json(200, json::object{{"order", order_json(done.order)},
                                                      {"restocked", done.restocked},
                                                      {"refund_minor", done.refund_minor},
                                                      {"currency", done.order.currency}});
            });
      },
      admin);
}

}  // namespace

void add_pharmacy_routes(http::Router& router, PharmacyService& service) {
  auto& s = service;
  auto& identity = service.identity();
  auto signed_in = identity::guarded(Rule::kSignedIn, identity);
  auto admin = identity::guarded(Rule::kAdmin, identity);

  // ?q= words (the last a prefix), ?in_stock=true, ?prescription_only=true|false,
  // ?manufacturer=, ?limit= (1–50, 20), ?offset= (0–1000). `corrected`: the words searched for
  // when the text as typed found nothing.
  router.add(
      Method::kGet, "/api/v1/pharmacy/items",
      [&s](Request& request) {
        ItemQuery query;
        auto text_value = query_text(request, "q");
        if (!text_value.ok()) return Response::error(text_value.error());
        query.text = text_value->value_or("");
        if (query.text.size() > 200) {
          return Response::error(Error::validation("q", "q is too long (200 characters at most)"));
        }
        auto stock = query_boolean(request, "in_stock");
        if (!stock.ok()) return Response::error(stock.error());
        query.in_stock_only = stock->value_or(false);
        auto rx = query_boolean(request, "prescription_only");
        if (!rx.ok()) return Response::error(rx.error());
        query.prescription_only = *rx;
        auto maker = query_text(request, "manufacturer");
        if (!maker.ok()) return Response::error(maker.error());
        query.manufacturer = maker->value_or("");
        auto limit = query_int(request, "limit", 20, 1, 50);
        if (!limit.ok()) return Response::error(limit.error());
        query.limit = *limit;
        auto offset = query_int(request, "offset", 0, 0, 1000);
        if (!offset.ok()) return Response::error(offset.error());
        query.offset = *offset;
        auto retired = query_boolean(request, "retired");
        if (!retired.ok()) return Response::error(retired.error());
        if (retired->value_or(false)) {
          // Retired items, by name: only administrators (they sell them again).
          if (identity::caller_of(request).role != identity::Role::kAdmin) {
            return Response::error(
                about(Error::forbidden("only administrators see retired items"), "retired"));
          }
          return http::respond(
              s.retired_items(query.limit, query.offset), [](std::vector<Item> rows) {
                json::array items;
                for (const auto& item : rows) items.push_back(item_json(item));
                return Response::json(
                    200, json::object{{"items", std::move(items)}, {"corrected", json::array()}});
              });
        }
        return http::respond(s.search(query), [](SearchPage page) {
          json::array items;
          for (const auto& item : page.items) items.push_back(item_json(item));
          return Response::json(200, json::object{{"items", std::move(items)},
                                                  {"corrected", strings(page.corrected)}});
        });
      },
      identity::quick(signed_in));

  router.add(
      Method::kGet, "/api/v1/pharmacy/manufacturers",
      [&s](Request&) {
        return http::respond(s.manufacturers(), [](std::vector<std::string> names) {
          return Response::json(200, json::object{{"items", strings(names)}});
        });
      },
      identity::quick(signed_in));

  router.add(
      Method::kGet, "/api/v1/pharmacy/items/{item_id}",
      [&s](Request& request) {
        auto id = identity::id_param(request, "item_id");
        if (!id.ok()) return Response::error(id.error());
        return http::respond(s.item(identity::caller_of(request), *id),
                             [](Item item) { return Response::json(200, item_json(item)); });
      },
      identity::quick(signed_in));

  router.add(
      Method::kPost, "/api/v1/pharmacy/items",
      [&s](Request& request) {
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto input = item_input(*body);
        if (!input.ok()) return Response::error(input.error());
        return http::respond(s.create_item(identity::caller_of(request), *input),
                             [](Item item) { return Response::json(201, item_json(item)); });
      },
      admin);

  router.add(
      Method::kPatch, "/api/v1/pharmacy/items/{item_id}",
      [&s](Request& request) {
        auto id = identity::id_param(request, "item_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto input = item_input(*body);
        if (!input.ok()) return Response::error(input.error());
        return http::respond(s.update_item(identity::caller_of(request), *id, *input),
                             [](Item item) { return Response::json(200, item_json(item)); });
      },
      admin);

  add_stock_routes(router, service);
  add_order_routes(router, service);
}

}  // namespace vitalis::pharmacy
