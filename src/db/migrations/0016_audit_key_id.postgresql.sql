-- Key rotation (issue 16): each audit row records the id of the key that sealed it (the first 8
-- hex digits of a keyed BLAKE2b of the key, identity/keyring.hpp), so `vitalis audit verify`
-- checks every row with its own key and the chain verifies across a rotation. A migration cannot
-- know the key, so rows written before this one keep '' for "the key ring's oldest key": the only
-- key there was. The key id is not part of the row's hash (the hashes stay as they are).
ALTER TABLE audit_log ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
