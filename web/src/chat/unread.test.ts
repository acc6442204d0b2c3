import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UnreadTotals } from '../api/chat';
import { badgeText, badgeWords, hasChat, POLL_EVERY_MS, UnreadCounter } from './unread';

/** A counter whose server answers `unread` (changed with `answer`), seen or hidden as the test says. */
function setUp() {
  let unread = 3;
  let visible = true;
  let allowed = true;
  const pending: (() => void)[] = [];
  let held = false;
  // The count as it was when asked (a held answer is an old one).
  const ask = vi.fn(
    () =>
      new Promise<UnreadTotals>((resolve) => {
        const totals = { unread, conversations: unread > 0 ? 1 : 0 };
        if (held) pending.push(() => resolve(totals));
        else resolve(totals);
      }),
  );
  const counter = new UnreadCounter({ ask, allowed: () => allowed, visible: () => visible });
  return {
    counter,
    ask,
    answer: (count: number) => {
      unread = count;
    },
    hide: () => {
      visible = false;
    },
    show: () => {
      visible = true;
      document.dispatchEvent(new Event('visibilitychange'));
    },
    signOut: () => {
      allowed = false;
    },
    /** Answers wait until `release` (a request still on its way). */
    hold: () => {
      held = true;
    },
    release: () => {
      held = false;
      for (const resolve of pending.splice(0)) resolve();
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the badge text', () => {
  it('is hidden at 0, the number up to 99, then 99+, with words for screen readers', () => {
    expect(badgeText(0)).toBe('');
    expect(badgeText(1)).toBe('1');
    expect(badgeText(99)).toBe('99');
    expect(badgeText(100)).toBe('99+');
    expect(badgeWords(3)).toBe('3 unread');
    expect(badgeWords(250)).toBe('99+ unread');
  });

  it('is for patients and doctors only (administrators have no chat)', () => {
    expect(hasChat('patient')).toBe(true);
    expect(hasChat('doctor')).toBe(true);
    expect(hasChat('admin')).toBe(false);
    expect(hasChat(undefined)).toBe(false);
  });
});

describe('UnreadCounter', () => {
  it('asks the server at start, every minute while the tab is seen, and when it comes back', async () => {
    vi.useFakeTimers();
    const { counter, ask, answer, hide, show } = setUp();
    const stop = counter.start();
    expect(ask).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(counter.getSnapshot()).toBe(3));

    answer(5);
    await vi.advanceTimersByTimeAsync(POLL_EVERY_MS);
    expect(ask).toHaveBeenCalledTimes(2);
    expect(counter.getSnapshot()).toBe(5);

    // Hidden: the minutes pass without a request; back in view, one at once.
    hide();
    await vi.advanceTimersByTimeAsync(3 * POLL_EVERY_MS);
    expect(ask).toHaveBeenCalledTimes(2);
    answer(6);
    show();
    expect(ask).toHaveBeenCalledTimes(3);
    await vi.waitFor(() => expect(counter.getSnapshot()).toBe(6));

    answer(0);
    window.dispatchEvent(new Event('focus'));
    expect(ask).toHaveBeenCalledTimes(4);
    await vi.waitFor(() => expect(counter.getSnapshot()).toBe(0));
    stop();
  });

  it('follows the chat’s live count without asking, and asks at once when it goes', async () => {
    vi.useFakeTimers();
    const { counter, ask, answer } = setUp();
    const stop = counter.start();
    await vi.waitFor(() => expect(counter.getSnapshot()).toBe(3));

    // A chat page opens: its count is the one shown, and the minutes ask nothing.
    counter.setLive(7);
    expect(counter.getSnapshot()).toBe(7);
    counter.setLive(2);
    expect(counter.getSnapshot()).toBe(2);
    window.dispatchEvent(new Event('focus'));
    await vi.advanceTimersByTimeAsync(2 * POLL_EVERY_MS);
    expect(ask).toHaveBeenCalledTimes(1);

    // The chat closes (its pages were left): the last live count stands until the server answers.
    answer(4);
    const heard = vi.fn();
    counter.subscribe(() => heard(counter.getSnapshot()));
    counter.setLive(null);
    expect(ask).toHaveBeenCalledTimes(2);
    expect(heard).toHaveBeenNthCalledWith(1, 2);
    await vi.waitFor(() => expect(counter.getSnapshot()).toBe(4));
    stop();
  });

  it('asks again when the chat closes while an older request is on its way', async () => {
    const { counter, ask, answer, hold, release } = setUp();
    hold();
    const stop = counter.start();
    counter.setLive(1);
    answer(0);
    counter.setLive(null); // the request on its way was asked before the chat read the messages
    expect(ask).toHaveBeenCalledTimes(1);
    release();
    await vi.waitFor(() => expect(ask).toHaveBeenCalledTimes(2));
    await vi.waitFor(() => expect(counter.getSnapshot()).toBe(0));
    stop();
  });

  it('stops at sign-out: no more requests, an answer on its way is dropped, and the count is 0', async () => {
    vi.useFakeTimers();
    const { counter, ask, hold, release, signOut } = setUp();
    const stop = counter.start();
    await vi.waitFor(() => expect(counter.getSnapshot()).toBe(3));
    hold();
    window.dispatchEvent(new Event('focus'));
    expect(ask).toHaveBeenCalledTimes(2);
    signOut();
    stop();
    expect(counter.getSnapshot()).toBe(0);
    release();
    await vi.advanceTimersByTimeAsync(5 * POLL_EVERY_MS);
    window.dispatchEvent(new Event('focus'));
    document.dispatchEvent(new Event('visibilitychange'));
    expect(ask).toHaveBeenCalledTimes(2);
    expect(counter.getSnapshot()).toBe(0);
  });

  it('never asks once nobody with a chat is signed in, even if the chat closes before it stops', () => {
    const { counter, ask, signOut } = setUp();
    counter.start();
    counter.setLive(2);
    signOut(); // the session ends: the chat closes before the navigation stops the counter
    counter.setLive(null);
    expect(ask).toHaveBeenCalledTimes(1);
    counter.stop();
    expect(counter.getSnapshot()).toBe(0);
  });

  it('keeps the last count when a request fails', async () => {
    const { counter, ask, answer, hold, release } = setUp();
    const stop = counter.start();
    await vi.waitFor(() => expect(counter.getSnapshot()).toBe(3));
    answer(9);
    ask.mockRejectedValueOnce(new Error('offline'));
    window.dispatchEvent(new Event('focus'));
    await vi.waitFor(() => expect(ask).toHaveBeenCalledTimes(2));
    // The next question goes out only once the failed one has settled; its answer waits.
    hold();
    await vi.waitFor(() => {
      window.dispatchEvent(new Event('focus'));
      expect(ask).toHaveBeenCalledTimes(3);
    });
    expect(counter.getSnapshot()).toBe(3);
    release();
    await vi.waitFor(() => expect(counter.getSnapshot()).toBe(9));
    stop();
  });
});
