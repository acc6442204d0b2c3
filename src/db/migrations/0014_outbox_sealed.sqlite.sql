-- Queued mail is not readable at rest (issue 16): a row's recipient, subject and bodies live
-- encrypted in `sealed` (XChaCha20-Poly1305 under a key derived from the server secret; see
-- src/notify/seal.hpp) until the row is sent, dead or uncertain, and are emptied then. The old
-- columns stay (empty) so that rows written in clear by an older release are still read: the
-- sender seals pending ones when it starts and empties them once sent.
ALTER TABLE outbox ADD COLUMN sealed TEXT;

-- Mail already sent or given up keeps only its kind, status, attempts and times: the one-time
-- codes, names and addresses in it go now.
UPDATE outbox SET recipient = '', subject = '', text = '', html = ''
  WHERE status IN ('sent', 'dead', 'uncertain');
