import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import { PatientArea } from './Doctor';

afterEach(() => vi.unstubAllGlobals());

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });

const area = (trend: { percent_points_per_year: number | null; low: number | null; high: number | null }) => ({
  area_code: 'E06000061',
  area: {
    code: 'E06000061',
    name: 'North Northamptonshire',
    latest: { year: 2019, percent: 5.4 },
    rank: { position: 12, of: 300 },
    trend,
  },
  meaning: 'An area burden.',
});

describe('PatientArea', () => {
  it('shows an area whose trend has too few comparable years (null numbers) without failing', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(area({ percent_points_per_year: null, low: null, high: null }))),
    );
    render(<PatientArea patientId={7} />);
    expect(await screen.findByText('North Northamptonshire')).toBeTruthy();
    const text = screen.getByText(/attributable to PM2.5/).textContent ?? '';
    expect(text).toContain('5.4% of adult deaths attributable to PM2.5 (2019)');
    expect(text).not.toContain('trend');
  });

  it('shows the trend where there is one', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(area({ percent_points_per_year: -0.12, low: -0.2, high: -0.04 }))),
    );
    render(<PatientArea patientId={8} />);
    expect(await screen.findByText(/trend -0.12 points a year/)).toBeTruthy();
  });
});
