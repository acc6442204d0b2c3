// The chat's live part: the WebSocket protocol (/ws/chat, docs/API.md "Chat"), the sockets of
// this process by account, fan-out of events to both participants' devices (and, through a Bus,
// to the sockets of other server processes), typing (throttled, never stored), presence, the
// session checks that close a signed-out socket (at once when identity says sessions ended, and
// every session_check for expiry), and the long-poll waiters of clients whose
// network blocks WebSocket. Safe for concurrent use (one mutex over the maps; sends post to each
// socket's own strand and never block).
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "chat/service.hpp"
#include "http/websocket.hpp"

namespace vitalis::chat {

// Carries events to the other server processes: a line of ids only (the receivers read what
// they need from the database). PostgreSQL LISTEN/NOTIFY in production (pg_bus.hpp); none on
// SQLite (one process).
class Bus {
 public:
  virtual ~Bus() = default;
  virtual void publish(const std::string& payload) = 0;
};

// WebSocket close codes of the chat (docs/API.md).
namespace close_code {
inline constexpr int kUnauthenticated = 4401;  // no or bad token, or not in time
inline constexpr int kForbidden = 4403;        // an account chat is not for (administrators)
inline constexpr int kSessionEnded = 4409;     // signed out, or the session expired
}  // namespace close_code

struct LiveOptions {
  std::chrono::seconds auth_deadline{10};
  std::chrono::seconds session_check{15};
  std::chrono::milliseconds typing_throttle{2000};
  std::size_t max_message_bytes = 16 * 1024;  // one frame: the text and its JSON around it
  int resume_limit = 200;                     // messages per conversation on resume
  // Someone polling is online from their first poll until this long after their last one ended
  // (a poll waits up to 25 s, and the client asks again at once): then "offline" is told.
  std::chrono::milliseconds poll_gone{35000};
};

class Live {
 public:
  Live(ChatService& service, LiveOptions options = {});
  ~Live();
  Live(const Live&) = delete;
  Live& operator=(const Live&) = delete;

  void set_bus(Bus* bus) { bus_ = bus; }
  // The /ws/chat handler (callbacks on the blocking pool: they touch the database).
  http::WebSocketHandler handler();

  // What the routes and the sockets share: after a message was stored (not a resend), a
  // receipt moved, typing, a new conversation. Delivered to this process's sockets of both
  // participants and published to the bus.
  void message_stored(const Sent& sent, std::int64_t patient_id, std::int64_t doctor_id,
                      const void* except = nullptr);
  void receipt_moved(const ReadState& state);
  void typing(std::int64_t conversation_id, std::int64_t from, std::int64_t to, bool on);
  void conversation_started(const Conversation& conversation);
  // Identity ended sessions of the account (sign-out, password change…): its sockets whose
  // session is over close now (4409), here and, through the bus, in the other processes.
  void sessions_ended(std::int64_t account_id);

  // Events another process published, in their order: whatever arrived together, so that the
  // messages among them are read in one query.
  void on_bus_events(const std::vector<std::string>& payloads);

  // Long poll. How many events this process has delivered to the account (read it before
  // looking at the state a poll compares).
  std::uint64_t generation(std::int64_t account_id) const;
  // Registers `release` for the account's next event (or `deadline`); releases at once when an
  // event came after `seen` (the generation read before the poll looked). Returns false when
  // the account has too many waiting already.
  bool wait(std::int64_t account_id, std::chrono::steady_clock::time_point deadline,
            std::uint64_t seen, std::function<void()> release);
  // The ephemeral events (typing, presence) that reached the account in the last few seconds
  // after `after` (their number in this process), and the number of the last one (or `after`).
  std::pair<std::vector<std::string>, std::uint64_t> recent_events(std::int64_t account_id,
                                                                   std::uint64_t after);
  // A poll of the account begins: writes its presence row (someone polling is online, for the
  // other side and for the offline email); the first poll tells the account's partners it is
  // online, unless a socket here already said so; sweep() tells them when it stopped polling
  // (poll_gone). Under presence_mutex_, like the sockets' presence, so the two cannot cross.
  Status polled(std::int64_t account_id);

