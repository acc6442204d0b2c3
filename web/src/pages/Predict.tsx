// Risk prediction: a form per model built from the model's own input description, prefilled
// from the record where a reading exists; every field optional. The result shows probability,
// risk class, the contributions as a bar chart, which inputs were imputed, and the model card.
import { useEffect, useState } from 'react';
import { type ModelInput, type ModelName, predictions, type Prediction, type StoredPrediction } from '../api/endpoints';
import { formatDate } from '../metrics';
import { useSession } from '../auth';
import { ContributionChart } from '../components/lazyCharts';
import { Field, FormError, messageOf, SelectField, SubmitButton, useSubmit } from '../components/forms';
import { Async, useLoad } from '../components/status';
import { Link } from '../router';

const MODELS: { name: ModelName; label: string }[] = [
  { name: 'diabetes', label: 'Diabetes' },
  { name: 'heart', label: 'Heart disease' },
  { name: 'stroke', label: 'Stroke' },
];

export function RiskBadge({ level }: { level: Prediction['risk_class'] }) {
  return <span className={`badge risk-${level}`}>{level} risk</span>;
}

/** The latest stored result of each risk model for a patient. */
export function LatestRisks({ patientId }: { patientId: number }) {
  const risks = useLoad(async () => {
    const page = await predictions.history(patientId, { limit: 50 });
    const latest = new Map<string, StoredPrediction>();
    for (const entry of page.items) if (entry.model !== 'symptom_check' && !latest.has(entry.model)) latest.set(entry.model, entry);
    return [...latest.values()];
  }, [patientId]);
  return (
    <section className="card" aria-labelledby="risk-title">
      <h2 id="risk-title">Latest risk results</h2>
      <Async state={risks} label="Loading risk results…">
        {(items) =>
          items.length === 0 ? (
            <p className="empty">No risk checks yet.</p>
          ) : (
            <ul className="risk-list">
              {items.map((entry) => (
                <li key={entry.model}>
                  <strong className="capitalize">{entry.model}</strong>:{' '}
                  {entry.probability !== null && `${(entry.probability * 100).toFixed(0)}% `}
                  {entry.risk_class && <RiskBadge level={entry.risk_class} />}{' '}
                  <span className="muted">{formatDate(entry.created_at)}</span>
                </li>
              ))}
            </ul>
          )
        }
      </Async>
    </section>
  );
}

/** The form's text for a prefilled value (yes/no inputs may come as booleans). */
function asText(value: number | string | boolean): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

function InputField({ input, value, onChange, error, prefilled }: { input: ModelInput; value: string; onChange: (v: string) => void; error?: string; prefilled: boolean }) {
  const hint = prefilled ? 'From your record.' : undefined;
  if (input.type === 'number') {
    const range = input.min !== undefined && input.max !== undefined ? `${input.min}–${input.max}` : '';
    return (
      <Field
        label={`${input.label}${input.unit ? ` (${input.unit})` : ''}`}
        name={input.name}
        inputMode="decimal"
        value={value}
        placeholder={range}
        onChange={(e) => onChange(e.target.value)}
        error={error}
        hint={hint}
      />
    );
  }
  return (
    <SelectField
      label={input.label}
      name={input.name}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
      hint={hint}
      options={[{ value: '', label: 'Not given' }, ...(input.levels ?? []).map((l) => ({ value: l.name, label: l.label }))]}
    />
  );
}

