-- Returns: how many units of each order line came back after they left the pharmacy. The
-- service raises it by a conditional update (never past the quantity, which this CHECK holds
-- too); units put back on the shelf are ledger rows of kind 'returned' naming the order, and
-- `pharmacy verify` checks that no line has more put back than returned.
ALTER TABLE pharmacy_order_lines ADD COLUMN returned INTEGER NOT NULL DEFAULT 0
  CHECK (returned >= 0 AND returned <= quantity);
