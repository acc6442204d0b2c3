// One symptom flow: pick your symptoms (from the list, or in your own words), say how bad it is
// and since when; they are logged to your record and checked in one step. The answer says
// plainly what to do now and why (taking warning readings of the last 24 hours into account),
// then which conditions often come with those symptoms.
import { useEffect, useRef, useState } from 'react';
import { predictions, type SavedSymptomCheck, type SymptomCheck, type TriageLevel } from '../api/predict';
import { clinical } from '../api/records';
import { ApiError } from '../api/client';
import { Field, FormError, SubmitButton, useSubmit } from './forms';
import { useApiQuery } from '../api/query';
import { Link } from '../router';
import './predict.css';

const HEADLINE: Record<TriageLevel, string> = {
  emergency: 'Call your emergency number now',
  urgent: 'See a doctor today',
  see_a_doctor: 'See a doctor in the next few days',
  self_care: 'Self-care is probably enough for now',
};

/** What to do now; `careTeam` says whether the patient's care team was alerted (saved checks). */
export function TriageCallout({ triage, careTeam }: { triage: SymptomCheck['triage']; careTeam?: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [triage]);
  const serious = triage.level === 'emergency' || triage.level === 'urgent';
  return (
    <div className={`triage-callout triage-${triage.level}`} role={serious ? 'alert' : 'status'}>
      <h2 id="triage-title" ref={heading} tabIndex={-1}>
        {HEADLINE[triage.level]}
      </h2>
      {triage.action !== `${HEADLINE[triage.level]}.` && <p className="triage-action">{triage.action}</p>}
      {careTeam && (
        <p className="urgent-team">
          <strong>{careTeam}</strong>
        </p>
      )}
      <h3>Why</h3>
      <ul>
        {triage.reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
    </div>
  );
}

const isoOrUndefined = (local: string) => (local ? new Date(local).toISOString() : undefined);

/** The symptom check of a signed-in patient; `onLogged` runs after the symptoms are saved. */
export function SymptomCheckForm({ patientId, onLogged }: { patientId: number; onLogged: () => void }) {
  const vocabulary = useApiQuery(['symptom-vocabulary'], () => clinical.vocabulary());
  const [chosen, setChosen] = useState<{ key?: string; label: string }[]>([]);
  const [text, setText] = useState('');
  const [severity, setSeverity] = useState('5');
  const [onset, setOnset] = useState('');
  const [notes, setNotes] = useState('');
  const [addError, setAddError] = useState<string>();
  const [result, setResult] = useState<SavedSymptomCheck>();
  const { busy, errors, formError, submit } = useSubmit(
    ['symptoms', 'other_symptoms', 'severity', 'onset_at', 'notes'],
    async () => {
      if (chosen.length === 0)
        throw new ApiError(422, 'validation_failed', 'Add at least one symptom first.', 'symptoms');
      return predictions.saveSymptomCheck(patientId, {
        symptoms: chosen.filter((c) => c.key).map((c) => c.key!),
        other_symptoms: chosen.filter((c) => !c.key).map((c) => c.label),
        severity: Number(severity),
        onset_at: isoOrUndefined(onset),
        notes: notes.trim() || undefined,
      });
    },
    (check) => {
      setResult(check);
      setChosen([]);
      setNotes('');
      setOnset('');
      onLogged();
    },
  );
  const add = () => {
    const wanted = text.trim();
    if (!wanted) return;
    const items = vocabulary.data?.items ?? [];
    const found = items.find(
      (i) => i.label.toLowerCase() === wanted.toLowerCase() || i.key === wanted.toLowerCase().replace(/\s+/g, '_'),
    );
    const entry = found ? { key: found.key, label: found.label } : { label: wanted };
    setAddError(undefined);
    if (!chosen.some((c) => c.label.toLowerCase() === entry.label.toLowerCase())) setChosen([...chosen, entry]);
    setText('');
  };
  const ownWords = chosen.filter((c) => !c.key);
  return (
    <div className="columns">
      <form className="card" onSubmit={submit} noValidate aria-labelledby="check-title">
        <h2 id="check-title">Log and check your symptoms</h2>
        <p className="hint">They are saved to your symptom log, and you get advice on what to do now.</p>
        <div className="row add-symptom">
          <Field
            label="Symptom"
            name="symptom"
            list="symptom-names"
            value={text}
            autoComplete="off"
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            }}
            hint="Pick from the suggestions, or describe it in your own words."
            error={addError ?? errors.symptoms ?? errors.other_symptoms}
          />
          <datalist id="symptom-names">
            {vocabulary.data?.items.map((i) => (
              <option key={i.key} value={i.label} />
            ))}
          </datalist>
          <button type="button" onClick={add}>
            Add
          </button>
        </div>
        {chosen.length > 0 && (
          <ul className="chips" aria-label="Your symptoms">
            {chosen.map((c) => (
              <li key={c.label}>
                {c.label}{' '}
                <button
                  type="button"
                  aria-label={`Remove ${c.label}`}
                  onClick={() => setChosen(chosen.filter((o) => o !== c))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        {ownWords.length > 0 && (
          <p className="hint">Symptoms in your own words are logged; the checker only knows the ones from the list.</p>
        )}
        <Field
          label={`How bad is it now: ${severity} of 10`}
          name="severity"
          type="range"
          min={1}
          max={10}
          step={1}
          value={severity}
          onChange={(e) => setSeverity(e.target.value)}
          error={errors.severity}
        />
        <Field
          label="When did it start? (optional)"
          name="onset_at"
          type="datetime-local"
          value={onset}
          onChange={(e) => setOnset(e.target.value)}
          error={errors.onset_at}
        />
        <Field
          label="Notes (optional)"
          name="notes"
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
          error={errors.notes}
        />
        <FormError message={formError} />
        <SubmitButton busy={busy} busyText="Checking…">
          Log and check
        </SubmitButton>
      </form>
      {result && (
        <section className="card" aria-labelledby="triage-title">
          <TriageCallout triage={result.triage} careTeam={result.advice?.care_team_text} />
          {result.conditions.length > 0 && (
            <>
              <h3>Conditions that often come with these symptoms</h3>
              <ol className="conditions">
                {result.conditions.map((c) => (
                  <li key={c.condition}>
                    <strong>{c.condition}</strong> ({(c.probability * 100).toFixed(0)}% among the 41 conditions the
                    checker knows)
                    <p>{c.description}</p>
                    {c.precautions.length > 0 && <p className="muted">What helps: {c.precautions.join('; ')}.</p>}
                  </li>
                ))}
              </ol>
            </>
          )}
          <p className="notice">{result.notice}</p>
          <p>
            <Link to="/models/symptoms">How the symptom checker works</Link>
          </p>
        </section>
      )}
    </div>
  );
}
