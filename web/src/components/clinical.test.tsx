import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Timeline } from './clinical';

afterEach(() => vi.unstubAllGlobals());

const item = (id: number, summary: string) => ({
  kind: 'diagnosis',
  id,
  occurred_at: '2026-11-20T10:00:00Z',
  summary,
  entry: {},
});

describe('Timeline', () => {
  it('loads the next page with the cursor of the previous one and stops at the end', async () => {
    const urls: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        urls.push(url);
        const body = url.includes('cursor=c1')
          ? { items: [item(1, 'Hypertension')], next_cursor: null }
          : { items: [item(2, 'Type 2 diabetes')], next_cursor: 'c1' };
        return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
      }),
    );
    render(<Timeline patientId={3} />);
    expect(await screen.findByText('Type 2 diabetes')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Show older entries' }));
    expect(await screen.findByText('Hypertension')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Show older entries' })).toBeNull();
    expect(urls).toEqual(['/api/v1/patients/3/timeline?limit=30', '/api/v1/patients/3/timeline?cursor=c1&limit=30']);
  });

  it('shows a failure with a way to retry', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(JSON.stringify({ error: { code: 'forbidden', message: 'no care relationship' } }), {
            status: 403,
          }),
      ),
    );
    render(<Timeline patientId={3} />);
    expect((await screen.findByRole('alert')).textContent).toContain('no care relationship');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});
