// WebSocket sessions as handlers see them, independent of Beast.
#pragma once

#include <cstddef>
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
  // Closes with 1001 (going away).
  virtual void close() = 0;
  // Closes with a code (RFC 6455 §7.4; 4000–4999 are the application's) and a short reason.
  virtual void close(int code, std::string reason) = 0;
  virtual const std::string& request_id() const = 0;
};

struct WebSocketHandler {
  // Largest message a client may send; a larger one closes the socket with 1009 (too big).
  std::size_t max_message_bytes = 64 * 1024;
  // Run the callbacks on the blocking-work pool (they touch the database): the next message of
  // the session is read only after on_message has returned, so a session's messages are handled
  // in order and a client that sends faster than they are handled waits (TCP back-pressure).
  bool blocking = false;
  // Called once after the upgrade; may keep the session (e.g. in a chat hub).
  std::function<void(const std::shared_ptr<WebSocketSession>&, const Request&)> on_open;
  // Called for each complete text message, one at a time per session.
  std::function<void(const std::shared_ptr<WebSocketSession>&, std::string_view)> on_message;
  std::function<void(const std::shared_ptr<WebSocketSession>&)> on_close;
};

}  // namespace vitalis::http
