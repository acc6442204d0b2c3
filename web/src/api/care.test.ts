import { describe, expect, it } from 'vitest';
import { price } from './care';

describe('price', () => {
  it('reads minor units in the currency’s own decimals', () => {
    expect(price(2500, 'GBP')).toBe('£25.00');
    expect(price(3999, 'EUR')).toBe('€39.99');
    expect(price(2500, 'JPY')).toBe('JP¥2,500');
    expect(price(0, 'GBP')).toBe('£0.00');
  });
});
