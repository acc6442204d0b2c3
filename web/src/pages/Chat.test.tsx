import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { PatientHit } from '../api/monitor';
import { chatSession } from '../chat/session';
import { conversation } from '../chat/testing';
import { navigate } from '../router';
import { StartWithPatient } from './Chat';

const PATIENTS = ['Ana Sousa', 'Anabela Reis', 'Bruno Costa', 'Carla Anjos'].map((full_name, index): PatientHit => ({
  id: 11 + index,
  full_name,
  date_of_birth: '1980-05-01',
  sex: 'female',
  linked: true,
  open_alerts: 0,
  last_reading_at: null,
}));

/**
 * The server: the doctor's patients whose name has a word starting with the query (as the
 * directory searches), `more` saying there are more than shown; starting a conversation answers
 * conversation 40. Every URL asked is recorded.
 */
function serve({ more = false } = {}) {
  const urls: string[] = [];
  const started: unknown[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      urls.push(url);
      if (url.startsWith('/api/v1/patients?')) {
        const query = (new URL(url, 'http://x').searchParams.get('query') ?? '').toLowerCase();
        const items = PATIENTS.filter((p) =>
          p.full_name
            .toLowerCase()
            .split(' ')
            .some((w) => w.startsWith(query)),
        );
        return Response.json({ items, next_cursor: more ? 'next' : null });
      }
      if (url === '/api/v1/chat/conversations' && init?.method === 'POST') {
        started.push(JSON.parse(String(init.body)));
        return Response.json(conversation({ id: 40 }), { status: 201 });
      }
      return Response.json({ error: { code: 'not_found', message: 'no route' } }, { status: 404 });
    }),
  );
  return { urls, started, searched: () => urls.map((url) => new URL(url, 'http://x').searchParams.get('query')) };
}

afterEach(() => {
  vi.unstubAllGlobals();
  chatSession.reset();
  act(() => navigate('/'));
});

describe('the doctor’s “Start a conversation” picker', () => {
  it('finds patients as the doctor types part of a name, and opens the chosen one’s conversation', async () => {
    const server = serve();
    render(<StartWithPatient />);
    const start = screen.getByRole('region', { name: 'Start a conversation' });
    const choice = await within(start).findByRole('combobox', { name: 'Patient' });
    expect(within(choice).getAllByRole('option')).toHaveLength(4);
    expect(server.urls[0]).toContain('linked=true');
    expect(server.urls[0]).toContain('sort=name');

    await userEvent.type(within(start).getByRole('searchbox', { name: 'Find a patient' }), 'anj');
    await within(start).findByText('One patient matches “anj”.');
    expect(
      within(choice)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Carla Anjos · #14']);
    // Asked when typing paused, not at every letter.
    expect(server.searched()).toEqual([null, 'anj']);

    await userEvent.clear(within(start).getByRole('searchbox', { name: 'Find a patient' }));
    await userEvent.type(within(start).getByRole('searchbox', { name: 'Find a patient' }), 'ana');
    await within(start).findByText('2 patients match “ana”.');
    expect(
      within(choice)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Ana Sousa · #11', 'Anabela Reis · #12']);
    await userEvent.selectOptions(choice, 'Anabela Reis · #12');
    await userEvent.click(within(start).getByRole('button', { name: 'Open the conversation' }));
    await vi.waitFor(() => expect(window.location.pathname).toBe('/chat/40'));
    expect(server.started).toEqual([{ other_id: 12 }]);
  });

  it('says when no patient matches, keeps the search, and reaches everything by keyboard', async () => {
    serve();
    render(<StartWithPatient />);
    const start = screen.getByRole('region', { name: 'Start a conversation' });
    await within(start).findByRole('combobox', { name: 'Patient' });
    const search = within(start).getByRole('searchbox', { name: 'Find a patient' });
    await userEvent.type(search, 'zé');
    const status = await within(start).findByText('No patient matches “zé”.');
    expect(status.getAttribute('role')).toBe('status');
    expect(within(start).queryByRole('combobox')).toBeNull();
    expect(within(start).queryByRole('button', { name: 'Open the conversation' })).toBeNull();

    await userEvent.clear(search);
    await within(start).findByRole('combobox', { name: 'Patient' });
    expect(status.textContent).toBe('');
    search.focus();
    await userEvent.tab();
    expect(document.activeElement).toBe(within(start).getByRole('combobox', { name: 'Patient' }));
    await userEvent.tab();
    expect(document.activeElement).toBe(within(start).getByRole('button', { name: 'Open the conversation' }));
  });

  it('keeps the hint when there are more patients than shown', async () => {
    serve({ more: true });
    render(<StartWithPatient />);
    const start = screen.getByRole('region', { name: 'Start a conversation' });
    await within(start).findByText('Your first 100 patients, by name.');
    await userEvent.type(within(start).getByRole('searchbox', { name: 'Find a patient' }), 'a');
    await within(start).findByText('The first 100 matches, by name. Type more of the name to narrow them.');
  });

  it('says so when no patient has added the doctor yet, without a search', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Response.json({ items: [], next_cursor: null })),
    );
    render(<StartWithPatient />);
    await screen.findByText('No patient has added you to their care team yet.');
    expect(screen.queryByRole('searchbox')).toBeNull();
  });
});
