#include "chat/routes.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <optional>

#include "chat/json.hpp"
#include "http/json_fields.hpp"
#include "identity/policy.hpp"

namespace vitalis::chat {

namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;
using identity::Rule;

namespace {

Response page_response(const Page& page) {
  json::array items;
  for (const auto& message : page.messages) items.push_back(message_json(message));
  return Response::json(200, json::object{{"items", std::move(items)}, {"more", page.more}});
}

// The state a poll compares: each conversation's numbers, in one line.
std::string state_of(const std::vector<Conversation>& conversations) {
  std::string out;
  for (const auto& one : conversations) {
    out += std::to_string(one.id) + ":" + std::to_string(one.last_seq) + ":" +
           std::to_string(one.last_read_seq) + ":" + std::to_string(one.other_read_seq) + ":" +
           std::to_string(one.other_received_seq) + ":" + (one.other_online ? "1" : "0") + ";";
  }
  return out;
}

// The cursor a poll hands back: a digest of the state (FNV-1a, hex), not the state itself.
std::string cursor_of(const std::string& state) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : state) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) out[static_cast<std::size_t>(i)] = kHex[hash & 15];
  return out;
}

// A poll's cursor: the state's digest, the number of the last ephemeral event it saw and the
// server process that numbered it (events are numbered per process).
struct PollCursor {
  std::string digest;
  std::uint64_t event = 0;
  std::string server;
};

std::optional<PollCursor> parse_cursor(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  auto first = text->find('.');
  auto second = first == std::string::npos ? first : text->find('.', first + 1);
  if (second == std::string::npos) return std::nullopt;
  PollCursor out{text->substr(0, first), 0, text->substr(second + 1)};
  auto number = std::string_view(*text).substr(first + 1, second - first - 1);
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), out.event);
  if (ec != std::errc() || end != number.data() + number.size()) return std::nullopt;
  return out;
}

Response poll_answer(ChatService& service, Live& live, const identity::Caller& caller,
                     const std::vector<Conversation>& conversations, std::uint64_t after) {
  json::array items, events;
  for (const auto& one : conversations) items.push_back(conversation_json(one, caller.account_id));
  auto [recent, last] = live.recent_events(caller.account_id, after);
  for (const auto& event : recent) events.push_back(json::parse(event));
  std::string cursor =
      cursor_of(state_of(conversations)) + "." + std::to_string(last) + "." + service.server_id();
  return Response::json(200, json::object{{"cursor", std::move(cursor)},
                                          {"conversations", std::move(items)},
                                          {"events", std::move(events)}});
}

}  // namespace

