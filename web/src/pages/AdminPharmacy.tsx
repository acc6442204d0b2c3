// Pharmacy administration: the order queue by status (approve a prescription, mark ready,
// dispatched or handed over, cancel, record medicine brought back), the catalogue (add a
// medicine, edit one found by the search, retire it), stock work on one item (its lots, receiving
// a lot, adjusting one with a reason, its ledger) and the alerts (low stock, lots expiring soon).
import { useRef, useState, type ReactNode } from 'react';
import { CURRENCY, minorDigits, moneyText, price } from '../api/care';
import {
  ORDER_STATUS,
  mayReturn,
  nextMoves,
  pharmacy,
  returnable,
  returnedText,
  type ItemInput,
  type Order,
  type OrderLine,
  type OrderStatus,
  type PharmacyItem,
} from '../api/pharmacy';
import { reload, useApiQuery, usePagedQuery } from '../api/query';
import { Card, PagedList } from '../components/card';
import { CancelWithReason } from '../components/confirm';
import {
  Field,
  FieldError,
  FormError,
  PRICE_IN_WORDS,
  PriceField,
  Saved,
  SelectField,
  SubmitButton,
  TextAreaField,
  changedFields,
  fieldWords,
  readField,
  readPrice,
  requireMoney,
  requireNumber,
  useAction,
  useFields,
  useSubmit,
} from '../components/forms';
import { Async } from '../components/status';
import { ItemBadges, readCount, readQuantity } from './Pharmacy';
import { OrderSummary, PagedOrders, when } from './PharmacyOrders';

const QUEUE = ['pharmacy', 'queue'];
const STOCK = ['pharmacy', 'stock'];

export function AdminPharmacyPage() {
  return (
    <section>
      <h1>Pharmacy</h1>
      <OrderQueue />
      <Stock />
      <NewItem />
      <Alerts />
    </section>
  );
}

function OrderQueue() {
  const [status, setStatus] = useState<OrderStatus>('placed');
  const queue = usePagedQuery([...QUEUE, status], (before) => pharmacy.queue(status, before));
  return (
    <Card id="queue" title="Orders" busy={queue.isFetching}>
      <SelectField
        label="Show orders that are"
        value={status}
        onChange={(event) => setStatus(event.target.value as OrderStatus)}
        options={(Object.keys(ORDER_STATUS) as OrderStatus[]).map((value) => ({
          value,
          label: ORDER_STATUS[value],
        }))}
      />
      <PagedOrders query={queue} label="Loading the orders…" empty="No orders in this state.">
        {(order) => <QueuedOrder key={order.id} order={order} />}
      </PagedOrders>
    </Card>
  );
}

function QueuedOrder({ order }: { order: Order }) {
  const action = useAction(() => void reload(['pharmacy']));
  return (
    <li className={`order order-${order.status}`}>
      <p className="obs-meta">
        {order.patient_name || 'Patient'} (patient number {order.patient_id})
      </p>
      <OrderSummary order={order} />
      <div className="row">
        {order.status === 'awaiting_approval' && (
          <button type="button" className="primary" onClick={() => void action.run(() => pharmacy.approve(order.id))}>
            Approve the prescription of order {order.id}
          </button>
        )}
        {nextMoves(order).map((move) => (
          <button
            key={move.status}
            type="button"
            className="primary"
            onClick={() => void action.run(() => pharmacy.advance(order.id, move.status))}
          >
            {move.label}: order {order.id}
          </button>
        ))}
      </div>
      {['awaiting_approval', 'placed', 'ready'].includes(order.status) && (
        <CancelWithReason
          what="order"
          hint="The patient is emailed; the medicines go back into stock."
          cancel={(reason) => action.run(() => pharmacy.cancelOrder(order.id, reason))}
        />
      )}
      <FormError message={action.error} />
      {mayReturn(order.status) && <OrderReturns order={order} />}
    </li>
  );
}

