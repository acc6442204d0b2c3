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
      : ws_(std::move(stream)),
        close_timer_(ws_.get_executor()),
        request_id_(std::move(request_id)) {}

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

  void close() override { close(websocket::close_code::going_away, ""); }

  void close(int code, std::string reason) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)] {
      self->close_now(code, reason);
    });
  }

  // On the strand. What is queued is sent first; then the close frame.
  void close_now(int code = websocket::close_code::going_away, std::string reason = {}) {
    if (closed_) return;
    closed_ = true;
    websocket::close_reason why(static_cast<websocket::close_code>(code));
    why.reason = reason;
    if (writing_) {
      // What is queued goes first; a client that does not take it within a few seconds is cut
      // off (a write to it could otherwise wait for ever, and hold up shutdown).
      close_after_drain_ = why;
      close_timer_.expires_after(std::chrono::seconds(5));
      close_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (!ec && self->writing_) self->cut_off();
      });
      return;
    }
    ws_.async_close(why, [self = shared_from_this()](boost::system::error_code) {});
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
    cut_off();
  }

  // On the strand: drops the queue and the connection at once (no close handshake).
  void cut_off() {
    outbox_.clear();
    queued_bytes_ = 0;
    close_after_drain_.reset();
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  asio::awaitable<void> drain() {
    auto self = shared_from_this();
    while (!outbox_.empty() && (!closed_ || close_after_drain_)) {
      std::string text = std::move(outbox_.front());
      outbox_.pop_front();
      queued_bytes_ -= text.size();
      ws_.text(true);
      auto [ec, n] = co_await ws_.async_write(asio::buffer(text), kTuple);
      if (ec) {
        close_after_drain_.reset();
        break;
      }
    }
    writing_ = false;
    if (close_after_drain_) {
      auto why = *std::exchange(close_after_drain_, std::nullopt);
      co_await ws_.async_close(why, kTuple);
    }
  }

  websocket::stream<beast::tcp_stream> ws_;
  asio::steady_timer close_timer_;
  std::string request_id_;
  std::deque<std::string> outbox_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closed_ = false;
  std::optional<websocket::close_reason> close_after_drain_;
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
  const WebSocketHandler& handler = route.websocket;
  ws.read_message_max(handler.max_message_bytes);
  // Idle sockets are pinged halfway through the idle timeout and closed when nothing (not even
  // the pong) came back by its end: heartbeats for every WebSocket route.
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.idle_timeout = options.websocket_idle_timeout;
  timeouts.keep_alive_pings = true;
  ws.set_option(timeouts);
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& response) { response.set(bhttp::field::server, "vitalis"); }));
  auto [accept_ec] = co_await ws.async_accept(upgrade, kTuple);
  int status = accept_ec ? 400 : 101;
  metrics.record(series, status, std::chrono::steady_clock::now() - started);
  access_log(request, route.pattern, status, std::chrono::steady_clock::now() - started, 0);
  if (accept_ec) co_return;
  connection->on_shutdown = [session] { session->close_now(); };
  if (stopping.load()) session->close_now();  // shutdown began during the handshake
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
  // A callback, on the blocking pool when the handler asks for it (the read loop waits for it).
  auto call = [&](std::string_view what, auto&& callback) -> asio::awaitable<void> {
    if (!handler.blocking) {
      guarded(what, callback);
      co_return;
    }
    co_await asio::co_spawn(
        blocking.get_executor(),
        [&]() -> asio::awaitable<void> {
          guarded(what, callback);
          co_return;
        },
        asio::use_awaitable);
  };
  if (handler.on_open) co_await call("on_open", [&] { handler.on_open(face, request); });
  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await ws.async_read(buffer, kTuple);
    if (ec) break;
    if (ws.got_text()) {
      std::string text = beast::buffers_to_string(buffer.data());
      co_await call("on_message", [&] { handler.on_message(face, text); });
    }
    buffer.consume(buffer.size());
    // Idle sockets hold no buffer (memory per connection: docs/PERFORMANCE.md).
    if (buffer.capacity() > 4096) buffer.shrink_to_fit();
  }
  if (handler.on_close) co_await call("on_close", [&] { handler.on_close(face); });
  connection->on_shutdown = nullptr;  // serve_connection unregisters it
}
