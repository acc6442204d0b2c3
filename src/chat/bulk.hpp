// Bulk loading of chat, for `vitalis demo-data` only: a conversation and its messages in the
// caller's transaction, through the store's own statements. It skips what the service does per
// message (the care-team check, live fan-out, the offline email): the loader audits the load as a
// whole. No other caller.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"

namespace vitalis::chat::bulk {

struct Line {
  std::int64_t sender_id = 0;
  std::string text;
  std::string sent_at;  // RFC 3339; the lines come in the order they were sent
};

// One patient–doctor conversation with `lines` numbered 1..n. Each participant has read up to
// their own last line (sending reads the conversation), so whatever the other wrote after it is
// unread; nobody is emailed about what is already there. Returns the conversation's id, or
// nothing when the pair already has one (left as it is).
std::optional<std::int64_t> insert_conversation(db::Lease& lease, std::int64_t patient_id,
                                                std::int64_t doctor_id, std::int64_t started_by,
                                                const std::vector<Line>& lines);

}  // namespace vitalis::chat::bulk
