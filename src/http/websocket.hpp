// WebSocket sessions as handlers see them, independent of Beast.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace vitalis::http {

class Request;

// One open WebSocket. send() and close() are safe to call from any thread; messages are
// delivered in the order sent.
class WebSocketSession {
 public:
  virtual ~WebSocketSession() = default;
  virtual void send(std::string text) = 0;
  virtual void close() = 0;
  virtual const std::string& request_id() const = 0;
};

struct WebSocketHandler {
  // Called once after the upgrade; may keep the session (e.g. in a chat hub).
  std::function<void(const std::shared_ptr<WebSocketSession>&, const Request&)> on_open;
  // Called for each complete text message, one at a time per session.
  std::function<void(const std::shared_ptr<WebSocketSession>&, std::string_view)> on_message;
  std::function<void(const std::shared_ptr<WebSocketSession>&)> on_close;
};

}  // namespace vitalis::http
