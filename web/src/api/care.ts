// The care module's API (docs/API.md, Scheduling): the directory, free slots and appointments;
// diagnostic tests — the catalogue, the centres offering a test, their hours with places left,
// and a patient's bookings with their tokens.
import { api, patientPath, type Answer, type Body, type Item, type Schema } from './client';

export type DiagnosticTest = Schema<'DiagnosticTest'>;
export type TestBooking = Schema<'TestBooking'>;
export type TestCentre = Item<'getCentresForTest'>;
export type TestHour = Item<'getTestHours'>;
export type Appointment = Schema<'Appointment'>;
export type DirectoryEntry = Schema<'DirectoryEntry'>;
export type Slot = Schema<'Slot'>;

export const care = {
  specialties: () => api.get<Answer<'listSpecialties'>>('/api/v1/care/specialties'),
  clinics: (query: { specialty?: string; city?: string; name?: string; lat?: number; lon?: number }) =>
    api.get<Answer<'searchClinics'>>('/api/v1/care/clinics', { ...query, limit: 100 }),
  slots: (doctor: number, from: string, to: string) =>
    api.get<Answer<'getFreeSlots'>>(`/api/v1/care/doctors/${doctor}/slots`, { from, to }),
  bookAppointment: (body: Body<'bookAppointment'>) =>
    api.post<Answer<'bookAppointment'>>('/api/v1/care/appointments', body),
  cancelAppointment: (id: number, reason: string) =>
    api.post<Answer<'cancelAppointment'>>(`/api/v1/care/appointments/${id}/cancel`, { reason }),
  reschedule: (id: number, startsAt: string) =>
    api.post<Answer<'rescheduleAppointment'>>(`/api/v1/care/appointments/${id}/reschedule`, { starts_at: startsAt }),
  agenda: (doctor: number, from: string, to: string) =>
    api.get<Answer<'getDoctorAgenda'>>(`/api/v1/care/doctors/${doctor}/appointments`, { from, to }),
  outcome: (id: number, status: 'completed' | 'no_show') =>
    api.post<Answer<'setAppointmentOutcome'>>(`/api/v1/care/appointments/${id}/outcome`, { status }),
  myAppointments: (patient: number) =>
    api.get<Answer<'getPatientAppointments'>>(`${patientPath(patient)}/appointments`, { limit: 200 }),
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

/** A UTC instant as the clinic's clock shows it: "Monday 14 December 2026 at 10:00". */
export function localTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'full', timeStyle: 'short' }).format(new Date(iso));
}
