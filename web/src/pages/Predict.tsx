// Risk prediction: a form per model built from the model's own input description, prefilled
// from the record where a reading exists; every field optional. The result shows probability,
// risk class, the contributions as a bar chart, which inputs were imputed, and the model card.
import { useEffect, useState } from 'react';
import { access, type ModelInput, type ModelName, predictions, type Prediction, records } from '../api/endpoints';
import { useSession } from '../auth';
import { ContributionChart } from '../components/charts';
import { Field, FormError, SelectField, SubmitButton, useSubmit } from '../components/forms';
import { Async, useLoad } from '../components/status';
import { rememberRisk } from '../risk';
import { Link } from '../router';

const MODELS: { name: ModelName; label: string }[] = [
  { name: 'diabetes', label: 'Diabetes' },
  { name: 'heart', label: 'Heart disease' },
  { name: 'stroke', label: 'Stroke' },
];

export function RiskBadge({ level }: { level: Prediction['risk_class'] }) {
  return <span className={`badge risk-${level}`}>{level} risk</span>;
}

// Which record metric fills which model input (same unit as the model's).
const FROM_RECORD: Record<string, string> = {
  bmi: 'bmi',
  blood_pressure: 'diastolic_bp',
  resting_bp: 'systolic_bp',
  cholesterol: 'total_cholesterol',
  avg_glucose: 'glucose',
};

function ageOn(dateOfBirth: string, today = new Date()): number {
  const born = new Date(dateOfBirth + 'T00:00:00Z');
  let age = today.getUTCFullYear() - born.getUTCFullYear();
  const before = today.getUTCMonth() < born.getUTCMonth() || (today.getUTCMonth() === born.getUTCMonth() && today.getUTCDate() < born.getUTCDate());
  if (before) age -= 1;
  return age;
}

async function prefillFromRecord(patientId: number): Promise<Record<string, string>> {
  const [profile, page] = await Promise.all([access.profile(patientId), records.observations(patientId, { limit: 200 })]);
  const values: Record<string, string> = {};
  if (profile.date_of_birth) values.age = String(ageOn(profile.date_of_birth));
  if (profile.sex === 'female' || profile.sex === 'male') values.sex = profile.sex;
  for (const [input, metric] of Object.entries(FROM_RECORD)) {
    const found = metric && page.items.find((o) => o.metric === metric);
    if (found) values[input] = String(found.value);
  }
  return values;
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
  const prefill = useLoad(() => prefillFromRecord(patientId).catch(() => ({}) as Record<string, string>), [patientId]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [result, setResult] = useState<Prediction>();
  useEffect(() => {
    setResult(undefined);
  }, [model]);
  useEffect(() => {
    if (spec.data && prefill.data) {
      const names = new Set(spec.data.inputs.map((i) => i.name));
      setValues(Object.fromEntries(Object.entries(prefill.data).filter(([k]) => names.has(k))));
    }
  }, [spec.data, prefill.data]);
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
      return predictions.run(model, body);
    },
    (answer) => {
      rememberRisk(answer);
      setResult(answer);
    },
  );
  return (
    <Async state={spec} label="Loading the model's questions…">
      {(s) => {
        const labels = Object.fromEntries(s.inputs.map((i) => [i.name, i.label]));
        return (
          <div className="columns">
            <form className="card" onSubmit={submit} noValidate aria-label={`${model} risk inputs`}>
              <p className="hint">Every field is optional; the model estimates what you leave out and tells you so.</p>
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
