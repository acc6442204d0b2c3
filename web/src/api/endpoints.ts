// The API's types at the address the unit tests import them from. The calls live in one file per
// server module (identity.ts, records.ts, predict.ts, monitor.ts); the app imports those.
export type * from './identity';
export type * from './records';
export type * from './predict';
export type * from './monitor';
