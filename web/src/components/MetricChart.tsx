// A metric over time for the patient's and the doctor's pages: pick the measurement and the time
// range (3 months, 1 year, 3 years, all), see readings or weekly/monthly averages against the
// shaded reference range (systolic and diastolic together in one chart), tooltips with value,
// unit and date, the trend of the last 30 days, and the numbers as a table.
import { useState } from 'react';
import { monitoring, type Series, type Trend } from '../api/monitor';
import { records } from '../api/records';
import { FEATURES } from '../features';
import { CHARTABLE, metricInfo, metricLabel, referenceOf, type Reference, unitText } from '../metrics';
import { averages, DAY, type Point } from './chartData';
import type { Band, LineSeries } from './charts';
import { SelectField } from './forms';
import { AverageChart, TrendChart } from './lazyCharts';
import { keys, useApiQuery } from '../api/query';
import { Card } from './card';

export const RANGES = [
  { key: '3m', label: '3 months', days: 91 },
  { key: '1y', label: '1 year', days: 365 },
  { key: '3y', label: '3 years', days: 1096 },
  { key: 'all', label: 'All', days: 0 },
] as const;
export type RangeKey = (typeof RANGES)[number]['key'];

interface ChartData {
  /** What was asked: the caption describes the data shown, even while newer data loads. */
  metric: string;
  range: RangeKey;
  unit: string;
  lines: LineSeries[];
  bucketed: boolean;
  from: number;
  to: number;
  trend?: Trend;
}

const round = (value: number) => Math.round(value * 10) / 10;

function linesOf(series: Series[]): LineSeries[] {
  return series.map((s) => ({
    label: series.length > 1 ? metricLabel(s.metric).replace(' blood pressure', '') : metricLabel(s.metric),
    points: s.points.map((p): Point => ({
      at: p.time,
      value: round(p.mean),
      count: p.count,
      min: round(p.min),
      max: round(p.max),
    })),
  }));
}

/** The readings in the range: the server's downsampled series (monitoring) or the latest 200. */
async function chartData(patientId: number, metric: string, range: RangeKey): Promise<ChartData> {
  const to = Date.now();
  const days = RANGES.find((r) => r.key === range)!.days;
  if (!FEATURES.monitoring) {
    const parts = metricInfo(metric)?.parts ?? [metric];
    const pages = await Promise.all(parts.map((part) => records.observations(patientId, { code: part, limit: 200 })));
    const lines = pages.map((page, index) => ({
      label: metricLabel(parts[index]),
      points: page.items
        .filter((o) => !days || Date.parse(o.effective_at) >= to - days * DAY)
        .map((o) => ({ at: o.effective_at, value: o.value })),
    }));
    return {
      metric,
      range,
      unit: pages[0]?.items[0]?.unit ?? '',
      lines,
      bucketed: false,
      from: to - (days || 365) * DAY,
      to,
    };
  }
  let from = days ? to - days * DAY : Date.parse('1900-01-01T00:00:00Z');
  const fetch = () => monitoring.series(patientId, metric, new Date(from).toISOString(), new Date(to).toISOString());
  const [first, trends] = await Promise.all([fetch(), monitoring.trend(patientId, metric)]);
  let answer = first;
  if (!days) {
    // "All": start at the first reading, so the buckets span the record and not a century.
    const firsts = answer.series.flatMap((s) => (s.points.length ? [Date.parse(s.points[0].time)] : []));
    if (firsts.length) {
      from = Math.min(...firsts);
      if (answer.series.some((s) => s.mode === 'buckets')) answer = await fetch();
    }
  }
  return {
    metric,
    range,
    unit: answer.series[0]?.unit ?? '',
    lines: linesOf(answer.series),
    bucketed: answer.series.some((s) => s.mode === 'buckets'),
    from,
    to,
    trend: trends.trends[0],
  };
}

const DIRECTION: Record<Trend['direction'], string> = {
  rising: 'rising',
  falling: 'falling',
  stable: 'stable',
  insufficient_data: 'not enough readings for a trend',
};

function TrendText({ trend, metric }: { trend: Trend; metric: string }) {
  const perDay = trend.slope_per_day;
  return (
    <p className="trend">
      Last 30 days{trend.metric !== metric ? ` (${metricLabel(trend.metric).toLowerCase()})` : ''}:{' '}
      <strong>{DIRECTION[trend.direction]}</strong>
      {perDay !== null && trend.direction !== 'insufficient_data' && (
        <>
          {' '}
          ({perDay >= 0 ? '+' : ''}
          {(perDay * 7).toFixed(1)} {unitText(trend.unit, trend.metric)} a week, {trend.n} readings)
        </>
      )}
    </p>
  );
}

