// The chat's Bus over PostgreSQL LISTEN/NOTIFY: several `vitalis serve` processes on one
// database behave as one. Each event is a NOTIFY on channel vitalis_chat carrying ids only (the
// receivers read the message itself from the table), prefixed with the sending process's id so
// that it skips its own. One connection listens on a thread of its own and hands what arrived
// together to Live::on_bus_events; another publishes (under a mutex). Both reconnect after a
// failure; an event published while the database was unreachable is lost for the other processes
// (their clients catch up from the table when they next fetch or reconnect).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "chat/live.hpp"

namespace vitalis::chat {

class PgBus final : public Bus {
 public:
  // Called on the listening thread with the events that arrived together, in their order.
  using Handler = std::function<void(const std::vector<std::string>&)>;
  // `conninfo`: a libpq connection URI; `origin`: this process's id (ChatService::server_id).
  PgBus(std::string conninfo, std::string origin, Handler on_events);
  ~PgBus() override;
  PgBus(const PgBus&) = delete;
  PgBus& operator=(const PgBus&) = delete;

  // Connects both connections and starts listening; an error says why (the server still serves,
  // alone).
  Status start();
  void stop();
  void publish(const std::string& payload) override;

 private:
  struct Connection;
  void listen_loop();

  std::string conninfo_, origin_;
  Handler on_events_;
  std::unique_ptr<Connection> listener_, publisher_;
  std::mutex publish_mutex_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace vitalis::chat
