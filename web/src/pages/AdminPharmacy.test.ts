import { describe, expect, it } from 'vitest';
import { FieldError } from '../components/forms';
import type { PharmacyItem } from '../api/pharmacy';
import { itemForm, itemInput, linesOf, type ItemForm } from './AdminPharmacy';

const item: PharmacyItem = {
  id: 4,
  name: 'Paracip 500',
  composition: 'Paracetamol (500mg)',
  ingredients: ['paracetamol'],
  uses: ['Headache', 'Fever'],
  side_effects: ['Nausea'],
  manufacturer: 'Example Pharma Ltd',
  price_minor: 1029,
  currency: 'GBP',
  prescription_only: false,
  order_limit: 10,
  review_excellent: null,
  review_average: null,
  review_poor: null,
  active: true,
  available: 0,
  updated_at: '2026-01-01T00:00:00Z',
};

const thrown = (read: () => unknown) => {
  try {
    read();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
};

describe('the catalogue item form', () => {
  it('reads lists one entry per line, skipping blank lines', () => {
    expect(linesOf(' Headache \r\n\nFever\n  ')).toEqual(['Headache', 'Fever']);
    expect(linesOf('')).toEqual([]);
  });

  it('gives back the item it was filled from, the price exactly from its digits', () => {
    const form = itemForm(item);
    expect(form.price).toBe('10.29');
    expect(form.uses).toBe('Headache\nFever');
    expect(itemInput(form, 'GBP')).toEqual({
      name: 'Paracip 500',
      composition: 'Paracetamol (500mg)',
      manufacturer: 'Example Pharma Ltd',
      uses: ['Headache', 'Fever'],
      side_effects: ['Nausea'],
      price_minor: 1029,
      prescription_only: false,
      order_limit: 10,
    });
    // 0.29 × 100 is 28.999… in floating point; read digit by digit it is 29 pence.
    expect(itemInput({ ...form, price: '0.29' }, 'GBP').price_minor).toBe(29);
    expect(itemInput({ ...form, price: '4,5' }, 'GBP').price_minor).toBe(450);
  });

  it('leaves the prescription to the rule, or says yes or no', () => {
    const form: ItemForm = { ...itemForm(item), prescription: 'rule' };
    expect(itemInput(form, 'GBP').prescription_only).toBeUndefined();
    expect(itemInput({ ...form, prescription: 'yes' }, 'GBP').prescription_only).toBe(true);
    expect(itemInput({ ...form, prescription: 'no' }, 'GBP').prescription_only).toBe(false);
  });

  it('puts a mistake beside its field before anything is sent', () => {
    const form = itemForm(item);
    const price = thrown(() => itemInput({ ...form, price: '4.999' }, 'GBP'));
    expect(price).toBeInstanceOf(FieldError);
    expect(price).toMatchObject({
      field: 'price_minor',
      message: 'Price: enter at most 2 decimal places, such as 25.50.',
    });
    expect(thrown(() => itemInput({ ...form, order_limit: '2.5' }, 'GBP'))).toMatchObject({
      field: 'order_limit',
      message: 'Order limit: enter a whole number of 1 or more.',
    });
  });
});
