#include "chat/bulk.hpp"

#include <map>
#include <optional>

#include "chat/store.hpp"

namespace vitalis::chat::bulk {

std::optional<std::int64_t> insert_conversation(db::Lease& lease, std::int64_t patient_id,
                                                std::int64_t doctor_id, std::int64_t started_by,
                                                const std::vector<Line>& lines) {
  std::string started_at = lines.empty() ? std::string() : lines.front().sent_at;
  auto id = store::insert_conversation(lease, patient_id, doctor_id, started_by, started_at);
  if (!id) return std::nullopt;
  store::insert_member(lease, *id, patient_id);
  store::insert_member(lease, *id, doctor_id);
  std::map<std::int64_t, std::int64_t> last_sent;  // participant -> seq of their last line
  for (std::size_t index = 0; index < lines.size(); ++index) {
    Message message;
    message.conversation_id = *id;
    message.seq = store::next_seq(lease, *id, lines[index].sent_at).value_or(0);
    message.sender_id = lines[index].sender_id;
    message.client_id = "demo-" + std::to_string(*id) + "-" + std::to_string(index + 1);
    message.text = lines[index].text;
    message.sent_at = lines[index].sent_at;
    store::insert_message(lease, message);
    last_sent[message.sender_id] = message.seq;
  }
  for (auto [account, seq] : last_sent) store::mark_read(lease, *id, account, seq);
  // What is there now was never "new" to anyone: no offline email about it.
  std::int64_t last = static_cast<std::int64_t>(lines.size());
  for (std::int64_t account : {patient_id, doctor_id}) {
    if (last > 0) store::claim_notice(lease, {{*id, account, 0, last}, 0});
  }
  return id;
}

}  // namespace vitalis::chat::bulk