function Result({ result, labels }: { result: Prediction; labels: Record<string, string> }) {
  const top = result.contributions.filter((c) => Math.abs(c.log_odds) > 0.0005).slice(0, 12);
  return (
    <section className="card result" aria-labelledby="result-title" aria-live="polite">
      <h2 id="result-title">Your estimate</h2>
      <p className="probability">
        <span className="big">{(result.probability * 100).toFixed(0)}%</span> <RiskBadge level={result.risk_class} />
      </p>
      <ul className="summary">
        {result.summary.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <ContributionChart title="What moved the estimate" items={top.map((c) => ({ label: labels[c.feature] ?? c.feature, value: c.log_odds }))} />
      {result.imputed.length > 0 && (
        <div className="imputed">
          <h3>Estimated for you (not given)</h3>
          <ul>
            {result.imputed.map((i) => (
              <li key={i.feature}>
                {labels[i.feature] ?? i.feature}: {i.display}
              </li>
            ))}
          </ul>
        </div>
      )}
      {result.missing.length > 0 && (
        <p className="muted">Not given: {result.missing.map((m) => labels[m] ?? m).join(', ')}.</p>
      )}
      <p className="notice">{result.notice}</p>
      <p>
        <Link to={`/models/${result.model}`}>How this model works (model card)</Link> · version {result.model_version}
      </p>
    </section>
  );
}

function ModelForm({ model, patientId }: { model: ModelName; patientId: number }) {
  const spec = useLoad(() => predictions.spec(model), [model]);
  // What the record fills in (latest readings, age and sex from the profile); the server uses
  // the same values for anything left empty, and says so in the answer.
  const prefill = useLoad(async () => {
    const answer = await predictions.prefill(patientId, model);
    return Object.fromEntries(Object.entries(answer.inputs).map(([k, v]) => [k, asText(v)]));
  }, [patientId, model]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [result, setResult] = useState<Prediction>();
  useEffect(() => {
    setResult(undefined);
  }, [model]);
  useEffect(() => {
    if (prefill.data) setValues(prefill.data);
  }, [prefill.data]);
  const fields = spec.data?.inputs.map((i) => i.name) ?? [];
  const { busy, errors, formError, submit } = useSubmit(
    [...fields, 'inputs'],
    () => {
      const body: Record<string, unknown> = {};
      for (const input of spec.data!.inputs) {
        const text = (values[input.name] ?? '').trim();
        if (!text) continue;
        body[input.name] = input.type === 'number' ? Number(text) : text;
      }
      return predictions.runFor(patientId, model, body);
    },
    setResult,
  );
  return (
    <Async state={spec} label="Loading the model's questions…">
      {(s) => {
        const labels = Object.fromEntries(s.inputs.map((i) => [i.name, i.label]));
        return (
          <div className="columns">
            <form className="card" onSubmit={submit} noValidate aria-label={`${model} risk inputs`}>
              <p className="hint">Every field is optional; the model estimates what you leave out and tells you so.</p>
              {prefill.error !== undefined && (
                <p className="form-error" role="alert">
                  Your record could not be read to fill in the form ({messageOf(prefill.error)}); you can still fill it in.
                </p>
              )}
              <div className="grid">
                {s.inputs.map((input) => (
                  <InputField
                    key={input.name}
                    input={input}
                    value={values[input.name] ?? ''}
                    prefilled={prefill.data?.[input.name] !== undefined && values[input.name] === prefill.data[input.name]}
                    onChange={(v) => setValues((old) => ({ ...old, [input.name]: v }))}
                    error={errors[input.name]}
                  />
                ))}
              </div>
              <FormError message={errors.inputs ?? formError} />
              <SubmitButton busy={busy} busyText="Estimating…">
                Estimate my risk
              </SubmitButton>
            </form>
            {result && <Result result={result} labels={labels} />}
          </div>
        );
      }}
    </Async>
  );
}

export function PredictPage() {
  const { account } = useSession();
  const [model, setModel] = useState<ModelName>('diabetes');
  return (
    <section>
      <h1>Risk check</h1>
      <p>
        Estimates from models trained on public research data: a decision aid to discuss with your doctor, not a
        diagnosis.
      </p>
      <div className="tabs" role="group" aria-label="Model">
        {MODELS.map((m) => (
          <button key={m.name} type="button" aria-pressed={model === m.name} onClick={() => setModel(m.name)}>
            {m.label}
          </button>
        ))}
      </div>
      <ModelForm key={model} model={model} patientId={account!.id} />
    </section>
  );
}
