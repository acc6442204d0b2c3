import { describe, expect, it } from 'vitest';
import { alternativesOf, price } from './care';

describe('price', () => {
  it('reads minor units in the currency’s own decimals', () => {
    expect(price(2500, 'GBP')).toBe('£25.00');
    expect(price(3999, 'EUR')).toBe('€39.99');
    expect(price(2500, 'JPY')).toBe('JP¥2,500');
    expect(price(0, 'GBP')).toBe('£0.00');
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
