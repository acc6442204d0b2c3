// The patient's diagnostic tests: the bookings they hold (each with its token, where, when in the
// centre's own time, and how to prepare), and booking a new one — pick a test, a centre that
// offers it, a day, then an hour with places left. The email the server sends links here.
import { useId, useState, type ReactNode } from 'react';
import { api, type Answer } from '../api/client';
import { care, localTime, price, type DiagnosticTest, type TestBooking, type TestHour } from '../api/care';
import { keys, reload, useApiQuery } from '../api/query';
import { useSession } from '../auth';
import { Card } from '../components/card';
import { CancelWithReason } from '../components/confirm';
import { Field, FormError, SelectField, SubmitButton, useAction, useSubmit } from '../components/forms';
import { Async } from '../components/status';

type Centre = Answer<'searchClinics'>['items'][number];

/** The centre's local date (YYYY-MM-DD) of an instant, and the UTC range of a local date. */
function localDay(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

function dayRange(day: string): { from: string; to: string } {
  // A day's hours in any zone fall within 14 hours either side of its UTC span.
  const start = Date.parse(`${day}T00:00:00Z`);
  return {
    from: new Date(start - 14 * 3600_000).toISOString().slice(0, 19) + 'Z',
    to: new Date(start + 38 * 3600_000).toISOString().slice(0, 19) + 'Z',
  };
}

function useCatalogue() {
  return useApiQuery(['care', 'tests'], () => care.tests());
}

function useCentres() {
  return useApiQuery(['care', 'clinics'], () =>
    api.get<Answer<'searchClinics'>>('/api/v1/care/clinics', { limit: 200 }),
  );
}

export function TestsPage() {
  const { account } = useSession();
  const patientId = account!.id;
  return (
    <section>
      <h1>Tests</h1>
      <p>
        Book blood tests, scans, heart tracings and health check-ups at a diagnostic centre. Bring the booking token
        with you; the centre's staff check you in with it.
      </p>
      <MyTestBookings patientId={patientId} />
      <BookTest patientId={patientId} />
    </section>
  );
}

function MyTestBookings({ patientId }: { patientId: number }) {
  const bookings = useApiQuery(keys.record(patientId, 'test-bookings'), () => care.myBookings(patientId));
  const catalogue = useCatalogue();
  const centres = useCentres();
  const action = useAction(() => void reload(keys.record(patientId, 'test-bookings')));
  const testOf = (id: number) => catalogue.data?.items.find((test) => test.id === id);
  const centreOf = (id: number) => centres.data?.items.find((centre) => centre.id === id);
  return (
    <Card
      id="my-tests"
      title="My test bookings"
      query={bookings}
      label="Loading your bookings…"
      empty="You have no test bookings yet."
    >
      {(data) => (
        <ul className="bookings">
          {data.items.map((booking) => (
            <BookingItem
              key={booking.id}
              booking={booking}
              test={testOf(booking.test_id)}
              centre={centreOf(booking.centre_id)}
              cancel={
                booking.status === 'booked' ? (
                  <CancelWithReason
                    what="booking"
                    hint="The place goes to someone else."
                    cancel={(reason) => action.run(() => care.cancel(booking.id, reason))}
                  />
                ) : null
              }
            />
          ))}
          <FormError message={action.error} />
        </ul>
      )}
    </Card>
  );
}

const STATUS: Record<TestBooking['status'], string> = {
  booked: 'Booked',
  checked_in: 'Checked in',
  cancelled: 'Cancelled',
};

function BookingItem({
  booking,
  test,
  centre,
  cancel,
}: {
  booking: TestBooking;
  test?: DiagnosticTest;
  centre?: Centre;
  cancel: ReactNode;
}) {
  return (
    <li className={`booking booking-${booking.status}`}>
      <p className="booking-title">
        <strong>{test?.name ?? 'A test'}</strong> — {STATUS[booking.status]}
      </p>
      <p>
        {centre ? `${centre.name}, ${centre.address}, ${centre.city}` : 'A diagnostic centre'}
        <br />
        {localTime(booking.starts_at, centre?.time_zone ?? 'UTC')} (arrive within that hour)
      </p>
      {booking.status !== 'cancelled' && (
        <p className="token">
          Booking token: <span className="token-value">{booking.token}</span>
        </p>
      )}
      {test?.preparation && booking.status === 'booked' && <p className="hint">How to prepare: {test.preparation}</p>}
      <p className="hint">Price: {price(booking.price_minor, booking.currency)}, paid at the centre.</p>
      {cancel}
    </li>
  );
}

function BookTest({ patientId }: { patientId: number }) {
  const catalogue = useCatalogue();
  const [testId, setTestId] = useState('');
  const [centreId, setCentreId] = useState('');
  const [day, setDay] = useState(() => new Date(Date.now() + 86400_000).toISOString().slice(0, 10));
  const [hour, setHour] = useState('');
  const [booked, setBooked] = useState<TestBooking>();
  const test = catalogue.data?.items.find((item) => String(item.id) === testId);
  const centres = useApiQuery(['care', 'centres-for', testId], () =>
    testId ? care.centresFor(Number(testId)) : Promise.resolve({ items: [] }),
  );
  const centre = centres.data?.items.find((item) => String(item.id) === centreId);
  const range = dayRange(day);
  const hours = useApiQuery(['care', 'hours', centreId, testId, day], () =>
    centreId && testId && day
      ? care.hours(Number(centreId), Number(testId), range.from, range.to)
      : Promise.resolve({ items: [] as TestHour[] }),
  );
  const dayHours = (hours.data?.items ?? []).filter(
    (item) => centre && localDay(new Date(item.starts_at), centre.time_zone) === day,
  );
  const form = useSubmit(
    ['test_id', 'centre_id', 'starts_at'],
    () => care.book({ test_id: Number(testId), centre_id: Number(centreId), starts_at: hour }),
    (booking) => {
      setBooked(booking);
      setHour('');
    },
    () => Promise.all([reload(keys.record(patientId, 'test-bookings')), reload(['care', 'hours'])]),
  );
  const hourGroup = useId();
  return (
    <Card id="book-test" title="Book a test">
      <Async state={catalogue} label="Loading the tests…" empty="No tests can be booked yet.">
        {(data) => (
          <form onSubmit={form.submit} noValidate aria-label="Book a test">
            <SelectField
              label="Test"
              value={testId}
              error={form.errors.test_id}
              onChange={(event) => {
                setTestId(event.target.value);
                setCentreId('');
                setHour('');
                setBooked(undefined);
              }}
              options={[
                { value: '', label: 'Choose a test' },
                ...data.items.map((item) => ({
                  value: String(item.id),
                  label: `${item.name} — ${price(item.price_minor, item.currency)}`,
                })),
              ]}
            />
            {test && (
              <p className="hint">
                Takes about {test.duration_minutes} minutes.{' '}
                {test.preparation ? `How to prepare: ${test.preparation}` : 'No preparation needed.'}
              </p>
            )}
            {testId && (
              <Async state={centres} label="Finding centres…" empty="No centre offers this test yet.">
                {(found) => (
                  <SelectField
                    label="Centre"
                    value={centreId}
                    error={form.errors.centre_id}
                    onChange={(event) => {
                      setCentreId(event.target.value);
                      setHour('');
                    }}
                    options={[
                      { value: '', label: 'Choose a centre' },
                      ...found.items.map((item) => ({
                        value: String(item.id),
                        label: `${item.name}, ${item.city}`,
                      })),
                    ]}
                  />
                )}
              </Async>
            )}
            {centre && (
              <>
                <Field
                  label="Day"
                  type="date"
                  value={day}
                  min={new Date().toISOString().slice(0, 10)}
                  onChange={(event) => {
                    setDay(event.target.value);
                    setHour('');
                  }}
                  hint={`Times are the centre's local time (${centre.time_zone}).`}
                />
                <fieldset className="hours" aria-describedby={form.errors.starts_at ? `${hourGroup}-error` : undefined}>
                  <legend>Hour</legend>
                  <Async state={hours} label="Loading the hours…">
                    {() =>
                      dayHours.length === 0 ? (
                        <p className="empty">The centre takes no bookings for this test on that day.</p>
                      ) : (
                        <ul className="hour-list">
                          {dayHours.map((item) => (
                            <li key={item.starts_at}>
                              <label>
                                <input
                                  type="radio"
                                  name={hourGroup}
                                  value={item.starts_at}
                                  checked={hour === item.starts_at}
                                  disabled={item.left === 0}
                                  onChange={() => setHour(item.starts_at)}
                                />{' '}
                                {new Intl.DateTimeFormat('en-GB', {
                                  timeZone: centre.time_zone,
                                  timeStyle: 'short',
                                }).format(new Date(item.starts_at))}{' '}
                                —{' '}
                                {item.left === 0 ? 'full' : `${item.left} ${item.left === 1 ? 'place' : 'places'} left`}
                              </label>
                            </li>
                          ))}
                        </ul>
                      )
                    }
                  </Async>
                  {form.errors.starts_at && (
                    <p className="field-error" id={`${hourGroup}-error`} role="alert">
                      {form.errors.starts_at}
                    </p>
                  )}
                </fieldset>
              </>
            )}
            <FormError message={form.formError} />
            {centre && (
              <SubmitButton busy={form.busy} busyText="Booking…">
                Book
              </SubmitButton>
            )}
            {!hour && centre && dayHours.length > 0 && <p className="hint">Choose an hour to book.</p>}
          </form>
        )}
      </Async>
      {booked && (
        <div className="confirmation" role="status">
          <p>
            Booked. Your token is <span className="token-value">{booked.token}</span>: show it when you arrive. We have
            emailed it to you as well.
          </p>
        </div>
      )}
    </Card>
  );
}
