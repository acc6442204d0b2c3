// Chart.js charts (only the parts used are registered, to keep the bundle small). Loaded lazily
// through lazyCharts.tsx, so pages without a chart never load Chart.js. Each chart has a text
// alternative for screen readers; sizes come from CSS classes (no inline styles).
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
  type Plugin,
} from 'chart.js';
import { Bar, Line } from 'react-chartjs-2';
import { type BarItem, DAY, dateText, type Point, pointText } from './chartData';

ChartJS.register(LineElement, PointElement, BarElement, LinearScale, CategoryScale, Tooltip, Legend);

const teal = '#0b6e6e';
const red = '#b42318';
const blue = '#2457a6';
const COLOURS = [teal, blue, '#7a4bc2', '#9a5b00'];

export interface LineSeries {
  label: string;
  points: Point[];
}

/** A shaded horizontal band: a target or reference range (an open side runs to the chart edge). */
export interface Band {
  low?: number;
  high?: number;
}

export interface TrendChartProps {
  label: string;
  unit: string;
  /** One line: the points; several (systolic and diastolic): `lines`. */
  points?: Point[];
  lines?: LineSeries[];
  bands?: Band[];
  /** The time range shown (ms); default: the data's own. */
  range?: { from: number; to: number };
}

function bandPlugin(bands: Band[]): Plugin<'line'> {
  return {
    id: 'bands',
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      const y = scales.y;
      ctx.save();
      ctx.fillStyle = 'rgba(17, 101, 47, 0.12)';
      for (const band of bands) {
        const top = band.high === undefined ? chartArea.top : Math.max(chartArea.top, y.getPixelForValue(band.high));
        const bottom =
          band.low === undefined ? chartArea.bottom : Math.min(chartArea.bottom, y.getPixelForValue(band.low));
        if (bottom > top) ctx.fillRect(chartArea.left, top, chartArea.right - chartArea.left, bottom - top);
      }
      ctx.restore();
    },
  };
}

export function TrendChart({ label, unit, points, lines, bands = [], range }: TrendChartProps) {
  const series = (lines ?? [{ label, points: points ?? [] }]).map((line) => ({
    label: line.label,
    points: [...line.points].sort((a, b) => a.at.localeCompare(b.at)),
  }));
  const times = series.flatMap((s) => s.points.map((p) => Date.parse(p.at)));
  const first = Math.min(...times);
  const last = Math.max(...times);
  // One reading (or all at one time): a day either side rather than Chart.js's default range.
  const xRange = range ?? (times.length > 0 && first === last ? { from: first - DAY, to: last + DAY } : undefined);
  const bounded = bands.flatMap((b) => [b.low, b.high]).filter((v): v is number => v !== undefined);
  const options: ChartOptions<'line'> = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    parsing: false,
    plugins: {
      legend: { display: series.length > 1 },
      tooltip: {
        callbacks: {
          title: (items) => dateText(items[0].parsed.x ?? 0, true),
          label: (item) => {
            const point = series[item.datasetIndex].points[item.dataIndex];
            return `${series[item.datasetIndex].label}: ${pointText(point, unit)}`;
          },
        },
      },
    },
    scales: {
      x: {
        type: 'linear',
        ...(xRange ? { min: xRange.from, max: xRange.to } : {}),
        ticks: { callback: (value) => dateText(Number(value)), maxTicksLimit: 5 },
      },
      // Keep the shaded range in view, so a line far above it still shows where it would be.
      y: {
        title: { display: true, text: unit },
        ...(bounded.length ? { suggestedMin: Math.min(...bounded), suggestedMax: Math.max(...bounded) } : {}),
      },
    },
  };
  const latest = series
    .map((s) =>
      s.points.length ? `latest ${s.label.toLowerCase()} ${pointText(s.points[s.points.length - 1], unit)}` : '',
    )
    .filter(Boolean);
  return (
    <div className="chart-box">
      <Line
        role="img"
        aria-label={`${label} over time: ${series[0]?.points.length ?? 0} points${latest.length ? ', ' + latest.join(', ') : ''}`}
        data={{
          datasets: series.map((s, index) => ({
            label: s.label,
            data: s.points.map((p) => ({ x: Date.parse(p.at), y: p.value })),
            borderColor: COLOURS[index % COLOURS.length],
            backgroundColor: COLOURS[index % COLOURS.length],
            pointRadius: s.points.length > 120 ? 0 : 3,
            pointHitRadius: 6,
            tension: 0.2,
          })),
        }}
        options={options}
        plugins={bands.length ? [bandPlugin(bands)] : []}
      />
    </div>
  );
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
    plugins: {
      legend: { display: false },
      tooltip: { callbacks: { label: (item) => `${(item.parsed.x ?? 0).toFixed(2)} log-odds` } },
    },
    scales: { x: { title: { display: true, text: 'effect on the log-odds' } }, y: { ticks: { autoSkip: false } } },
  };
  return (
    <figure className="chart">
      <div className={items.length > 8 ? 'chart-box tall' : 'chart-box'}>
        <Bar
          role="img"
          aria-label={
            title + ': ' + items.map((i) => `${i.label} ${i.value >= 0 ? '+' : ''}${i.value.toFixed(2)}`).join(', ')
          }
          data={{
            labels: items.map((i) => wrapLabel(i.label)),
            datasets: [
              { data: items.map((i) => i.value), backgroundColor: items.map((i) => (i.value >= 0 ? red : blue)) },
            ],
          }}
          options={options}
        />
      </div>
      <figcaption>{title}: red bars raised the estimate, blue bars lowered it.</figcaption>
    </figure>
  );
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
    <div className="chart-box">
      <Bar
        role="img"
        aria-label={`${label}: ` + items.map((i) => `${i.label} ${i.value} ${unit}`).join(', ')}
        data={{
          labels: items.map((i) => i.label),
          datasets: [{ data: items.map((i) => i.value), backgroundColor: teal }],
        }}
        options={options}
      />
    </div>
  );
}
