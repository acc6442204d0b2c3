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
export type DoctorSlot = Schema<'DoctorSlot'>;
export type Availability = Schema<'Availability'>;
export type AvailabilityException = Schema<'AvailabilityException'>;
export type WeeklySession = Schema<'WeeklySession'>;

export const care = {
  specialties: () => api.get<Answer<'listSpecialties'>>('/api/v1/care/specialties'),
  clinics: (query: {
    specialty?: string;
    city?: string;
    name?: string;
    lat?: number;
    lon?: number;
    inactive?: 'true';
  }) => api.get<Answer<'searchClinics'>>('/api/v1/care/clinics', { ...query, limit: 100 }),
  slots: (doctor: number, from: string, to: string) =>
    api.get<Answer<'getFreeSlots'>>(`/api/v1/care/doctors/${doctor}/slots`, { from, to }),
  addSpecialty: (name: string) => api.post<Answer<'addSpecialty'>>('/api/v1/care/specialties', { name }),
  createClinic: (body: Body<'createClinic'>) => api.post<Answer<'createClinic'>>('/api/v1/care/clinics', body),
  updateClinic: (clinic: number, body: Body<'updateClinic'>) =>
    api.request<Answer<'updateClinic'>>('PATCH', `/api/v1/care/clinics/${clinic}`, { body }),
  setPractice: (doctor: number, body: Body<'setPractice'>) =>
    api.request<void>('PUT', `/api/v1/care/doctors/${doctor}/practice`, { body }),
  createTest: (body: Body<'createTest'>) => api.post<Answer<'createTest'>>('/api/v1/care/tests', body),
  updateTest: (test: number, body: Body<'updateTest'>) =>
    api.request<Answer<'updateTest'>>('PATCH', `/api/v1/care/tests/${test}`, { body }),
  centreOffers: (centre: number) => api.get<Answer<'getCentreOffers'>>(`/api/v1/care/centres/${centre}/tests`),
  setOffers: (centre: number, offers: Body<'setCentreOffers'>['offers']) =>
    api.request<void>('PUT', `/api/v1/care/centres/${centre}/tests`, { body: { offers } }),
  setCentreHours: (centre: number, sessions: Body<'setCentreHours'>['sessions']) =>
    api.request<void>('PUT', `/api/v1/care/centres/${centre}/hours`, { body: { sessions } }),
  availability: (doctor: number) => api.get<Answer<'getAvailability'>>(`/api/v1/care/doctors/${doctor}/availability`),
  setHours: (doctor: number, clinic: number, sessions: WeeklySession[]) =>
    api.request<void>('PUT', `/api/v1/care/doctors/${doctor}/clinics/${clinic}/hours`, { body: { sessions } }),
  addException: (body: Body<'addAvailabilityException'>) =>
    api.post<Answer<'addAvailabilityException'>>('/api/v1/care/exceptions', body),
  removeException: (id: number) => api.request<void>('DELETE', `/api/v1/care/exceptions/${id}`),
  soonest: (specialty: number, query: { next?: number; lat?: number; lon?: number }) =>
    api.get<Answer<'getSoonestSlots'>>(`/api/v1/care/specialties/${specialty}/slots`, query),
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
  checkIn: (token: string) => api.post<Answer<'checkInTestBooking'>>('/api/v1/care/test-bookings/check-in', { token }),
  recordResults: (booking: number, results: Body<'recordTestResults'>['results']) =>
    api.post<Answer<'recordTestResults'>>(`/api/v1/care/test-bookings/${booking}/results`, { results }),
  myBookings: (patient: number) => api.get<Answer<'getPatientTestBookings'>>(`${patientPath(patient)}/test-bookings`),
};

/** ISO weekdays (1 = Monday) as the schedule forms name them, and as select options. */
export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
export const WEEKDAY_OPTIONS = WEEKDAYS.map((name, index) => ({ value: String(index + 1), label: name }));

/** The slots a 409 offers instead (`alternatives`: the doctor's nearest, another doctor's soonest). */
export function alternativesOf(detail: Record<string, unknown> | undefined): DoctorSlot[] {
  const list = detail?.alternatives;
  return Array.isArray(list) ? (list as DoctorSlot[]) : [];
}

/** The currency prices are typed in when something new is priced (a test, a medicine). */
export const CURRENCY = 'GBP';

/** How many decimals a currency's prices have: GBP 2 (pence), JPY 0. */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Minor currency units as people read a price: 2500 GBP → "£25.00", 2500 JPY → "¥2,500". */
export function price(minor: number, currency: string): string {
  const format = new Intl.NumberFormat('en-GB', { style: 'currency', currency });
  return format.format(minor / 10 ** minorDigits(currency));
}

/** The currency's symbol as a form's label shows it: GBP → "£", CHF → "CHF". */
export function currencySymbol(currency: string): string {
  const parts = new Intl.NumberFormat('en-GB', { style: 'currency', currency }).formatToParts(0);
  return parts.find((part) => part.type === 'currency')?.value ?? currency;
}

/**
 * Minor units as a price field's text, exactly (digits, not floating point): 1250 GBP → "12.50",
 * 5 GBP → "0.05", 2500 JPY → "2500". requireMoney (components/forms) reads it back.
 */
export function moneyText(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  const sign = minor < 0 ? '-' : '';
  return digits === 0 ? sign + text : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** A UTC instant as the clinic's clock shows it: "Monday 14 December 2026 at 10:00". */
export function localTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'full', timeStyle: 'short' }).format(new Date(iso));
}
