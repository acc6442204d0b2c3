// The care module's API (docs/API.md, Scheduling): diagnostic tests — the catalogue, the centres
// offering a test, their hours with places left, and a patient's bookings with their tokens.
import { api, patientPath, type Answer, type Body, type Item, type Schema } from './client';

export type DiagnosticTest = Schema<'DiagnosticTest'>;
export type TestBooking = Schema<'TestBooking'>;
export type TestCentre = Item<'getCentresForTest'>;
export type TestHour = Item<'getTestHours'>;

export const care = {
  tests: () => api.get<Answer<'getTestCatalogue'>>('/api/v1/care/tests'),
  centresFor: (test: number) => api.get<Answer<'getCentresForTest'>>(`/api/v1/care/tests/${test}/centres`),
  hours: (centre: number, test: number, from: string, to: string) =>
    api.get<Answer<'getTestHours'>>(`/api/v1/care/centres/${centre}/tests/${test}/hours`, { from, to }),
  book: (body: Body<'bookTest'>) => api.post<Answer<'bookTest'>>('/api/v1/care/test-bookings', body),
  cancel: (booking: number, reason: string) =>
    api.post<Answer<'cancelTestBooking'>>(`/api/v1/care/test-bookings/${booking}/cancel`, { reason }),
  myBookings: (patient: number) => api.get<Answer<'getPatientTestBookings'>>(`${patientPath(patient)}/test-bookings`),
};

/** Minor currency units as people read a price: 2500 GBP → "£25.00", 2500 JPY → "¥2,500". */
export function price(minor: number, currency: string): string {
  const format = new Intl.NumberFormat('en-GB', { style: 'currency', currency });
  return format.format(minor / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}
