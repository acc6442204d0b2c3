import { describe, expect, it } from 'vitest';
import { requireMoney } from '../components/forms';
import { alternativesOf, currencySymbol, moneyText, price } from './care';

describe('price', () => {
  it('reads minor units in the currency’s own decimals', () => {
    expect(price(2500, 'GBP')).toBe('£25.00');
    expect(price(3999, 'EUR')).toBe('€39.99');
    expect(price(2500, 'JPY')).toBe('JP¥2,500');
    expect(price(0, 'GBP')).toBe('£0.00');
  });
});

describe('moneyText and requireMoney', () => {
  it('shows minor units as a price field’s text and reads them back exactly', () => {
    expect(moneyText(1250, 'GBP')).toBe('12.50');
    expect(moneyText(5, 'GBP')).toBe('0.05');
    expect(moneyText(0, 'GBP')).toBe('0.00');
    expect(moneyText(2500, 'JPY')).toBe('2500');
    for (const minor of [0, 1, 29, 1005, 1250, 99_999_999]) {
      expect(requireMoney(moneyText(minor, 'GBP'), 'Price', 2, '12.50')).toBe(minor);
    }
    expect(currencySymbol('GBP')).toBe('£');
  });

  it('reads typed amounts without floating-point rounding', () => {
    // 0.29 * 100 and 1.13 * 100 are not whole numbers in binary floating point.
    expect(requireMoney('0.29', 'Price', 2, '12.50')).toBe(29);
    expect(requireMoney('1.13', 'Price', 2, '12.50')).toBe(113);
    expect(requireMoney(' 12,5 ', 'Price', 2, '12.50')).toBe(1250);
    expect(requireMoney('12', 'Price', 2, '12.50')).toBe(1200);
    expect(requireMoney('.5', 'Price', 2, '12.50')).toBe(50);
    expect(requireMoney('2500', 'Price', 0, '2500')).toBe(2500);
  });

  it('refuses what is not an amount, in words naming the field', () => {
    expect(() => requireMoney('', 'Price', 2, '12.50')).toThrow('Price is required: enter a number such as 12.50.');
    expect(() => requireMoney('twelve', 'Price', 2, '12.50')).toThrow('Price: Enter a number such as 12.50.');
    expect(() => requireMoney('-1', 'Price', 2, '12.50')).toThrow('Price: enter an amount of 0 or more.');
    expect(() => requireMoney('12.505', 'Price', 2, '12.50')).toThrow('Price: enter at most 2 decimal places');
    expect(() => requireMoney('12.5', 'Price', 0, '2500')).toThrow('Price: enter a whole amount such as 2500.');
    expect(() => requireMoney('1,500', 'Price', 2, '12.50')).toThrow('Did you mean 1.5 or 1500?');
  });
});

describe('alternativesOf', () => {
  it('reads the slots a 409 offers, and nothing from other errors', () => {
    const slot = {
      starts_at: '2027-06-07T08:30:00Z',
      ends_at: '2027-06-07T09:00:00Z',
      clinic_id: 1,
      clinic_name: 'Central',
      doctor_id: 7,
      doctor_name: 'Dr Olu Okafor',
      distance_km: 0,
    };
    expect(alternativesOf({ code: 'conflict', alternatives: [slot] })).toEqual([slot]);
    expect(alternativesOf({ code: 'conflict' })).toEqual([]);
    expect(alternativesOf({ code: 'conflict', alternatives: 'none' })).toEqual([]);
    expect(alternativesOf(undefined)).toEqual([]);
  });
});
