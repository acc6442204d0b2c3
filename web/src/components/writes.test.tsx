import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApiError, type Cursor, type Page } from '../api/client';
import { FormError, MoreResults, SubmitButton, usePagedSearch, useSubmit } from './forms';

function Write({ action, changed }: { action: () => Promise<string>; changed: (result: string) => void }) {
  const { busy, formError, submit } = useSubmit([], action, undefined, changed);
  return (
    <form onSubmit={submit}>
      <FormError message={formError} />
      <SubmitButton busy={busy}>Save</SubmitButton>
    </form>
  );
}

describe('a write through useSubmit', () => {
  it('reloads what it changed once after it succeeds, and not after it fails', async () => {
    const changed = vi.fn();
    const action = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(new ApiError(403, 'forbidden', 'no write grant'))
      .mockResolvedValueOnce('stored');
    render(<Write action={action} changed={changed} />);
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', 'no write grant');
    expect(changed).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await vi.waitFor(() => expect(changed).toHaveBeenCalledWith('stored'));
    expect(changed).toHaveBeenCalledOnce();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

function Search({ load }: { load: (before: Cursor | undefined) => Promise<Page<string>> }) {
  const paged = usePagedSearch([], load);
  return (
    <div>
      <button type="button" onClick={() => paged.search.submit()}>
        Search
      </button>
      <ul>
        {paged.items?.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
      <MoreResults paged={paged} label="More" />
    </div>
  );
}

describe('usePagedSearch', () => {
  it('searches from the first page, then asks for the page after the items shown until the last', async () => {
    const load = vi
      .fn<(before: Cursor | undefined) => Promise<Page<string>>>()
      .mockResolvedValueOnce({ items: ['a', 'b'], next: 7 })
      .mockResolvedValueOnce({ items: ['c'], next: null });
    render(<Search load={load} />);
    expect(screen.queryByRole('button', { name: 'More' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));
    await userEvent.click(await screen.findByRole('button', { name: 'More' }));
    await screen.findByText('c');
    expect(load.mock.calls).toEqual([[undefined], [7]]);
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['a', 'b', 'c']);
    expect(screen.queryByRole('button', { name: 'More' })).toBeNull();
  });
});
