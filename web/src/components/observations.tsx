// Record views shared by the patient's pages and the doctor's patient view: the form to add a
// reading (unit choice, server errors next to the field, the question for an unlikely value, the
// urgent advice for a critical one), the list with flags, correction and the correction history,
// and a chart of one metric over time.
import { useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { monitoring, type NewObservation, type Observation, records, type Trend, type UrgentAdvice } from '../api/endpoints';
import { FEATURES } from '../features';
import { CHARTABLE, formatDate, METRICS, metricLabel, unitText } from '../metrics';
import { AverageChart, averages, type Point, TrendChart } from './charts';
import { Field, FormError, MoreButton, parseNumbers, Saved, SelectField, SubmitButton, useSubmit } from './forms';
import { Async, ErrorMessage, Loading, useLoad } from './status';
import { ConfirmValue, UrgentAdviceCallout, type ValueQuestion } from './urgentAdvice';

export function Flag({ flag }: { flag: Observation['flag'] }) {
  if (!flag) return <span className="flag flag-none">no range</span>;
  return <span className={`flag flag-${flag}`}>{flag}</span>;
}

/** "120/80 mmHg" or "5.8 mmol/L": what was stored, as the person entered it. */
function storedText(items: Observation[]): string {
  const values = items.filter((o) => o.metric !== 'bmi');
  if (values.length === 0) return '';
  return `${values.map((o) => o.original_value).join('/')} ${unitText(values[0].original_unit)}`;
}

export function ObservationForm({ patientId, onAdded }: { patientId: number; onAdded: (items: Observation[]) => void }) {
  const [metric, setMetric] = useState('blood_pressure');
  const info = METRICS.find((m) => m.name === metric)!;
  const [unit, setUnit] = useState(info.units[0]);
  const [value, setValue] = useState('');
  const [systolic, setSystolic] = useState('');
  const [diastolic, setDiastolic] = useState('');
  const [when, setWhen] = useState('');
  const [saved, setSaved] = useState<string>();
  const [advice, setAdvice] = useState<UrgentAdvice>();
  const [question, setQuestion] = useState<ValueQuestion>();
  // Set by "Yes, save …": the next submission says the value is meant.
  const confirmed = useRef(false);
  const form = useRef<HTMLFormElement>(null);
  const pair = metric === 'blood_pressure';
  const { busy, errors, formError, submit } = useSubmit(
    ['metric', 'code', 'value', 'systolic', 'diastolic', 'unit', 'effective_at'],
    async () => {
      setSaved(undefined);
      setAdvice(undefined);
      setQuestion(undefined);
      const texts: Record<string, string> = pair ? { systolic, diastolic } : { value };
      const numbers = parseNumbers(texts, pair ? '120' : '5.8');
      const wrong = Object.entries(numbers.errors)[0];
      if (wrong) throw new ApiError(422, 'validation_failed', wrong[1]!, wrong[0]);
      const effective_at = when ? new Date(when).toISOString() : undefined;
      const body = {
        metric,
        unit,
        ...numbers.values,
        ...(effective_at ? { effective_at } : {}),
        ...(confirmed.current ? { confirmed: true } : {}),
      };
      confirmed.current = false;
      try {
        return await records.add(patientId, body as NewObservation);
      } catch (error) {
        if (!(error instanceof ApiError) || error.code !== 'confirmation_required') throw error;
        const field = error.field ?? 'value';
        setQuestion({ field, message: error.message, entered: texts[field] ?? '', suggestions: error.suggestions });
        return null;
      }
    },
    (answer) => {
      if (!answer) return;
      const at = answer.items[0]?.effective_at;
      const label = metricLabel(metric);
      const what = label.charAt(0).toLowerCase() + label.slice(1);
      setSaved(`Saved ${what} ${storedText(answer.items)}${at ? `, at ${formatDate(at)}` : ''}.`);
      setAdvice(answer.advice ?? undefined);
      setValue('');
      setSystolic('');
      setDiastolic('');
      // Back to "now": a back-dated time applies to one reading, not to the ones after it.
      setWhen('');
      onAdded(answer.items);
    },
  );
  const chooseMetric = (name: string) => {
    setMetric(name);
    setUnit(METRICS.find((m) => m.name === name)!.units[0]);
    setSaved(undefined);
    setAdvice(undefined);
    setQuestion(undefined);
  };
  const keep = () => {
    confirmed.current = true;
    void submit();
  };
  const use = (suggested: string) => {
    if (question?.field === 'systolic') setSystolic(suggested);
    else if (question?.field === 'diastolic') setDiastolic(suggested);
    else setValue(suggested);
    setQuestion(undefined);
    form.current?.querySelector<HTMLInputElement>(`[name="${question?.field ?? 'value'}"]`)?.focus();
  };
  const change = () => {
    const field = question?.field ?? 'value';
    setQuestion(undefined);
    const input = form.current?.querySelector<HTMLInputElement>(`[name="${field}"]`);
    input?.focus();
    input?.select();
  };
  const numberHint = 'A number, such as 5.8 or 5,8.';
  return (
    <form className="card obs-form" onSubmit={submit} noValidate aria-labelledby="add-reading" ref={form}>
      <h2 id="add-reading">Add a reading</h2>
      <div className="grid">
        <SelectField
          label="Measurement"
          name="metric"
          value={metric}
          onChange={(e) => chooseMetric(e.target.value)}
          error={errors.metric ?? errors.code}
          options={[
            ...METRICS.filter((m) => m.kind === 'vital').map((m) => ({ value: m.name, label: m.label })),
            ...METRICS.filter((m) => m.kind === 'lab').map((m) => ({ value: m.name, label: `${m.label} (lab)` })),
          ]}
        />
        {pair ? (
          <>
            <Field label="Systolic" name="systolic" type="text" inputMode="decimal" autoComplete="off" value={systolic} onChange={(e) => setSystolic(e.target.value)} error={errors.systolic} hint="The upper number, such as 120." />
            <Field label="Diastolic" name="diastolic" type="text" inputMode="decimal" autoComplete="off" value={diastolic} onChange={(e) => setDiastolic(e.target.value)} error={errors.diastolic} hint="The lower number, such as 80." />
          </>
        ) : (
          <Field label="Value" name="value" type="text" inputMode="decimal" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} error={errors.value} hint={numberHint} />
        )}
        <SelectField
          label="Unit"
          name="unit"
          value={unit}
          onChange={(e) => setUnit(e.target.value)}
          error={errors.unit}
          options={info.units.map((u) => ({ value: u, label: unitText(u) }))}
        />
        <Field
          label="When (optional)"
          name="effective_at"
          type="datetime-local"
          value={when}
          onChange={(e) => setWhen(e.target.value)}
          error={errors.effective_at}
          hint="Leave empty for now. It goes back to now after each reading."
        />
      </div>
      {question && <ConfirmValue question={question} busy={busy} onConfirm={keep} onUse={use} onChange={change} />}
      <FormError message={formError} />
      <SubmitButton busy={busy} busyText="Saving…">
        Save reading
      </SubmitButton>
      <Saved message={saved} />
      {advice && <UrgentAdviceCallout advice={advice} />}
    </form>
  );
}

