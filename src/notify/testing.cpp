// notify/testing.hpp: the outbox's rows through the store, opened like the sender opens them.
#include "notify/testing.hpp"

#include "notify/seal.hpp"
#include "notify/store.hpp"

namespace vitalis::notify::testing {

std::vector<Message> outbox_messages(db::Pool& pool) {
  auto lease = pool.acquire();
  std::vector<Message> out;
  for (auto& row : store::all_messages(*lease)) {
    Message message{row.recipient, row.subject, row.text, row.html, row.kind, {}};
    if (!row.sealed.empty()) {
      auto opened = seal::open(row.sealed, row.kind);
      if (opened) {
        message.to = std::move(opened->to);
        message.subject = std::move(opened->subject);
        message.text = std::move(opened->text);
        message.html = std::move(opened->html);
        message.attachments = std::move(opened->attachments);
      }
    }
    out.push_back(std::move(message));
  }
  return out;
}

}  // namespace vitalis::notify::testing
