// The patient's pharmacy: search the medicines as you type (name, ingredient or use; filters for
// stock, prescription-only and manufacturer) and an item's page with what is in it, what it is
// for, its side effects, price and availability, and adding it to the cart (kept on the server).
import { useState } from 'react';
import { price } from '../api/care';
import { availabilityText, maxQuantity, pharmacy, type PharmacyItem, type SearchFilters } from '../api/pharmacy';
import { reload, useApiQuery } from '../api/query';
import { Card } from '../components/card';
import {
  Field,
  FormError,
  SelectField,
  SubmitButton,
  readField,
  requireNumber,
  useDebounced,
  useSubmit,
} from '../components/forms';
import { Async } from '../components/status';
import { Link } from '../router';

/** A count as typed in the field `field`: a whole number of 1 or more, else the problem beside that field. */
export function readCount(field: string, what: string, text: string, example: string): number {
  return readField(field, () => {
    const value = requireNumber(text, what, example);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${what}: enter a whole number of 1 or more.`);
    return value;
  });
}

/** A quantity as typed (readCount of the quantity field). */
export const readQuantity = (text: string) => readCount('quantity', 'Quantity', text, '2');

export const CART_KEY = ['pharmacy', 'cart'];

function availabilityClass(available: number): string {
  if (available <= 0) return 'badge bad';
  return availabilityText(available) === 'In stock' ? 'badge ok' : 'badge status-pending';
}

/** "In stock" / "Only 3 left" / "Out of stock", and "Prescription required" where it is. */
export function ItemBadges({ item }: { item: Pick<PharmacyItem, 'available' | 'prescription_only'> }) {
  return (
    <span className="item-badges">
      <span className={availabilityClass(item.available)}>{availabilityText(item.available)}</span>
      {item.prescription_only && <span className="badge severity-info">Prescription required</span>}
    </span>
  );
}

export function PharmacyPage() {
  const [filters, setFilters] = useState<SearchFilters>({
    q: '',
    inStock: false,
    prescriptionOnly: false,
    manufacturer: '',
  });
  const asked = useDebounced(filters);
  const results = useApiQuery(['pharmacy', 'search', asked], () => pharmacy.search(asked));
  const makers = useApiQuery(['pharmacy', 'manufacturers'], () => pharmacy.manufacturers());
  const change = (part: Partial<SearchFilters>) => setFilters((old) => ({ ...old, ...part }));
  return (
    <section>
      <h1>Pharmacy</h1>
      <p>
        Order medicines to collect at the pharmacy or to be delivered. <Link to="/pharmacy/cart">Your cart</Link> ·{' '}
        <Link to="/pharmacy/orders">Your orders</Link>
      </p>
      <form role="search" aria-label="Medicine search" onSubmit={(event) => event.preventDefault()}>
        <Field
          label="Search medicines"
          type="search"
          value={filters.q}
          onChange={(event) => change({ q: event.target.value })}
          hint="A name, an ingredient such as paracetamol, or a use such as migraine."
          autoComplete="off"
        />
        <div className="row filters">
          <fieldset className="choice">
            <legend>Show only</legend>
            <label>
              <input
                type="checkbox"
                checked={filters.inStock}
                onChange={(event) => change({ inStock: event.target.checked })}
              />{' '}
              Medicines in stock
            </label>
            <label>
              <input
                type="checkbox"
                checked={filters.prescriptionOnly}
                onChange={(event) => change({ prescriptionOnly: event.target.checked })}
              />{' '}
              Prescription-only medicines
            </label>
          </fieldset>
          <SelectField
            label="Manufacturer"
            value={filters.manufacturer}
            onChange={(event) => change({ manufacturer: event.target.value })}
            options={[
              { value: '', label: 'Any manufacturer' },
              ...(makers.data?.items ?? []).map((name) => ({ value: name, label: name })),
            ]}
          />
        </div>
      </form>
      <Card id="results" title="Medicines" busy={results.isFetching}>
        <Async state={results} label="Searching…" reserve="table" empty="No medicines match. Try fewer or other words.">
          {(data) => (
            <>
              {data.corrected.length > 0 && <p className="notice">Showing results for “{data.corrected.join(' ')}”.</p>}
              <ul className="pharmacy-results">
                {data.items.map((item) => (
                  <li key={item.id}>
                    <p className="result-title">
                      <Link to={`/pharmacy/items/${item.id}`}>{item.name}</Link>{' '}
                      <strong>{price(item.price_minor, item.currency)}</strong>
                    </p>
                    <p className="obs-meta">
                      {item.composition}
                      {item.manufacturer ? ` · ${item.manufacturer}` : ''}
                    </p>
                    <ItemBadges item={item} />
                  </li>
                ))}
              </ul>
            </>
          )}
        </Async>
      </Card>
    </section>
  );
}

function List({ items, none }: { items: string[]; none: string }) {
  if (items.length === 0) return <p className="muted">{none}</p>;
  return (
    <ul>
      {items.map((text) => (
        <li key={text}>{text}</li>
      ))}
    </ul>
  );
}

export function PharmacyItemPage({ itemId }: { itemId: number }) {
  const item = useApiQuery(['pharmacy', 'item', itemId], () => pharmacy.item(itemId));
  return (
    <section>
      <p>
        <Link to="/pharmacy">Back to the search</Link>
      </p>
      <Async state={item} label="Loading the medicine…">
        {(found) => (
          <>
            <h1>{found.name}</h1>
            <div className="card">
              <p className="cart-total">
                <strong>{price(found.price_minor, found.currency)}</strong> <ItemBadges item={found} />
              </p>
              {found.prescription_only && (
                <p className="notice">
                  This medicine needs a prescription. If your record holds an active prescription for it, the order goes
                  ahead; otherwise a pharmacist checks it before the order is prepared.
                </p>
              )}
              <dl className="facts">
                <dt>Contains</dt>
                <dd>{found.composition || 'Not stated'}</dd>
                <dt>Made by</dt>
                <dd>{found.manufacturer || 'Not stated'}</dd>
              </dl>
              <AddToCart item={found} />
            </div>
            <div className="columns">
              <Card id="uses" title="What it is used for">
                <List items={found.uses} none="Not stated." />
              </Card>
              <Card id="side-effects" title="Possible side effects">
                <List items={found.side_effects} none="None listed." />
              </Card>
            </div>
          </>
        )}
      </Async>
    </section>
  );
}

function AddToCart({ item }: { item: PharmacyItem }) {
  const cart = useApiQuery(CART_KEY, () => pharmacy.cart());
  const inCart = cart.data?.lines.find((line) => line.item_id === item.id)?.quantity ?? 0;
  const [quantity, setQuantity] = useState('1');
  const [saved, setSaved] = useState<string>();
  const limit = maxQuantity(item);
  const form = useSubmit(
    ['quantity'],
    async () => pharmacy.setCartLine(item.id, inCart + readQuantity(quantity)),
    (answer) => {
      const line = answer.lines.find((each) => each.item_id === item.id);
      setSaved(`Added. Your cart holds ${line?.quantity ?? 0} of this medicine.`);
    },
    () => reload(CART_KEY),
  );
  if (item.available <= 0) return <p className="muted">This medicine cannot be ordered until it is back in stock.</p>;
  return (
    <form onSubmit={form.submit} noValidate aria-label="Add to cart">
      <Field
        label="Quantity"
        type="number"
        inputMode="numeric"
        min={1}
        max={limit}
        value={quantity}
        onChange={(event) => {
          setQuantity(event.target.value);
          setSaved(undefined);
        }}
        error={form.errors.quantity}
        hint={`Up to ${item.order_limit} in one order${inCart ? `; ${inCart} already in your cart` : ''}.`}
      />
      <FormError message={form.formError} />
      <SubmitButton busy={form.busy} busyText="Adding…">
        Add to cart
      </SubmitButton>
      <p role="status" className={saved ? 'saved' : 'saved empty-status'}>
        {saved ?? ''} {saved && <Link to="/pharmacy/cart">Go to your cart</Link>}
      </p>
    </form>
  );
}