function History({ patientId, id }: { patientId: number; id: number }) {
  const state = useLoad(() => records.history(patientId, id), [patientId, id]);
  return (
    <Async state={state} label="Loading history…">
      {(page) => (
        <ol className="history">
          {page.items.map((entry) => (
            <li key={entry.id}>
              <strong>
                {entry.original_value} {unitText(entry.original_unit)}
              </strong>{' '}
              ({entry.status}) recorded {formatDate(entry.recorded_at)}
              {entry.correction_reason && <> — correction: “{entry.correction_reason}”</>}
            </li>
          ))}
        </ol>
      )}
    </Async>
  );
}

function CorrectionForm({ patientId, entry, onDone }: { patientId: number; entry: Observation; onDone: () => void }) {
  const units = METRICS.find((m) => m.name === entry.metric)?.units ?? [entry.unit];
  const [value, setValue] = useState(String(entry.original_value));
  const [unit, setUnit] = useState(units.includes(entry.original_unit) ? entry.original_unit : units[0]);
  const [reason, setReason] = useState('');
  const { busy, errors, formError, submit } = useSubmit(
    ['value', 'unit', 'reason'],
    () => records.correct(patientId, entry.id, { value: Number(value), unit, reason }),
    onDone,
  );
  return (
    <form className="correction" onSubmit={submit} noValidate>
      <div className="grid">
        <Field label="Corrected value" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} error={errors.value} />
        <SelectField label="Unit" value={unit} onChange={(e) => setUnit(e.target.value)} error={errors.unit} options={units.map((u) => ({ value: u, label: unitText(u) }))} />
        <Field label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} error={errors.reason} />
      </div>
      <FormError message={formError} />
      <SubmitButton busy={busy}>Save correction</SubmitButton>
    </form>
  );
}

