import { describe, expect, it } from 'vitest';
import { averages, pointText } from './chartData';

describe('averages', () => {
  const points = [
    { at: '2026-11-02T08:00:00Z', value: 120 }, // Monday
    { at: '2026-11-08T20:00:00Z', value: 130 }, // Sunday, same week
    { at: '2026-11-09T08:00:00Z', value: 141 }, // next Monday
    { at: '2026-10-31T08:00:00Z', value: 110 }, // October
  ];

  it('averages per week starting on Monday, oldest first', () => {
    expect(averages(points, 'week').map((b) => b.value)).toEqual([110, 125, 141]);
  });

  it('averages per calendar month', () => {
    expect(averages(points, 'month').map((b) => b.value)).toEqual([110, 130.3]);
  });
});

describe('pointText', () => {
  it('says what a bucket stands for', () => {
    expect(pointText({ at: '2026-11-02T08:00:00Z', value: 120 }, 'mmHg')).toBe('120 mmHg');
    expect(pointText({ at: '2026-11-02T08:00:00Z', value: 142, count: 5, min: 130, max: 151 }, 'mmHg')).toBe(
      '142 mmHg (average of 5 readings, 130–151)',
    );
  });
});
