// Accessible form parts: every input has a label, a hint and its server error next to it
// (aria-invalid + aria-describedby), and a form-level error for anything without a field.
import {
  useEffect,
  useId,
  useRef,
  useState,
  type FormEvent,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';
import { useMutation } from '@tanstack/react-query';
import { currencySymbol, minorDigits } from '../api/care';
import { ApiError, type Cursor, type Page } from '../api/client';
import { queryClient } from '../api/query';

export interface FieldErrors {
  [field: string]: string | undefined;
}

interface FieldShell {
  label: string;
  error?: string;
  hint?: ReactNode;
}

/** Label, control, hint and error, tied together by ids (aria-describedby, aria-invalid). */
function Shell({
  label,
  error,
  hint,
  id,
  className,
  control,
}: FieldShell & {
  id?: string;
  className?: string;
  control: (props: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode;
}) {
  const auto = useId();
  const controlId = id ?? auto;
  const describedBy = [hint ? `${controlId}-hint` : '', error ? `${controlId}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className={'field' + (error ? ' field-invalid' : '') + (className ? ' ' + className : '')}>
      <label htmlFor={controlId}>{label}</label>
      {control({
        id: controlId,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': describedBy || undefined,
      })}
      {hint && (
        <p className="hint" id={`${controlId}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${controlId}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function Field({
  label,
  error,
  hint,
  id,
  className,
  ...input
}: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <Shell
      label={label}
      error={error}
      hint={hint}
      id={id}
      className={className}
      control={(props) => <input {...props} {...input} />}
    />
  );
}

export function SelectField({
  label,
  error,
  hint,
  id,
  options,
  className,
  ...select
}: FieldShell & SelectHTMLAttributes<HTMLSelectElement> & { options: { value: string; label: string }[] }) {
  return (
    <Shell
      label={label}
      error={error}
      hint={hint}
      id={id}
      className={className}
      control={(props) => (
        <select {...props} {...select}>
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    />
  );
}

/** A text box of several lines (a list typed one entry per line). */
export function TextAreaField(props: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const { label, error, hint, id, className, ...textarea } = props;
  const shell = { label, error, hint, id, className };
  return <Shell {...shell} control={(ids) => <textarea rows={4} {...ids} {...textarea} />} />;
}

/** A price typed in major units of `currency`, e.g. "4.99" (readPrice reads it back exactly). */
export function PriceField({
  currency,
  example,
  ...input
}: Omit<FieldShell, 'label' | 'hint'> & InputHTMLAttributes<HTMLInputElement> & { currency: string; example: string }) {
  return (
    <Field
      label={`Price (${currencySymbol(currency)})`}
      inputMode="decimal"
      hint={minorDigits(currency) > 0 ? `e.g. ${example}` : undefined}
      {...input}
    />
  );
}

/**
 * A number as people type it: "5.8", "5,8" (decimal comma), " -1.5 ", "120". Empty text is
 * `{ ok: true, value: undefined }` (the field was left out); anything else that is not one plain
 * number is an error in people's words, never a silent `null`. "1,500" is refused as ambiguous
 * (1.5 or 1500?), as is text holding both a point and a comma.
 */
export type ParsedNumber = { ok: true; value: number | undefined } | { ok: false; message: string };

export function parseNumber(text: string, example = '5.8'): ParsedNumber {
  const trimmed = text.trim().replace(/\u2212/g, '-');
  if (trimmed === '') return { ok: true, value: undefined };
  const hint = `Enter a number such as ${example}.`;
  if (!/^[-+]?(\d+([.,]\d*)?|[.,]\d+)$/.test(trimmed)) return { ok: false, message: hint };
  if (/^[-+]?[1-9]\d{0,2},\d{3}$/.test(trimmed)) {
    const [whole, part] = trimmed.split(',');
    return {
      ok: false,
      message: `Did you mean ${Number(`${whole}.${part}`)} or ${whole}${part}? Write it without a thousands separator.`,
    };
  }
  const value = Number(trimmed.replace(',', '.'));
  return Number.isFinite(value) ? { ok: true, value } : { ok: false, message: hint };
}

/**
 * A required number a person typed, read by parseNumber; throws the problem in their words,
 * naming `what` (the form shows it), when it is empty or not a number.
 */
export function requireNumber(text: string, what: string, example: string): number {
  const parsed = parseNumber(text, example);
  if (!parsed.ok) throw new Error(`${what}: ${parsed.message}`);
  if (parsed.value === undefined) throw new Error(`${what} is required: enter a number such as ${example}.`);
  return parsed.value;
}

/**
 * An amount of money a person typed ("12.50", "12,5", "12"), as whole minor units (1250) of a
 * currency with `digits` decimals (2 for pounds, 0 for yen). Read by parseNumber (the same
 * messages), then converted from the text itself, never through floating point: 0.29 × 100 is
 * 28.999… in binary. Throws, naming `what`, when it is empty, negative or has too many decimals.
 */
export function requireMoney(text: string, what: string, digits: number, example: string): number {
  if (requireNumber(text, what, example) < 0) throw new Error(`${what}: enter an amount of 0 or more.`);
  const [whole, fraction = ''] = text
    .trim()
    .replace(/^[-+\u2212]/, '')
    .split(/[.,]/);
  if (fraction.length > digits) {
    throw new Error(
      digits === 0
        ? `${what}: enter a whole amount such as ${example}.`
        : `${what}: enter at most ${digits} decimal places, such as ${example}.`,
    );
  }
  const minor = Number(whole || '0') * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(minor)) throw new Error(`${what}: enter a smaller amount.`);
  return minor;
}

/**
 * A price typed in major units ("12.50"), as whole minor units of `currency` (1250), exactly
 * (requireMoney); a mistake goes beside the `price_minor` field.
 */
export function readPrice(text: string, currency: string): number {
  const digits = minorDigits(currency);
  return readField('price_minor', () => requireMoney(text, 'Price', digits, digits > 0 ? '25.50' : '2550'));
}

/**
 * The fields of `typed` whose value differs from `current`'s: what an edit sends (PATCH), so it
 * never writes back a field another admin changed meanwhile and this one left alone; undefined
 * when nothing changed.
 */
export function changedFields<T extends object>(typed: T, current: object): Partial<T> | undefined {
  const was = current as Record<string, unknown>;
  const changed = Object.entries(typed).filter(
    ([field, value]) => JSON.stringify(value) !== JSON.stringify(was[field]),
  );
  return changed.length ? (Object.fromEntries(changed) as Partial<T>) : undefined;
}

/** The server's price bound (price_minor, 0 to 100,000,000 minor units) in plain words, for fieldWords. */
export const PRICE_IN_WORDS = { price_minor: 'Enter a price from 0 up to 1,000,000.00.' };

/**
 * How a form says the server's field errors in plain words. The server names the field at fault
 * in its own terms ("price_minor must be 0 to 100000000"): `rules[field]` says it instead, or the
 * message keeps its words with the field named as people would (`names[field]`, else the field
 * capitalised). Errors found before sending (readField) are already in the form's words.
 */
export function fieldWords(rules: Record<string, string>, names: Record<string, string> = {}) {
  return (errors: FieldErrors, field: string): string | undefined => {
    const message = errors[field];
    if (!message || !message.startsWith(field)) return message;
    if (rules[field]) return rules[field];
    const name = names[field] ?? field.charAt(0).toUpperCase() + field.slice(1);
    return name + message.slice(field.length) + '.';
  };
}

/**
 * A mistake in one field found before anything is sent: useSubmit shows it beside that field,
 * as it does the server's errors that name a field.
 */
export class FieldError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'FieldError';
    this.field = field;
  }
}

/** Runs `read` (e.g. requireNumber) for the form field `field`; what it throws goes beside that field. */
export function readField<T>(field: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new FieldError(field, messageOf(error));
  }
}

/**
 * Numbers of a form's fields, checked before anything is sent: `values` holds each parsed number
 * (undefined for empty fields), `errors` a message per field that is not a number.
 */
export function parseNumbers<K extends string>(texts: Record<K, string>, example?: string) {
  const values = {} as Record<K, number | undefined>;
  const errors: FieldErrors = {};
  for (const key of Object.keys(texts) as K[]) {
    const parsed = parseNumber(texts[key], example);
    if (parsed.ok) values[key] = parsed.value;
    else errors[key] = parsed.message;
  }
  return { values, errors, ok: Object.keys(errors).length === 0 };
}

/** A form's text fields as one state object; `set(name)` is the change handler of one field. */
export function useFields<T extends Record<string, string>>(initial: T) {
  const [fields, setFields] = useState<T>(initial);
  const set = (name: keyof T) => (event: { target: { value: string } }) =>
    setFields((f) => ({ ...f, [name]: event.target.value }));
  return [fields, set, setFields] as const;
}

/**
 * `value`, once it has stopped changing for `ms`: a search as you type asks the server when
 * typing pauses, not at every key.
 */
export function useDebounced<T>(value: T, ms = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * The confirmation after a form saved something. The live region is always in the page and only
 * its text changes, which is what screen readers announce (a region inserted with its text often
 * is not).
 */
export function Saved({ message }: { message?: string }) {
  return (
    <p role="status" className={message ? 'saved' : 'saved empty-status'}>
      {message ?? ''}
    </p>
  );
}

/** "Load older" for cursor-paged lists; hidden on the last page. */
export function MoreButton({
  hasMore,
  busy,
  onClick,
  label = 'Older entries',
}: {
  hasMore: boolean;
  busy: boolean;
  onClick: () => void;
  label?: string;
}) {
  if (!hasMore) return null;
  return (
    <button type="button" onClick={onClick} disabled={busy} aria-busy={busy}>
      {busy ? 'Loading…' : label}
    </button>
  );
}

/**
 * A button's action on a list, through TanStack Query's useMutation: runs it, then `changed`
 * (reloads what it changed); keeps the error to show.
 */
export function useAction(changed: () => void) {
  const [error, setError] = useState<string>();
  const mutation = useMutation(
    {
      mutationFn: (what: () => Promise<unknown>) => what(),
      // Not awaited: the action is done when the server says so, not when the list has reloaded.
      onSuccess: () => {
        changed();
      },
    },
    queryClient,
  );
  const run = async (what: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await mutation.mutateAsync(what);
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  return { error, run };
}

export function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <div className="form-error" role="alert">
      {message}
    </div>
  );
}

/** Plain text of any thrown value, for the user. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429 && error.retryAfter) return `${error.message} (try again in ${error.retryAfter} s)`;
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

/**
 * One form's write, through TanStack Query's useMutation: runs `action`; on success starts
 * `changed` (reloading the queries the write changes; not awaited, so the form is done at once)
 * and calls `onDone`. A server error (or a FieldError) naming a known field goes to that field,
 * any other to the form. `fields` lists the field names the form shows.
 */
export function useSubmit<T>(
  fields: string[],
  action: () => Promise<T>,
  onDone?: (result: T) => void,
  changed?: (result: T) => unknown,
) {
  const mutation = useMutation(
    {
      mutationFn: (run: () => Promise<T>) => run(),
      onSuccess: (result: T) => {
        changed?.(result);
      },
    },
    queryClient,
  );
  // Set at once (the mutation's own state reaches the view a moment later): no second submit.
  const running = useRef(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  // After a failed submit, focus goes to the first field in error (or the form's error), so
  // keyboard and screen-reader users land on what to fix instead of the page's start.
  const form = useRef<HTMLFormElement | null>(null);
  const [failures, setFailures] = useState(0);
  useEffect(() => {
    if (failures === 0) return;
    const target = form.current?.querySelector<HTMLElement>('[aria-invalid="true"], .form-error');
    if (!target) return;
    if (!target.matches('input, select, textarea, button')) target.tabIndex = -1;
    target.focus();
  }, [failures]);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (event?.currentTarget instanceof HTMLFormElement) form.current = event.currentTarget;
    if (running.current) return;
    running.current = true;
    setErrors({});
    setFormError(undefined);
    try {
      const result = await mutation.mutateAsync(action);
      onDone?.(result);
    } catch (error) {
      if ((error instanceof ApiError || error instanceof FieldError) && error.field && fields.includes(error.field)) {
        setErrors({ [error.field]: error.message });
      } else {
        setFormError(messageOf(error));
      }
      setFailures((n) => n + 1);
    } finally {
      running.current = false;
    }
  };
  return { busy: mutation.isPending, errors, formError, submit, setErrors, setFormError };
}

/**
 * A search form over a paged list (the administrators' account and audit searches): `search`
 * loads the first page for the form's filter (`load(undefined)`), `more` the next page after
 * the items shown; `MoreResults` is its "more" button with its error.
 */
export function usePagedSearch<T>(
  fields: string[],
  load: (before: Cursor | undefined) => Promise<Page<T>>,
  onSearched?: () => void,
) {
  const [items, setItems] = useState<T[]>();
  const [next, setNext] = useState<Cursor | null>(null);
  const search = useSubmit(
    fields,
    () => load(undefined),
    (page) => {
      onSearched?.();
      setItems(page.items);
      setNext(page.next);
    },
  );
  const more = useSubmit(
    [],
    () => load(next ?? undefined),
    (page) => {
      setItems((old) => [...(old ?? []), ...page.items]);
      setNext(page.next);
    },
  );
  return { items, setItems, search, more, hasMore: next !== null };
}

export function MoreResults({
  paged,
  label,
}: {
  paged: Pick<ReturnType<typeof usePagedSearch>, 'more' | 'hasMore'>;
  label?: string;
}) {
  return (
    <>
      <FormError message={paged.more.formError} />
      <MoreButton hasMore={paged.hasMore} busy={paged.more.busy} onClick={() => paged.more.submit()} label={label} />
    </>
  );
}

/** While busy the button says so but stays focusable (a disabled button would drop focus). */
export function SubmitButton({ busy, children, busyText }: { busy: boolean; children: ReactNode; busyText?: string }) {
  return (
    <button type="submit" className="primary" aria-disabled={busy || undefined} aria-busy={busy}>
      {busy ? (busyText ?? 'Working…') : children}
    </button>
  );
}
