// The risk check of one model for one patient: a form built from the model's own input
// description (which questions apply to this person, who answers them, where the record holds
// them), prefilled from the record with where each value came from and how old it is, and the
// answer: a number with its band and confidence, or, when too much would be guessed, "not enough
// information" with what to add. Patients are not asked a clinician's test results; doctors are.
import { useEffect, useRef, useState } from 'react';
import type { Body } from '../api/client';
import {
  type Applies,
  type ModelInput,
  type ModelName,
  type ModelSpec,
  predictions,
  type Prediction,
  type Prefill,
  type Prefilled,
  type StoredPrediction,
} from '../api/predict';
import { ContributionChart } from './lazyCharts';
import { Field, FormError, messageOf, parseNumbers, SelectField, SubmitButton, useSubmit } from './forms';
import { useApiQuery } from '../api/query';
import { Async } from './status';
import { WriteGate } from './access';
import { Link } from '../router';
import './predict.css';

export type Audience = 'patient' | 'clinician';

const percent = (p: number) => `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;

/** "A", "A and B", "A, B and C". */
export const joinWords = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

/** A risk class (a stored entry's class is one of the risk classes unless it is a symptom check). */
export function RiskBadge({ level }: { level: NonNullable<StoredPrediction['risk_class']> }) {
  return <span className={`badge risk-${level}`}>{level} risk</span>;
}

/** Whether `when` holds for the values in the form; undefined when the fact is not given. */
export function holds(when: Applies, values: Record<string, string>): boolean | undefined {
  const text = (values[when.input] ?? '').trim();
  if (!text) return undefined;
  if (when.levels) return when.levels.includes(text);
  const number = Number(text.replace(',', '.'));
  if (!Number.isFinite(number)) return undefined;
  if (when.below !== undefined) return number < when.below;
  if (when.at_least !== undefined) return number >= when.at_least;
  return undefined;
}

/** The reason an input is not asked of this person, or undefined when it is asked. */
export function notAsked(input: ModelInput, values: Record<string, string>): string | undefined {
  return input.not_asked_when.find((rule) => holds(rule.when, values) === true)?.reason;
}

/** The inputs this form asks: context first; a clinician's inputs only of clinicians. */
// The form's values once the record's arrive: each field the person has not answered takes the
// record's value (or none), and every answer they gave stays as they gave it, even emptied.
export function withRecordValues(
  current: Record<string, string>,
  fromRecord: Prefill['inputs'],
  answered: ReadonlySet<string>,
): Record<string, string> {
  const next: Record<string, string> = Object.fromEntries(
    Object.entries(fromRecord).map(([name, value]) => [name, asText(value)]),
  );
  for (const name of answered) {
    if (name in current) next[name] = current[name];
  }
  return next;
}

export function askedInputs(spec: ModelSpec, audience: Audience) {
  return spec.inputs.filter((input) => audience === 'clinician' || input.audience === 'patient');
}

function ago(days: number | null): string {
  if (days === null) return '';
  if (days === 0) return 'today';
  if (days === 1) return 'yesterday';
  if (days < 60) return `${days} days ago`;
  return `${Math.round(days / 30)} months ago`;
}

function sourceText(item: Prefilled, audience: Audience): string {
  const whose = audience === 'patient' ? 'your record' : 'the record';
  const detail = item.text ? ` (“${item.text}”)` : '';
  const when = ago(item.age_days);
  return `From ${whose}: ${item.note}${detail}${when ? `, ${when}` : ''}.`;
}

function asText(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return value === undefined || value === null ? '' : String(value);
}

function InputField({
  input,
  value,
  values,
  onChange,
  error,
  source,
}: {
  input: ModelInput;
  value: string;
  values: Record<string, string>;
  onChange: (v: string) => void;
  error?: string;
  source?: string;
}) {
  const hint = [input.help, source].filter(Boolean).join(' ') || undefined;
  if (input.type === 'number') {
    return (
      <Field
        label={`${input.label}${input.unit ? ` (${input.unit})` : ''}`}
        name={input.name}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        error={error}
        hint={hint}
      />
    );
  }
  const levels = (input.levels ?? []).filter((l) => !l.only_when || holds(l.only_when, values) !== false);
  return (
    <SelectField
      label={input.label}
      name={input.name}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
      hint={hint}
      options={[{ value: '', label: 'Not given' }, ...levels.map((l) => ({ value: l.name, label: l.label }))]}
    />
  );
}

function Answer({ result, audience }: { result: Prediction; audience: Audience }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [result]);
  const clinicianAdds = result.add.filter((a) => a.audience === 'clinician');
  if (result.probability === null || result.risk_class === null) {
    return (
      <section className="card result insufficient" aria-labelledby="result-title">
        <div role="alert">
          <h2 id="result-title" ref={heading} tabIndex={-1}>
            Not enough information for an estimate
          </h2>
          <p>
            {percent(result.confidence.guessed_share)} of what this model relies on would have to be guessed, so it
            gives no number. Add {joinWords(result.add.map((a) => a.label))}, then check again.
          </p>
        </div>
        <h3>Add these first</h3>
        <ul className="add-list">
          {result.add.map((a) => (
            <li key={a.feature}>
              {a.label}
              {a.audience === 'clinician' && <span className="muted"> — from a test a clinician does</span>}
            </li>
          ))}
        </ul>
        {clinicianAdds.length > 0 && (
          <p>
            {audience === 'patient'
              ? 'Some of these come from tests a clinician does: ask your doctor, who can run this check with your results.'
              : 'These are test results: enter them in the form if the patient has had the tests.'}
          </p>
        )}
        <p className="notice">{result.notice}</p>
        <p>
          <Link to={`/models/${result.model}`}>How this model works</Link>
        </p>
      </section>
    );
  }
  const top = result.contributions.filter((c) => Math.abs(c.log_odds) > 0.0005).slice(0, 12);
  return (
    <section className="card result" aria-labelledby="result-title">
      <div role="status">
        <h2 id="result-title" ref={heading} tabIndex={-1}>
          {audience === 'patient' ? 'Your estimate' : 'Estimate'}:{' '}
          <span className="big">{percent(result.probability)}</span>
        </h2>
        <p className="probability">
          <RiskBadge level={result.risk_class} />
          {result.confidence.level === 'low' && <span className="low-confidence">low confidence</span>}
        </p>
        <p className={result.confidence.level === 'low' ? 'warning-box' : 'muted'}>{result.message}</p>
      </div>
      <p className="muted">
        The average person in the data the model learned from: {percent(result.average_probability)}. Low means under
        half their odds, high at least twice.
      </p>
      <h3>What moved the estimate</h3>
      <ul className="summary">
        {result.summary.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <ContributionChart
        title="What moved the estimate"
        items={top.map((c) => ({ label: c.label, value: c.log_odds }))}
      />
      {result.fixed.length > 0 && (
        <>
          <h3>Not asked</h3>
          <ul>
            {result.fixed.map((f) => (
              <li key={f.feature}>{f.reason}</li>
            ))}
          </ul>
        </>
      )}
      {result.imputed.length > 0 && (
        <div className="imputed">
          <h3>Estimated because not given</h3>
          <ul>
            {result.imputed.map((i) => (
              <li key={i.feature}>
                {result.contributions.find((c) => c.feature === i.feature)?.label ?? i.feature}: {i.display}
              </li>
            ))}
          </ul>
        </div>
      )}
      <p className="notice">{result.notice}</p>
      <p>
        <Link to={`/models/${result.model}`}>How this model works (model card)</Link> · version {result.model_version}
      </p>
    </section>
  );
}

function ModelForm({ model, patientId, audience }: { model: ModelName; patientId: number; audience: Audience }) {
  const spec = useApiQuery(['model-spec', model], () => predictions.spec(model));
  const prefill = useApiQuery(['prefill', patientId, model], () => predictions.prefill(patientId, model));
  const [values, setValues] = useState<Record<string, string>>({});
  const [result, setResult] = useState<Prediction>();
  const form = useRef<HTMLFormElement>(null);
  // The form takes the record's values each time they arrive, but never over an answer the
  // person has given: the record can arrive after they started, or change while the form is open.
  const [prefilledFrom, setPrefilledFrom] = useState<Prefill>();
  const [answered, setAnswered] = useState<ReadonlySet<string>>(new Set());
  if (prefill.data && prefill.data !== prefilledFrom) {
    const arrived = prefill.data;
    setPrefilledFrom(arrived);
    setValues((old) => withRecordValues(old, arrived.inputs, answered));
  }
  const inputs = spec.data ? askedInputs(spec.data, audience) : [];
  const numberTexts = (asked: ModelInput[]) =>
    Object.fromEntries(asked.filter((i) => i.type === 'number').map((i) => [i.name, values[i.name] ?? '']));
  const { busy, errors, formError, submit, setErrors } = useSubmit(
    [...inputs.map((i) => i.name), 'inputs'],
    async () => {
      // `check` below has refused the form unless every number parses.
      const asked = inputs.filter((i) => !notAsked(i, values));
      const numbers = parseNumbers(numberTexts(asked));
      const body: Body<'predictForPatient'> = {};
      for (const input of asked) {
        const text = (values[input.name] ?? '').trim();
        const value = input.type === 'number' ? numbers.values[input.name] : text;
        if (text && value !== undefined) body[input.name] = value;
      }
      return predictions.runFor(patientId, model, body);
    },
    setResult,
  );
  // Every field that is not a number gets its own message, and nothing is sent.
  const check = (event: React.FormEvent) => {
    const numbers = parseNumbers(numberTexts(inputs.filter((i) => !notAsked(i, values))));
    if (!numbers.ok) {
      event.preventDefault();
      setErrors(numbers.errors);
      setResult(undefined);
      return;
    }
    void submit(event);
  };
  useEffect(() => {
    if (Object.keys(errors).length > 0) form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);
  const sources = new Map((prefill.data?.prefilled ?? []).map((p) => [p.feature, p]));
  return (
    <Async state={spec} label="Loading the model's questions…">
      {(s) => (
        <div className="columns">
          <form className="card" ref={form} onSubmit={check} noValidate aria-label={`${s.title ?? model} inputs`}>
            <p className="hint">
              Every question is optional; the model estimates what you leave out and says how much it had to guess.
              {audience === 'patient' &&
                inputs.length < s.inputs.length &&
                ' Test results only a clinician has are not asked here.'}
            </p>
            {prefill.error && (
              <p className="form-error" role="alert">
                The record could not be read to fill in the form ({messageOf(prefill.error)}); you can still fill it in.
              </p>
            )}
            <div className="grid">
              {inputs.map((input) => {
                const reason = notAsked(input, values);
                if (reason) {
                  return (
                    <p key={input.name} className="not-asked">
                      <strong>{input.label}:</strong> {reason}.
                    </p>
                  );
                }
                const source = sources.get(input.name);
                const fromRecord =
                  source && values[input.name] === asText(source.value) ? sourceText(source, audience) : undefined;
                return (
                  <InputField
                    key={input.name}
                    input={input}
                    value={values[input.name] ?? ''}
                    values={values}
                    source={fromRecord}
                    onChange={(v) => {
                      setAnswered((was) => new Set(was).add(input.name));
                      setValues((old) => ({ ...old, [input.name]: v }));
                    }}
                    error={errors[input.name]}
                  />
                );
              })}
            </div>
            <FormError message={errors.inputs ?? formError} />
            {audience === 'patient' ? (
              <SubmitButton busy={busy} busyText="Estimating…">
                Estimate my risk
              </SubmitButton>
            ) : (
              // A check is stored in the record: a doctor runs one with the patient's consent to
              // add (the questions can be read without it).
              <WriteGate patientId={patientId}>
                <SubmitButton busy={busy} busyText="Estimating…">
                  Estimate the risk
                </SubmitButton>
              </WriteGate>
            )}
          </form>
          {result && <Answer result={result} audience={audience} />}
        </div>
      )}
    </Async>
  );
}

const MODELS: { name: ModelName; label: string }[] = [
  { name: 'diabetes', label: 'Diabetes' },
  { name: 'heart', label: 'Heart disease' },
  { name: 'stroke', label: 'Stroke' },
];

/** The three models as tabs over one form. */
export function RiskCheck({ patientId, audience }: { patientId: number; audience: Audience }) {
  const [model, setModel] = useState<ModelName>('diabetes');
  return (
    <>
      <div className="tabs" role="group" aria-label="Model">
        {MODELS.map((m) => (
          <button key={m.name} type="button" aria-pressed={model === m.name} onClick={() => setModel(m.name)}>
            {m.label}
          </button>
        ))}
      </div>
      <ModelForm key={model} model={model} patientId={patientId} audience={audience} />
    </>
  );
}