type Panel = { id: number; what: 'history' | 'correct' } | null;

/** A button that opens one panel of one entry (and closes it again). */
function Toggle({ open, id, what, setOpen, children }: { open: Panel; id: number; what: 'history' | 'correct'; setOpen: (p: Panel) => void; children: ReactNode }) {
  const shown = open?.id === id && open.what === what;
  return (
    <button type="button" aria-expanded={shown} onClick={() => setOpen(shown ? null : { id, what })}>
      {children}
    </button>
  );
}

export function ObservationList({
  patientId,
  version,
  canCorrect,
  onChanged,
}: {
  patientId: number;
  version: number;
  canCorrect: (entry: Observation) => boolean;
  onChanged: () => void;
}) {
  const [pages, setPages] = useState<Observation[][]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [more, setMore] = useState<{ busy: boolean; error?: unknown }>({ busy: false });
  const [open, setOpen] = useState<Panel>(null);
  const first = useLoad(async () => {
    const page = await records.observations(patientId, { limit: 20 });
    setPages([page.items]);
    setNext(page.next_before ?? null);
    return page;
  }, [patientId, version]);
  const loadMore = async () => {
    if (next === null) return;
    setMore({ busy: true });
    try {
      const page = await records.observations(patientId, { limit: 20, before: next });
      setPages((p) => [...p, page.items]);
      setNext(page.next_before ?? null);
      setMore({ busy: false });
    } catch (error) {
      setMore({ busy: false, error });
    }
  };
  if (first.error) return <ErrorMessage error={first.error} retry={first.reload} />;
  if (first.loading && pages.length === 0) return <Loading label="Loading readings…" />;
  const items = pages.flat();
  return (
    <section aria-labelledby="readings">
      <h2 id="readings">Readings</h2>
      {items.length === 0 ? (
        <p className="empty">No readings yet.</p>
      ) : (
        <ul className="obs-list">
          {items.map((entry) => (
            <li key={entry.id} className="obs">
              <div className="obs-main">
                <span className="obs-name">{metricLabel(entry.metric)}</span>
                <span className="obs-value">
                  {entry.value} {unitText(entry.unit)}
                  {entry.original_unit !== entry.unit && (
                    <span className="muted">
                      {' '}
                      (entered {entry.original_value} {unitText(entry.original_unit)})
                    </span>
                  )}
                </span>
                <Flag flag={entry.flag} />
              </div>
              <div className="obs-meta">
                {formatDate(entry.effective_at)} · {entry.source === 'clinical' ? 'recorded by a doctor' : 'self-reported'}
                {entry.supersedes && ' · corrected'}
              </div>
              <div className="obs-actions">
                <Toggle open={open} id={entry.id} what="history" setOpen={setOpen}>
                  History
                </Toggle>
                {canCorrect(entry) && (
                  <Toggle open={open} id={entry.id} what="correct" setOpen={setOpen}>
                    Correct
                  </Toggle>
                )}
              </div>
              {open?.id === entry.id && open.what === 'history' && <History patientId={patientId} id={entry.id} />}
              {open?.id === entry.id && open.what === 'correct' && (
                <CorrectionForm
                  patientId={patientId}
                  entry={entry}
                  onDone={() => {
                    setOpen(null);
                    onChanged();
                  }}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      {more.error !== undefined && <ErrorMessage error={more.error} retry={loadMore} />}
      <MoreButton hasMore={next !== null} busy={more.busy} onClick={loadMore} label="Show older readings" />
    </section>
  );
}

/** Chart of one metric over time with a metric picker. */
interface ChartData {
  unit: string;
  points: Point[];
  bucketed: boolean;
  trend?: Trend;
}

/** A metric's readings: the server's downsampled series (monitoring) or the latest 200 entries. */
async function chartData(patientId: number, metric: string): Promise<ChartData> {
  if (FEATURES.monitoring) {
    const [answer, trends] = await Promise.all([monitoring.series(patientId, metric), monitoring.trend(patientId, metric)]);
    const series = answer.series[0];
    return {
      unit: series?.unit ?? '',
      points: (series?.points ?? []).map((p) => ({ at: p.time, value: p.mean, count: p.count })),
      bucketed: series?.mode === 'buckets',
      trend: trends.trends[0],
    };
  }
  const page = await records.observations(patientId, { code: metric, limit: 200 });
  return { unit: page.items[0]?.unit ?? '', points: page.items.map((o) => ({ at: o.effective_at, value: o.value })), bucketed: false };
}

const DIRECTION: Record<Trend['direction'], string> = {
  rising: 'rising',
  falling: 'falling',
  stable: 'stable',
  insufficient_data: 'not enough readings for a trend',
};

function TrendText({ trend }: { trend: Trend }) {
  const perDay = trend.slope_per_day;
  return (
    <p className="trend">
      Last 30 days: <strong>{DIRECTION[trend.direction]}</strong>
      {perDay !== null && trend.direction !== 'insufficient_data' && (
        <>
          {' '}
          ({perDay >= 0 ? '+' : ''}
          {(perDay * 7).toFixed(1)} {unitText(trend.unit)} a week, {trend.n} readings)
        </>
      )}
    </p>
  );
}

export function MetricChart({ patientId, version, initial = 'systolic_bp' }: { patientId: number; version: number; initial?: string }) {
  const [metric, setMetric] = useState(initial);
  const [view, setView] = useState<'readings' | 'week' | 'month'>('readings');
  const state = useLoad(() => chartData(patientId, metric), [patientId, metric, version]);
  return (
    <section className="card" aria-labelledby="trend-title">
      <h2 id="trend-title">Trend</h2>
      <SelectField
        label="Show"
        name="chart-metric"
        value={metric}
        onChange={(e) => setMetric(e.target.value)}
        options={CHARTABLE.map((m) => ({ value: m, label: metricLabel(m) }))}
      />
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
      <Async state={state} label="Loading chart…">
        {(data) =>
          data.points.length === 0 ? (
            <p className="empty">No {metricLabel(metric).toLowerCase()} readings yet.</p>
          ) : (
            <>
              {view === 'readings' ? (
                <TrendChart label={metricLabel(metric) + (data.bucketed ? ' (averaged per interval)' : '')} unit={unitText(data.unit)} points={data.points} />
              ) : (
                <AverageChart
                  label={`${metricLabel(metric)}, ${view === 'week' ? 'weekly' : 'monthly'} average`}
                  unit={unitText(data.unit)}
                  items={averages(data.points, view)}
                />
              )}
              {data.trend && <TrendText trend={data.trend} />}
            </>
          )
        }
      </Async>
    </section>
  );
}

/** The latest reading of every metric, with its flag. */
export function LatestReadings({ patientId, version }: { patientId: number; version: number }) {
  const state = useLoad(() => records.observations(patientId, { limit: 200 }), [patientId, version]);
  return (
    <section className="card" aria-labelledby="latest-title">
      <h2 id="latest-title">Latest vitals and labs</h2>
      <Async state={state} label="Loading readings…">
        {(page) => {
          const latest = new Map<string, Observation>();
          for (const entry of page.items) if (!latest.has(entry.metric)) latest.set(entry.metric, entry);
          if (latest.size === 0) return <p className="empty">No readings yet. Add your first on the record page.</p>;
          return (
            <table className="latest">
              <thead>
                <tr>
                  <th scope="col">Measurement</th>
                  <th scope="col">Value</th>
                  <th scope="col">Flag</th>
                  <th scope="col" className="hide-narrow">
                    When
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...latest.values()].map((entry) => (
                  <tr key={entry.metric}>
                    <th scope="row">{metricLabel(entry.metric)}</th>
                    <td>
                      {entry.value} {unitText(entry.unit)}
                    </td>
                    <td>
                      <Flag flag={entry.flag} />
                    </td>
                    <td className="hide-narrow">{formatDate(entry.effective_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </Async>
    </section>
  );
}
