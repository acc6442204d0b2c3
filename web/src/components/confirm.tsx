// Asking before an action that is hard to undo: the button turns into a question with "yes" and
// "cancel" in place (focus moves to "yes"; Escape or "cancel" goes back), or, with a reason,
// into a small form whose reason is required.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Field } from './forms';
import { useMutation } from '@tanstack/react-query';
import { queryClient } from '../api/query';

export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  className,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
  className?: string;
}) {
  const [asking, setAsking] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  useEffect(() => {
    if (asking) yes.current?.focus();
    else if (returnFocus.current) opener.current?.focus();
  }, [asking]);
  const cancel = () => {
    returnFocus.current = true;
    setAsking(false);
  };
  if (!asking) {
    return (
      <button ref={opener} type="button" className={className} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span role="group" aria-label={question} className="confirm" onKeyDown={(e) => e.key === 'Escape' && cancel()}>
      <span className="confirm-question">{question}</span>
      <button
        ref={yes}
        type="button"
        className="danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" onClick={cancel}>
        Cancel
      </button>
    </span>
  );
}

/** A button that asks for a reason before it acts (rejecting a doctor, disabling an account). */
export function ReasonButton({
  label,
  reasonLabel,
  hint,
  confirmLabel,
  onConfirm,
  error,
}: {
  label: string;
  reasonLabel: string;
  hint?: string;
  confirmLabel: string;
  onConfirm: (reason: string) => Promise<boolean>;
  error?: string;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const confirm = useMutation({ mutationFn: onConfirm }, queryClient);
  const busy = confirm.isPending;
  const id = useId();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const done = await confirm.mutateAsync(reason.trim());
    if (done) {
      setOpen(false);
      setReason('');
    }
  };
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)}>
        {label}
      </button>
    );
  }
  return (
    <form className="reason-form" onSubmit={submit} noValidate aria-label={label}>
      <Field
        id={id}
        label={reasonLabel}
        hint={hint}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        error={error}
        autoFocus
      />
      <span className="row">
        <button type="submit" className="danger" disabled={busy} aria-busy={busy}>
          {confirmLabel}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </span>
    </form>
  );
}

/**
 * "Cancel this booking" (or appointment) for its patient: asks why (the server requires a reason
 * and shows it to the staff), then runs `cancel`. Each button keeps its own error, so a refusal
 * shows on the item it belongs to.
 */
export function CancelWithReason({
  what,
  hint,
  cancel,
}: {
  what: string;
  hint: string;
  cancel: (reason: string) => Promise<unknown>;
}) {
  const [error, setError] = useState<string>();
  return (
    <ReasonButton
      label={`Cancel this ${what}`}
      reasonLabel="Why are you cancelling?"
      hint={hint}
      confirmLabel={`Cancel the ${what}`}
      error={error}
      onConfirm={async (reason) => {
        setError(undefined);
        if (!reason) {
          setError('Say why you are cancelling.');
          return false;
        }
        await cancel(reason);
        return true;
      }}
    />
  );
}
