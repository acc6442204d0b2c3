import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen, within } from '@testing-library/react';
import { api, type Account, type Role } from './api/client';
import { Header } from './App';
import { SessionProvider } from './auth';
import { unreadMessages } from './chat/unread';

const UNREAD = '/api/v1/chat/unread';

/** The server: the unread total is `count()`; every call is recorded. */
function serve(count: () => number) {
  const urls: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      urls.push(url);
      if (url === UNREAD) {
        const unread = count();
        return Response.json({ unread, conversations: unread > 0 ? 1 : 0 });
      }
      if (url.endsWith('/second-factor')) return Response.json({ enabled: true });
      if (url.endsWith('/auth/signout')) return new Response(null, { status: 204 });
      return Response.json({ error: { code: 'not_found', message: 'no route' } }, { status: 404 });
    }),
  );
  return { asked: () => urls.filter((url) => url === UNREAD).length };
}

function signIn(role: Role) {
  const account = {
    id: role === 'patient' ? 7 : 8,
    email: `${role}@example.org`,
    role,
    status: 'active',
    full_name: role === 'patient' ? 'Ana' : 'Dr Rui',
    created_at: '2026-01-01T00:00:00Z',
  } as Account;
  act(() => void api.adopt({ access_token: 'token', token_type: 'Bearer', expires_in: 900, account }));
}

function nav() {
  render(
    <SessionProvider>
      <Header />
    </SessionProvider>,
  );
  return screen.getByRole('navigation', { name: 'Main' });
}

afterEach(async () => {
  await act(() => api.signOut());
  vi.unstubAllGlobals();
});

describe('the unread count in the navigation', () => {
  it('shows the server’s count beside Messages, with words for screen readers, on the menu button too', async () => {
    serve(() => 3);
    signIn('patient');
    const links = nav();
    const messages = await within(links).findByRole('link', { name: 'Messages, 3 unread' });
    expect(messages.textContent).toBe('Messages 3');
    expect(messages.querySelector('.nav-count')?.textContent).toBe('3');
    expect(messages.querySelector('.nav-count')?.getAttribute('aria-hidden')).toBe('true');
    // Not a live region: a new count is not read out on every page.
    expect(messages.closest('[aria-live], [role="status"]')).toBeNull();
    expect(screen.getByRole('button', { name: 'Menu, 3 unread messages' })).toBeTruthy();
  });

  it('shows 99+ past 99, and nothing at 0', async () => {
    let count = 150;
    serve(() => count);
    signIn('doctor');
    const links = nav();
    const messages = await within(links).findByRole('link', { name: 'Messages, 99+ unread' });
    expect(messages.querySelector('.nav-count')?.textContent).toBe('99+');
    count = 0;
    act(() => void window.dispatchEvent(new Event('focus')));
    await within(links).findByRole('link', { name: 'Messages' });
    expect(links.querySelector('.nav-count')).toBeNull();
    expect(screen.getByRole('button', { name: 'Menu' })).toBeTruthy();
  });

  it('follows the chat’s live count while it has one, and asks the server once it closes', async () => {
    let count = 2;
    const server = serve(() => count);
    signIn('patient');
    const links = nav();
    await within(links).findByRole('link', { name: 'Messages, 2 unread' });
    act(() => unreadMessages.setLive(12));
    expect(within(links).getByRole('link', { name: 'Messages, 12 unread' })).toBeTruthy();
    act(() => void window.dispatchEvent(new Event('focus')));
    expect(server.asked()).toBe(1);
    count = 0;
    act(() => unreadMessages.setLive(null));
    await within(links).findByRole('link', { name: 'Messages' });
    expect(server.asked()).toBe(2);
  });

  it('never asks for an administrator', async () => {
    const server = serve(() => 3);
    signIn('admin');
    const links = nav();
    await within(links).findByRole('link', { name: 'Administration' });
    act(() => void window.dispatchEvent(new Event('focus')));
    await act(() => Promise.resolve());
    expect(server.asked()).toBe(0);
    expect(links.querySelector('.nav-count')).toBeNull();
  });

  it('stops asking at sign-out', async () => {
    const server = serve(() => 3);
    signIn('patient');
    nav();
    await screen.findByRole('link', { name: 'Messages, 3 unread' });
    await act(() => api.signOut());
    act(() => {
      window.dispatchEvent(new Event('focus'));
      document.dispatchEvent(new Event('visibilitychange'));
    });
    expect(server.asked()).toBe(1);
    expect(screen.queryByRole('link', { name: /Messages/ })).toBeNull();
    expect(unreadMessages.getSnapshot()).toBe(0);
  });
});
