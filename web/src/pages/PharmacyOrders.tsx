// The patient's cart (kept on the server: the same on every device), checkout (collect and pay at
// pickup, or delivery with cash on delivery) sent once however often it is clicked, and the
// order history with each order's status and a way to cancel while it is allowed.
import { useRef, useState, type ReactNode } from 'react';
import { price } from '../api/care';
import {
  FULFILMENT,
  IdempotencyKeys,
  ORDER_STATUS,
  patientMayCancel,
  pharmacy,
  shortagesOf,
  shortageText,
  type Cart,
  type Order,
  type OrderInput,
  type Shortage,
} from '../api/pharmacy';
import { keys, reload, useApiQuery, usePagedQuery } from '../api/query';
import { useSession } from '../auth';
import { Card, PagedList, type PagedQuery } from '../components/card';
import { CancelWithReason } from '../components/confirm';
import { Field, FormError, SubmitButton, useAction, useSubmit } from '../components/forms';
import { Link } from '../router';
import { CART_KEY, ItemBadges, readQuantity } from './Pharmacy';

const ordersKey = (patientId: number) => keys.record(patientId, 'pharmacy-orders');

/** An instant as people read it: "14 Dec 2026, 10:00". */
export function when(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** What happens next with a just-placed order, in words. */
export function placedMessage(order: Pick<Order, 'id' | 'status' | 'fulfilment' | 'total_minor' | 'currency'>) {
  const total = price(order.total_minor, order.currency);
  const pay = order.fulfilment === 'pickup' ? 'pay when you collect it' : 'pay the driver on delivery';
  const next =
    order.status === 'awaiting_approval'
      ? 'A pharmacist will check the prescription first; we will email you when it is ready.'
      : 'We have emailed you the details.';
  return `Order ${order.id} placed: ${total}, ${pay}. ${next}`;
}

export function CartPage() {
  const { account } = useSession();
  const patientId = account!.id;
  const cart = useApiQuery(CART_KEY, () => pharmacy.cart());
  const [placed, setPlaced] = useState<Order>();
  return (
    <section>
      <h1>Your cart</h1>
      <p>
        <Link to="/pharmacy">Find more medicines</Link> · <Link to="/pharmacy/orders">Your orders</Link>
      </p>
      {placed && (
        <div className="confirmation" role="status">
          <p>{placedMessage(placed)}</p>
          <p>
            <Link to="/pharmacy/orders">See your orders</Link>
          </p>
        </div>
      )}
      <Card
        id="cart"
        title="In your cart"
        query={cart}
        label="Loading your cart…"
        empty="Your cart is empty."
        isEmpty={(data) => data.lines.length === 0}
      >
        {(data) => (
          <>
            <ul className="cart-lines">
              {data.lines.map((line) => (
                <CartLine key={line.item_id} line={line} currency={data.currency} />
              ))}
            </ul>
            <p className="cart-total">
              Total: <strong>{price(data.total_minor, data.currency)}</strong> (at today’s prices)
            </p>
            <Checkout cart={data} patientId={patientId} onPlaced={setPlaced} />
          </>
        )}
      </Card>
    </section>
  );
}

function CartLine({ line, currency }: { line: Cart['lines'][number]; currency: string }) {
  const [quantity, setQuantity] = useState(String(line.quantity));
  const change = useSubmit(
    ['quantity'],
    async () => pharmacy.setCartLine(line.item_id, readQuantity(quantity)),
    undefined,
    () => reload(CART_KEY),
  );
  const remove = useAction(() => void reload(CART_KEY));
  return (
    <li className="cart-line">
      <p className="result-title">
        <Link to={`/pharmacy/items/${line.item_id}`}>{line.item.name}</Link> — {price(line.item.price_minor, currency)}{' '}
        each, {price(line.item.price_minor * line.quantity, currency)} for {line.quantity}
      </p>
      <ItemBadges item={line.item} />
      <form className="row" onSubmit={change.submit} noValidate aria-label={`Quantity of ${line.item.name}`}>
        <Field
          label={`How many of ${line.item.name}`}
          type="number"
          inputMode="numeric"
          min={1}
          max={line.item.order_limit}
          value={quantity}
          onChange={(event) => setQuantity(event.target.value)}
          error={change.errors.quantity}
          hint={`Up to ${line.item.order_limit} in one order.`}
        />
        <SubmitButton busy={change.busy} busyText="Changing…">
          Change
        </SubmitButton>
        <button type="button" onClick={() => void remove.run(() => pharmacy.setCartLine(line.item_id, 0))}>
          Remove
        </button>
      </form>
      <FormError message={change.formError ?? remove.error} />
    </li>
  );
}

function Checkout({ cart, patientId, onPlaced }: { cart: Cart; patientId: number; onPlaced: (order: Order) => void }) {
  const [fulfilment, setFulfilment] = useState<'pickup' | 'delivery'>('pickup');
  const [address, setAddress] = useState('');
  const [shortages, setShortages] = useState<Shortage[]>([]);
  const attempts = useRef(new IdempotencyKeys());
  const form = useSubmit(
    ['fulfilment', 'payment', 'address'],
    async () => {
      setShortages([]);
      const body: OrderInput =
        fulfilment === 'pickup'
          ? { fulfilment, payment: 'pay_at_pickup' }
          : { fulfilment, payment: 'cash_on_delivery', address: address.trim() };
      const key = attempts.current.keyFor(body);
      try {
        const order = await pharmacy.placeOrder(body, key);
        attempts.current.settled();
        return order;
      } catch (error) {
        attempts.current.settled(error);
        setShortages(shortagesOf(error));
        throw error;
      }
    },
    onPlaced,
    () => Promise.all([reload(CART_KEY), reload(ordersKey(patientId))]),
  );
  const needsPrescription = cart.lines.some((line) => line.item.prescription_only);
  return (
    <form onSubmit={form.submit} noValidate aria-label="Checkout">
      <h3>Checkout</h3>
      <fieldset className="choice">
        <legend>How do you want it?</legend>
        {(['pickup', 'delivery'] as const).map((choice) => (
          <label key={choice}>
            <input
              type="radio"
              name="fulfilment"
              value={choice}
              checked={fulfilment === choice}
              onChange={() => setFulfilment(choice)}
            />{' '}
            {FULFILMENT[choice]}
          </label>
        ))}
      </fieldset>
      {fulfilment === 'delivery' && (
        <Field
          label="Delivery address"
          value={address}
          onChange={(event) => setAddress(event.target.value)}
          error={form.errors.address}
          autoComplete="street-address"
        />
      )}
      {needsPrescription && (
        <p className="notice">
          Some of these medicines need a prescription. Without an active one in your record, a pharmacist checks the
          order before it is prepared.
        </p>
      )}
      {shortages.length > 0 ? (
        <div className="form-error" role="alert">
          <p>Not enough stock for your order, so nothing was ordered. Change these and try again:</p>
          <ul>
            {shortages.map((shortage) => (
              <li key={shortage.item_id}>{shortageText(shortage)}</li>
            ))}
          </ul>
        </div>
      ) : (
        <FormError message={form.formError} />
      )}
      <SubmitButton busy={form.busy} busyText="Placing the order…">
        Place the order
      </SubmitButton>
    </form>
  );
}

export function PharmacyOrdersPage() {
  const { account } = useSession();
  const patientId = account!.id;
  const orders = usePagedQuery(ordersKey(patientId), (before) => pharmacy.myOrders(patientId, before));
  return (
    <section>
      <h1>Your pharmacy orders</h1>
      <p>
        <Link to="/pharmacy">Find medicines</Link> · <Link to="/pharmacy/cart">Your cart</Link>
      </p>
      <Card id="orders" title="Orders" busy={orders.isFetching}>
        <PagedOrders query={orders} label="Loading your orders…" empty="You have no orders yet.">
          {(order) => <OrderItem key={order.id} order={order} patientId={patientId} />}
        </PagedOrders>
      </Card>
    </section>
  );
}

/** Orders newest first, older ones a page at a time (the patient's history and the admin's queue). */
export function PagedOrders({
  query,
  label,
  empty,
  children,
}: {
  query: PagedQuery<Order>;
  label: string;
  empty: string;
  children: (order: Order) => ReactNode;
}) {
  return (
    <PagedList
      query={query}
      label={label}
      empty={empty}
      more="Show older orders"
      list={(items) => <ul className="orders">{items.map(children)}</ul>}
    />
  );
}

/** An order's lines, total and how it is fulfilled (the patient's history and the admin's queue). */
export function OrderSummary({ order }: { order: Order }) {
  return (
    <>
      <p className="result-title">
        <strong>Order {order.id}</strong> — {ORDER_STATUS[order.status]}
      </p>
      <p className="obs-meta">
        Placed {when(order.placed_at)} · {FULFILMENT[order.fulfilment]}
        {order.address ? ` · to ${order.address}` : ''}
      </p>
      <ul className="order-lines">
        {order.lines.map((line) => (
          <li key={line.item_id}>
            {line.quantity} × {line.name} at {price(line.unit_price_minor, order.currency)}
            {line.prescription === 'needed' && ' (prescription to be checked)'}
            {line.prescription === 'record' && ' (prescription in your record)'}
            {line.prescription === 'approval' && ' (prescription approved by a pharmacist)'}
            {line.returned > 0 && `, returned ${line.returned}`}
          </li>
        ))}
      </ul>
      <p>
        Total: <strong>{price(order.total_minor, order.currency)}</strong>
      </p>
      {order.cancel_reason && <p className="obs-meta">Cancelled: {order.cancel_reason}</p>}
    </>
  );
}

function OrderItem({ order, patientId }: { order: Order; patientId: number }) {
  const action = useAction(() => void reload(ordersKey(patientId)));
  return (
    <li className={`order order-${order.status}`}>
      <OrderSummary order={order} />
      {patientMayCancel(order.status) && (
        <CancelWithReason
          what="order"
          hint="The medicines go back into stock."
          cancel={(reason) => action.run(() => pharmacy.cancelOrder(order.id, reason))}
        />
      )}
      <FormError message={action.error} />
    </li>
  );
}
