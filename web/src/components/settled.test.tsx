import { describe, expect, it, vi } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import { useEffect, useState } from 'react';
import { Settled } from './settled';
import { Loading } from './status';

function Card({ ms }: { ms: number }) {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setReady(true), ms);
    return () => clearTimeout(timer);
  }, [ms]);
  return <section>{ready ? <h2>Readings</h2> : <Loading label="Loading readings…" />}</section>;
}

describe('Settled', () => {
  it('keeps the page laid out but hidden until nothing in it is loading, then shows it whole', async () => {
    vi.useFakeTimers();
    const { container } = render(
      <Settled>
        <h1>Patients</h1>
        <Card ms={10} />
        <Card ms={30} />
      </Settled>,
    );
    const box = container.querySelector('.settled')!;
    expect(box.classList.contains('settling')).toBe(true);
    expect(box.getAttribute('aria-hidden')).toBe('true');
    await act(async () => vi.advanceTimersByTime(15));
    expect(box.classList.contains('settling')).toBe(true); // one card still loading
    await act(async () => vi.advanceTimersByTime(20));
    expect(box.classList.contains('settling')).toBe(false);
    expect(box.hasAttribute('aria-hidden')).toBe(false);
    expect(screen.getAllByRole('heading', { name: 'Readings' })).toHaveLength(2);
    vi.useRealTimers();
  });

  it('shows the page anyway when something keeps loading', async () => {
    vi.useFakeTimers();
    const { container } = render(
      <Settled maxMs={100}>
        <Card ms={60_000} />
      </Settled>,
    );
    await act(async () => vi.advanceTimersByTime(101));
    expect(container.querySelector('.settled')!.classList.contains('settling')).toBe(false);
    vi.useRealTimers();
  });
});
