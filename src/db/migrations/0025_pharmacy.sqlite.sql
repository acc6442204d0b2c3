-- E-pharmacy (src/pharmacy, issue 18): a catalogue of medicines with its search index, lots of
-- stock with a ledger of every movement, server-side carts, orders with their lines and the
-- idempotency keys of their requests.
--
-- Stock is the database's: a lot's on_hand and reserved are guarded by CHECKs (never negative,
-- never more reserved than on hand), changed only by conditional UPDATEs whose row counts the
-- service checks, each in the transaction that writes its ledger row. `vitalis pharmacy verify`
-- checks that every lot equals the sum of its ledger rows.
CREATE TABLE pharmacy_items (
  id INTEGER PRIMARY KEY,
  -- The dataset's identity of an imported item (folded name and manufacturer): re-importing
  -- updates it. NULL for items an admin made.
  source_key TEXT UNIQUE,
  name TEXT NOT NULL,
  composition TEXT NOT NULL,
  ingredients TEXT NOT NULL,         -- ingredient keys joined by " + " (medicines::Knowledge)
  uses TEXT NOT NULL,                -- one a line
  side_effects TEXT NOT NULL,        -- one a line
  manufacturer TEXT NOT NULL,
  price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
  currency TEXT NOT NULL,
  prescription_only INTEGER NOT NULL CHECK (prescription_only IN (0, 1)),
  order_limit INTEGER NOT NULL CHECK (order_limit BETWEEN 1 AND 100),
  review_excellent INTEGER, review_average INTEGER, review_poor INTEGER,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  -- What search reads: folded text (lower case, no accents) made by the service.
  search_name TEXT NOT NULL,
  search_ingredients TEXT NOT NULL,
  search_uses TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX pharmacy_items_manufacturer ON pharmacy_items (manufacturer);
CREATE INDEX pharmacy_items_name ON pharmacy_items (search_name);

-- Word search (prefix as you type, ranked by bm25 over name, ingredients and uses), kept in step
-- with the items by triggers (items are never deleted).
CREATE VIRTUAL TABLE pharmacy_search USING fts5(search_name, search_ingredients, search_uses,
  content = 'pharmacy_items', content_rowid = 'id', tokenize = 'unicode61', prefix = '2 3 4');
-- The names alone and the ingredients alone, for the first two tiers of a search (items whose
-- name has the words, then those whose ingredients do): their own indexes, so that a word common
-- in the uses ("cough") does not make a name search read it all.
CREATE VIRTUAL TABLE pharmacy_name_search USING fts5(search_name, content = 'pharmacy_items',
  content_rowid = 'id', tokenize = 'unicode61', prefix = '2 3 4');
CREATE VIRTUAL TABLE pharmacy_ingredient_search USING fts5(search_ingredients,
  content = 'pharmacy_items', content_rowid = 'id', tokenize = 'unicode61', prefix = '2 3 4');
CREATE TRIGGER pharmacy_items_search_insert AFTER INSERT ON pharmacy_items BEGIN
  INSERT INTO pharmacy_search (rowid, search_name, search_ingredients, search_uses)
  VALUES (NEW.id, NEW.search_name, NEW.search_ingredients, NEW.search_uses);
  INSERT INTO pharmacy_name_search (rowid, search_name) VALUES (NEW.id, NEW.search_name);
  INSERT INTO pharmacy_ingredient_search (rowid, search_ingredients)
  VALUES (NEW.id, NEW.search_ingredients);
END;
CREATE TRIGGER pharmacy_items_search_update AFTER UPDATE OF search_name, search_ingredients,
  search_uses ON pharmacy_items BEGIN
  INSERT INTO pharmacy_search (pharmacy_search, rowid, search_name, search_ingredients, search_uses)
  VALUES ('delete', OLD.id, OLD.search_name, OLD.search_ingredients, OLD.search_uses);
  INSERT INTO pharmacy_search (rowid, search_name, search_ingredients, search_uses)
  VALUES (NEW.id, NEW.search_name, NEW.search_ingredients, NEW.search_uses);
  INSERT INTO pharmacy_name_search (pharmacy_name_search, rowid, search_name)
  VALUES ('delete', OLD.id, OLD.search_name);
  INSERT INTO pharmacy_name_search (rowid, search_name) VALUES (NEW.id, NEW.search_name);
  INSERT INTO pharmacy_ingredient_search (pharmacy_ingredient_search, rowid, search_ingredients)
  VALUES ('delete', OLD.id, OLD.search_ingredients);
  INSERT INTO pharmacy_ingredient_search (rowid, search_ingredients)
  VALUES (NEW.id, NEW.search_ingredients);
END;

-- Every word the catalogue's search text holds, for correcting a typed word (a trigram index
-- finds the words that share most of its letter triples; the service keeps the nearest by edit
-- distance).
CREATE TABLE pharmacy_terms (
  id INTEGER PRIMARY KEY,
  term TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE pharmacy_term_grams USING fts5(term, content = 'pharmacy_terms',
  content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER pharmacy_terms_grams_insert AFTER INSERT ON pharmacy_terms BEGIN
  INSERT INTO pharmacy_term_grams (rowid, term) VALUES (NEW.id, NEW.term);
END;

-- A lot (batch) of an item as received. Sold first-expiry-first-out, only before its expiry day.
CREATE TABLE pharmacy_lots (
  id INTEGER PRIMARY KEY,
  item_id INTEGER NOT NULL REFERENCES pharmacy_items (id),
  batch TEXT NOT NULL,
  expires_on TEXT NOT NULL,          -- YYYY-MM-DD
  received_quantity INTEGER NOT NULL CHECK (received_quantity > 0),
  supplier TEXT NOT NULL,
  cost_minor INTEGER NOT NULL CHECK (cost_minor >= 0),
  on_hand INTEGER NOT NULL CHECK (on_hand >= 0),
  reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  received_at TEXT NOT NULL,
  received_by INTEGER NOT NULL REFERENCES accounts (id),
  CHECK (reserved <= on_hand),
  UNIQUE (item_id, batch)
);
CREATE INDEX pharmacy_lots_item ON pharmacy_lots (item_id, expires_on, id);
CREATE INDEX pharmacy_lots_expiry ON pharmacy_lots (expires_on, id) WHERE on_hand > 0;

-- Orders: a patient's, with how they pay and get it. awaiting_approval: a prescription-only item
-- waits for a pharmacist's or admin's approval (stock is reserved meanwhile).
CREATE TABLE pharmacy_orders (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES accounts (id),
  status TEXT NOT NULL CHECK (status IN ('awaiting_approval', 'placed', 'ready', 'dispatched',
                                         'delivered', 'cancelled')),
  fulfilment TEXT NOT NULL CHECK (fulfilment IN ('delivery', 'pickup')),
  -- The payment method (pharmacy/payments.hpp: cash_on_delivery, pay_at_pickup, or a provider's).
  payment TEXT NOT NULL CHECK (length(payment) BETWEEN 1 AND 40),
  address TEXT NOT NULL,
  total_minor INTEGER NOT NULL CHECK (total_minor >= 0),
  currency TEXT NOT NULL,
  placed_at TEXT NOT NULL,
  changed_at TEXT,
  changed_by INTEGER REFERENCES accounts (id),
  cancel_reason TEXT
);
CREATE INDEX pharmacy_orders_patient ON pharmacy_orders (patient_id, id);
CREATE INDEX pharmacy_orders_status ON pharmacy_orders (status, id);

-- An order's lines at the price they were placed at, and why a prescription-only line may go:
-- `record` (an active prescription in the patient's record, its id) or `approval` (who, when).
CREATE TABLE pharmacy_order_lines (
  order_id INTEGER NOT NULL REFERENCES pharmacy_orders (id),
  item_id INTEGER NOT NULL REFERENCES pharmacy_items (id),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0),
  prescription TEXT CHECK (prescription IN ('needed', 'record', 'approval')),
  prescription_id INTEGER,
  approved_by INTEGER REFERENCES accounts (id),
  approved_at TEXT,
  PRIMARY KEY (order_id, item_id)
);

-- Every stock movement of a lot: received, reserved (an order placed), released (cancelled),
-- dispensed (left the pharmacy), adjusted (with a reason), expired (written off), returned.
CREATE TABLE pharmacy_ledger (
  id INTEGER PRIMARY KEY,
  lot_id INTEGER NOT NULL REFERENCES pharmacy_lots (id),
  item_id INTEGER NOT NULL REFERENCES pharmacy_items (id),
  kind TEXT NOT NULL CHECK (kind IN ('received', 'reserved', 'released', 'dispensed', 'adjusted',
                                     'expired', 'returned')),
  on_hand_change INTEGER NOT NULL,
  reserved_change INTEGER NOT NULL,
  order_id INTEGER REFERENCES pharmacy_orders (id),
  reason TEXT,
  actor_id INTEGER NOT NULL REFERENCES accounts (id),
  at TEXT NOT NULL
);
CREATE INDEX pharmacy_ledger_item ON pharmacy_ledger (item_id, id);
CREATE INDEX pharmacy_ledger_lot ON pharmacy_ledger (lot_id, id);
CREATE INDEX pharmacy_ledger_order ON pharmacy_ledger (order_id, lot_id) WHERE order_id IS NOT NULL;

-- A patient's cart: the same on every device.
CREATE TABLE pharmacy_cart_lines (
  patient_id INTEGER NOT NULL REFERENCES accounts (id),
  item_id INTEGER NOT NULL REFERENCES pharmacy_items (id),
  quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 100),
  added_at TEXT NOT NULL,
  PRIMARY KEY (patient_id, item_id)
);

-- The first answer to a (patient, Idempotency-Key): a retried order request gets that order.
CREATE TABLE pharmacy_idempotency (
  patient_id INTEGER NOT NULL REFERENCES accounts (id),
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  order_id INTEGER NOT NULL REFERENCES pharmacy_orders (id),
  created_at TEXT NOT NULL,
  PRIMARY KEY (patient_id, key)
);
