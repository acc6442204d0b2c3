#include "chat/json.hpp"

namespace vitalis::chat {

namespace json = boost::json;

json::object message_json(const Message& message) {
  return {{"id", message.id},
          {"conversation_id", message.conversation_id},
          {"seq", message.seq},
          {"sender_id", message.sender_id},
          {"client_id", message.client_id},
          {"text", message.text},
          {"sent_at", message.sent_at}};
}

json::object conversation_json(const Conversation& conversation, std::int64_t viewer) {
  bool patient = viewer == conversation.patient_id;
  json::object out{{"id", conversation.id},
                   {"patient_id", conversation.patient_id},
                   {"patient_name", conversation.patient_name},
                   {"doctor_id", conversation.doctor_id},
                   {"doctor_name", conversation.doctor_name},
                   {"other_id", patient ? conversation.doctor_id : conversation.patient_id},
                   {"other_name", patient ? conversation.doctor_name : conversation.patient_name},
                   {"started_at", conversation.started_at},
                   {"last_seq", conversation.last_seq},
                   {"last_read_seq", conversation.last_read_seq},
                   {"unread", conversation.unread},
                   {"other_read_seq", conversation.other_read_seq},
                   {"other_received_seq", conversation.other_received_seq},
                   {"other_online", conversation.other_online}};
  out["last_message_at"] = conversation.last_message_at.empty()
                               ? json::value(nullptr)
                               : json::value(conversation.last_message_at);
  // Who wrote last, never what: the list is not a history read.
  out["last_sender_id"] = conversation.last_message
                              ? json::value(conversation.last_message->sender_id)
                              : json::value(nullptr);
  return out;
}

std::string event_text(std::string_view type, json::object fields) {
  json::object out;
  out["type"] = type;
  for (auto& [key, value] : fields) out[key] = std::move(value);
  return json::serialize(out);
}

}  // namespace vitalis::chat
