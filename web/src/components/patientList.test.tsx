import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { PatientHit } from '../api/monitor';
import { ageOn, PatientList, sinceText, triageOrder } from './patientList';

afterEach(() => vi.unstubAllGlobals());

function hit(
  id: number,
  full_name: string,
  open_alerts: number | null,
  linked = true,
  last_reading_at: string | null = null,
): PatientHit {
  return { id, full_name, date_of_birth: '1980-05-01', sex: 'female', linked, open_alerts, last_reading_at };
}

describe('patient list', () => {
  it('computes ages, reading times and the triage order', () => {
    const today = new Date('2026-12-06T10:00:00Z');
    expect(ageOn('1980-05-01', today)).toBe(46);
    expect(ageOn('1980-12-07', today)).toBe(45);
    expect(sinceText('2026-12-06T08:00:00Z', today)).toBe('today');
    expect(sinceText('2026-12-03T08:00:00Z', today)).toBe('3 days ago');
    const sorted = [hit(1, 'Anna', 0), hit(2, 'Zoe', 2), hit(3, 'Bea', null, false), hit(4, 'Carl', 2)].sort(
      triageOrder,
    );
    expect(sorted.map((h) => h.full_name)).toEqual(['Carl', 'Zoe', 'Anna', 'Bea']);
  });

  it('lists the doctor’s patients as a table, searches from the top, and asks the server for triage order', async () => {
    const urls: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        urls.push(url);
        const items = url.includes('linked=true')
          ? [hit(2, 'Zoe Worried', 1, true, new Date().toISOString()), hit(1, 'Anna Calm', 0)]
          : [hit(7, 'Zoe Other', null, false), hit(2, 'Zoe Worried', 1, true)];
        return new Response(JSON.stringify({ items, next_cursor: null }), {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
        });
      }),
    );
    render(<PatientList />);
    const table = await screen.findByRole('table', { name: /Your patients, most open alerts first/ });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual(['Zoe Worried #2', 'Anna Calm #1']);
    expect(
      within(rows[0])
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual([String(ageOn('1980-05-01')), 'today', '1']);
    expect(within(rows[1]).getAllByRole('cell')[1].textContent).toBe('none yet');
    expect(urls[0]).toContain('sort=alerts');

    await userEvent.type(screen.getByLabelText('Find a patient'), 'zoe');
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));
    const found = await screen.findByRole('table', { name: /Patients matching “zoe”/ });
    const hits = within(found).getAllByRole('row').slice(1);
    expect(hits.map((r) => within(r).getByRole('rowheader').textContent)).toEqual(['Zoe Worried #2', 'Zoe Other #7']);
    expect(within(hits[1]).getAllByRole('cell')[2].textContent).toBe('not your patient');
  });
});
