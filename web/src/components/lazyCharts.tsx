// The app's charts, loaded on first use: Chart.js (charts.tsx) is fetched only when a chart comes
// near the screen (a chart below the fold of a phone costs nothing until the person scrolls to
// it), while a box of the chart's final size holds its place (no layout shift). Every chart is a
// figure with a caption and a "Show the numbers" table, the text alternative for people who
// cannot see or point at a canvas.
import { lazy, Suspense, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { BarItem, Point } from './chartData';
import { dateText, pointText } from './chartData';
import type { TrendChartProps } from './charts';

const load = () => import('./charts');
const LazyTrend = lazy(() => load().then((m) => ({ default: m.TrendChart })));
const LazyAverage = lazy(() => load().then((m) => ({ default: m.AverageChart })));
const LazyContribution = lazy(() => load().then((m) => ({ default: m.ContributionChart })));

function Placeholder({ tall }: { tall?: boolean }) {
  return <div className={tall ? 'chart-box tall chart-pending' : 'chart-box chart-pending'} aria-hidden="true" />;
}

/** True once the element is within 200 px of the viewport (always, without the API). */
function useNearScreen<T extends Element>() {
  const ref = useRef<T>(null);
  const [near, setNear] = useState(typeof IntersectionObserver === 'undefined');
  useEffect(() => {
    const node = ref.current;
    if (near || !node) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setNear(true);
      },
      { rootMargin: '200px 0px' },
    );
    observer.observe(node);
    return () => observer.disconnect();
  }, [near]);
  return [ref, near] as const;
}

/** The chart itself once it is near the screen; its placeholder until then. */
function WhenNear({ tall, children }: { tall?: boolean; children: ReactNode }) {
  const [ref, near] = useNearScreen<HTMLDivElement>();
  return (
    <div ref={ref}>
      {near ? <Suspense fallback={<Placeholder tall={tall} />}>{children}</Suspense> : <Placeholder tall={tall} />}
    </div>
  );
}

export interface NumbersRow {
  key: string;
  label: string;
  cells: string[];
}

/** Rows of a time chart, latest first: one per time, a cell per line ("—" where it has none). */
export function rowsOfLines(lines: { label: string; points: Point[] }[], unit: string): NumbersRow[] {
  const rows = new Map<string, string[]>();
  lines.forEach((line, index) => {
    for (const point of line.points) {
      const cells = rows.get(point.at) ?? new Array<string>(lines.length).fill('—');
      cells[index] = pointText(point, unit);
      rows.set(point.at, cells);
    }
  });
  return [...rows.entries()]
    .sort((a, b) => b[0].localeCompare(a[0]))
    .map(([at, cells]) => ({ key: at, label: dateText(Date.parse(at), true), cells }));
}

/** A table of the chart's values, shown on request. */
export function NumbersTable({
  caption,
  first = 'When',
  columns,
  rows,
}: {
  caption: string;
  first?: string;
  columns: string[];
  rows: NumbersRow[];
}) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <div className="numbers">
      <button type="button" aria-expanded={open} aria-controls={id} onClick={() => setOpen((v) => !v)}>
        {open ? 'Hide the numbers' : 'Show the numbers'}
      </button>
      {open && (
        <div
          id={id}
          className="table-scroll numbers-table"
          tabIndex={0}
          role="region"
          aria-label={`${caption}: the numbers`}
        >
          <table>
            <caption className="visually-hidden">{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{first}</th>
                {columns.map((column) => (
                  <th scope="col" key={column}>
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key}>
                  <th scope="row">{row.label}</th>
                  {row.cells.map((cell, index) => (
                    <td key={index}>{cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export function TrendChart(props: TrendChartProps & { caption?: ReactNode }) {
  const lines = props.lines ?? [{ label: props.label, points: props.points ?? [] }];
  const count = lines[0]?.points.length ?? 0;
  return (
    <figure className="chart">
      <WhenNear>
        <LazyTrend {...props} />
      </WhenNear>
      <figcaption>
        {props.caption ?? (
          <>
            {props.label} ({props.unit}), {count} reading{count === 1 ? '' : 's'}
          </>
        )}
      </figcaption>
      <NumbersTable
        caption={`${props.label}, latest first`}
        columns={lines.map((l) => l.label)}
        rows={rowsOfLines(lines, props.unit)}
      />
    </figure>
  );
}

export function AverageChart({ items, label, unit }: { items: BarItem[]; label: string; unit: string }) {
  return (
    <figure className="chart">
      <WhenNear>
        <LazyAverage items={items} label={label} unit={unit} />
      </WhenNear>
      <figcaption>
        {label} ({unit})
      </figcaption>
      <NumbersTable
        caption={label}
        first="Period"
        columns={[unit]}
        rows={items.map((i) => ({ key: i.label, label: i.label, cells: [String(i.value)] }))}
      />
    </figure>
  );
}

export function ContributionChart({ items, title }: { items: BarItem[]; title: string }) {
  return (
    <WhenNear tall={items.length > 8}>
      <LazyContribution items={items} title={title} />
    </WhenNear>
  );
}
