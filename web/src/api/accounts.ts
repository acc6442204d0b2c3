// The identity module's account types at the address the unit tests import them from; the app
// imports identity.ts.
export type * from './identity';
