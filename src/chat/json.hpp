// The chat's JSON: a message, a conversation summary (no message text: lists and the socket's
// ready event are not history reads), and the events the sockets and polls carry.
#pragma once

#include <boost/json.hpp>

#include "chat/model.hpp"

namespace vitalis::chat {

boost::json::object message_json(const Message& message);
// As `viewer` sees it.
boost::json::object conversation_json(const Conversation& conversation, std::int64_t viewer);
std::string event_text(std::string_view type, boost::json::object fields);

}  // namespace vitalis::chat
