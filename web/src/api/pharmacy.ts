// The pharmacy's API (docs/API.md, Pharmacy): the catalogue and its search, the patient's cart and
// orders, and the administrators' stock (lots, adjustments, the ledger, alerts) and order queue;
// with the wording the pages share (availability, order status, a 409's shortages, a return).
import { price } from './care';
import {
  ApiError,
  api,
  getPageBefore,
  patientPath,
  type Answer,
  type Body,
  type Cursor,
  type Item,
  type Schema,
} from './client';

export type PharmacyItem = Schema<'PharmacyItem'>;
export type Lot = Schema<'Lot'>;
export type Movement = Schema<'Movement'>;
export type Cart = Schema<'Cart'>;
export type Order = Schema<'Order'>;
export type OrderLine = Schema<'OrderLine'>;
export type ItemInput = Schema<'PharmacyItemInput'>;
export type ReturnInput = Body<'returnPharmacyOrderItems'>;
export type Returned = Answer<'returnPharmacyOrderItems'>;
export type OrderStatus = Order['status'];
export type OrderInput = Body<'placePharmacyOrder'>;
export type Shortage = Schema<'OrderShortage'>['error']['shortages'][number];

export interface SearchFilters {
  q: string;
  inStock: boolean;
  prescriptionOnly: boolean;
  manufacturer: string;
}

export const pharmacy = {
  search: (filters: SearchFilters, signal?: AbortSignal) =>
    api.get<Answer<'searchPharmacyItems'>>(
      '/api/v1/pharmacy/items',
      {
        q: filters.q.trim(),
        in_stock: filters.inStock ? 'true' : undefined,
        prescription_only: filters.prescriptionOnly ? 'true' : undefined,
        manufacturer: filters.manufacturer,
        limit: 20,
      },
      signal,
    ),
  /** Administrators: the retired items by name (search shows only items for sale). */
  retired: () => api.get<Answer<'searchPharmacyItems'>>('/api/v1/pharmacy/items', { retired: 'true', limit: 50 }),
  manufacturers: () => api.get<Answer<'listPharmacyManufacturers'>>('/api/v1/pharmacy/manufacturers'),
  item: (item: number) => api.get<Answer<'getPharmacyItem'>>(`/api/v1/pharmacy/items/${item}`),
  cart: () => api.get<Answer<'getCart'>>('/api/v1/pharmacy/cart'),
  setCartLine: (item: number, quantity: number) =>
    api.request<Answer<'setCartLine'>>('PUT', `/api/v1/pharmacy/cart/items/${item}`, { body: { quantity } }),
  clearCart: () => api.request<void>('DELETE', '/api/v1/pharmacy/cart'),
  /** `key`: the Idempotency-Key of this checkout attempt (IdempotencyKeys), the same on a retry. */
  placeOrder: (body: OrderInput, key: string) =>
    api.request<Answer<'placePharmacyOrder'>>('POST', '/api/v1/pharmacy/orders', {
      body,
      headers: { 'Idempotency-Key': key },
    }),
  myOrders: (patient: number, before?: Cursor) =>
    getPageBefore<Item<'getPatientPharmacyOrders'>>(`${patientPath(patient)}/orders`, {}, 20, before),
  cancelOrder: (order: number, reason: string) =>
    api.post<Answer<'cancelPharmacyOrder'>>(`/api/v1/pharmacy/orders/${order}/cancel`, { reason }),
  // Administrators
  createItem: (body: ItemInput) => api.post<Answer<'createPharmacyItem'>>('/api/v1/pharmacy/items', body),
  updateItem: (item: number, body: ItemInput) =>
    api.request<Answer<'updatePharmacyItem'>>('PATCH', `/api/v1/pharmacy/items/${item}`, { body }),
  queue: (status: OrderStatus, before?: Cursor) =>
    getPageBefore<Item<'getPharmacyOrderQueue'>>('/api/v1/pharmacy/orders', { status }, 50, before),
  approve: (order: number) => api.post<Answer<'approvePharmacyOrder'>>(`/api/v1/pharmacy/orders/${order}/approve`),
  advance: (order: number, status: Body<'advancePharmacyOrder'>['status']) =>
    api.post<Answer<'advancePharmacyOrder'>>(`/api/v1/pharmacy/orders/${order}/status`, { status }),
  returnItems: (order: number, body: ReturnInput) =>
    api.post<Returned>(`/api/v1/pharmacy/orders/${order}/returns`, body),
  lots: (item: number) => api.get<Answer<'getItemLots'>>(`/api/v1/pharmacy/items/${item}/lots`),
  receiveLot: (item: number, body: Body<'receiveLot'>) =>
    api.post<Answer<'receiveLot'>>(`/api/v1/pharmacy/items/${item}/lots`, body),
  adjustLot: (lot: number, body: Body<'adjustLot'>) =>
    api.post<Answer<'adjustLot'>>(`/api/v1/pharmacy/lots/${lot}/adjustments`, body),
  ledger: (item: number, before?: Cursor) =>
    getPageBefore<Item<'getItemLedger'>>(`/api/v1/pharmacy/items/${item}/ledger`, {}, 50, before),
  lowStock: (threshold: number) =>
    api.get<Answer<'getLowStockItems'>>('/api/v1/pharmacy/alerts/low-stock', { threshold }),
  expiring: (days: number) => api.get<Answer<'getExpiringStock'>>('/api/v1/pharmacy/alerts/expiring', { days }),
};

