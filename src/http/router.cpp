// Segment trie for routing, with literal segments preferred over parameters and backtracking.
#include "http/router.hpp"

#include <stdexcept>

namespace vitalis::http {

struct Router::Node {
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> literals;
  std::unique_ptr<Node> param;
  std::string param_name;
  std::array<Route*, kMethodCount> routes{};

  bool has_routes() const {
    for (auto* route : routes) {
      if (route != nullptr) return true;
    }
    return false;
  }
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path == "/") return segments;
  if (path.front() == '/') path.remove_prefix(1);
  for (;;) {
    auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

void Router::use(Middleware middleware) { global_.push_back(std::move(middleware)); }

const Route& Router::add(Method method, std::string_view pattern, Handler handler,
                         RouteOptions options) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  }
  if (options.access.empty()) {
    throw std::invalid_argument("route " + std::string(method_name(method)) + " " +
                                std::string(pattern) + " states no access rule");
  }
  if (method == Method::kGet && options.read_audit_required && options.read_audit.empty()) {
    throw std::invalid_argument("route GET " + std::string(pattern) + " reads under rule " +
                                options.access + " and declares no read audit");
  }
  Node* node = root_.get();
  for (std::string_view segment : split_path(pattern)) {
    if (segment.size() >= 2 && segment.front() == '{' && segment.back() == '}') {
      std::string name(segment.substr(1, segment.size() - 2));
      if (!node->param) {
        node->param = std::make_unique<Node>();
        node->param_name = name;
      } else if (node->param_name != name) {
        throw std::invalid_argument("conflicting parameter names at " + std::string(pattern));
      }
      node = node->param.get();
      continue;
    }
    if (segment.find_first_of("{}") != std::string_view::npos) {
      throw std::invalid_argument("malformed route segment in " + std::string(pattern));
    }
    Node* next = nullptr;
    for (auto& [literal, child] : node->literals) {
      if (literal == segment) next = child.get();
    }
    if (next == nullptr) {
      node->literals.emplace_back(std::string(segment), std::make_unique<Node>());
      next = node->literals.back().second.get();
    }
    node = next;
  }
  auto& slot = node->routes[static_cast<int>(method)];
  if (slot != nullptr) {
    throw std::invalid_argument("duplicate route " + std::string(method_name(method)) + " " +
                                std::string(pattern));
  }
  auto route = std::make_unique<Route>();
  route->id = static_cast<int>(routes_.size());
  route->method = method;
  route->pattern = std::string(pattern);
  route->options = std::move(options);
  // Compose once at start-up: global middleware outermost, then the route's own.
  std::vector<Middleware> chain = global_;
  chain.insert(chain.end(), route->options.middleware.begin(), route->options.middleware.end());
  Handler composed = std::move(handler);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    composed = [middleware = *it, next = std::move(composed)](Request& request) {
      return middleware(request, next);
    };
  }
  route->handler = std::move(composed);
  slot = route.get();
  routes_.push_back(std::move(route));
  return *slot;
}

const Route& Router::add_websocket(std::string_view pattern, WebSocketHandler handler,
                                   RouteOptions options) {
  const Route& route = add(
      Method::kGet, pattern,
      [](Request& request) {
        if (request.websocket_upgrade) return Response{101, {}, {}, {}, {}, {}};
        return Response::error(ErrorCode::kMalformed, "this route needs a WebSocket upgrade",
                               "Upgrade");
      },
      std::move(options));
  const_cast<Route&>(route).websocket = std::move(handler);
  return route;
}

namespace {

struct Walker {
  const std::vector<std::string_view>& segments;
  std::vector<std::pair<std::string_view, std::string_view>>& captured;

  template <typename NodeT>
  const NodeT* walk(const NodeT* node, std::size_t depth) {
    if (depth == segments.size()) return node->has_routes() ? node : nullptr;
    std::string_view segment = segments[depth];
    for (const auto& [literal, child] : node->literals) {
      if (literal == segment) {
        if (const NodeT* found = walk(child.get(), depth + 1)) return found;
      }
    }
    if (node->param && !segment.empty()) {
      captured.emplace_back(node->param_name, segment);
      if (const NodeT* found = walk(node->param.get(), depth + 1)) return found;
      captured.pop_back();
    }
    return nullptr;
  }
};

}  // namespace

Match Router::match(Method method, std::string_view path, Request& request) const {
  Match result;
  auto segments = split_path(path);
  std::vector<std::pair<std::string_view, std::string_view>> captured;
  Walker walker{segments, captured};
  const Node* node = walker.walk(root_.get(), 0);
  if (node == nullptr) return result;

  const Route* route = node->routes[static_cast<int>(method)];
  if (route == nullptr && method == Method::kHead)
    route = node->routes[static_cast<int>(Method::kGet)];
  if (route == nullptr) {
    for (int idx = 0; idx < kMethodCount; ++idx) {
      if (node->routes[idx] != nullptr) result.allowed.push_back(static_cast<Method>(idx));
    }
    if (node->routes[static_cast<int>(Method::kGet)] != nullptr) {
      result.allowed.push_back(Method::kHead);
    }
    return result;
  }
  request.params.clear();
  for (const auto& [name, raw] : captured) {
    auto decoded = percent_decode(raw);
    if (!decoded) {
      result.bad_encoding = true;
      return result;
    }
    request.params.emplace_back(name, std::move(*decoded));
  }
  request.route = route->pattern;
  result.route = route;
  return result;
}

}  // namespace vitalis::http
