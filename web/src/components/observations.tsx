// Record views shared by the patient's pages and the doctor's patient view: the form to add a
// reading (unit choice, server errors next to the field, the question for an unlikely value, the
// urgent advice for a critical one), the list with flags and filters, correction and the
// correction history; the chart of one metric over time is MetricChart.tsx.
import { useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { keys, reloadRecord, useApiQuery, usePagedQuery } from '../api/query';
import { type NewObservation, type Observation, records, type UrgentAdvice } from '../api/records';
import { CODED, formatDate, METRICS, metricLabel, unitText } from '../metrics';
import { Card, PagedList } from './card';
import { Field, FormError, parseNumbers, Saved, SelectField, SubmitButton, useSubmit } from './forms';
import { Async } from './status';
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

/** Saving a reading reloads the views of the record; `onAdded` hears what was stored. */
export function ObservationForm({
  patientId,
  onAdded,
}: {
  patientId: number;
  onAdded?: (items: Observation[]) => void;
}) {
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
      onAdded?.(answer.items);
    },
    (answer) => answer && reloadRecord(patientId),
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
            <Field
              label="Systolic"
              name="systolic"
              type="text"
              inputMode="decimal"
              autoComplete="off"
              value={systolic}
              onChange={(e) => setSystolic(e.target.value)}
              error={errors.systolic}
              hint="The upper number, such as 120."
            />
            <Field
              label="Diastolic"
              name="diastolic"
              type="text"
              inputMode="decimal"
              autoComplete="off"
              value={diastolic}
              onChange={(e) => setDiastolic(e.target.value)}
              error={errors.diastolic}
              hint="The lower number, such as 80."
            />
          </>
        ) : (
          <Field
            label="Value"
            name="value"
            type="text"
            inputMode="decimal"
            autoComplete="off"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            error={errors.value}
            hint={numberHint}
          />
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
  const state = useApiQuery(['observation-history', patientId, id], () => records.history(patientId, id));
  return (
    <Async state={state} label="Loading history…">
      {(page) => (
        <ol className="history">
          {page.items.map((entry) => (
            <li key={entry.id}>
              <strong>
                {entry.original_value} {unitText(entry.original_unit, entry.metric)}
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
    () => reloadRecord(patientId),
  );
  return (
    <form className="correction" onSubmit={submit} noValidate>
      <div className="grid">
        <Field
          label="Corrected value"
          inputMode="decimal"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          error={errors.value}
        />
        <SelectField
          label="Unit"
          value={unit}
          onChange={(e) => setUnit(e.target.value)}
          error={errors.unit}
          options={units.map((u) => ({ value: u, label: unitText(u, entry.metric) }))}
        />
        <Field label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} error={errors.reason} />
      </div>
      <FormError message={formError} />
      <SubmitButton busy={busy}>Save correction</SubmitButton>
    </form>
  );
}

type Panel = { id: number; what: 'history' | 'correct' } | null;

/** A button that opens one panel of one entry (and closes it again). */
function Toggle({
  open,
  id,
  what,
  setOpen,
  children,
}: {
  open: Panel;
  id: number;
  what: 'history' | 'correct';
  setOpen: (p: Panel) => void;
  children: ReactNode;
}) {
  const shown = open?.id === id && open.what === what;
  return (
    <button type="button" aria-expanded={shown} onClick={() => setOpen(shown ? null : { id, what })}>
      {children}
    </button>
  );
}

export function ObservationList({
  patientId,
  canCorrect,
}: {
  patientId: number;
  canCorrect: (entry: Observation) => boolean;
}) {
  const [open, setOpen] = useState<Panel>(null);
  // The filter applied (the form's fields apply on "Show").
  const [filter, setFilter] = useState({ code: '', to: '' });
  const [draft, setDraft] = useState(filter);
  const readings = usePagedQuery(keys.record(patientId, 'observations', filter), (before) =>
    records.observations(patientId, { code: filter.code || undefined, to: filter.to || undefined, limit: 20, before }),
  );
  const filtered = filter.code !== '' || filter.to !== '';
  return (
    <section aria-labelledby="readings">
      <h2 id="readings">Readings</h2>
      <form
        className="row filters"
        aria-label="Filter readings"
        onSubmit={(event) => {
          event.preventDefault();
          setFilter(draft);
        }}
      >
        <SelectField
          label="Measurement"
          name="filter-code"
          value={draft.code}
          onChange={(e) => setDraft((d) => ({ ...d, code: e.target.value }))}
          options={[{ value: '', label: 'All measurements' }, ...CODED.map((m) => ({ value: m.name, label: m.label }))]}
        />
        <Field
          label="Taken on or before"
          name="filter-to"
          type="date"
          value={draft.to}
          onChange={(e) => setDraft((d) => ({ ...d, to: e.target.value }))}
        />
        <button type="submit">Show</button>
        {filtered && (
          <button
            type="button"
            onClick={() => {
              const none = { code: '', to: '' };
              setDraft(none);
              setFilter(none);
            }}
          >
            Clear
          </button>
        )}
      </form>
      <PagedList
        query={readings}
        label="Loading readings…"
        empty={filtered ? 'No readings match.' : 'No readings yet.'}
        more="Show older readings"
        list={(items) => (
          <ul className="obs-list">
            {items.map((entry) => (
              <li key={entry.id} className="obs">
                <div className="obs-main">
                  <span className="obs-name">{metricLabel(entry.metric)}</span>
                  <span className="obs-value">
                    {entry.value} {unitText(entry.unit, entry.metric)}
                    {entry.original_unit !== entry.unit && (
                      <span className="muted">
                        {' '}
                        (entered {entry.original_value} {unitText(entry.original_unit, entry.metric)})
                      </span>
                    )}
                  </span>
                  <Flag flag={entry.flag} />
                </div>
                <div className="obs-meta">
                  {formatDate(entry.effective_at)} ·{' '}
                  {entry.source === 'clinical' ? 'recorded by a doctor' : 'self-reported'}
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
                  <CorrectionForm patientId={patientId} entry={entry} onDone={() => setOpen(null)} />
                )}
              </li>
            ))}
          </ul>
        )}
      />
    </section>
  );
}

export { MetricChart } from './MetricChart';

/** The latest reading of every metric, with its flag. */
export function LatestReadings({ patientId }: { patientId: number }) {
  const state = useApiQuery(keys.record(patientId, 'observations', 'latest'), () =>
    records.observations(patientId, { limit: 200 }),
  );
  return (
    <Card title="Latest vitals and labs" id="latest-title" query={state} label="Loading readings…" reserve="table">
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
                    {entry.value} {unitText(entry.unit, entry.metric)}
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
    </Card>
  );
}
