#include "chat/live.hpp"

#include <algorithm>
#include <sstream>

#include "chat/json.hpp"
#include "core/log.hpp"
#include "http/message.hpp"
#include "identity/policy.hpp"

namespace vitalis::chat {

namespace json = boost::json;
using Steady = std::chrono::steady_clock;

namespace {

constexpr std::size_t kMaxWaitersPerAccount = 8;
constexpr auto kRecentFor = std::chrono::seconds(10);

std::string error_event(const Error& error, std::string_view ref = {}) {
  json::object fields{{"code", error_code_name(error.code)}, {"message", error.message}};
  fields["field"] = error.field.empty() ? json::value(nullptr) : json::value(error.field);
  if (!ref.empty()) fields["ref"] = ref;
  return event_text("error", std::move(fields));
}

// A whole number field of a client message (0 when absent or not one).
std::int64_t int_field(const json::object& body, std::string_view name) {
  const auto* value = body.if_contains(name);
  if (value == nullptr) return 0;
  if (value->is_int64()) return value->as_int64();
  if (value->is_uint64() && value->as_uint64() < static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(value->as_uint64());
  }
  return 0;
}

std::string text_field(const json::object& body, std::string_view name) {
  const auto* value = body.if_contains(name);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

}  // namespace

struct Live::Socket {
  std::shared_ptr<http::WebSocketSession> session;
  identity::Caller caller;  // account 0 until authenticated
  Steady::time_point opened;
  bool authenticated = false;
  std::map<std::int64_t, std::int64_t> partners;      // conversation -> the other participant
  std::map<std::int64_t, Steady::time_point> typing;  // conversations typing started in
};

Live::Live(ChatService& service, LiveOptions options)
    : service_(service),
      options_(options),
      last_session_check_(Steady::now()),
      last_presence_refresh_(Steady::now()) {}

Live::~Live() = default;

std::size_t Live::sockets() const {
  std::lock_guard lock(mutex_);
  return sockets_.size();
}

http::WebSocketHandler Live::handler() {
  http::WebSocketHandler out;
  out.max_message_bytes = options_.max_message_bytes;
  out.blocking = true;
  out.on_open = [this](const std::shared_ptr<http::WebSocketSession>& session,
                       const http::Request& request) { on_open(session, request); };
  out.on_message = [this](const std::shared_ptr<http::WebSocketSession>& session,
                          std::string_view text) { on_message(session, text); };
  out.on_close = [this](const std::shared_ptr<http::WebSocketSession>& session) {
    on_close(session);
  };
  return out;
}

std::shared_ptr<Live::Socket> Live::find(const http::WebSocketSession* session) const {
  std::lock_guard lock(mutex_);
  auto found = sockets_.find(session);
  return found == sockets_.end() ? nullptr : found->second;
}

void Live::on_open(const std::shared_ptr<http::WebSocketSession>& session,
                   const http::Request& request) {
  auto socket = std::make_shared<Socket>();
  socket->session = session;
  socket->caller = identity::caller_of(request);  // no principal until it authenticates
  socket->opened = Steady::now();
  std::lock_guard lock(mutex_);
  sockets_[session.get()] = std::move(socket);
}

void Live::on_close(const std::shared_ptr<http::WebSocketSession>& session) {
  std::shared_ptr<Socket> socket;
  bool last = false;
  {
    std::lock_guard lock(mutex_);
    auto found = sockets_.find(session.get());
    if (found == sockets_.end()) return;
    socket = found->second;
    sockets_.erase(found);
    if (socket->authenticated) {
      auto& mine = by_account_[socket->caller.account_id];
      mine.erase(session.get());
      if (mine.empty()) {
        by_account_.erase(socket->caller.account_id);
        last = true;
      }
    }
  }
  if (!socket->authenticated) return;
  for (const auto& [conversation, since] : socket->typing) {
    typing(conversation, socket->caller.account_id, socket->partners[conversation], false);
  }
  if (last) sync_presence(socket->caller.account_id);
}

void Live::on_message(const std::shared_ptr<http::WebSocketSession>& session,
                      std::string_view text) {
  auto socket = find(session.get());
  if (!socket) return;
  json::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) {
    session->send(error_event(Error::malformed("each message must be a JSON object")));
    return;
  }
  const auto& body = parsed.as_object();
  std::string type = text_field(body, "type");
  if (!socket->authenticated) {
    if (type != "auth") {
      session->close(close_code::kUnauthenticated, "authenticate first");
      return;
    }
    std::map<std::int64_t, std::int64_t> resume;
    if (const auto* given = body.if_contains("resume"); given != nullptr && given->is_object()) {
      for (const auto& [key, value] : given->as_object()) {
        std::int64_t conversation = std::atoll(std::string(key).c_str());
        if (conversation > 0 && value.is_int64() && value.as_int64() >= 0) {
          resume[conversation] = value.as_int64();
        }
      }
    }
    authenticate(*socket, text_field(body, "token"), resume);
    return;
  }
  handle(*socket, type, body);
}

void Live::authenticate(Socket& socket, const std::string& token,
                        const std::map<std::int64_t, std::int64_t>& resume) {
  auto principal = service_.identity().authenticate(token);
  if (!principal.ok()) {
    socket.session->close(close_code::kUnauthenticated, "sign in again");
    return;
  }
  if (principal->role != identity::Role::kPatient && principal->role != identity::Role::kDoctor) {
    socket.session->close(close_code::kForbidden, "chat is between patients and their doctors");
    return;
  }
  static_cast<identity::Principal&>(socket.caller) = *principal;
  auto conversations = service_.conversations(socket.caller);
  if (!conversations.ok()) {
    socket.session->send(error_event(conversations.error()));
    socket.session->close(1011, "try again later");
    return;
  }
  bool first = false;
  {
    std::lock_guard lock(mutex_);
    for (const auto& one : *conversations) {
      socket.partners[one.id] = one.other_id(socket.caller.account_id);
    }
    socket.authenticated = true;
    auto& mine = by_account_[socket.caller.account_id];
    first = mine.empty();
    mine.insert(socket.session.get());
  }
  json::array items;
  for (const auto& one : *conversations) {
    items.push_back(conversation_json(one, socket.caller.account_id));
  }
  socket.session->send(event_text(
      "ready", {{"account_id", socket.caller.account_id}, {"conversations", std::move(items)}}));
  // What the client missed, oldest first per conversation; a history read, audited.
  for (const auto& [conversation, after] : resume) {
    auto page = service_.since(socket.caller, conversation, after, options_.resume_limit);
    if (!page.ok() || page->messages.empty()) continue;
    for (const auto& one : *conversations) {
      if (one.id == conversation) {
        (void)service_.identity().audit_record(socket.caller, read_audit_row(one));
      }
    }
    for (const auto& message : page->messages) {
      socket.session->send(event_text("message", {{"message", message_json(message)}}));
    }
    if (page->more) {
      socket.session->send(event_text("more", {{"conversation_id", conversation}}));
    }
  }
  if (first) sync_presence(socket.caller.account_id);
}

void Live::handle(Socket& socket, std::string_view type, const json::object& body) {
  std::int64_t conversation = int_field(body, "conversation_id");
  if (type == "ping") {
    socket.session->send(event_text("pong", {}));
    return;
  }
  if (type == "send") {
    std::string client_id = text_field(body, "client_id");
    auto sent = service_.send(socket.caller, conversation, client_id, text_field(body, "text"));
    if (!sent.ok()) {
      socket.session->send(error_event(sent.error(), client_id));
      return;
    }
    socket.session->send(
        event_text("ack", {{"client_id", client_id}, {"message", message_json(sent->message)}}));
    if (sent->duplicate) return;
    bool was_typing = false;
    {
      std::lock_guard lock(mutex_);
      socket.partners[conversation] = sent->recipient_id;
      was_typing = socket.typing.erase(conversation) > 0;
    }
    bool patient = socket.caller.role == identity::Role::kPatient;
    message_stored(*sent, patient ? socket.caller.account_id : sent->recipient_id,
                   patient ? sent->recipient_id : socket.caller.account_id, socket.session.get());
    // Sending ends typing: the other side hears it stop after the message.
    if (was_typing) typing(conversation, socket.caller.account_id, sent->recipient_id, false);
    return;
  }
  if (type == "read" || type == "received") {
    auto done = service_.receipt(socket.caller, conversation,
                                 type == "read" ? Receipt::kRead : Receipt::kReceived,
                                 int_field(body, "seq"));
    if (!done.ok()) {
      socket.session->send(error_event(done.error()));
      return;
    }
    if (done->moved) receipt_moved(done->state);
    return;
  }
  if (type == "typing") {
    std::string state = text_field(body, "state");
    if (state != "started" && state != "stopped") {
      socket.session->send(
          error_event(Error::validation("state", "state must be started or stopped")));
      return;
    }
    std::int64_t other = 0;
    bool forward = false;
    {
      std::lock_guard lock(mutex_);
      auto partner = socket.partners.find(conversation);
      if (partner != socket.partners.end()) {
        other = partner->second;
        auto now = Steady::now();
        auto since = socket.typing.find(conversation);
        if (state == "started") {
          // Throttled: a client says "started" on every key; the other side hears it at most
          // once per typing_throttle.
          forward = since == socket.typing.end() || now - since->second >= options_.typing_throttle;
          if (forward) socket.typing[conversation] = now;
        } else {
          forward = since != socket.typing.end();
          socket.typing.erase(conversation);
        }
      }
    }
    if (other == 0) {
      // A conversation started after this socket authenticated: look it up once.
      auto pair = service_.conversation(socket.caller, conversation);
      if (!pair.ok()) {
        socket.session->send(error_event(pair.error()));
        return;
      }
      std::lock_guard lock(mutex_);
      socket.partners[conversation] = pair->other_id(socket.caller.account_id);
      other = socket.partners[conversation];
      forward = state == "started";
      if (forward) socket.typing[conversation] = Steady::now();
    }
    if (forward) typing(conversation, socket.caller.account_id, other, state == "started");
    return;
  }
  socket.session->send(
      error_event(Error::validation("type", "type must be send, read, received, typing or ping")));
}

void Live::deliver(const std::vector<std::int64_t>& accounts, const std::string& event,
                   bool ephemeral, const void* except) {
  std::vector<std::shared_ptr<http::WebSocketSession>> targets;
  std::vector<std::function<void()>> releases;
  {
    std::lock_guard lock(mutex_);
    auto now = Steady::now();
    for (auto account : accounts) {
      ++generations_[account];
      if (auto found = by_account_.find(account); found != by_account_.end()) {
        for (const auto* key : found->second) {
          if (key == except) continue;
          targets.push_back(sockets_.at(key)->session);
        }
      }
      if (auto found = waiters_.find(account); found != waiters_.end()) {
        for (auto& waiter : found->second) releases.push_back(std::move(waiter.release));
        waiters_.erase(found);
      }
      if (ephemeral) {
        auto& kept = recent_[account];
        std::erase_if(kept, [&](const Recent& one) { return now - one.at > kRecentFor; });
        kept.push_back({now, ++recent_number_, event});
      }
    }
  }
  for (const auto& target : targets) target->send(event);
  for (auto& release : releases) release();
}

void Live::show_message(const Message& message, std::int64_t patient_id, std::int64_t doctor_id,
                        const void* except) {
  deliver({patient_id, doctor_id}, event_text("message", {{"message", message_json(message)}}),
          false, except);
}

void Live::show_receipt(const ReadState& state) {
  deliver({state.account_id, state.other_id},
          event_text("receipt", {{"conversation_id", state.conversation_id},
                                 {"account_id", state.account_id},
                                 {"read_seq", state.last_read_seq},
                                 {"received_seq", state.last_received_seq}}),
          false);
}

void Live::show_typing(std::int64_t conversation_id, std::int64_t from, std::int64_t to, bool on) {
  deliver({to},
          event_text("typing", {{"conversation_id", conversation_id},
                                {"account_id", from},
                                {"state", on ? "started" : "stopped"}}),
          true);
}

void Live::show_conversation(std::int64_t id, std::int64_t patient_id, std::int64_t doctor_id) {
  {
    std::lock_guard lock(mutex_);
    for (auto [account, other] : {std::pair{patient_id, doctor_id}, {doctor_id, patient_id}}) {
      auto found = by_account_.find(account);
      if (found == by_account_.end()) continue;
      for (const auto* key : found->second) sockets_.at(key)->partners[id] = other;
    }
  }
  deliver({patient_id, doctor_id}, event_text("conversation", {{"conversation_id", id}}), false);
}

void Live::message_stored(const Sent& sent, std::int64_t patient_id, std::int64_t doctor_id,
                          const void* except) {
  show_message(sent.message, patient_id, doctor_id, except);
  // The participants' ids too: a process with neither of them connected skips the read.
  if (bus_) {
    bus_->publish("m " + std::to_string(sent.message.id) + " " + std::to_string(patient_id) + " " +
                  std::to_string(doctor_id));
  }
}

void Live::receipt_moved(const ReadState& state) {
  show_receipt(state);
  if (bus_) {
    bus_->publish("r " + std::to_string(state.conversation_id) + " " +
                  std::to_string(state.account_id) + " " + std::to_string(state.other_id) + " " +
                  std::to_string(state.last_read_seq) + " " +
                  std::to_string(state.last_received_seq));
  }
}

void Live::typing(std::int64_t conversation_id, std::int64_t from, std::int64_t to, bool on) {
  show_typing(conversation_id, from, to, on);
  if (bus_) {
    bus_->publish("t " + std::to_string(conversation_id) + " " + std::to_string(from) + " " +
                  std::to_string(to) + " " + (on ? "1" : "0"));
  }
}

void Live::conversation_started(const Conversation& conversation) {
  show_conversation(conversation.id, conversation.patient_id, conversation.doctor_id);
  if (bus_) {
    bus_->publish("c " + std::to_string(conversation.id) + " " +
                  std::to_string(conversation.patient_id) + " " +
                  std::to_string(conversation.doctor_id));
  }
}

std::uint64_t Live::generation(std::int64_t account_id) const {
  std::lock_guard lock(mutex_);
  auto found = generations_.find(account_id);
  return found == generations_.end() ? 0 : found->second;
}

bool Live::wait(std::int64_t account_id, Steady::time_point deadline, std::uint64_t seen,
                std::function<void()> release) {
  {
    std::lock_guard lock(mutex_);
    auto found = generations_.find(account_id);
    if (found == generations_.end() || found->second <= seen) {
      auto& mine = waiters_[account_id];
      if (mine.size() >= kMaxWaitersPerAccount) return false;
      mine.push_back({deadline, std::move(release)});
      return true;
    }
  }
  release();  // something came while the poll was looking
  return true;
}

std::pair<std::vector<std::string>, std::uint64_t> Live::recent_events(std::int64_t account_id,
                                                                       std::uint64_t after) {
  std::lock_guard lock(mutex_);
  std::pair<std::vector<std::string>, std::uint64_t> out{{}, after};
  auto found = recent_.find(account_id);
  if (found == recent_.end()) return out;
  auto now = Steady::now();
  std::erase_if(found->second, [&](const Recent& one) { return now - one.at > kRecentFor; });
  for (const auto& one : found->second) {
    if (one.number <= after) continue;
    out.first.push_back(one.event);
    out.second = one.number;
  }
  return out;
}

void Live::sweep() {
  auto now = Steady::now();
  std::vector<std::shared_ptr<Socket>> late;
  std::vector<std::function<void()>> releases;
  std::vector<std::shared_ptr<Socket>> checked;
  bool check_sessions = now - last_session_check_ >= options_.session_check;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, socket] : sockets_) {
      if (!socket->authenticated && now - socket->opened > options_.auth_deadline) {
        late.push_back(socket);
      } else if (socket->authenticated && check_sessions) {
        checked.push_back(socket);
      }
    }
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      auto& list = it->second;
      for (auto& waiter : list) {
        if (waiter.deadline <= now) releases.push_back(std::move(waiter.release));
      }
      std::erase_if(list, [&](const Waiter& waiter) { return waiter.deadline <= now; });
      it = list.empty() ? waiters_.erase(it) : std::next(it);
    }
  }
  for (const auto& socket : late) {
    socket->session->close(
        close_code::kUnauthenticated,
        "authenticate within " + std::to_string(options_.auth_deadline.count()) + " seconds");
  }
  for (auto& release : releases) release();
  if (check_sessions) {
    last_session_check_ = now;
    close_ended(std::move(checked));
  }
  pollers_gone(now);
  if (now - last_presence_refresh_ >= service_.options().presence_refresh) {
    last_presence_refresh_ = now;
    (void)service_.refresh_presence();
  }
}