  // Every second (app's Periodic): authentication deadlines, session checks, poll timeouts,
  // pollers gone, presence refresh.
  void sweep();
  // Answers every waiting poll now (shutdown begins).
  void release_waiters();
  // Closes every socket, releases every waiter and removes this process's presence (shutdown).
  void stop();

  std::size_t sockets() const;

 private:
  struct Socket;
  void on_open(const std::shared_ptr<http::WebSocketSession>& session,
               const http::Request& request);
  void on_message(const std::shared_ptr<http::WebSocketSession>& session, std::string_view text);
  void on_close(const std::shared_ptr<http::WebSocketSession>& session);
  void authenticate(Socket& socket, const std::string& token,
                    const std::map<std::int64_t, std::int64_t>& resume);
  void handle(Socket& socket, std::string_view type, const boost::json::object& body);
  // Sends to this process's sockets of `accounts` (skipping `except`) and wakes their polls;
  // ephemeral events are also kept for polls.
  void deliver(const std::vector<std::int64_t>& accounts, const std::string& event, bool ephemeral,
               const void* except = nullptr);
  // After this process's first socket of an account opened or its last closed: the presence
  // row, the partners' sockets here, and the other processes.
  void sync_presence(std::int64_t account_id);
  void tell_presence(std::int64_t account_id, bool online);
  // Pollers whose last poll ended poll_gone ago: their row goes and their partners are told.
  void pollers_gone(std::chrono::steady_clock::time_point now);
  // To this process's sockets only (the bus's events, and the first half of the public calls).
  void show_message(const Message& message, std::int64_t patient_id, std::int64_t doctor_id,
                    const void* except = nullptr);
  void show_receipt(const ReadState& state);
  void show_typing(std::int64_t conversation_id, std::int64_t from, std::int64_t to, bool on);
  void show_conversation(std::int64_t id, std::int64_t patient_id, std::int64_t doctor_id);
  std::shared_ptr<Socket> find(const http::WebSocketSession* session) const;
  // The account's signed-in sockets in this process.
  std::vector<std::shared_ptr<Socket>> sockets_of(std::int64_t account_id) const;
  // Closes those of `sockets` whose session has ended (4409): one ended_sessions call for all.
  void close_ended(std::vector<std::shared_ptr<Socket>> sockets);
  // Whether the account has a socket or a waiting poll in this process.
  bool present(std::int64_t account_id) const;
  // One of on_bus_events' events, with the messages read for them.
  void on_bus_event(std::string_view payload,
                    const std::unordered_map<std::int64_t, RoutedMessage>& messages,
                    std::set<std::int64_t>& presence_told);

  ChatService& service_;
  LiveOptions options_;
  Bus* bus_ = nullptr;
  mutable std::mutex mutex_;
  std::mutex presence_mutex_;                // orders presence writes (sync_presence)
  std::set<std::int64_t> presence_written_;  // accounts whose row says online (presence_mutex_)
  std::unordered_map<const http::WebSocketSession*, std::shared_ptr<Socket>> sockets_;
  std::unordered_map<std::int64_t, std::set<const http::WebSocketSession*>> by_account_;
  struct Waiter {
    std::chrono::steady_clock::time_point deadline;
    std::function<void()> release;
  };
  std::unordered_map<std::int64_t, std::vector<Waiter>> waiters_;
  struct Recent {
    std::chrono::steady_clock::time_point at;
    std::uint64_t number = 0;
    std::string event;
  };
  std::unordered_map<std::int64_t, std::vector<Recent>> recent_;
  std::uint64_t recent_number_ = 0;
  std::unordered_map<std::int64_t, std::uint64_t> generations_;
  // Accounts polling here, and when their last poll began or ended (mutex_).
  std::unordered_map<std::int64_t, std::chrono::steady_clock::time_point> pollers_;
  std::chrono::steady_clock::time_point last_session_check_, last_presence_refresh_;
};

}  // namespace vitalis::chat