/** "Record a return" on each line of an order that has left, with what was recorded in words. */
function OrderReturns({ order }: { order: Order }) {
  const [open, setOpen] = useState<number>();
  const [saved, setSaved] = useState<string>();
  // The form closes when the return is recorded: focus stays here, beside the message about it.
  const returns = useRef<HTMLDivElement>(null);
  return (
    <div className="order-returns" ref={returns} tabIndex={-1}>
      {order.lines
        .filter((line) => returnable(line) > 0)
        .map((line) => (
          <div key={line.item_id}>
            <button
              type="button"
              aria-expanded={open === line.item_id}
              onClick={() => {
                setSaved(undefined);
                setOpen(open === line.item_id ? undefined : line.item_id);
              }}
            >
              Record a return of {line.name} (order {order.id})
            </button>
            {open === line.item_id && (
              <ReturnForm
                order={order}
                line={line}
                onDone={(text) => {
                  setSaved(text);
                  setOpen(undefined);
                  returns.current?.focus();
                }}
              />
            )}
          </div>
        ))}
      <Saved message={saved} />
    </div>
  );
}

function ReturnForm({ order, line, onDone }: { order: Order; line: OrderLine; onDone: (text: string) => void }) {
  const [fields, set] = useFields({ quantity: '1', reason: '' });
  const [restock, setRestock] = useState(false);
  const form = useSubmit(
    ['quantity', 'reason'],
    async () => {
      const quantity = readQuantity(fields.quantity);
      const reason = fields.reason.trim();
      if (!reason)
        throw new FieldError('reason', 'Say why the medicine came back, e.g. “delivered twice, still sealed”.');
      const body = { item_id: line.item_id, quantity, restock, reason };
      return { body, answer: await pharmacy.returnItems(order.id, body) };
    },
    ({ body, answer }) => onDone(returnedText(body, answer)),
    () => reload(['pharmacy']),
  );
  const left = returnable(line);
  return (
    <form onSubmit={form.submit} noValidate aria-label={`Return of ${line.name} (order ${order.id})`}>
      <div className="grid">
        <Field
          label="Units brought back"
          type="number"
          inputMode="numeric"
          min={1}
          max={left}
          value={fields.quantity}
          onChange={set('quantity')}
          error={form.errors.quantity}
          hint={`Up to ${left} can come back.`}
        />
        <Field
          label="Reason"
          value={fields.reason}
          onChange={set('reason')}
          error={form.errors.reason}
          maxLength={300}
        />
      </div>
      <div className="field check">
        <label>
          <input type="checkbox" checked={restock} onChange={(event) => setRestock(event.target.checked)} /> Sealed and
          fit to sell again (put back on the shelf)
        </label>
        <p className="hint">Leave unticked for opened or damaged packs: they are counted, not sold again.</p>
      </div>
      <FormError message={form.formError} />
      <SubmitButton busy={form.busy} busyText="Recording…">
        Record the return
      </SubmitButton>
    </form>
  );
}

type Chosen = { itemId: number; view: 'stock' | 'details' };

