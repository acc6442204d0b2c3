// Chart.js charts (only the parts used are registered, to keep the bundle small). Each chart has
// a text alternative for screen readers; sizes come from CSS classes (no inline styles).
import {
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Legend,
  LinearScale,
  LineElement,
  PointElement,
  Tooltip,
  type ChartOptions,
} from 'chart.js';
import { Bar, Line } from 'react-chartjs-2';

ChartJS.register(LineElement, PointElement, BarElement, LinearScale, CategoryScale, Tooltip, Legend);

const teal = '#0b6e6e';
const red = '#b42318';
const blue = '#2457a6';

export interface Point {
  at: string; // RFC 3339
  value: number;
  /** How many readings the point stands for (a bucket's mean); 1 when absent. */
  count?: number;
}

const DAY = 86_400_000;

const dateText = (ms: number) =>
  new Date(ms).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: '2-digit' });

export function TrendChart({ points, label, unit }: { points: Point[]; label: string; unit: string }) {
  const data = [...points].sort((a, b) => a.at.localeCompare(b.at)).map((p) => ({ x: Date.parse(p.at), y: p.value }));
  const span = data.length > 1 ? data[data.length - 1].x - data[0].x : 0;
  const options: ChartOptions<'line'> = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    parsing: false,
    plugins: {
      legend: { display: false },
      tooltip: { callbacks: { title: (items) => dateText(items[0].parsed.x ?? 0), label: (item) => `${item.parsed.y} ${unit}` } },
    },
    scales: {
      x: {
        type: 'linear',
        // One reading (or all at one time): show a day either side rather than Chart.js's default range.
        ...(span === 0 && data.length > 0 ? { min: data[0].x - DAY, max: data[0].x + DAY } : {}),
        ticks: { callback: (value) => dateText(Number(value)), maxTicksLimit: 5 },
      },
      y: { title: { display: true, text: unit } },
    },
  };
  const last = data[data.length - 1];
  return (
    <figure className="chart">
      <div className="chart-box">
        <Line
          role="img"
          aria-label={`${label} over time: ${data.length} readings${last ? `, latest ${last.y} ${unit}` : ''}`}
          data={{ datasets: [{ label, data, borderColor: teal, backgroundColor: teal, pointRadius: 3, tension: 0.2 }] }}
          options={options}
        />
      </div>
      <figcaption>
        {label} ({unit}), {data.length} reading{data.length === 1 ? '' : 's'}
      </figcaption>
    </figure>
  );
}

export interface BarItem {
  label: string;
  value: number;
}

/** A long label as lines of at most `width` characters (Chart.js draws an array as lines). */
export function wrapLabel(label: string, width = 24): string[] {
  const lines: string[] = [];
  for (const word of label.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** Horizontal bars, positive red (raise), negative blue (lower): risk-factor contributions. */
export function ContributionChart({ items, title }: { items: BarItem[]; title: string }) {
  const options: ChartOptions<'bar'> = {
    indexAxis: 'y',
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { display: false }, tooltip: { callbacks: { label: (item) => `${(item.parsed.x ?? 0).toFixed(2)} log-odds` } } },
    scales: { x: { title: { display: true, text: 'effect on the log-odds' } }, y: { ticks: { autoSkip: false } } },
  };
  return (
    <figure className="chart">
      <div className={items.length > 8 ? 'chart-box tall' : 'chart-box'}>
        <Bar
          role="img"
          aria-label={title + ': ' + items.map((i) => `${i.label} ${i.value >= 0 ? '+' : ''}${i.value.toFixed(2)}`).join(', ')}
          data={{
            labels: items.map((i) => wrapLabel(i.label)),
            datasets: [{ data: items.map((i) => i.value), backgroundColor: items.map((i) => (i.value >= 0 ? red : blue)) }],
          }}
          options={options}
        />
      </div>
      <figcaption>{title}: red bars raised the estimate, blue bars lowered it.</figcaption>
    </figure>
  );
}

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
          : 'w/c ' + new Date(g.start).toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' }),
      value: Math.round((g.sum / g.n) * 10) / 10,
    }));
}

/** Vertical bars of averages per period. */
export function AverageChart({ items, label, unit }: { items: BarItem[]; label: string; unit: string }) {
  const options: ChartOptions<'bar'> = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { display: false }, tooltip: { callbacks: { label: (item) => `${item.parsed.y} ${unit}` } } },
    scales: { y: { title: { display: true, text: unit } } },
  };
  return (
    <figure className="chart">
      <div className="chart-box">
        <Bar
          role="img"
          aria-label={`${label}: ` + items.map((i) => `${i.label} ${i.value} ${unit}`).join(', ')}
          data={{ labels: items.map((i) => i.label), datasets: [{ data: items.map((i) => i.value), backgroundColor: teal }] }}
          options={options}
        />
      </div>
      <figcaption>
        {label} ({unit})
      </figcaption>
    </figure>
  );
}
