import { describe, expect, it } from 'vitest';
import { placedMessage } from './PharmacyOrders';

describe('placedMessage', () => {
  it('gives the total from minor units and what happens next', () => {
    expect(placedMessage({ id: 7, status: 'placed', fulfilment: 'pickup', total_minor: 1099, currency: 'GBP' })).toBe(
      'Order 7 placed: £10.99, pay when you collect it. We have emailed you the details.',
    );
  });

  it('says a pharmacist checks the prescription first when the order awaits approval', () => {
    expect(
      placedMessage({ id: 8, status: 'awaiting_approval', fulfilment: 'delivery', total_minor: 250, currency: 'GBP' }),
    ).toBe(
      'Order 8 placed: £2.50, pay the driver on delivery. A pharmacist will check the prescription first; we will email you when it is ready.',
    );
  });
});
