// Chart data helpers without Chart.js, so pages can shape data before (or without) loading it.
export interface Point {
  at: string; // RFC 3339
  value: number;
  /** How many readings the point stands for (a bucket's mean); 1 when absent. */
  count?: number;
  /** The lowest and highest reading of a bucket. */
  min?: number;
  max?: number;
}

export interface BarItem {
  label: string;
  value: number;
}

export const DAY = 86_400_000;

/** Mean of the points per calendar week (Monday start) or month, oldest first. */
export function averages(points: Point[], by: 'week' | 'month'): BarItem[] {
  const groups = new Map<string, { sum: number; n: number; start: number }>();
  for (const p of points) {
    const d = new Date(p.at);
    let start: Date;
    if (by === 'month') start = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
    else {
      const day = (d.getUTCDay() + 6) % 7; // Monday = 0
      start = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day));
    }
    const key = start.toISOString().slice(0, 10);
    const g = groups.get(key) ?? { sum: 0, n: 0, start: start.getTime() };
    const weight = p.count ?? 1;
    g.sum += p.value * weight;
    g.n += weight;
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort((a, b) => a.start - b.start)
    .map((g) => ({
      label:
        by === 'month'
          ? new Date(g.start).toLocaleDateString(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' })
          : 'w/c ' +
            new Date(g.start).toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' }),
      value: Math.round((g.sum / g.n) * 10) / 10,
    }));
}

/** A point as a sentence part: "142 mmHg" or "142 mmHg (average of 5 readings, 130–151)". */
export function pointText(point: Point, unit: string): string {
  const base = `${point.value} ${unit}`;
  if (!point.count || point.count <= 1) return base;
  const spread = point.min !== undefined && point.max !== undefined ? `, ${point.min}–${point.max}` : '';
  return `${base} (average of ${point.count} readings${spread})`;
}

export function dateText(ms: number, withTime = false): string {
  return new Date(ms).toLocaleString(
    undefined,
    withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { day: 'numeric', month: 'short', year: 'numeric' },
  );
}
