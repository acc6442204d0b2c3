// /healthz, /readyz, /metrics, /ws/echo and the /api/v1/demo/items routes.
#include "app/system_routes.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>

#include "core/time.hpp"

namespace vitalis::app {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;

void add_system_routes(http::Router& router, db::Pool& pool, http::Metrics& metrics) {
  http::RouteOptions open;
  open.access = "public";
  router.add(
      Method::kGet, "/healthz",
      [](Request&) {
        return Response::json(200, {{"status", "ok"}});
      },
      open);

  http::RouteOptions blocking = open;
  blocking.blocking = true;
  router.add(
      Method::kGet, "/readyz",
      [&pool](Request&) {
        Status ping = pool.ping();
        std::string_view database =
            pool.dialect() == db::Dialect::kSqlite ? "sqlite" : "postgresql";
        if (!ping.ok()) {
          return Response::json(503, {{"status", "unavailable"}, {"database", database}});
        }
        return Response::json(200, {{"status", "ready"}, {"database", database}});
      },
      blocking);

  router.add(
      Method::kGet, "/metrics",
      [&metrics](Request&) {
        return Response{
            200, "text/plain; version=0.0.4; charset=utf-8", metrics.render_prometheus(), {}, {}};
      },
      open);

  http::WebSocketHandler echo;
  echo.on_message = [](const std::shared_ptr<http::WebSocketSession>& session,
                       std::string_view text) { session->send(std::string(text)); };
  router.add_websocket("/ws/echo", std::move(echo), open);
}

namespace {

// Named queries (the name appears in logs and benchmarks).
constexpr const char* kSelectLatestItems =
    "SELECT id, label, quantity, created_at FROM demo_items ORDER BY id DESC LIMIT :limit";
constexpr const char* kSelectItem =
    "SELECT id, label, quantity, created_at FROM demo_items WHERE id = :id";
constexpr const char* kInsertItem =
    "INSERT INTO demo_items (label, quantity, created_at) VALUES (:label, :quantity, :created_at) "
    "RETURNING id";

struct DemoItem {
  long long id = 0;
  std::string label;
  int quantity = 0;
  std::string created_at;
};

json::object to_json(const DemoItem& item) {
  return {{"id", item.id},
          {"label", item.label},
          {"quantity", item.quantity},
          {"created_at", item.created_at}};
}

Result<long long> parse_id(std::string_view text) {
  long long id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return Error::validation("id", "id must be a positive whole number");
  }
  return id;
}

Result<DemoItem> parse_new_item(const Request& request) {
  auto body = request.json();
  if (!body.ok()) return body.error();
  const json::object* object = body->if_object();
  if (object == nullptr) return Error::validation("body", "body must be a JSON object");
  DemoItem item;
  const json::value* label = object->if_contains("label");
  if (label == nullptr || !label->is_string()) {
    return Error::validation("label", "label is required and must be a string");
  }
  item.label = std::string(label->get_string());
  // Characters, not bytes: UTF-8 continuation bytes do not count.
  auto characters = std::count_if(item.label.begin(), item.label.end(), [](char ch) {
    return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  });
  if (characters == 0 || characters > 200) {
    return Error::validation("label", "label must be 1 to 200 characters");
  }
  const json::value* quantity = object->if_contains("quantity");
  if (quantity == nullptr || !quantity->is_int64()) {
    return Error::validation("quantity", "quantity is required and must be a whole number");
  }
  if (quantity->get_int64() < 0 || quantity->get_int64() > 1'000'000) {
    return Error::validation("quantity", "quantity must be from 0 to 1000000");
  }
  item.quantity = static_cast<int>(quantity->get_int64());
  return item;
}

}  // namespace

void add_demo_routes(http::Router& router, db::Pool& pool) {
  http::RouteOptions blocking;
  blocking.blocking = true;
  blocking.access = "public";

  router.add(
      Method::kGet, "/api/v1/demo/items",
      [&pool](Request& request) {
        int limit = 50;
        auto text = request.query_param("limit");
        if (!text.ok()) return Response::error(text.error());
        if (*text) {
          auto parsed = parse_id(**text);
          if (!parsed.ok() || *parsed > 200) {
            return Response::error(Error::validation("limit", "limit must be from 1 to 200"));
          }
          limit = static_cast<int>(*parsed);
        }
        auto items = db::with_connection(pool, [limit](db::Lease& lease) -> Result<json::array> {
          DemoItem row;
          soci::statement statement =
              (lease->prepare << kSelectLatestItems, soci::use(limit), soci::into(row.id),
               soci::into(row.label), soci::into(row.quantity), soci::into(row.created_at));
          statement.execute();
          json::array out;
          out.reserve(static_cast<std::size_t>(limit));
          while (statement.fetch()) out.push_back(to_json(row));
          return out;
        });
        return http::respond(std::move(items), [](json::array&& list) {
          return Response::json(200, {{"items", std::move(list)}});
        });
      },
      blocking);

  router.add(
      Method::kGet, "/api/v1/demo/items/{id}",
      [&pool](Request& request) {
        auto id = parse_id(request.param("id"));
        if (!id.ok()) return Response::error(id.error());
        auto item = db::with_connection(pool, [&](db::Lease& lease) -> Result<DemoItem> {
          DemoItem row;
          *lease << kSelectItem, soci::use(*id), soci::into(row.id), soci::into(row.label),
              soci::into(row.quantity), soci::into(row.created_at);
          if (!lease->got_data()) return Error::not_found("no demo item " + std::to_string(*id));
          return row;
        });
        return http::respond(std::move(item),
                             [](DemoItem&& row) { return Response::json(200, to_json(row)); });
      },
      blocking);

  router.add(
      Method::kPost, "/api/v1/demo/items",
      [&pool](Request& request) {
        auto item = parse_new_item(request);
        if (!item.ok()) return Response::error(item.error());
        item->created_at = format_rfc3339(Clock::now());
        auto saved = db::with_connection(pool, [&](db::Lease& lease) -> Result<DemoItem> {
          db::Transaction tx(lease);
          *lease << kInsertItem, soci::use(item->label), soci::use(item->quantity),
              soci::use(item->created_at), soci::into(item->id);
          tx.commit();
          return *item;
        });
        return http::respond(std::move(saved), [](DemoItem&& row) {
          Response response = Response::json(201, to_json(row));
          response.headers.emplace_back("Location", "/api/v1/demo/items/" + std::to_string(row.id));
          return response;
        });
      },
      blocking);
}

void add_route_table(http::Router& router, http::RouteOptions admin_only) {
  router.add(
      Method::kGet, "/api/v1/admin/routes",
      [&router](Request&) {
        json::array items;
        for (const auto& route : router.routes()) {
          items.push_back({{"method", http::method_name(route->method)},
                           {"path", route->pattern},
                           {"access", route->options.access},
                           {"websocket", route->is_websocket()}});
        }
        return Response::json(200, {{"items", std::move(items)}});
      },
      std::move(admin_only));
}

}  // namespace vitalis::app
