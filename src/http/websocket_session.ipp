// WebSocket admission and sessions, included by server.cpp (and nothing else) so that every
// Beast template is still instantiated in one translation unit: an upgrade passes the Origin
// check and its route's middleware before the handshake; each session's outgoing queue is
// bounded; handler callbacks run one at a time per session.
// Included inside namespace vitalis::http, after Server::Impl.

asio::awaitable<Response> Server::Impl::admit_websocket(const Route& route, Request& request) {
  if (!websocket_origin_allowed(options, request)) {
    co_return Response::error(ErrorCode::kForbidden,
                              "This web page may not open a live connection to this server",
                              "Origin");
  }
  request.websocket_upgrade = true;
  if (route.options.blocking) {
    co_return co_await asio::co_spawn(
        blocking.get_executor(),
        [this, &route, &request]() -> asio::awaitable<Response> {
          co_return run_handler(route, request);
        },
        asio::use_awaitable);
  }
  co_return run_handler(route, request);
}

namespace {

// One upgraded connection. All socket work happens on the connection's strand.
class WsSession final : public WebSocketSession, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(beast::tcp_stream stream, std::string request_id)
      : ws_(std::move(stream)), request_id_(std::move(request_id)) {}

  websocket::stream<beast::tcp_stream>& ws() { return ws_; }

  void send(std::string text) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
      if (self->closed_) return;
      if (self->outbox_.size() >= kMaxQueuedMessages ||
          self->queued_bytes_ + text.size() > kMaxQueuedBytes) {
        self->drop_slow_reader();
        return;
      }
      self->queued_bytes_ += text.size();
      self->outbox_.push_back(std::move(text));
      if (!self->writing_) {
        self->writing_ = true;
        asio::co_spawn(self->ws_.get_executor(), self->drain(), asio::detached);
      }
    });
  }

  void close() override {
    asio::post(ws_.get_executor(), [self = shared_from_this()] { self->close_now(); });
  }

  // On the strand.
  void close_now() {
    if (closed_) return;
    closed_ = true;
    ws_.async_close(websocket::close_code::going_away,
                    [self = shared_from_this()](boost::system::error_code) {});
  }

  const std::string& request_id() const override { return request_id_; }

  // A client that does not read what it is sent would make its queue grow without end: past
  // these limits it is disconnected at once (no close handshake: it is not reading), and it can
  // reconnect. Nobody else waits for it.
  static constexpr std::size_t kMaxQueuedMessages = 1024;
  static constexpr std::size_t kMaxQueuedBytes = 4 * 1024 * 1024;

 private:
  // On the strand.
  void drop_slow_reader() {
    log::warn("websocket closed: the client is not reading its messages",
              {{"request_id", request_id_},
               {"queued_messages", static_cast<std::int64_t>(outbox_.size())},
               {"queued_bytes", static_cast<std::int64_t>(queued_bytes_)}});
    closed_ = true;
    outbox_.clear();
    queued_bytes_ = 0;
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  asio::awaitable<void> drain() {
    auto self = shared_from_this();
    while (!outbox_.empty() && !closed_) {
      std::string text = std::move(outbox_.front());
      outbox_.pop_front();
      queued_bytes_ -= text.size();
      ws_.text(true);
      auto [ec, n] = co_await ws_.async_write(asio::buffer(text), kTuple);
      if (ec) break;
    }
    writing_ = false;
  }

  websocket::stream<beast::tcp_stream> ws_;
  std::string request_id_;
  std::deque<std::string> outbox_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closed_ = false;
};

}  // namespace

asio::awaitable<void> Server::Impl::run_websocket(beast::tcp_stream stream,
                                                  bhttp::request<bhttp::string_body> upgrade,
                                                  const Route& route, const Request& request,
                                                  std::shared_ptr<Connection> connection,
                                                  int series,
                                                  std::chrono::steady_clock::time_point started) {
  stream.expires_never();  // the WebSocket stream keeps its own timeouts
  auto session = std::make_shared<WsSession>(std::move(stream), request.request_id);
  auto& ws = session->ws();
  ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws.read_message_max(64 * 1024);
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& response) { response.set(bhttp::field::server, "vitalis"); }));
  auto [accept_ec] = co_await ws.async_accept(upgrade, kTuple);
  int status = accept_ec ? 400 : 101;
  metrics.record(series, status, std::chrono::steady_clock::now() - started);
  access_log(request, route.pattern, status, std::chrono::steady_clock::now() - started, 0);
  if (accept_ec) co_return;
  connection->on_shutdown = [session] { session->close_now(); };
  if (stopping.load()) session->close_now();  // shutdown began during the handshake
  const WebSocketHandler& handler = route.websocket;
  std::shared_ptr<WebSocketSession> face = session;
  // Handler exceptions must not escape: they would skip the connection's cleanup.
  auto guarded = [&request](std::string_view what, auto&& call) {
    try {
      call();
    } catch (const std::exception& error) {
      log::error("websocket handler failed", {{"request_id", request.request_id},
                                              {"callback", what},
                                              {"detail", first_line(error.what())}});
    } catch (...) {
      log::error("websocket handler failed",
                 {{"request_id", request.request_id}, {"callback", what}});
    }
  };
  if (handler.on_open) guarded("on_open", [&] { handler.on_open(face, request); });
  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await ws.async_read(buffer, kTuple);
    if (ec) break;
    if (ws.got_text()) {
      std::string text = beast::buffers_to_string(buffer.data());
      guarded("on_message", [&] { handler.on_message(face, text); });
    }
    buffer.consume(buffer.size());
  }
  if (handler.on_close) guarded("on_close", [&] { handler.on_close(face); });
  connection->on_shutdown = nullptr;  // serve_connection unregisters it
}