function Stock() {
  const [text, setText] = useState('');
  const [found, setFound] = useState<PharmacyItem[]>();
  const [chosen, setChosen] = useState<Chosen>();
  const search = useSubmit(
    ['q'],
    () => pharmacy.search({ q: text, inStock: false, prescriptionOnly: false, manufacturer: '' }),
    (page) => setFound(page.items),
  );
  const retired = useSubmit(
    [],
    () => pharmacy.retired(),
    (page) => setFound(page.items),
  );
  const showing = (itemId: number, view: Chosen['view']) => chosen?.itemId === itemId && chosen.view === view;
  return (
    <Card id="stock" title="Medicines and stock">
      <form className="row search" role="search" aria-label="Item search" onSubmit={search.submit} noValidate>
        <Field
          label="Find an item"
          type="search"
          value={text}
          onChange={(event) => setText(event.target.value)}
          error={search.errors.q}
          hint="A name or an ingredient."
        />
        <SubmitButton busy={search.busy} busyText="Searching…">
          Find
        </SubmitButton>
        <button type="button" disabled={retired.busy} onClick={() => void retired.submit()}>
          Show retired medicines
        </button>
      </form>
      <FormError message={search.formError ?? retired.formError} />
      {found && found.length === 0 && <p className="empty">No item matches.</p>}
      {found && found.length > 0 && (
        <ul className="pharmacy-results">
          {found.map((item) => (
            <li key={item.id}>
              <p className="result-title">
                <strong>{item.name}</strong> — {price(item.price_minor, item.currency)}, {item.available} to sell
              </p>
              <ItemBadges item={item} />{' '}
              <div className="row">
                <button
                  type="button"
                  aria-pressed={showing(item.id, 'stock')}
                  onClick={() => setChosen({ itemId: item.id, view: 'stock' })}
                >
                  Stock of {item.name}
                </button>
                <button
                  type="button"
                  aria-pressed={showing(item.id, 'details')}
                  onClick={() => setChosen({ itemId: item.id, view: 'details' })}
                >
                  Edit {item.name}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {chosen?.view === 'stock' && <ItemStock key={chosen.itemId} itemId={chosen.itemId} />}
      {chosen?.view === 'details' && (
        <ItemDetails
          key={chosen.itemId}
          itemId={chosen.itemId}
          onSaved={(saved) => setFound((list) => list?.map((item) => (item.id === saved.id ? saved : item)))}
        />
      )}
    </Card>
  );
}

/** A catalogue item's fields as the forms hold them (text as typed; lists one entry per line). */
export interface ItemForm {
  name: string;
  composition: string;
  manufacturer: string;
  uses: string;
  side_effects: string;
  price: string;
  /** `rule`: the server's prescription rule decides from the ingredients (a new item only). */
  prescription: 'rule' | 'yes' | 'no';
  order_limit: string;
}

const NEW_ITEM: ItemForm = {
  name: '',
  composition: '',
  manufacturer: '',
  uses: '',
  side_effects: '',
  price: '',
  prescription: 'rule',
  order_limit: '10',
};

/** An item as its edit form starts. */
export function itemForm(item: PharmacyItem): ItemForm {
  return {
    name: item.name,
    composition: item.composition,
    manufacturer: item.manufacturer,
    uses: item.uses.join('\n'),
    side_effects: item.side_effects.join('\n'),
    price: moneyText(item.price_minor, item.currency),
    prescription: item.prescription_only ? 'yes' : 'no',
    order_limit: String(item.order_limit),
  };
}

/** A list typed one entry per line: the lines with text, trimmed. */
export function linesOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** The form read for the server (price in minor units, exactly; lists split): throws beside a field. */
export function itemInput(form: ItemForm, currency: string): ItemInput {
  return {
    name: form.name.trim(),
    composition: form.composition.trim(),
    manufacturer: form.manufacturer.trim(),
    uses: linesOf(form.uses),
    side_effects: linesOf(form.side_effects),
    price_minor: readPrice(form.price, currency),
    prescription_only: form.prescription === 'rule' ? undefined : form.prescription === 'yes',
    order_limit: readCount('order_limit', 'Order limit', form.order_limit, '10'),
  };
}

const ITEM_ERROR_FIELDS = [
  'name',
  'composition',
  'manufacturer',
  'uses',
  'side_effects',
  'price_minor',
  'prescription_only',
  'order_limit',
];

const itemWords = fieldWords(
  {
    ...PRICE_IN_WORDS,
    order_limit: 'Enter an order limit from 1 to 100 units.',
    uses: 'Put each use on a line of its own: at most 50 lines of up to 300 characters.',
    side_effects: 'Put each side effect on a line of its own: at most 50 lines of up to 300 characters.',
  },
  { side_effects: 'Side effects' },
);

const PRESCRIPTION_OPTIONS = [
  { value: 'rule', label: 'Decided by the rule' },
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
];

/** The form a medicine is added with and edited in: its fields, its error, its button, what was saved. */
function ItemFormView({
  label,
  form: [form, setForm],
  submit,
  currency,
  saved,
  editing = false,
  children,
}: {
  label: string;
  form: [ItemForm, (form: ItemForm) => void];
  submit: Pick<ReturnType<typeof useSubmit>, 'submit' | 'errors' | 'formError' | 'busy'>;
  currency: string;
  saved?: string;
  /** An edit says yes or no to a prescription; a new item may leave it to the rule. */
  editing?: boolean;
  children: ReactNode;
}) {
  // A field's value, change handler and error (under the server's name for it, `sent`).
  const bind = (field: keyof ItemForm, sent: string = field) => ({
    value: form[field],
    onChange: (event: { target: { value: string } }) => setForm({ ...form, [field]: event.target.value }),
    error: itemWords(submit.errors, sent),
  });
  return (
    <form onSubmit={submit.submit} noValidate aria-label={label}>
      <div className="grid">
        <Field label="Name" {...bind('name')} />
        <Field label="What it contains" hint="As the label says, e.g. Paracetamol (500mg)" {...bind('composition')} />
        <Field label="Manufacturer" {...bind('manufacturer')} />
        <PriceField currency={currency} example="4.99" {...bind('price', 'price_minor')} />
        <SelectField
          label="Prescription only?"
          options={editing ? PRESCRIPTION_OPTIONS.slice(1) : PRESCRIPTION_OPTIONS}
          hint={editing ? undefined : 'The rule decides from what it contains: antibiotics, for example, need one.'}
          {...bind('prescription', 'prescription_only')}
        />
        <Field label="Order limit (most units in one order)" inputMode="numeric" {...bind('order_limit')} />
      </div>
      <TextAreaField label="Uses, one per line" {...bind('uses')} />
      <TextAreaField label="Side effects, one per line" {...bind('side_effects')} />
      <FormError message={submit.formError} />
      <SubmitButton busy={submit.busy} busyText="Saving…">
        {children}
      </SubmitButton>
      <Saved message={saved} />
    </form>
  );
}

const prescriptionText = (item: PharmacyItem) =>
  item.prescription_only ? 'sold only with a prescription' : 'sold without a prescription';

function NewItem() {
  const [form, setForm] = useState<ItemForm>(NEW_ITEM);
  const [saved, setSaved] = useState<string>();
  const create = useSubmit(
    ITEM_ERROR_FIELDS,
    () => pharmacy.createItem({ ...itemInput(form, CURRENCY), currency: CURRENCY }),
    (item) => {
      setSaved(
        `${item.name} added at ${price(item.price_minor, item.currency)}, ${prescriptionText(item)}. ` +
          'Find it above to receive its stock.',
      );
      setForm(NEW_ITEM);
    },
  );
  return (
    <Card id="new-item" title="Add a medicine">
      <ItemFormView label="Add a medicine" form={[form, setForm]} submit={create} currency={CURRENCY} saved={saved}>
        Add the medicine
      </ItemFormView>
    </Card>
  );
}

/** One item's details, edited in place (only the fields changed are sent), and retiring it. */
function ItemDetails({ itemId, onSaved }: { itemId: number; onSaved: (item: PharmacyItem) => void }) {
  const item = useApiQuery([...STOCK, itemId, 'item'], () => pharmacy.item(itemId));
  return (
    <div className="item-stock">
      <Async state={item} label="Loading the item…">
        {(found) => <ItemEditor item={found} onSaved={onSaved} />}
      </Async>
    </div>
  );
}

function ItemEditor({ item, onSaved }: { item: PharmacyItem; onSaved: (item: PharmacyItem) => void }) {
  const [form, setForm] = useState<ItemForm>(() => itemForm(item));
  const [saved, setSaved] = useState<string>();
  const changed = (updated: PharmacyItem) => {
    onSaved(updated);
    return reloadStock(updated.id);
  };
  const save = useSubmit(
    ITEM_ERROR_FIELDS,
    async () => {
      setSaved(undefined);
      const edits = changedFields(itemInput(form, item.currency), item);
      return edits && pharmacy.updateItem(item.id, edits);
    },
    (updated) =>
      setSaved(
        updated
          ? `Saved: ${updated.name} costs ${price(updated.price_minor, updated.currency)}, ${prescriptionText(updated)}.`
          : 'Nothing to save: nothing was changed.',
      ),
    (updated) => updated && changed(updated),
  );
  const retire = useAction(() => undefined);
  return (
    <>
      <h3>Details of {item.name}</h3>
      {!item.active && <p className="notice">Retired: patients cannot find or order it.</p>}
      <ItemFormView
        label={`Details of ${item.name}`}
        form={[form, setForm]}
        submit={save}
        currency={item.currency}
        saved={saved}
        editing
      >
        Save the details
      </ItemFormView>
      <button
        type="button"
        onClick={() =>
          void retire.run(async () => changed(await pharmacy.updateItem(item.id, { active: !item.active })))
        }
      >
        {item.active ? `Retire ${item.name}` : `Sell ${item.name} again`}
      </button>
      <p className="hint">
        A retired medicine leaves the patients’ search and cannot be ordered; orders placed keep it.
      </p>
      <FormError message={retire.error} />
    </>
  );
}

function ItemStock({ itemId }: { itemId: number }) {
  const item = useApiQuery([...STOCK, itemId, 'item'], () => pharmacy.item(itemId));
  const lots = useApiQuery([...STOCK, itemId, 'lots'], () => pharmacy.lots(itemId));
  const ledger = usePagedQuery([...STOCK, itemId, 'ledger'], (before) => pharmacy.ledger(itemId, before));
  const name = item.data?.name ?? 'the item';
  return (
    <div className="item-stock">
      <h3>Lots of {name}</h3>
      <Async state={lots} label="Loading the lots…" empty="No lots yet.">
        {(data) => (
          <div className="table-scroll" tabIndex={0} role="region" aria-label={`Lots of ${name}`}>
            <table>
              <caption className="visually-hidden">Lots of {name}, soonest expiry first</caption>
              <thead>
                <tr>
                  <th scope="col">Batch</th>
                  <th scope="col">Expires</th>
                  <th scope="col">On hand</th>
                  <th scope="col">Held by orders</th>
                  <th scope="col">Received</th>
                  <th scope="col">Supplier</th>
                  <th scope="col">Cost</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((lot) => (
                  <tr key={lot.id}>
                    <th scope="row">{lot.batch}</th>
                    <td>{lot.expires_on}</td>
                    <td>{lot.on_hand}</td>
                    <td>{lot.reserved}</td>
                    <td>{lot.received_quantity}</td>
                    <td>{lot.supplier || '—'}</td>
                    <td>{item.data ? price(lot.cost_minor, item.data.currency) : lot.cost_minor}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Async>
      {item.data && <ReceiveLot item={item.data} />}
      {lots.data && lots.data.items.length > 0 && <AdjustLot itemId={itemId} lots={lots.data.items} />}
      <h3>Movements of {name}</h3>
      <PagedList
        query={ledger}
        label="Loading the ledger…"
        empty="No movements yet."
        more="Show older movements"
        list={(items) => (
          <div className="table-scroll" tabIndex={0} role="region" aria-label={`Movements of ${name}`}>
            <table>
              <caption className="visually-hidden">Stock movements of {name}, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Batch</th>
                  <th scope="col">On hand</th>
                  <th scope="col">Held</th>
                  <th scope="col">Order or reason</th>
                </tr>
              </thead>
              <tbody>
                {items.map((row) => (
                  <tr key={row.id}>
                    <td>{when(row.at)}</td>
                    <td>{row.kind}</td>
                    <td>{row.batch}</td>
                    <td>{signed(row.on_hand_change)}</td>
                    <td>{signed(row.reserved_change)}</td>
                    <td>{[row.order_id && `Order ${row.order_id}`, row.reason].filter(Boolean).join(': ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      />
    </div>
  );
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

// An item's stock or details changed: its views here, the alerts, and the patients' search and item page.
const reloadStock = (itemId: number) =>
  Promise.all([
    reload([...STOCK, itemId]),
    reload(['pharmacy', 'alerts']),
    reload(['pharmacy', 'search']),
    reload(['pharmacy', 'item', itemId]),
  ]);

function ReceiveLot({ item }: { item: PharmacyItem }) {
  const [fields, set, setFields] = useFields({ batch: '', expires_on: '', quantity: '', supplier: '', cost: '' });
  const [saved, setSaved] = useState<string>();
  const form = useSubmit(
    ['batch', 'expires_on', 'quantity', 'supplier', 'cost_minor'],
    async () =>
      pharmacy.receiveLot(item.id, {
        batch: fields.batch.trim(),
        expires_on: fields.expires_on,
        quantity: readField('quantity', () => requireNumber(fields.quantity, 'Quantity', '100')),
        supplier: fields.supplier.trim() || undefined,
        cost_minor: fields.cost.trim()
          ? readField('cost_minor', () => requireMoney(fields.cost, 'Cost', minorDigits(item.currency), '12.50'))
          : undefined,
      }),
    (lot) => {
      setSaved(`Received ${lot.received_quantity} of batch ${lot.batch}.`);
      setFields({ batch: '', expires_on: '', quantity: '', supplier: '', cost: '' });
    },
    () => reloadStock(item.id),
  );
  return (
    <form onSubmit={form.submit} noValidate aria-label={`Receive stock of ${item.name}`}>
      <h3>Receive stock</h3>
      <div className="grid">
        <Field label="Batch number" value={fields.batch} onChange={set('batch')} error={form.errors.batch} />
        <Field
          label="Expiry date"
          type="date"
          value={fields.expires_on}
          onChange={set('expires_on')}
          error={form.errors.expires_on}
        />
        <Field
          label="Quantity"
          inputMode="numeric"
          value={fields.quantity}
          onChange={set('quantity')}
          error={form.errors.quantity}
        />
        <Field label="Supplier" value={fields.supplier} onChange={set('supplier')} error={form.errors.supplier} />
        <Field
          label={`Cost of the lot (${item.currency})`}
          inputMode="decimal"
          value={fields.cost}
          onChange={set('cost')}
          error={form.errors.cost_minor}
          hint="Optional, e.g. 12.50"
        />
      </div>
      <FormError message={form.formError} />
      <SubmitButton busy={form.busy} busyText="Receiving…">
        Receive the lot
      </SubmitButton>
      <Saved message={saved} />
    </form>
  );
}

function AdjustLot({ itemId, lots }: { itemId: number; lots: { id: number; batch: string; on_hand: number }[] }) {
  const [fields, set, setFields] = useFields({ lot: String(lots[0].id), change: '', reason: '' });
  const [saved, setSaved] = useState<string>();
  const form = useSubmit(
    ['lot_id', 'change', 'reason'],
    async () =>
      pharmacy.adjustLot(Number(fields.lot), {
        change: readField('change', () => requireNumber(fields.change, 'Change', '-2')),
        reason: fields.reason.trim(),
      }),
    (lot) => {
      setSaved(`Batch ${lot.batch} now has ${lot.on_hand} on hand.`);
      setFields((old) => ({ ...old, change: '', reason: '' }));
    },
    () => reloadStock(itemId),
  );
  return (
    <form onSubmit={form.submit} noValidate aria-label="Adjust a lot">
      <h3>Adjust a lot</h3>
      <div className="grid">
        <SelectField
          label="Lot"
          value={fields.lot}
          onChange={set('lot')}
          error={form.errors.lot_id}
          options={lots.map((lot) => ({ value: String(lot.id), label: `${lot.batch} (${lot.on_hand} on hand)` }))}
        />
        <Field
          label="Change in units"
          inputMode="numeric"
          value={fields.change}
          onChange={set('change')}
          error={form.errors.change}
          hint="e.g. -2 for two broken packs, 3 for a recount that found three more"
        />
        <Field label="Reason" value={fields.reason} onChange={set('reason')} error={form.errors.reason} />
      </div>
      <FormError message={form.formError} />
      <SubmitButton busy={form.busy} busyText="Saving…">
        Adjust the lot
      </SubmitButton>
      <Saved message={saved} />
    </form>
  );
}

function Alerts() {
  const [threshold, setThreshold] = useState('10');
  const [days, setDays] = useState('60');
  const [asked, setAsked] = useState({ threshold: 10, days: 60 });
  const form = useSubmit(
    ['threshold', 'days'],
    async () => ({
      threshold: readField('threshold', () => requireNumber(threshold, 'Threshold', '10')),
      days: readField('days', () => requireNumber(days, 'Days', '60')),
    }),
    setAsked,
  );
  const low = useApiQuery(['pharmacy', 'alerts', 'low', asked.threshold], () => pharmacy.lowStock(asked.threshold));
  const expiring = useApiQuery(['pharmacy', 'alerts', 'expiring', asked.days], () => pharmacy.expiring(asked.days));
  return (
    <Card id="alerts" title="Alerts">
      <form className="row filters" onSubmit={form.submit} noValidate aria-label="Alert limits">
        <Field
          label="Low stock: at most this many units"
          inputMode="numeric"
          value={threshold}
          onChange={(event) => setThreshold(event.target.value)}
          error={form.errors.threshold}
        />
        <Field
          label="Expiring within this many days"
          inputMode="numeric"
          value={days}
          onChange={(event) => setDays(event.target.value)}
          error={form.errors.days}
        />
        <SubmitButton busy={form.busy}>Show</SubmitButton>
      </form>
      <FormError message={form.formError} />
      <h3>Low stock</h3>
      <Async state={low} label="Loading…" empty="No item is low on stock.">
        {(data) => (
          <ul className="pharmacy-results">
            {data.items.map((item) => (
              <li key={item.id}>
                <strong>{item.name}</strong>: {item.available} to sell
              </li>
            ))}
          </ul>
        )}
      </Async>
      <h3>Expiring lots</h3>
      <Async state={expiring} label="Loading…" empty="No lot expires in that time.">
        {(data) => (
          <ul className="pharmacy-results">
            {data.items.map(({ item, lots }) => (
              <li key={item.id}>
                <strong>{item.name}</strong>:{' '}
                {lots.map((lot) => `batch ${lot.batch}, ${lot.on_hand} on hand, expires ${lot.expires_on}`).join('; ')}
              </li>
            ))}
          </ul>
        )}
      </Async>
    </Card>
  );
}