void add_chat_routes(http::Router& router, ChatService& service, Live& live) {
  auto& s = service;
  auto& identity = service.identity();
  auto signals =
      identity::guarded(Rule::kSignedIn, identity).not_audited(identity::NotAudited::kChatSignals);
  auto writes = identity::guarded(Rule::kSignedIn, identity);

  router.add(
      Method::kGet, "/api/v1/chat/conversations",
      [&s](Request& request) {
        auto caller = identity::caller_of(request);
        return http::respond(s.conversations(caller), [&](std::vector<Conversation> rows) {
          json::array items;
          for (const auto& one : rows) items.push_back(conversation_json(one, caller.account_id));
          return Response::json(200, json::object{{"items", std::move(items)}});
        });
      },
      identity::quick(signals));

  // The navigation's badge: {unread, conversations} — counts only, no text, no names.
  router.add(
      Method::kGet, "/api/v1/chat/unread",
      [&s](Request& request) {
        return http::respond(s.unread(identity::caller_of(request)), [](UnreadTotals totals) {
          return Response::json(200, json::object{{"unread", totals.messages},
                                                  {"conversations", totals.conversations}});
        });
      },
      identity::quick(signals));

  // {other_id}: the doctor (for a patient) or the patient (for a doctor).
  router.add(
      Method::kPost, "/api/v1/chat/conversations",
      [&s, &live](Request& request) {
        auto body = http::fields::body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto other = http::fields::integer(*body, "other_id");
        if (!other.ok()) return Response::error(other.error());
        if (!*other || **other < 1) {
          return Response::error(Error::validation(
              "other_id", "other_id is required: the doctor or patient to write to"));
        }
        auto caller = identity::caller_of(request);
        return http::respond(s.start(caller, **other), [&](ChatService::Started started) {
          if (started.created) live.conversation_started(started.conversation);
          return Response::json(started.created ? 201 : 200,
                                conversation_json(started.conversation, caller.account_id));
        });
      },
      writes);

  router.add(
      Method::kGet, "/api/v1/chat/conversations/{conversation_id}",
      [&s](Request& request) {
        auto id = identity::id_param(request, "conversation_id");
        if (!id.ok()) return Response::error(id.error());
        auto caller = identity::caller_of(request);
        return http::respond(s.conversation(caller, *id), [&](Conversation one) {
          return Response::json(200, conversation_json(one, caller.account_id));
        });
      },
      identity::quick(signals));

  // History: ?before= (latest first, before that seq) or ?after= (oldest first, after it);
  // ?limit= 1–100 (50). A read of the patient's messages: audited.
  router.add(
      Method::kGet, "/api/v1/chat/conversations/{conversation_id}/messages",
      [&s](Request& request) {
        auto id = identity::id_param(request, "conversation_id");
        if (!id.ok()) return Response::error(id.error());
        auto before = http::fields::query_integer(request, "before", 0, 1, INT64_MAX);
        if (!before.ok()) return Response::error(before.error());
        auto after = http::fields::query_integer(request, "after", -1, 0, INT64_MAX);
        if (!after.ok()) return Response::error(after.error());
        auto limit = http::fields::query_integer(request, "limit", 50, 1, 100);
        if (!limit.ok()) return Response::error(limit.error());
        if (*before > 0 && *after >= 0) {
          return Response::error(Error::validation("after", "give before or after, not both"));
        }
        auto caller = identity::caller_of(request);
        auto page = *after >= 0 ? s.since(caller, *id, *after, static_cast<int>(*limit))
                                : s.history(caller, *id, *before, static_cast<int>(*limit));
        if (!page.ok()) return Response::error(page.error());
        identity::read_patients(request, {page->patient_id});
        return page_response(*page);
      },
      identity::quick(identity::guarded(Rule::kSignedIn, identity)
                          .audited(identity::ReadAudit("chat_messages")
                                       .action("chat.read")
                                       .patients_from_handler())));

  // {client_id, text} -> 201 with the stored message (200 with it again for a resend).
  router.add(
      Method::kPost, "/api/v1/chat/conversations/{conversation_id}/messages",
      [&s, &live](Request& request) {
        auto id = identity::id_param(request, "conversation_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = http::fields::body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto client_id = http::fields::text(*body, "client_id");
        if (!client_id.ok()) return Response::error(client_id.error());
        auto text = http::fields::text(*body, "text");
        if (!text.ok()) return Response::error(text.error());
        auto caller = identity::caller_of(request);
        auto sent = s.send(caller, *id, client_id->value_or(""), text->value_or(""));
        if (!sent.ok()) return Response::error(sent.error());
        if (!sent->duplicate) {
          bool patient = caller.role == identity::Role::kPatient;
          live.message_stored(*sent, patient ? caller.account_id : sent->recipient_id,
                              patient ? sent->recipient_id : caller.account_id);
        }
        return Response::json(sent->duplicate ? 200 : 201, message_json(sent->message));
      },
      writes);

  // {kind: read|received, seq}: receipts only move forwards.
  router.add(
      Method::kPost, "/api/v1/chat/conversations/{conversation_id}/receipts",
      [&s, &live](Request& request) {
        auto id = identity::id_param(request, "conversation_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = http::fields::body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto kind = http::fields::text(*body, "kind");
        if (!kind.ok()) return Response::error(kind.error());
        std::string which = kind->value_or("read");
        if (which != "read" && which != "received") {
          return Response::error(Error::validation("kind", "kind must be read or received"));
        }
        auto seq = http::fields::integer(*body, "seq");
        if (!seq.ok()) return Response::error(seq.error());
        if (!*seq) return Response::error(Error::validation("seq", "seq is required"));
        auto done = s.receipt(identity::caller_of(request), *id,
                              which == "read" ? Receipt::kRead : Receipt::kReceived, **seq);
        if (!done.ok()) return Response::error(done.error());
        if (done->moved) live.receipt_moved(done->state);
        return Response::json(200, json::object{{"conversation_id", *id},
                                                {"read_seq", done->state.last_read_seq},
                                                {"received_seq", done->state.last_received_seq}});
      },
      writes);

  // {state: started|stopped}: told to the other participant's live connections, never stored.
  router.add(
      Method::kPost, "/api/v1/chat/conversations/{conversation_id}/typing",
      [&s, &live](Request& request) {
        auto id = identity::id_param(request, "conversation_id");
        if (!id.ok()) return Response::error(id.error());
        auto body = http::fields::body_object(request);
        if (!body.ok()) return Response::error(body.error());
        auto state = http::fields::text(*body, "state");
        if (!state.ok()) return Response::error(state.error());
        if (*state != "started" && *state != "stopped") {
          return Response::error(Error::validation("state", "state must be started or stopped"));
        }
        auto caller = identity::caller_of(request);
        auto found = s.conversation(caller, *id);
        if (!found.ok()) return Response::error(found.error());
        live.typing(*id, caller.account_id, found->other_id(caller.account_id),
                    *state == "started");
        return Response{204, {}, {}, {}, {}, {}};
      },
      writes);

  // The long poll: ?cursor= (from the last answer; none the first time), ?timeout= 0–25 s (20).
  // Answers at once when anything changed since the cursor, else at the account's next event
  // or the timeout: the conversations' numbers (new messages are then read from /messages) and
  // the typing and presence events of the last seconds.
  http::RouteOptions poll_options = signals;
  poll_options.blocking = true;
  router.add(
      Method::kGet, "/api/v1/chat/poll",
      [&s, &live](Request& request) {
        auto cursor = http::fields::query_text(request, "cursor");
        if (!cursor.ok()) return Response::error(cursor.error());
        auto timeout = http::fields::query_integer(request, "timeout", 20, 0, 25);
        if (!timeout.ok()) return Response::error(timeout.error());
        auto caller = identity::caller_of(request);
        // Someone polling is online (for the other side, and for the offline email).
        if (auto present = live.polled(caller.account_id); !present.ok()) {
          return Response::error(present.error());
        }
        auto seen = parse_cursor(*cursor);
        // Events are numbered by the process that kept them: another server's number means none.
        std::uint64_t after = seen && seen->server == s.server_id() ? seen->event : 0;
        std::uint64_t generation = live.generation(caller.account_id);
        auto conversations = s.conversations(caller);
        if (!conversations.ok()) return Response::error(conversations.error());
        bool changed = !seen || seen->digest != cursor_of(state_of(*conversations)) ||
                       !live.recent_events(caller.account_id, after).first.empty();
        if (changed || *timeout == 0) return poll_answer(s, live, caller, *conversations, after);
        Response response;
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(*timeout);
        std::int64_t account = caller.account_id;
        response.hold = [&live, account, deadline,
                         generation](std::function<void(Status)> release) {
          auto shared = std::make_shared<std::function<void(Status)>>(std::move(release));
          if (!live.wait(account, deadline, generation, [shared] { (*shared)(Ok{}); })) {
            (*shared)(Error::rate_limited("too many open polls for this account", 5));
          }
        };
        response.after_hold = [&s, &live, caller, after] {
          auto now = s.conversations(caller);
          if (!now.ok()) return Response::error(now.error());
          return poll_answer(s, live, caller, *now, after);
        };
        return response;
      },
      poll_options);

  http::RouteOptions socket;
  // Open to any page the Origin check admits: the socket signs in with its first message (a
  // browser cannot set Authorization on a WebSocket, and a token in the URL would reach logs).
  socket.access = "public";
  router.add_websocket("/ws/chat", live.handler(), std::move(socket));
}

}  // namespace vitalis::chat
