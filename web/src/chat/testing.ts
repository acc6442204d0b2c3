// Conversations and messages for the chat's unit tests: the patient Ana (7) writing with Dr Rui
// (8), as Ana sees it. Each test changes only what it is about.
import type { ChatMessage, Conversation } from '../api/chat';

export const PATIENT_ID = 7;
export const DOCTOR_ID = 8;

export function conversation(change: Partial<Conversation> = {}): Conversation {
  return {
    id: 1,
    patient_id: PATIENT_ID,
    patient_name: 'Ana',
    doctor_id: DOCTOR_ID,
    doctor_name: 'Dr Rui',
    other_id: DOCTOR_ID,
    other_name: 'Dr Rui',
    started_at: '2026-01-01T09:00:00Z',
    last_seq: 2,
    last_read_seq: 2,
    unread: 0,
    other_read_seq: 0,
    other_received_seq: 0,
    other_online: false,
    last_message_at: '2026-01-01T09:05:00Z',
    last_sender_id: PATIENT_ID,
    ...change,
  };
}

/** The message `seq` of conversation 1, from the doctor unless `change` says otherwise. */
export function message(seq: number, change: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: 100 + seq,
    conversation_id: 1,
    seq,
    sender_id: DOCTOR_ID,
    client_id: `c-${seq}`,
    text: `message ${seq}`,
    sent_at: `2026-01-01T10:${String(seq % 60).padStart(2, '0')}:00Z`,
    ...change,
  };
}
