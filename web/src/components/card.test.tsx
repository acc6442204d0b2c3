import { describe, expect, it, vi } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Page } from '../api/client';
import { keys, reloadRecord, useApiQuery, usePagedQuery } from '../api/query';
import { Card, PagedList } from './card';

function Readings({ load }: { load: () => Promise<{ items: string[] }> }) {
  const query = useApiQuery(keys.record(1, 'readings'), load);
  return (
    <Card title="Readings" id="readings-title" query={query} label="Loading readings…" empty="No readings yet.">
      {(data) => (
        <ul>
          {data.items.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function Entries({ load }: { load: (cursor: string | number | undefined) => Promise<Page<string>> }) {
  const query = usePagedQuery(keys.record(1, 'entries'), load);
  return (
    <PagedList
      query={query}
      label="Loading entries…"
      empty="No entries."
      list={(items) => (
        <ul>
          {items.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      )}
    />
  );
}

describe('Card', () => {
  it('shows loading, then the content in a region named by its title', async () => {
    render(<Readings load={async () => ({ items: ['120/80 mmHg'] })} />);
    expect(screen.getByRole('status').textContent).toContain('Loading readings…');
    expect(await screen.findByText('120/80 mmHg')).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Readings' })).toBeTruthy();
  });

  it('says when there is nothing', async () => {
    render(<Readings load={async () => ({ items: [] })} />);
    expect((await screen.findByText('No readings yet.')).className).toBe('empty');
  });

  it('shows a failure with "Try again", which loads again', async () => {
    const load = vi
      .fn()
      .mockRejectedValueOnce(new Error('The server cannot be reached.'))
      .mockResolvedValueOnce({ items: ['5.8 mmol/L'] });
    render(<Readings load={load} />);
    expect((await screen.findByRole('alert')).textContent).toContain('The server cannot be reached.');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('5.8 mmol/L')).toBeTruthy();
    expect(load).toHaveBeenCalledTimes(2);
  });
});

describe('PagedList and reloadRecord', () => {
  it('loads older pages on demand, and after a write to the record loads the first page again only', async () => {
    const cursors: (string | number | undefined)[] = [];
    let first = ['b', 'a'];
    const load = async (cursor: string | number | undefined): Promise<Page<string>> => {
      cursors.push(cursor);
      return cursor === undefined ? { items: first, next: 7 } : { items: ['older'], next: null };
    };
    render(<Entries load={load} />);
    expect(await screen.findByText('b')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Older entries' }));
    expect(await screen.findByText('older')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Older entries' })).toBeNull();

    first = ['c', 'b', 'a'];
    await act(() => reloadRecord(1));
    expect(await screen.findByText('c')).toBeTruthy();
    expect(screen.queryByText('older')).toBeNull();
    expect(screen.getByRole('button', { name: 'Older entries' })).toBeTruthy();
    expect(cursors).toEqual([undefined, 7, undefined]);
  });
});
