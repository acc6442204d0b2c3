// Allergies as a list: the patient's editor (one row per allergy: substance, reaction, severity;
// add and remove rows; "no known allergies" when there are none) and how an allergy reads
// wherever it is shown (the profile, the doctor's banner).
import { useEffect, useRef } from 'react';
import type { Allergy, AllergySeverity } from '../api/records';
import { Field, SelectField, type FieldErrors } from './forms';

export const SEVERITIES: { value: AllergySeverity; label: string }[] = [
  { value: 'unknown', label: 'Not known' },
  { value: 'mild', label: 'Mild' },
  { value: 'moderate', label: 'Moderate' },
  { value: 'severe', label: 'Severe' },
];

export function severityLabel(severity: AllergySeverity): string {
  return SEVERITIES.find((s) => s.value === severity)?.label ?? severity;
}

const SEVERITY_CLASS: Record<AllergySeverity, string> = {
  severe: 'severity-critical',
  moderate: 'severity-moderate',
  mild: 'severity-low',
  unknown: 'severity-info',
};

/** What the prescribing check understands a saved allergy as, in words (or why it cannot). */
export function allergyMeaning(allergy: Allergy): string | undefined {
  const meaning = allergy.resolves_to;
  if (!meaning) return undefined;
  if (!meaning.checked) return meaning.note ?? undefined;
  const names = [...meaning.ingredients, ...meaning.classes.map((c) => c.name.replace(/ \(.*\)$/, '').toLowerCase())];
  return `Prescriptions are checked against it as ${names.join(', ')}.`;
}

/** "Penicillin [Severe] anaphylaxis". */
export function AllergyText({ allergy }: { allergy: Allergy }) {
  return (
    <>
      <strong>{allergy.substance}</strong>{' '}
      <span className={`badge ${SEVERITY_CLASS[allergy.severity] ?? 'severity-info'}`}>
        {allergy.severity === 'unknown' ? 'severity not known' : severityLabel(allergy.severity)}
      </span>
      {allergy.reaction && <> {allergy.reaction}</>}
    </>
  );
}

export interface AllergyRow {
  key: number;
  substance: string;
  reaction: string;
  severity: AllergySeverity;
}

let nextKey = 1;
export const toRows = (allergies: Allergy[]): AllergyRow[] =>
  allergies.map((a) => ({ key: nextKey++, substance: a.substance, reaction: a.reaction ?? '', severity: a.severity }));

/** The server's field codes of each row, for mapping its errors onto the inputs. */
export const rowFields = (rows: AllergyRow[]) =>
  rows.flatMap((_, i) => ['substance', 'reaction', 'severity'].map((part) => `allergies.${i}.${part}`));

/**
 * One fieldset per allergy with its own legend ("Allergy 2"), so every input is named by its row;
 * a new row takes the focus, a removed row gives it to the next one (or the add button).
 */
export function AllergyEditor({
  rows,
  onChange,
  errors,
  noneKnown,
  onNoneKnown,
  saved,
}: {
  rows: AllergyRow[];
  onChange: (rows: AllergyRow[]) => void;
  errors: FieldErrors;
  noneKnown: boolean;
  onNoneKnown: (value: boolean) => void;
  saved: Allergy[];
}) {
  const focusKey = useRef<number | 'add' | undefined>(undefined);
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const target = focusKey.current;
    focusKey.current = undefined;
    if (target === undefined || !list.current) return;
    const selector = target === 'add' ? '.allergy-add' : `[data-row="${target}"] input`;
    list.current.querySelector<HTMLElement>(selector)?.focus();
  }, [rows]);
  const update = (index: number, change: Partial<AllergyRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...change } : row)));
  const add = () => {
    const row: AllergyRow = { key: nextKey++, substance: '', reaction: '', severity: 'unknown' };
    focusKey.current = row.key;
    onNoneKnown(false);
    onChange([...rows, row]);
  };
  const remove = (index: number) => {
    focusKey.current = rows[index + 1]?.key ?? rows[index - 1]?.key ?? 'add';
    onChange(rows.filter((_, i) => i !== index));
  };
  const meaning = (row: AllergyRow) => saved.find((a) => a.substance === row.substance.trim());
  return (
    <div className="allergies" ref={list}>
      <h3 id="allergies-title">Allergies</h3>
      <p className="hint">
        Medicines (or anything else) you react to. Your doctor sees them at the top of your record, and prescriptions
        are checked against them.
      </p>
      {errors.allergies && (
        <p className="field-error" role="alert">
          {errors.allergies}
        </p>
      )}
      {rows.map((row, index) => {
        const code = (part: string) => `allergies.${index}.${part}`;
        const known = meaning(row);
        return (
          <fieldset key={row.key} className="allergy-row" data-row={row.key}>
            <legend>Allergy {index + 1}</legend>
            <div className="grid">
              <Field
                label="Substance"
                name={code('substance')}
                value={row.substance}
                onChange={(e) => update(index, { substance: e.target.value })}
                error={errors[code('substance')]}
                hint={(known && allergyMeaning(known)) ?? 'e.g. penicillin, Augmentin, peanuts'}
              />
              <Field
                label="Reaction (optional)"
                name={code('reaction')}
                value={row.reaction}
                onChange={(e) => update(index, { reaction: e.target.value })}
                error={errors[code('reaction')]}
                hint="e.g. rash, swelling, breathing problems"
              />
              <SelectField
                label="Severity"
                name={code('severity')}
                value={row.severity}
                onChange={(e) => update(index, { severity: e.target.value as AllergySeverity })}
                error={errors[code('severity')]}
                options={SEVERITIES}
              />
            </div>
            <button type="button" onClick={() => remove(index)}>
              Remove allergy {index + 1}
            </button>
          </fieldset>
        );
      })}
      {rows.length === 0 && (
        <div className={'field check' + (errors.no_known_allergies ? ' field-invalid' : '')}>
          <label>
            <input
              type="checkbox"
              name="no_known_allergies"
              checked={noneKnown}
              onChange={(e) => onNoneKnown(e.target.checked)}
            />{' '}
            I have no known allergies
          </label>
          {!noneKnown && (
            <p className="hint">
              Leave unticked if you are not sure: your doctor will then see “No allergies recorded” and ask you.
            </p>
          )}
          {errors.no_known_allergies && (
            <p className="field-error" role="alert">
              {errors.no_known_allergies}
            </p>
          )}
        </div>
      )}
      <button type="button" className="allergy-add" onClick={add}>
        Add an allergy
      </button>
    </div>
  );
}
