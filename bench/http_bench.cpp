// In-process cost of routing a request and rendering a JSON list, the two steps every API call
// pays before touching the database.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>

#include "http/router.hpp"

namespace {

using namespace vitalis::http;

// A route table shaped like the finished API (~40 routes, parameters at several depths).
Router& realistic_router() {
  static Router router;
  static bool built = false;
  if (built) return router;
  built = true;
  auto ok = [](Request&) { return Response{}; };
  RouteOptions open;
  open.access = "public";
  const char* resources[] = {"patients",      "doctors", "appointments", "orders",
                             "conversations", "reports", "alerts",       "medicines"};
  for (const char* resource : resources) {
    std::string base = std::string("/api/v1/") + resource;
    router.add(Method::kGet, base, ok, open);
    router.add(Method::kPost, base, ok, open);
    router.add(Method::kGet, base + "/{id}", ok, open);
    router.add(Method::kPatch, base + "/{id}", ok, open);
    router.add(Method::kGet, base + "/{id}/history", ok, open);
  }
  router.add(Method::kGet, "/api/v1/patients/{id}/observations", ok, open);
  router.add(Method::kGet, "/api/v1/patients/{id}/timeline", ok, open);
  router.add(Method::kGet, "/healthz", ok, open);
  return router;
}

void BM_RouteMatch(benchmark::State& state) {
  Router& router = realistic_router();
  Request request;
  for (auto _ : state) {
    Match match = router.match(Method::kGet, "/api/v1/patients/12345/observations", request);
    benchmark::DoNotOptimize(match.route);
  }
}
BENCHMARK(BM_RouteMatch);

void BM_RouteMiss(benchmark::State& state) {
  Router& router = realistic_router();
  Request request;
  for (auto _ : state) {
    Match match = router.match(Method::kDelete, "/api/v1/patients/12345/observations", request);
    benchmark::DoNotOptimize(match.allowed);
  }
}
BENCHMARK(BM_RouteMiss);

// Renders N observation-like rows as the API would.
void BM_RenderJsonList(benchmark::State& state) {
  const auto rows = static_cast<int>(state.range(0));
  for (auto _ : state) {
    boost::json::array items;
    items.reserve(static_cast<std::size_t>(rows));
    for (int idx = 0; idx < rows; ++idx) {
      items.push_back({{"id", 1000 + idx},
                       {"code", "8480-6"},
                       {"value", 120.5 + idx},
                       {"unit", "mm[Hg]"},
                       {"effective_at", "2026-11-23T05:58:42.123456Z"}});
    }
    Response response = Response::json(200, {{"items", std::move(items)}});
    benchmark::DoNotOptimize(response.body.data());
  }
  state.SetItemsProcessed(state.iterations() * rows);
}
BENCHMARK(BM_RenderJsonList)->Arg(1)->Arg(50);

void BM_ErrorResponse(benchmark::State& state) {
  for (auto _ : state) {
    Response response =
        Response::error(vitalis::Error::validation("systolic", "must be 40 to 300"));
    benchmark::DoNotOptimize(response.body.data());
  }
}
BENCHMARK(BM_ErrorResponse);

}  // namespace

BENCHMARK_MAIN();
