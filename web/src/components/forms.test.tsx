import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { ApiError } from '../api/client';
import {
  Field,
  FormError,
  parseNumber,
  parseNumbers,
  readField,
  requireNumber,
  Saved,
  SubmitButton,
  changedFields,
  fieldWords,
  readPrice,
  useSubmit,
} from './forms';

describe('Field', () => {
  it('labels the input and ties the error and hint to it', () => {
    render(<Field label="Email" error="email is not valid" hint="We never share it" defaultValue="" />);
    const input = screen.getByLabelText('Email');
    expect(input).toHaveProperty('ariaInvalid', 'true');
    const described = input.getAttribute('aria-describedby')!.split(' ');
    expect(described).toHaveLength(2);
    expect(document.getElementById(described[0])!.textContent).toBe('We never share it');
    expect(document.getElementById(described[1])!.textContent).toBe('email is not valid');
    expect(screen.getByRole('alert').textContent).toBe('email is not valid');
  });

  it('shows no error state without an error', () => {
    render(<Field label="Name" defaultValue="" />);
    const input = screen.getByLabelText('Name');
    expect(input.getAttribute('aria-invalid')).toBeNull();
    expect(input.getAttribute('aria-describedby')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

function Form({ fail }: { fail: () => Error }) {
  const [done, setDone] = useState(false);
  const { busy, errors, formError, submit } = useSubmit(
    ['value', 'unit'],
    async () => {
      throw fail();
    },
    () => setDone(true),
  );
  return (
    <form onSubmit={submit}>
      <Field label="Value" error={errors.value} defaultValue="" />
      <Field label="Unit" error={errors.unit} defaultValue="" />
      <FormError message={formError} />
      <SubmitButton busy={busy}>Save</SubmitButton>
      {done && <p>done</p>}
    </form>
  );
}

describe('useSubmit', () => {
  it('puts a server error naming a shown field next to that field', async () => {
    render(<Form fail={() => new ApiError(422, 'validation_failed', 'unit not accepted for glucose', 'unit')} />);
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    const unit = screen.getByLabelText('Unit');
    expect(unit.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(unit.getAttribute('aria-describedby')!)!.textContent).toBe(
      'unit not accepted for glucose',
    );
    expect(screen.getByLabelText('Value').getAttribute('aria-invalid')).toBeNull();
  });

  it('puts a mistake found before sending (readField) next to its field, in the form’s words', async () => {
    render(<Form fail={() => readField('value', () => new Error(String(requireNumber('x', 'Value', '5.8'))))} />);
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    const value = screen.getByLabelText('Value');
    expect(value.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(value.getAttribute('aria-describedby')!)!.textContent).toBe(
      'Value: Enter a number such as 5.8.',
    );
    expect(document.activeElement).toBe(value);
  });

  it('shows other errors for the whole form', async () => {
    render(<Form fail={() => new ApiError(403, 'forbidden', 'no write grant')} />);
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByRole('alert').textContent).toBe('no write grant');
    expect(screen.getByLabelText('Value').getAttribute('aria-invalid')).toBeNull();
  });

  it('moves focus to the field in error, or to the form error, after a failed submit', async () => {
    render(<Form fail={() => new ApiError(422, 'validation_failed', 'unit not accepted for glucose', 'unit')} />);
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(document.activeElement).toBe(screen.getByLabelText('Unit'));
  });

  it('moves focus to the form error when no field is named', async () => {
    render(<Form fail={() => new ApiError(403, 'forbidden', 'no write grant')} />);
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(document.activeElement).toBe(screen.getByRole('alert'));
  });
});

describe('SubmitButton and Saved', () => {
  it('keeps a busy button focusable (a disabled one would drop focus to the page)', () => {
    render(<SubmitButton busy>Save</SubmitButton>);
    const button = screen.getByRole('button');
    expect(button.hasAttribute('disabled')).toBe(false);
    expect(button.getAttribute('aria-disabled')).toBe('true');
    button.focus();
    expect(document.activeElement).toBe(button);
  });

  it('keeps its live region in the page before there is anything to announce', () => {
    const { rerender } = render(<Saved />);
    const region = screen.getByRole('status');
    expect(region.textContent).toBe('');
    rerender(<Saved message="Saved heart rate." />);
    expect(screen.getByRole('status')).toBe(region);
    expect(region.textContent).toBe('Saved heart rate.');
  });
});

describe('parseNumber', () => {
  it('reads a decimal point or a decimal comma', () => {
    expect(parseNumber('5.8')).toEqual({ ok: true, value: 5.8 });
    expect(parseNumber(' 47,5 ')).toEqual({ ok: true, value: 47.5 });
    expect(parseNumber('120')).toEqual({ ok: true, value: 120 });
    expect(parseNumber('-1,25')).toEqual({ ok: true, value: -1.25 });
    expect(parseNumber(',5')).toEqual({ ok: true, value: 0.5 });
  });

  it('leaves an empty field out instead of sending null', () => {
    expect(parseNumber('   ')).toEqual({ ok: true, value: undefined });
  });

  it('refuses text that is not one number, in words people understand', () => {
    for (const text of ['abc', '5.8.1', '1.000,5', '12 mg', '--3', 'NaN', 'Infinity']) {
      const parsed = parseNumber(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.message).toBe('Enter a number such as 5.8.');
    }
  });

  it('asks about a thousands separator instead of guessing', () => {
    const parsed = parseNumber('1,500');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain('1.5 or 1500');
  });

  it('checks every field of a form at once', () => {
    const { values, errors, ok } = parseNumbers({ glucose: '5,8', bmi: 'x', age: '' });
    expect(ok).toBe(false);
    expect(values).toEqual({ glucose: 5.8, age: undefined });
    expect(Object.keys(errors)).toEqual(['bmi']);
  });
});

describe('requireNumber', () => {
  it('reads a typed number and names the field in its own words when it is missing or not one', () => {
    expect(requireNumber(' 15 ', 'Slot length', '15')).toBe(15);
    expect(requireNumber('5,8', 'Result 1', '5.8')).toBe(5.8);
    expect(() => requireNumber('', 'Slot length', '15')).toThrow('Slot length is required: enter a number such as 15.');
    expect(() => requireNumber('fifteen', 'Slot length', '15')).toThrow('Slot length: Enter a number such as 15.');
  });
});

describe('edits and their errors', () => {
  it('sends only the fields that changed, lists compared by value', () => {
    const was = { name: 'Calpol', uses: ['Fever'], price_minor: 199 };
    expect(changedFields({ name: 'Calpol', uses: ['Fever'], price_minor: 250 }, was)).toEqual({ price_minor: 250 });
    expect(changedFields({ name: 'Calpol', uses: ['Fever', 'Pain'] }, was)).toEqual({ uses: ['Fever', 'Pain'] });
    expect(changedFields({ name: 'Calpol', uses: ['Fever'] }, was)).toBeUndefined();
  });

  it('reads a price in the currency’s minor units, beside the price field when wrong', () => {
    expect(readPrice('12.5', 'GBP')).toBe(1250);
    expect(readPrice('2500', 'JPY')).toBe(2500);
    expect(() => readPrice('12.5', 'JPY')).toThrow('Price: enter a whole amount such as 2550.');
  });

  it('says the server’s field errors in the words of the page', () => {
    const words = fieldWords({ price_minor: 'Enter a price.' }, { side_effects: 'Side effects' });
    expect(words({ price_minor: 'price_minor must be 0 to 100000000' }, 'price_minor')).toBe('Enter a price.');
    expect(words({ side_effects: 'side_effects has too many entries' }, 'side_effects')).toBe(
      'Side effects has too many entries.',
    );
    expect(words({ name: 'name is required' }, 'name')).toBe('Name is required.');
    expect(words({ name: 'Price: enter a number.' }, 'name')).toBe('Price: enter a number.');
    expect(words({}, 'name')).toBeUndefined();
  });
});