/** "70–99", "up to 5.6", "95 and above". */
function rangeText(reference: Reference): string {
  if (reference.low !== undefined && reference.high !== undefined) return `${reference.low}–${reference.high}`;
  if (reference.high !== undefined) return `up to ${reference.high}`;
  return `${reference.low} and above`;
}

/** The shaded bands of a metric and the sentence that says what they are. */
export function bandsOf(metric: string, unit: string): { bands: Band[]; text?: string } {
  const parts = metricInfo(metric)?.parts;
  if (parts) {
    const references = parts.map((part) => referenceOf(part));
    if (references.some((r) => !r)) return { bands: [] };
    const described = parts.map(
      (part, index) =>
        `${metricLabel(part).replace(' blood pressure', '').toLowerCase()} ${rangeText(references[index]!)}`,
    );
    return {
      bands: references as Band[],
      text: `Shaded: the healthy range for adults (${described.join(', ')} ${unit}).`,
    };
  }
  const reference = referenceOf(metric);
  if (!reference) return { bands: [] };
  return { bands: [reference], text: `Shaded: the reference range for adults (${rangeText(reference)} ${unit}).` };
}

export function MetricChart({ patientId, initial = 'blood_pressure' }: { patientId: number; initial?: string }) {
  const [metric, setMetric] = useState(initial);
  const [range, setRange] = useState<RangeKey>('1y');
  const [view, setView] = useState<'readings' | 'week' | 'month'>('readings');
  const state = useApiQuery(keys.record(patientId, 'chart', metric, range), () => chartData(patientId, metric, range));
  return (
    <Card
      title="Trend"
      id="trend-title"
      busy={state.isFetching}
      intro={
        <>
          <SelectField
            label="Show"
            name="chart-metric"
            value={metric}
            onChange={(e) => setMetric(e.target.value)}
            options={CHARTABLE.map((m) => ({ value: m, label: metricLabel(m) }))}
          />
          <div className="tabs" role="group" aria-label="Time range">
            {RANGES.map((r) => (
              <button key={r.key} type="button" aria-pressed={range === r.key} onClick={() => setRange(r.key)}>
                {r.label}
              </button>
            ))}
          </div>
          <div className="tabs" role="group" aria-label="Chart view">
            {(
              [
                ['readings', 'Readings'],
                ['week', 'Weekly average'],
                ['month', 'Monthly average'],
              ] as const
            ).map(([value, text]) => (
              <button key={value} type="button" aria-pressed={view === value} onClick={() => setView(value)}>
                {text}
              </button>
            ))}
          </div>
        </>
      }
      query={state}
      label="Loading chart…"
      reserve="chart"
    >
      {(data) => {
        const { metric, range } = data;
        const rangeLabel = RANGES.find((r) => r.key === range)!.label;
        const unit = unitText(data.unit, metricInfo(metric)?.parts?.[0] ?? metric);
        // A pair (blood pressure) counts each reading once, not once per part.
        const count = Math.max(0, ...data.lines.map((line) => line.points.reduce((n, p) => n + (p.count ?? 1), 0)));
        if (data.lines.every((line) => line.points.length === 0)) {
          return (
            <p className="empty">
              No {metricLabel(metric).toLowerCase()} readings {range === 'all' ? 'yet' : `in the last ${rangeLabel}`}.
              {range !== 'all' && ' Choose a longer time range to look further back.'}
            </p>
          );
        }
        const { bands, text } = bandsOf(metric, unit);
        const label = metricLabel(metric) + (data.bucketed ? ' (averaged per interval)' : '');
        return (
          <>
            {view === 'readings' ? (
              <TrendChart
                label={label}
                unit={unit}
                lines={data.lines}
                bands={bands}
                range={range === 'all' ? undefined : { from: data.from, to: data.to }}
                caption={
                  <>
                    {metricLabel(metric)} ({unit}), {range === 'all' ? 'all readings' : `last ${rangeLabel}`}: {count}{' '}
                    reading{count === 1 ? '' : 's'}
                    {data.bucketed && ', each point the average of the readings in its interval'}. {text}
                  </>
                }
              />
            ) : (
              <AverageChart
                label={`${metricLabel(metric)}${data.lines.length > 1 ? ` (${data.lines[0].label.toLowerCase()})` : ''}, ${view === 'week' ? 'weekly' : 'monthly'} average`}
                unit={unit}
                items={averages(data.lines[0].points, view)}
              />
            )}
            {data.trend && <TrendText trend={data.trend} metric={metric} />}
          </>
        );
      }}
    </Card>
  );
}
