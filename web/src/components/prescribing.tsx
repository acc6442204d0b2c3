// The prescribing safety check in the doctor's form: the warnings a refused prescription came back
// with (allergies, duplicates), said plainly and focused at once, with the one way on: override
// with a reason. And how an overridden prescription reads wherever it is listed.
import { useEffect, useRef } from 'react';
import { ApiError } from '../api/client';
import type { PrescribingCheck, Prescription } from '../api/records';
import { Field } from './forms';

/** The check of a refused prescription, when the error is one (409 with conflicts). */
export function refusedCheck(error: unknown): PrescribingCheck | undefined {
  if (!(error instanceof ApiError) || error.status !== 409) return undefined;
  const check = error.detail?.check as PrescribingCheck | undefined;
  return check && Array.isArray(check.conflicts) && check.conflicts.length > 0 ? check : undefined;
}

/**
 * The warnings of a refused prescription (role=alert, its heading focused when shown) and the
 * override: a reason of a few words, then `onOverride` sends the prescription again with it.
 * Lives inside the prescription form (its inputs are part of that form).
 */
export function PrescribingWarnings({
  medicine,
  check,
  reason,
  onReason,
  error,
  busy,
  onOverride,
  onCancel,
}: {
  medicine: string;
  check: PrescribingCheck;
  reason: string;
  onReason: (reason: string) => void;
  error?: string;
  busy: boolean;
  onOverride: () => void;
  onCancel: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => heading.current?.focus(), [check]);
  // A refused reason: the focus goes to the field, where its message is.
  useEffect(() => {
    if (error) panel.current?.querySelector<HTMLInputElement>('input[name="override_reason"]')?.focus();
  }, [error]);
  const count = check.conflicts.length;
  return (
    <div className="prescribing-warnings" role="alert" aria-labelledby="prescribing-warnings-title" ref={panel}>
      <h3 id="prescribing-warnings-title" tabIndex={-1} ref={heading}>
        Not prescribed: {count} safety warning{count === 1 ? '' : 's'} for {medicine}
      </h3>
      <ul>
        {check.conflicts.map((conflict) => (
          <li key={conflict.message}>{conflict.message}</li>
        ))}
      </ul>
      <CheckNotes notes={check.notes} />
      <p>
        To prescribe anyway, say why it is safe. The reason is kept with the prescription and shown wherever it is
        listed.
      </p>
      <Field
        label="Reason for the override"
        name="override_reason"
        value={reason}
        onChange={(e) => onReason(e.target.value)}
        error={error}
        hint="A few words, e.g. “tolerated amoxicillin in 2024, allergist confirmed”."
      />
      <div className="row">
        <button type="button" className="primary" onClick={onOverride} disabled={busy} aria-busy={busy}>
          {busy ? 'Prescribing…' : 'Override and prescribe'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** What the check could not check (unknown names, brand names without the medicines table). */
export function CheckNotes({ notes }: { notes: string[] }) {
  if (notes.length === 0) return null;
  return (
    <ul className="check-notes">
      {notes.map((note) => (
        <li key={note}>{note}</li>
      ))}
    </ul>
  );
}

/** Under a listed prescription: it was written despite warnings, and why. */
export function OverrideNote({ prescription }: { prescription: Prescription }) {
  if (!prescription.override) return null;
  return (
    <span className="override-note">
      Prescribed despite{' '}
      {prescription.override.warnings.length === 1
        ? 'a safety warning'
        : `${prescription.override.warnings.length} safety warnings`}
      : “{prescription.override.reason}”
    </span>
  );
}
