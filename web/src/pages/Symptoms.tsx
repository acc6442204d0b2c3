// The symptom checker with its triage advice. (The symptom tracker joins here when the records
// module's symptom log lands.)
import { useState } from 'react';
import { predictions, type SymptomCheck } from '../api/endpoints';
import { Field, FormError, SubmitButton, useSubmit } from '../components/forms';
import { Async, useLoad } from '../components/status';
import { SymptomTracker } from '../components/clinical';
import { useSession } from '../auth';
import { FEATURES } from '../features';

const TRIAGE: Record<SymptomCheck['triage']['level'], string> = {
  urgent: 'Get urgent care now',
  see_a_doctor: 'See a doctor soon',
  self_care: 'Self-care is probably enough',
};

const pretty = (name: string) => name.replace(/_/g, ' ');

export function SymptomsPage() {
  const { account } = useSession();
  const vocabulary = useLoad(() => predictions.symptoms(), []);
  const [chosen, setChosen] = useState<string[]>([]);
  const [text, setText] = useState('');
  const [result, setResult] = useState<SymptomCheck>();
  const [addError, setAddError] = useState<string>();
  const { busy, errors, formError, submit } = useSubmit(['symptoms'], () => predictions.checkSymptoms(chosen), setResult);
  const add = (names: string[]) => {
    const wanted = text.trim().toLowerCase().replace(/\s+/g, '_');
    if (!wanted) return;
    if (!names.includes(wanted)) {
      setAddError(`“${text.trim()}” is not in the list; pick a suggestion.`);
      return;
    }
    setAddError(undefined);
    if (!chosen.includes(wanted)) setChosen([...chosen, wanted]);
    setText('');
  };
  return (
    <section>
      <h1>Symptoms</h1>
      {FEATURES.clinical && <SymptomTracker patientId={account!.id} />}
      <h2>Symptom checker</h2>
      <p>Suggestions from a small teaching dataset, with advice on how soon to seek care. Not a diagnosis.</p>
      <Async state={vocabulary} label="Loading symptoms…">
        {({ symptoms }) => (
          <div className="columns">
            <form className="card" onSubmit={submit} noValidate>
              <div className="row add-symptom">
                <Field
                  label="Symptom to check"
                  name="symptom"
                  list="symptom-names"
                  value={text}
                  onChange={(e) => setText(e.target.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') {
                      e.preventDefault();
                      add(symptoms);
                    }
                  }}
                  error={addError ?? errors.symptoms}
                />
                <datalist id="symptom-names">
                  {symptoms.map((s) => (
                    <option key={s} value={pretty(s)} />
                  ))}
                </datalist>
                <button type="button" onClick={() => add(symptoms)}>
                  Add
                </button>
              </div>
              {chosen.length > 0 && (
                <ul className="chips" aria-label="Chosen symptoms">
                  {chosen.map((s) => (
                    <li key={s}>
                      {pretty(s)}{' '}
                      <button type="button" aria-label={`Remove ${pretty(s)}`} onClick={() => setChosen(chosen.filter((c) => c !== s))}>
                        ×
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              <FormError message={formError} />
              <SubmitButton busy={busy} busyText="Checking…">
                Check
              </SubmitButton>
            </form>
            {result && (
              <section className="card" aria-live="polite" aria-labelledby="triage-title">
                <h2 id="triage-title" className={`triage triage-${result.triage.level}`}>
                  {TRIAGE[result.triage.level]}
                </h2>
                <ul>
                  {result.triage.reasons.map((r) => (
                    <li key={r}>{r}</li>
                  ))}
                </ul>
                <h3>Possible conditions</h3>
                <ol className="conditions">
                  {result.conditions.map((c) => (
                    <li key={c.condition}>
                      <strong>{c.condition}</strong> ({(c.probability * 100).toFixed(0)}%)
                      <p>{c.description}</p>
                      {c.precautions.length > 0 && <p className="muted">Precautions: {c.precautions.join('; ')}</p>}
                    </li>
                  ))}
                </ol>
                <p className="notice">{result.notice}</p>
              </section>
            )}
          </div>
        )}
      </Async>
    </section>
  );
}
