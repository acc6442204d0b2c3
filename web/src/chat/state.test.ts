import { describe, expect, it } from 'vitest';
import type { Conversation } from '../api/chat';
import { initialState, reduce, tickOf, TYPING_SHOWN_MS, type ChatAction, type ChatState } from './state';
import { conversation, DOCTOR_ID, message, PATIENT_ID } from './testing';

const ME = PATIENT_ID;
const DOCTOR = DOCTOR_ID;

function run(actions: ChatAction[], start: ChatState = initialState(ME), now = 1000): ChatState {
  return actions.reduce((state, action) => reduce(state, action, now), start);
}

const listed = (conversations: Conversation[]): ChatAction => ({ type: 'conversations', conversations });

describe('chat state', () => {
  it('counts the other person’s new messages as unread and moves the conversation to the top', () => {
    const other = conversation({ id: 2, other_name: 'Dr Eva' });
    const state = run([listed([other, conversation()]), { type: 'message', message: message(3) }]);
    expect(state.conversations!.map((c) => c.id)).toEqual([1, 2]);
    expect(state.conversations![0]).toMatchObject({ last_seq: 3, unread: 1, last_sender_id: DOCTOR });
    expect(state.threads[1].messages.map((m) => m.seq)).toEqual([3]);
    expect(state.threads[1].incoming?.seq).toBe(3);
  });

  it('lowers the unread count when this account reads on another device (its own receipt)', () => {
    const state = run([
      listed([conversation({ last_seq: 5, unread: 3 })]),
      { type: 'receipt', conversation_id: 1, account_id: ME, read_seq: 4, received_seq: 5 },
    ]);
    expect(state.conversations![0]).toMatchObject({ last_read_seq: 4, unread: 1, other_read_seq: 0 });
    // The other person's receipt moves the ticks, never this account's count; and never backwards.
    const after = run(
      [
        { type: 'receipt', conversation_id: 1, account_id: DOCTOR, read_seq: 5, received_seq: 5 },
        { type: 'receipt', conversation_id: 1, account_id: DOCTOR, read_seq: 3, received_seq: 3 },
      ],
      state,
    );
    expect(after.conversations![0]).toMatchObject({ unread: 1, other_read_seq: 5, other_received_seq: 5 });
  });

  it('sending reads the conversation up to the message sent', () => {
    const state = run([
      listed([conversation({ last_seq: 4, last_read_seq: 2, unread: 2 })]),
      { type: 'sending', outgoing: { clientId: 'c-5', conversationId: 1, text: 'message 5' } },
      { type: 'ack', clientId: 'c-5', message: message(5, { sender_id: ME }) },
    ]);
    expect(state.outbox).toEqual([]);
    expect(state.conversations![0]).toMatchObject({ last_seq: 5, last_read_seq: 5, unread: 0 });
    expect(state.threads[1].incoming).toBeUndefined();
  });

  it('keeps a refused message with its reason until it is sent again or removed', () => {
    const outgoing = { clientId: 'c-9', conversationId: 1, text: 'hello' };
    let state = run([
      { type: 'sending', outgoing },
      { type: 'failed', clientId: 'c-9', code: 'forbidden' },
    ]);
    expect(state.outbox).toEqual([{ ...outgoing, failed: 'forbidden' }]);
    state = run([{ type: 'retrying', clientId: 'c-9' }], state);
    expect(state.outbox).toEqual([{ ...outgoing, failed: undefined }]);
    state = run([{ type: 'discarded', clientId: 'c-9' }], state);
    expect(state.outbox).toEqual([]);
  });

  it('merges history and live messages by seq, oldest first, once each', () => {
    const state = run([
      { type: 'message', message: message(6) },
      {
        type: 'history',
        conversationId: 1,
        page: { items: [message(6), message(5), message(4)], more: true },
        older: false,
      },
      { type: 'history', conversationId: 1, page: { items: [message(3), message(2)], more: false }, older: true },
    ]);
    expect(state.threads[1].messages.map((m) => m.seq)).toEqual([2, 3, 4, 5, 6]);
    expect(state.threads[1]).toMatchObject({ loaded: true, hasOlder: false, loadingOlder: false });
  });

  it('shows the other typing for a few seconds after their last "started", until stopped or their message', () => {
    const typing = (state: 'started' | 'stopped', account = DOCTOR): ChatAction => ({
      type: 'typing',
      conversation_id: 1,
      account_id: account,
      state,
    });
    expect(run([typing('started')], initialState(ME), 1000).typing).toEqual({ 1: 1000 + TYPING_SHOWN_MS });
    expect(run([typing('started'), typing('stopped')]).typing).toEqual({});
    expect(run([typing('started'), { type: 'message', message: message(3) }]).typing).toEqual({});
    expect(run([typing('started', ME)]).typing).toEqual({});
  });

  it('follows the other person’s presence', () => {
    const state = run([listed([conversation()]), { type: 'presence', account_id: DOCTOR, online: true }]);
    expect(state.conversations![0].other_online).toBe(true);
  });

  it('reads ticks from how far the other person has received and read', () => {
    const seen = conversation({ other_received_seq: 5, other_read_seq: 3 });
    expect([tickOf(seen, 3), tickOf(seen, 4), tickOf(seen, 6)]).toEqual(['read', 'delivered', 'sent']);
  });
});
