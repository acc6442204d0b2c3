import { describe, expect, it } from 'vitest';
import { price } from './care';
import { ApiError } from './client';
import {
  IdempotencyKeys,
  availabilityText,
  maxQuantity,
  mayReturn,
  nextMoves,
  patientMayCancel,
  returnable,
  returnedText,
  shortageText,
  shortagesOf,
} from './pharmacy';

describe('availabilityText', () => {
  it('says in stock, how few are left, or out of stock', () => {
    expect(availabilityText(40)).toBe('In stock');
    expect(availabilityText(6)).toBe('In stock');
    expect(availabilityText(5)).toBe('Only 5 left');
    expect(availabilityText(1)).toBe('Only 1 left');
    expect(availabilityText(0)).toBe('Out of stock');
  });

  it('limits a quantity by the order limit and what is available', () => {
    expect(maxQuantity({ order_limit: 10, available: 3 })).toBe(3);
    expect(maxQuantity({ order_limit: 2, available: 30 })).toBe(2);
    expect(maxQuantity({ order_limit: 5, available: 0 })).toBe(0);
  });
});

describe('money from minor units', () => {
  it('shows prices and line totals exactly from whole minor units', () => {
    // 0.1 + 0.2 is not 0.3 in floating point; whole pence add exactly.
    expect(price(10 + 20, 'GBP')).toBe('£0.30');
    expect(price(3 * 129, 'GBP')).toBe('£3.87');
    expect(price(4999, 'INR')).toBe('₹49.99');
  });
});

describe('shortages of a 409', () => {
  const conflict = new ApiError(409, 'conflict', 'not enough stock', 'items', undefined, [], {
    shortages: [
      { item_id: 1, name: 'Calpol 500', wanted: 3, available: 1 },
      { item_id: 2, name: 'Dolo 650', wanted: 2, available: 0 },
      { item_id: 3, name: 'Crocin', wanted: 4, available: 2 },
    ],
  });

  it('lists each short item and what is available, in words', () => {
    expect(shortagesOf(conflict).map(shortageText)).toEqual([
      'Calpol 500: you asked for 3 units, but only 1 unit is available.',
      'Dolo 650: you asked for 2 units, but none can be had now.',
      'Crocin: you asked for 4 units, but only 2 units are available.',
    ]);
  });

  it('is empty for any other error', () => {
    expect(shortagesOf(new ApiError(422, 'validation_failed', 'x', 'items'))).toEqual([]);
    expect(shortagesOf(new Error('boom'))).toEqual([]);
  });
});

describe('IdempotencyKeys', () => {
  const counter = () => {
    let n = 0;
    return () => `key-${++n}`;
  };

  it('keeps the key while the same attempt is retried after an unknown outcome', () => {
    const keys = new IdempotencyKeys(counter());
    const body = { fulfilment: 'pickup', payment: 'pay_at_pickup' };
    const first = keys.keyFor(body);
    expect(keys.keyFor({ ...body })).toBe(first); // a double click
    keys.settled(new ApiError(0, 'network', 'The server cannot be reached.'));
    expect(keys.keyFor(body)).toBe(first);
    keys.settled(new ApiError(503, 'unavailable', 'busy'));
    expect(keys.keyFor(body)).toBe(first);
  });

  it('starts a new attempt once the server has answered, or when the request changes', () => {
    const keys = new IdempotencyKeys(counter());
    const pickup = { fulfilment: 'pickup' };
    expect(keys.keyFor(pickup)).toBe('key-1');
    keys.settled(); // placed
    expect(keys.keyFor(pickup)).toBe('key-2');
    keys.settled(new ApiError(409, 'conflict', 'short', 'items'));
    expect(keys.keyFor(pickup)).toBe('key-3');
    expect(keys.keyFor({ fulfilment: 'delivery', address: '1 High St' })).toBe('key-4');
  });

  it('makes random keys by default', () => {
    const a = new IdempotencyKeys().keyFor({});
    const b = new IdempotencyKeys().keyFor({});
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
  });
});

describe('order moves', () => {
  it('offers ready for a pickup, dispatched for a delivery, then delivered', () => {
    expect(nextMoves({ status: 'placed', fulfilment: 'pickup' }).map((m) => m.status)).toEqual(['ready']);
    expect(nextMoves({ status: 'placed', fulfilment: 'delivery' }).map((m) => m.status)).toEqual(['dispatched']);
    expect(nextMoves({ status: 'ready', fulfilment: 'pickup' }).map((m) => m.status)).toEqual(['delivered']);
    expect(nextMoves({ status: 'dispatched', fulfilment: 'delivery' }).map((m) => m.status)).toEqual(['delivered']);
    expect(nextMoves({ status: 'awaiting_approval', fulfilment: 'pickup' })).toEqual([]);
    expect(nextMoves({ status: 'cancelled', fulfilment: 'pickup' })).toEqual([]);
  });

  it('lets the patient cancel only before the order is ready', () => {
    expect(patientMayCancel('awaiting_approval')).toBe(true);
    expect(patientMayCancel('placed')).toBe(true);
    expect(patientMayCancel('ready')).toBe(false);
    expect(patientMayCancel('dispatched')).toBe(false);
  });
});

describe('returns', () => {
  it('are for orders that have left, up to what has not come back yet', () => {
    expect(mayReturn('dispatched')).toBe(true);
    expect(mayReturn('delivered')).toBe(true);
    expect(mayReturn('ready')).toBe(false);
    expect(mayReturn('cancelled')).toBe(false);
    expect(returnable({ quantity: 3, returned: 1 })).toBe(2);
    expect(returnable({ quantity: 3, returned: 3 })).toBe(0);
  });

  it('say what was returned, what went back on the shelf and the refund, in words', () => {
    const refund = { refund_minor: 450, currency: 'GBP' };
    expect(returnedText({ quantity: 2, restock: true }, { ...refund, restocked: 1 })).toBe(
      '2 returned, 1 put back on the shelf (1 came from a batch that has expired since). Refund due: £4.50',
    );
    expect(returnedText({ quantity: 2, restock: true }, { ...refund, restocked: 2 })).toBe(
      '2 returned, 2 put back on the shelf. Refund due: £4.50',
    );
    expect(returnedText({ quantity: 3, restock: true }, { ...refund, restocked: 0 })).toBe(
      '3 returned, none put back on the shelf (3 came from batches that have expired since). Refund due: £4.50',
    );
    expect(returnedText({ quantity: 2, restock: false }, { ...refund, restocked: 0 })).toBe(
      '2 returned, none put back on the shelf. Refund due: £4.50',
    );
  });
});
