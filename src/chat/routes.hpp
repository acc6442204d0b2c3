// HTTP routes of the chat: conversations, history (audited), sending, receipts and typing over
// HTTP, the long poll for clients whose network blocks WebSocket, and the /ws/chat socket. Any
// signed-in patient or doctor; only a conversation's two participants reach it.
#pragma once

#include "chat/live.hpp"
#include "chat/service.hpp"
#include "http/router.hpp"

namespace vitalis::chat {

void add_chat_routes(http::Router& router, ChatService& service, Live& live);

}  // namespace vitalis::chat