void Live::close_ended(std::vector<std::shared_ptr<Socket>> sockets) {
  std::vector<std::string> sessions;
  for (const auto& socket : sockets) sessions.push_back(socket->caller.session_id);
  std::sort(sessions.begin(), sessions.end());
  sessions.erase(std::unique(sessions.begin(), sessions.end()), sessions.end());
  if (sessions.empty()) return;
  auto ended = service_.identity().ended_sessions(sessions);
  if (!ended.ok() || ended->empty()) return;
  std::set<std::string> gone(ended->begin(), ended->end());
  for (const auto& socket : sockets) {
    if (gone.count(socket->caller.session_id)) {
      socket->session->close(close_code::kSessionEnded, "your session has ended: sign in again");
    }
  }
}

void Live::sessions_ended(std::int64_t account_id) {
  close_ended(sockets_of(account_id));
  if (bus_) bus_->publish("s " + std::to_string(account_id));
}

std::vector<std::shared_ptr<Live::Socket>> Live::sockets_of(std::int64_t account_id) const {
  std::vector<std::shared_ptr<Socket>> out;
  std::lock_guard lock(mutex_);
  auto found = by_account_.find(account_id);
  if (found == by_account_.end()) return out;
  for (const auto* key : found->second) {
    auto socket = sockets_.find(key);
    if (socket != sockets_.end() && socket->second->authenticated) out.push_back(socket->second);
  }
  return out;
}

void Live::release_waiters() {
  std::vector<std::function<void()>> releases;
  {
    std::lock_guard lock(mutex_);
    for (auto& [account, list] : waiters_) {
      for (auto& waiter : list) releases.push_back(std::move(waiter.release));
    }
    waiters_.clear();
  }
  for (auto& release : releases) release();
}

void Live::stop() {
  release_waiters();
  std::vector<std::shared_ptr<Socket>> all;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, socket] : sockets_) all.push_back(socket);
  }
  for (const auto& socket : all) socket->session->close();
  (void)service_.clear_presence();
}

}  // namespace vitalis::chat