/** At or below this many units an item says "Only N left". */
export const FEW_LEFT = 5;

/** What can be had now, in words: "In stock", "Only 3 left", "Out of stock". */
export function availabilityText(available: number): string {
  if (available <= 0) return 'Out of stock';
  if (available <= FEW_LEFT) return `Only ${available} left`;
  return 'In stock';
}

/** The most units of an item one order can take now: its order limit and what is available. */
export function maxQuantity(item: Pick<PharmacyItem, 'order_limit' | 'available'>): number {
  return Math.max(0, Math.min(item.order_limit, item.available));
}

const units = (count: number) => (count === 1 ? '1 unit' : `${count} units`);

/** One short item of a 409, in words. */
export function shortageText(shortage: Shortage): string {
  const have =
    shortage.available <= 0
      ? 'none can be had now'
      : `only ${units(shortage.available)} ${shortage.available === 1 ? 'is' : 'are'} available`;
  return `${shortage.name}: you asked for ${units(shortage.wanted)}, but ${have}.`;
}

/** The short items of an order's 409 (`error.shortages`); empty for any other error. */
export function shortagesOf(error: unknown): Shortage[] {
  if (!(error instanceof ApiError) || error.status !== 409) return [];
  const list = error.detail?.shortages;
  return Array.isArray(list) ? (list as Shortage[]) : [];
}

export const ORDER_STATUS: Record<OrderStatus, string> = {
  awaiting_approval: 'Waiting for a pharmacist to check the prescription',
  placed: 'Placed: being prepared',
  ready: 'Ready to collect',
  dispatched: 'On its way',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
};

export const FULFILMENT: Record<Order['fulfilment'], string> = {
  pickup: 'Collect at the pharmacy, pay at pickup',
  delivery: 'Delivery, cash on delivery',
};

/** A patient may cancel an order until it is ready or has left. */
export function patientMayCancel(status: OrderStatus): boolean {
  return status === 'awaiting_approval' || status === 'placed';
}

/** The moves an administrator can make next (docs/API.md: placed → ready or dispatched → delivered). */
export function nextMoves(
  order: Pick<Order, 'status' | 'fulfilment'>,
): { status: 'ready' | 'dispatched' | 'delivered'; label: string }[] {
  if (order.status === 'placed') {
    return order.fulfilment === 'pickup'
      ? [{ status: 'ready', label: 'Mark ready to collect' }]
      : [{ status: 'dispatched', label: 'Mark dispatched' }];
  }
  if (order.status === 'ready') return [{ status: 'delivered', label: 'Mark collected' }];
  if (order.status === 'dispatched') return [{ status: 'delivered', label: 'Mark delivered' }];
  return [];
}

/** Medicine can come back once the order has left the pharmacy (docs/API.md, returns). */
export function mayReturn(status: OrderStatus): boolean {
  return status === 'dispatched' || status === 'delivered';
}

/** How many units of a line can still come back. */
export function returnable(line: Pick<OrderLine, 'quantity' | 'returned'>): number {
  return Math.max(0, line.quantity - line.returned);
}

/**
 * A recorded return in words: "2 returned, 1 put back on the shelf (1 came from a batch that has
 * expired since). Refund due: £4.50". Units not put back although `restock` was asked came from
 * lots that expired after the order left (the server keeps those off the shelf).
 */
export function returnedText(
  asked: Pick<ReturnInput, 'quantity' | 'restock'>,
  answer: Pick<Returned, 'restocked' | 'refund_minor' | 'currency'>,
): string {
  const expired = asked.restock ? asked.quantity - answer.restocked : 0;
  const shelf = answer.restocked === 0 ? 'none put back on the shelf' : `${answer.restocked} put back on the shelf`;
  const why =
    expired === 0
      ? ''
      : expired === 1
        ? ' (1 came from a batch that has expired since)'
        : ` (${expired} came from batches that have expired since)`;
  return `${asked.quantity} returned, ${shelf}${why}. Refund due: ${price(answer.refund_minor, answer.currency)}`;
}

/** A random Idempotency-Key (crypto.getRandomValues works on plain http too, unlike randomUUID). */
export function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The Idempotency-Key of a checkout attempt: the same key while the same request is retried (a
 * double click, a retry after the connection dropped), so the server places it once; a new key
 * once the server has answered, or when the request changes (the server refuses a key reused
 * with another body).
 */
export class IdempotencyKeys {
  private current?: { body: string; key: string };
  constructor(private readonly fresh: () => string = randomKey) {}

  keyFor(body: unknown): string {
    const text = JSON.stringify(body);
    if (this.current?.body !== text) this.current = { body: text, key: this.fresh() };
    return this.current.key;
  }

  /**
   * After an attempt: an answer of the server (an order, or a refusal) ends it; a network failure
   * or a server fault leaves the outcome unknown, so the retry keeps the key.
   */
  settled(error?: unknown) {
    const unknownOutcome = error instanceof ApiError && (error.status === 0 || error.status >= 500);
    if (!unknownOutcome) this.current = undefined;
  }
}
