// What an entry answers besides "saved": urgent advice for a critical reading or symptom (a
// prominent role=alert callout that takes focus, so nobody misses it), and the question a
// possible but unlikely value asks before it is kept ("2000 mg/dL: did you mean 200?").
import { useEffect, useId, useRef } from 'react';
import type { UrgentAdvice } from '../api/records';

/** Moves focus to the element when `key` changes (a new answer), for keyboard and screen readers. */
function useFocusOn<T extends HTMLElement>(key: unknown) {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [key]);
  return ref;
}

export function UrgentAdviceCallout({ advice }: { advice: UrgentAdvice }) {
  const ref = useFocusOn<HTMLDivElement>(advice);
  const id = useId();
  return (
    <div
      className={`urgent urgent-${advice.level}`}
      role="alert"
      tabIndex={-1}
      ref={ref}
      aria-labelledby={`${id}-title`}
    >
      <h3 id={`${id}-title`}>{advice.headline}</h3>
      <ul className="urgent-findings">
        {advice.findings.map((finding) => (
          <li key={finding}>{finding}</li>
        ))}
      </ul>
      <p className="urgent-lead">What to do now:</p>
      <ol className="urgent-steps">
        {advice.do_now.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      <p className="urgent-team">
        <strong>{advice.care_team_text}</strong>
      </p>
    </div>
  );
}

export interface ValueQuestion {
  field: string;
  message: string;
  entered: string;
  suggestions: string[];
}

/** "Is this right?" with a button to keep the value, one per suggestion, and one to change it. */
export function ConfirmValue({
  question,
  busy,
  onConfirm,
  onUse,
  onChange,
}: {
  question: ValueQuestion;
  busy: boolean;
  onConfirm: () => void;
  onUse: (value: string) => void;
  onChange: () => void;
}) {
  const ref = useFocusOn<HTMLDivElement>(question);
  return (
    <div className="confirm-value" role="alert" tabIndex={-1} ref={ref}>
      <p>{question.message}</p>
      <div className="row">
        <button type="button" className="primary" onClick={onConfirm} disabled={busy}>
          Yes, save {question.entered}
        </button>
        {question.suggestions.map((value) => (
          <button key={value} type="button" onClick={() => onUse(value)} disabled={busy}>
            Use {value}
          </button>
        ))}
        <button type="button" onClick={onChange} disabled={busy}>
          Change it
        </button>
      </div>
    </div>
  );
}
