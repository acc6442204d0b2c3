// The chat's SQL: conversations, messages numbered under their conversation's row, each
// participant's receipts (moved only forwards by conditional updates), presence and the offline
// email claim. Names only chat's tables. Not thread-safe: one lease per task.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "chat/model.hpp"
#include "db/database.hpp"

namespace vitalis::chat::store {

namespace sql {
inline constexpr const char* kInsertConversation =
    "INSERT INTO chat_conversations (patient_id, doctor_id, started_by, started_at) VALUES "
    "(:patient, :doctor, :by, :at) ON CONFLICT (patient_id, doctor_id) DO NOTHING RETURNING id";
inline constexpr const char* kFindPair =
    "SELECT id FROM chat_conversations WHERE patient_id = :patient AND doctor_id = :doctor";
inline constexpr const char* kParticipants =
    "SELECT patient_id, doctor_id FROM chat_conversations WHERE id = :id";
inline constexpr const char* kPartners =
    "SELECT doctor_id FROM chat_conversations WHERE patient_id = :account UNION SELECT "
    "patient_id FROM chat_conversations WHERE doctor_id = :account_again";
inline constexpr const char* kInsertMember =
    "INSERT INTO chat_members (conversation_id, account_id) VALUES (:conversation, :account) "
    "ON CONFLICT (conversation_id, account_id) DO NOTHING";
// A conversation as `:viewer` sees it: their read place and the other participant's receipts.
#define VITALIS_CHAT_VIEW                                                                       \
  "SELECT c.id, c.patient_id, c.doctor_id, c.started_by, c.started_at, c.last_seq, "            \
  "c.last_message_at, m.last_read_seq, o.last_read_seq, o.last_received_seq FROM chat_members " \
  "m JOIN chat_conversations c ON c.id = m.conversation_id JOIN chat_members o ON "             \
  "o.conversation_id = c.id AND o.account_id <> m.account_id "
inline constexpr const char* kConversationsOf = VITALIS_CHAT_VIEW
    "WHERE m.account_id = :viewer ORDER BY COALESCE(c.last_message_at, c.started_at) DESC, c.id "
    "DESC LIMIT :limit";
// What the navigation's badge shows: unread messages and the conversations holding them.
inline constexpr const char* kUnreadTotals =
    "SELECT COALESCE(SUM(c.last_seq - m.last_read_seq), 0), COUNT(*) FROM chat_members m JOIN "
    "chat_conversations c ON c.id = m.conversation_id WHERE m.account_id = :viewer AND "
    "c.last_seq > m.last_read_seq";
inline constexpr const char* kConversationOf =
    VITALIS_CHAT_VIEW "WHERE m.account_id = :viewer AND c.id = :id";
#define VITALIS_CHAT_MESSAGE \
  "SELECT id, conversation_id, seq, sender_id, client_id, body, sent_at FROM chat_messages "
// Numbers the next message: the row's lock holds other senders of this conversation until
// commit, so seq order is commit order.
inline constexpr const char* kNextSeq =
    "UPDATE chat_conversations SET last_seq = last_seq + 1, last_message_at = :at WHERE id = :id "
    "RETURNING last_seq";
inline constexpr const char* kFindByClient =
    VITALIS_CHAT_MESSAGE "WHERE sender_id = :sender AND client_id = :client";
inline constexpr const char* kInsertMessage =
    "INSERT INTO chat_messages (conversation_id, seq, sender_id, client_id, body, sent_at) VALUES "
    "(:conversation, :seq, :sender, :client, :body, :at) RETURNING id";
// Messages by id with their conversation's participants: what another process's event names.
#define VITALIS_CHAT_ROUTED                                                              \
  "SELECT x.id, x.conversation_id, x.seq, x.sender_id, x.client_id, x.body, x.sent_at, " \
  "c.patient_id, c.doctor_id FROM chat_messages x JOIN chat_conversations c ON c.id = "  \
  "x.conversation_id "
inline constexpr const char* kRoutedSqlite =
    VITALIS_CHAT_ROUTED "WHERE x.id IN (SELECT value FROM json_each(:ids)) ORDER BY x.id";
inline constexpr const char* kRoutedPostgresql =
    VITALIS_CHAT_ROUTED "WHERE x.id = ANY(CAST(:ids AS bigint[])) ORDER BY x.id";
inline constexpr const char* kPatientMessages =
    "SELECT x.id, x.conversation_id, x.seq, x.sender_id, x.client_id, x.body, x.sent_at FROM "
    "chat_messages x JOIN chat_conversations c ON c.id = x.conversation_id WHERE c.patient_id = "
    ":patient ORDER BY x.conversation_id, x.seq";
inline constexpr const char* kBefore = VITALIS_CHAT_MESSAGE
    "WHERE conversation_id = :conversation AND seq < :before ORDER BY seq DESC LIMIT :limit";
inline constexpr const char* kAfter = VITALIS_CHAT_MESSAGE
    "WHERE conversation_id = :conversation AND seq > :after ORDER BY seq LIMIT :limit";
inline constexpr const char* kLastMessagesSqlite =
    "SELECT x.id, x.conversation_id, x.seq, x.sender_id, x.client_id, x.body, x.sent_at FROM "
    "chat_messages x JOIN chat_conversations c ON c.id = x.conversation_id AND x.seq = c.last_seq "
    "WHERE c.id IN (SELECT value FROM json_each(:ids))";
inline constexpr const char* kLastMessagesPostgresql =
    "SELECT x.id, x.conversation_id, x.seq, x.sender_id, x.client_id, x.body, x.sent_at FROM "
    "chat_messages x JOIN chat_conversations c ON c.id = x.conversation_id AND x.seq = c.last_seq "
    "WHERE c.id = ANY(CAST(:ids AS bigint[]))";
// Receipts move forwards only; reading a message also means a device received it.
inline constexpr const char* kMarkRead =
    "UPDATE chat_members SET last_read_seq = :seq, last_received_seq = CASE WHEN "
    "last_received_seq < :seq_received THEN :seq_received_again ELSE last_received_seq END WHERE "
    "conversation_id = :conversation AND account_id = :account AND last_read_seq < :seq_check";
inline constexpr const char* kMarkReceived =
    "UPDATE chat_members SET last_received_seq = :seq WHERE conversation_id = :conversation AND "
    "account_id = :account AND last_received_seq < :seq_check";
inline constexpr const char* kMember =
    "SELECT last_read_seq, last_received_seq FROM chat_members WHERE conversation_id = "
    ":conversation AND account_id = :account";

inline constexpr const char* kSetPresence =
    "INSERT INTO chat_presence (account_id, server_id, connections, seen_at) VALUES (:account, "
    ":server, :connections, :at) ON CONFLICT (account_id, server_id) DO UPDATE SET connections = "
    "excluded.connections, seen_at = excluded.seen_at";
inline constexpr const char* kDropPresence =
    "DELETE FROM chat_presence WHERE account_id = :account AND server_id = :server";
inline constexpr const char* kTouchPresence =
    "UPDATE chat_presence SET seen_at = :at WHERE server_id = :server";
// A process's rows, its sockets' and its pollers' (at shutdown).
inline constexpr const char* kClearServerPresence =
    "DELETE FROM chat_presence WHERE server_id = :server OR server_id = :polls";
inline constexpr const char* kOnlineAmongSqlite =
    "SELECT DISTINCT account_id FROM chat_presence WHERE account_id IN (SELECT value FROM "
    "json_each(:ids)) AND connections > 0 AND seen_at > :since";
inline constexpr const char* kOnlineAmongPostgresql =
    "SELECT DISTINCT account_id FROM chat_presence WHERE account_id = ANY(CAST(:ids AS "
    "bigint[])) AND connections > 0 AND seen_at > :since";
inline constexpr const char* kOnline =
    "SELECT COUNT(*) FROM chat_presence WHERE account_id = :account AND connections > 0 AND "
    "seen_at > :since";

// Unread conversations whose first unread message is older than :cutoff, whose recipient has
// not been emailed since they last read it and has no live connection.
inline constexpr const char* kOfflineNotices =
    "SELECT m.conversation_id, m.account_id, CASE WHEN m.account_id = c.patient_id THEN "
    "c.doctor_id ELSE c.patient_id END, c.last_seq, m.emailed_seq FROM chat_members m JOIN "
    "chat_conversations c ON c.id = m.conversation_id WHERE c.last_seq > m.last_read_seq AND "
    "m.emailed_seq <= m.last_read_seq AND EXISTS (SELECT 1 FROM chat_messages x WHERE "
    "x.conversation_id = c.id AND x.seq = m.last_read_seq + 1 AND x.sent_at <= :cutoff) AND NOT "
    "EXISTS (SELECT 1 FROM chat_presence p WHERE p.account_id = m.account_id AND p.connections > "
    "0 AND p.seen_at > :since) ORDER BY m.conversation_id, m.account_id LIMIT :limit";
// The claim: one process wins it, in the transaction that queues the email.
inline constexpr const char* kClaimNotice =
    "UPDATE chat_members SET emailed_seq = :seq WHERE conversation_id = :conversation AND "
    "account_id = :account AND emailed_seq = :was";
}  // namespace sql

std::optional<std::int64_t> insert_conversation(db::Lease& lease, std::int64_t patient_id,
                                                std::int64_t doctor_id, std::int64_t by,
                                                const std::string& at);
std::optional<std::int64_t> find_pair(db::Lease& lease, std::int64_t patient_id,
                                      std::int64_t doctor_id);
void insert_member(db::Lease& lease, std::int64_t conversation_id, std::int64_t account_id);
// (patient_id, doctor_id) of a conversation.
std::optional<std::pair<std::int64_t, std::int64_t>> participants(db::Lease& lease,
                                                                  std::int64_t conversation_id);
std::vector<Conversation> conversations_of(db::Lease& lease, std::int64_t viewer, int limit);
std::vector<std::int64_t> partners(db::Lease& lease, std::int64_t account_id);
UnreadTotals unread_totals(db::Lease& lease, std::int64_t viewer);
std::optional<Conversation> conversation_of(db::Lease& lease, std::int64_t viewer, std::int64_t id);
// Fills each conversation's last message (one query for all).
void read_last_messages(db::Lease& lease, std::vector<Conversation>& conversations);

std::optional<std::int64_t> next_seq(db::Lease& lease, std::int64_t conversation_id,
                                     const std::string& at);
std::optional<Message> find_by_client(db::Lease& lease, std::int64_t sender_id,
                                      const std::string& client_id);
std::int64_t insert_message(db::Lease& lease, const Message& message);
// Messages by id with their participants (one query whatever the number), by id.
std::vector<RoutedMessage> routed(db::Lease& lease, const std::vector<std::int64_t>& message_ids);
std::vector<Message> patient_messages(db::Lease& lease, std::int64_t patient_id);
std::vector<Message> before(db::Lease& lease, std::int64_t conversation_id, std::int64_t before_seq,
                            int limit);
std::vector<Message> after(db::Lease& lease, std::int64_t conversation_id, std::int64_t after_seq,
                           int limit);

// Whether the receipt moved forwards.
bool mark_read(db::Lease& lease, std::int64_t conversation_id, std::int64_t account_id,
               std::int64_t seq);
bool mark_received(db::Lease& lease, std::int64_t conversation_id, std::int64_t account_id,
                   std::int64_t seq);
// (last_read_seq, last_received_seq) of a participant.
std::optional<std::pair<std::int64_t, std::int64_t>> member(db::Lease& lease,
                                                            std::int64_t conversation_id,
                                                            std::int64_t account_id);

void set_presence(db::Lease& lease, std::int64_t account_id, const std::string& server_id,
                  int connections, const std::string& at);
void touch_presence(db::Lease& lease, const std::string& server_id, const std::string& at);
void clear_presence(db::Lease& lease, const std::string& server_id);
bool online(db::Lease& lease, std::int64_t account_id, const std::string& since);
// Which of `ids` are online (one query).
std::set<std::int64_t> online_among(db::Lease& lease, const std::vector<std::int64_t>& ids,
                                    const std::string& since);

struct NoticeRow {
  OfflineNotice notice;
  std::int64_t emailed_seq = 0;
};
std::vector<NoticeRow> offline_notices(db::Lease& lease, const std::string& cutoff,
                                       const std::string& since, int limit);
bool claim_notice(db::Lease& lease, const NoticeRow& row);

}  // namespace vitalis::chat::store
