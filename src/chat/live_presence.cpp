// Live's presence (who is online: sockets here, polls, other processes' rows) and the events
// other server processes publish on the bus. Split from live.cpp for length; the same class.
#include <set>
#include <sstream>

#include "chat/json.hpp"
#include "chat/live.hpp"
#include "core/log.hpp"

namespace vitalis::chat {

using Steady = std::chrono::steady_clock;

void Live::sync_presence(std::int64_t account_id) {
  // One at a time, and from the count as it is now: a socket closing while another of the same
  // account opens cannot leave the row saying the opposite of what is true.
  std::lock_guard order(presence_mutex_);
  bool here = false;
  {
    std::lock_guard lock(mutex_);
    here = by_account_.count(account_id) > 0;
  }
  bool written = presence_written_.count(account_id) > 0;
  if (here == written) return;
  if (here) {
    presence_written_.insert(account_id);
  } else {
    presence_written_.erase(account_id);
  }
  auto stored = service_.set_presence(account_id, here ? 1 : 0);
  if (!stored.ok()) log::warn("chat presence not stored", {{"detail", stored.error().message}});
  // Another process may still hold a socket of theirs.
  tell_presence(account_id, here || service_.online(account_id));
  if (bus_) bus_->publish("p " + std::to_string(account_id));
}

void Live::tell_presence(std::int64_t account_id, bool online) {
  auto partners = service_.partners(account_id);
  if (!partners.ok()) return;
  deliver(*partners, event_text("presence", {{"account_id", account_id}, {"online", online}}),
          true);
}

bool Live::present(std::int64_t account_id) const {
  std::lock_guard lock(mutex_);
  return by_account_.count(account_id) > 0 || waiters_.count(account_id) > 0;
}

void Live::on_bus_events(const std::vector<std::string>& payloads) {
  // The messages first, in one read: read one by one (two queries each, on the one listening
  // thread), this process fell behind the others whenever the machine was busy.
  std::vector<std::int64_t> wanted;
  for (const auto& payload : payloads) {
    std::istringstream in(payload);
    char kind = 0;
    std::int64_t id = 0, patient = 0, doctor = 0;
    in >> kind >> id >> patient >> doctor;
    if (kind != 'm' || id <= 0) continue;
    // Nobody here to tell (an event without participants is from an older process: read it).
    if (patient > 0 && !present(patient) && !present(doctor)) continue;
    wanted.push_back(id);
  }
  std::unordered_map<std::int64_t, RoutedMessage> messages;
  if (!wanted.empty()) {
    auto found = service_.routed(wanted);
    if (found.ok()) {
      for (auto& one : *found) messages.emplace(one.message.id, std::move(one));
    }
  }
  std::set<std::int64_t> presence_told;
  for (const auto& payload : payloads) on_bus_event(payload, messages, presence_told);
}

void Live::on_bus_event(std::string_view payload,
                        const std::unordered_map<std::int64_t, RoutedMessage>& messages,
                        std::set<std::int64_t>& presence_told) {
  std::istringstream in{std::string(payload)};
  char kind = 0;
  in >> kind;
  if (kind == 'm') {
    std::int64_t id = 0;
    in >> id;
    if (auto found = messages.find(id); found != messages.end()) {
      show_message(found->second.message, found->second.patient_id, found->second.doctor_id);
    }
  } else if (kind == 'r') {
    ReadState state;
    in >> state.conversation_id >> state.account_id >> state.other_id >> state.last_read_seq >>
        state.last_received_seq;
    show_receipt(state);
  } else if (kind == 't') {
    std::int64_t conversation = 0, from = 0, to = 0;
    int on = 0;
    in >> conversation >> from >> to >> on;
    show_typing(conversation, from, to, on != 0);
  } else if (kind == 'p') {
    std::int64_t account = 0;
    in >> account;
    // Read from the table, so once per account among events that came together is enough.
    if (presence_told.insert(account).second) tell_presence(account, service_.online(account));
  } else if (kind == 's') {
    std::int64_t account = 0;
    in >> account;
    close_ended(sockets_of(account));
  } else if (kind == 'c') {
    std::int64_t id = 0, patient = 0, doctor = 0;
    in >> id >> patient >> doctor;
    show_conversation(id, patient, doctor);
  }
}

Status Live::polled(std::int64_t account_id) {
  std::lock_guard order(presence_mutex_);
  if (auto stored = service_.poll_presence(account_id); !stored.ok()) return stored;
  bool first = false, socket_here = false;
  {
    std::lock_guard lock(mutex_);
    auto [found, inserted] = pollers_.try_emplace(account_id, Steady::now());
    found->second = Steady::now();
    first = inserted;
    socket_here = by_account_.count(account_id) > 0;
  }
  if (first && !socket_here) {
    tell_presence(account_id, true);
    if (bus_) bus_->publish("p " + std::to_string(account_id));
  }
  return Ok{};
}

void Live::pollers_gone(Steady::time_point now) {
  std::vector<std::int64_t> candidates;
  {
    std::lock_guard lock(mutex_);
    for (auto& [account, last] : pollers_) {
      if (waiters_.count(account) > 0) {
        last = now;  // waiting now: gone only after this poll ends
      } else if (now - last >= options_.poll_gone) {
        candidates.push_back(account);
      }
    }
  }
  for (auto account : candidates) {
    // As polled(): a poll that begins meanwhile either comes first (and the account stays) or
    // after (and finds itself the first again).
    std::lock_guard order(presence_mutex_);
    bool here = false;
    {
      std::lock_guard lock(mutex_);
      auto found = pollers_.find(account);
      if (found == pollers_.end() || waiters_.count(account) > 0 ||
          now - found->second < options_.poll_gone) {
        continue;
      }
      pollers_.erase(found);
      here = by_account_.count(account) > 0;
    }
    if (auto ended = service_.end_poll_presence(account); !ended.ok()) {
      log::warn("chat presence not stored", {{"detail", ended.error().message}});
    }
    if (here) continue;  // a socket here keeps them online: nothing changed for the partners
    tell_presence(account, service_.online(account));
    if (bus_) bus_->publish("p " + std::to_string(account));
  }
}

}  // namespace vitalis::chat
