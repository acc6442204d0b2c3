import { describe, expect, it } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Link, match, navigate, usePath } from './router';

describe('match', () => {
  it('reads parameters and rejects other shapes', () => {
    expect(match('/doctor/patients/:id', '/doctor/patients/42')).toEqual({ id: '42' });
    expect(match('/doctor/patients/:id', '/doctor/patients')).toBeNull();
    expect(match('/admin', '/dashboard')).toBeNull();
    expect(match('/', '/')).toEqual({});
  });
});

function Where() {
  return <p data-testid="path">{usePath()}</p>;
}

describe('Link and navigate', () => {
  it('changes the path without a page load and marks the current link', async () => {
    act(() => navigate('/'));
    render(
      <>
        <Link to="/record">My record</Link>
        <Where />
      </>,
    );
    expect(screen.getByTestId('path').textContent).toBe('/');
    await userEvent.click(screen.getByRole('link', { name: 'My record' }));
    expect(screen.getByTestId('path').textContent).toBe('/record');
    expect(screen.getByRole('link', { name: 'My record' }).getAttribute('aria-current')).toBe('page');
    act(() => window.history.back());
  });
});
