-- Chat between a patient and a doctor (src/chat). A conversation is one pair; its messages are
-- numbered by `seq` in the order the server stored them, under the conversation's row (the
-- `UPDATE ... SET last_seq = last_seq + 1` that numbers a message also serialises the senders of
-- one conversation), so both sides and every device see one order, and a client resumes from the
-- last seq it has. A resend with the same (sender, client_id) finds the stored message.
CREATE TABLE chat_conversations (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES accounts (id),
  doctor_id INTEGER NOT NULL REFERENCES accounts (id),
  started_by INTEGER NOT NULL REFERENCES accounts (id),
  started_at TEXT NOT NULL,
  last_seq INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
  last_message_at TEXT,
  UNIQUE (patient_id, doctor_id)
);
CREATE INDEX chat_conversations_doctor ON chat_conversations (doctor_id, last_message_at);

CREATE TABLE chat_messages (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES chat_conversations (id),
  seq INTEGER NOT NULL CHECK (seq > 0),
  sender_id INTEGER NOT NULL REFERENCES accounts (id),
  client_id TEXT NOT NULL CHECK (length(client_id) BETWEEN 1 AND 64),
  body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  sent_at TEXT NOT NULL,
  UNIQUE (conversation_id, seq),
  UNIQUE (sender_id, client_id)
);

-- Each participant's place in a conversation: the last seq read (unread = last_seq - it; sending
-- reads the conversation up to the message sent), the last seq a device of theirs received, and
-- the seq an offline email was sent at (no second email until they have read past it).
CREATE TABLE chat_members (
  conversation_id INTEGER NOT NULL REFERENCES chat_conversations (id),
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  last_read_seq INTEGER NOT NULL DEFAULT 0 CHECK (last_read_seq >= 0),
  last_received_seq INTEGER NOT NULL DEFAULT 0 CHECK (last_received_seq >= 0),
  emailed_seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (conversation_id, account_id)
);
CREATE INDEX chat_members_account ON chat_members (account_id, conversation_id);

-- Live connections per account and server process (several servers share PostgreSQL): an
-- account is online while a row of it was seen recently; offline email skips online accounts.
CREATE TABLE chat_presence (
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  server_id TEXT NOT NULL,
  connections INTEGER NOT NULL CHECK (connections >= 0),
  seen_at TEXT NOT NULL,
  PRIMARY KEY (account_id, server_id)
);
