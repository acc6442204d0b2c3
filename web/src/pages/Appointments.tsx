// The patient's appointments: upcoming ones (move or cancel them), past ones, and booking a new
// one — find a doctor by specialty, city or name (or nearest to where the browser says they are),
// pick a time from a week of free slots in the clinic's own time, say in person or by video and
// why. A taken time answers with other times to choose from. The emails link here.
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import {
  alternativesOf,
  care,
  localTime,
  type Appointment,
  type DirectoryEntry,
  type DoctorSlot,
  type Slot,
} from '../api/care';
import { keys, reload, useApiQuery } from '../api/query';
import { useSession } from '../auth';
import { Card } from '../components/card';
import { CancelWithReason } from '../components/confirm';
import { Field, FormError, SelectField, SubmitButton, messageOf, useAction, useSubmit } from '../components/forms';
import { Async } from '../components/status';

type Doctor = DirectoryEntry['doctors'][number];

/** Every clinic and doctor the patient may meet, for names and time zones in the lists. */
function useDirectory() {
  return useApiQuery(['care', 'directory'], () => care.clinics({}));
}

const DAY = 86400_000;

function startOfDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

function dayLabel(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'long' }).format(
    new Date(iso),
  );
}

function timeLabel(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, timeStyle: 'short' }).format(new Date(iso));
}

export function AppointmentsPage() {
  const { account } = useSession();
  const patientId = account!.id;
  return (
    <section>
      <h1>Appointments</h1>
      <p>
        Book a visit with a doctor, in person or by video, and move or cancel it here. We email you a calendar entry.
      </p>
      <MyAppointments patientId={patientId} />
      <BookAppointment patientId={patientId} />
    </section>
  );
}

function MyAppointments({ patientId }: { patientId: number }) {
  const appointments = useApiQuery(keys.record(patientId, 'appointments'), () => care.myAppointments(patientId));
  const directory = useDirectory();
  const [moving, setMoving] = useState<number>();
  const action = useAction(() => void reload(keys.record(patientId, 'appointments')));
  const clinicOf = (id: number) => directory.data?.items.find((clinic) => clinic.id === id);
  const doctorName = (id: number) =>
    directory.data?.items.flatMap((clinic) => clinic.doctors).find((doctor) => doctor.id === id)?.full_name ??
    'Your doctor';
  const [now] = useState(() => Date.now());
  return (
    <Card
      id="my-appointments"
      title="My appointments"
      query={appointments}
      label="Loading your appointments…"
      empty="You have no appointments yet."
    >
      {(data) => {
        const upcoming = data.items.filter((a) => a.status === 'booked' && Date.parse(a.ends_at) > now);
        const past = data.items.filter((a) => !upcoming.includes(a)).reverse();
        const item = (appointment: Appointment) => {
          const clinic = clinicOf(appointment.clinic_id);
          const zone = clinic?.time_zone ?? 'UTC';
          return (
            <li key={appointment.id} className={`booking booking-${appointment.status}`}>
              <p className="booking-title">
                <strong>{doctorName(appointment.doctor_id)}</strong> — {STATUS[appointment.status]}
              </p>
              <p>
                {localTime(appointment.starts_at, zone)}
                <br />
                {appointment.mode === 'telehealth'
                  ? 'Online, by video'
                  : clinic
                    ? `${clinic.name}, ${clinic.address}, ${clinic.city}`
                    : 'At the clinic'}
              </p>
              {appointment.status === 'booked' && Date.parse(appointment.starts_at) > now && (
                <div className="row">
                  <button
                    type="button"
                    onClick={() => setMoving(moving === appointment.id ? undefined : appointment.id)}
                  >
                    {moving === appointment.id ? 'Keep this time' : 'Move to another time'}
                  </button>
                  <CancelWithReason
                    what="appointment"
                    hint="Your doctor sees the reason; the time goes to someone else."
                    cancel={(reason) => action.run(() => care.cancelAppointment(appointment.id, reason))}
                  />
                </div>
              )}
              {moving === appointment.id && (
                <SlotPicker
                  doctorId={appointment.doctor_id}
                  timeZone={zone}
                  label="New time"
                  submitLabel="Move the appointment"
                  onPick={async (slot) => {
                    await care.reschedule(appointment.id, slot.starts_at);
                    setMoving(undefined);
                    await reload(keys.record(patientId, 'appointments'));
                  }}
                />
              )}
            </li>
          );
        };
        return (
          <>
            <h3>Upcoming</h3>
            {upcoming.length === 0 ? (
              <p className="empty">Nothing booked.</p>
            ) : (
              <ul className="bookings">{upcoming.map(item)}</ul>
            )}
            {past.length > 0 && (
              <>
                <h3>Past and cancelled</h3>
                <ul className="bookings">{past.map(item)}</ul>
              </>
            )}
            <FormError message={action.error} />
          </>
        );
      }}
    </Card>
  );
}

const STATUS: Record<Appointment['status'], string> = {
  booked: 'Booked',
  completed: 'Done',
  no_show: 'Missed',
  cancelled: 'Cancelled',
};

/**
 * A week of the doctor's free slots, day by day in the clinic's time, with the weeks before and
 * after; `onPick` runs with the chosen slot (its errors show here, a taken time with others: the
 * doctor's, and — when `onOtherDoctor` is given — another doctor's of the same specialty).
 * `initial` preselects a time (and shows its week).
 */
function SlotPicker({
  doctorId,
  timeZone,
  label,
  submitLabel,
  initial,
  onPick,
  onOtherDoctor,
}: {
  doctorId: number;
  timeZone: string;
  label: string;
  submitLabel: string;
  initial?: string;
  onPick: (slot: Slot) => Promise<void>;
  onOtherDoctor?: (slot: DoctorSlot) => void;
}) {
  const [week, setWeek] = useState(() => startOfDay(initial ? new Date(initial) : new Date()).getTime());
  const [chosen, setChosen] = useState<string | undefined>(initial);
  const [error, setError] = useState<string>();
  const [alternatives, setAlternatives] = useState<string[]>([]);
  const [others, setOthers] = useState<DoctorSlot[]>([]);
  const directory = useDirectory();
  const zoneOf = (clinicId: number) =>
    directory.data?.items.find((clinic) => clinic.id === clinicId)?.time_zone ?? timeZone;
  const [busy, setBusy] = useState(false);
  const from = new Date(week).toISOString().slice(0, 19) + 'Z';
  const to = new Date(week + 7 * DAY).toISOString().slice(0, 19) + 'Z';
  const slots = useApiQuery(['care', 'slots', doctorId, from], () => care.slots(doctorId, from, to));
  const days = new Map<string, Slot[]>();
  for (const slot of slots.data?.items ?? []) {
    const day = dayLabel(slot.starts_at, timeZone);
    days.set(day, [...(days.get(day) ?? []), slot]);
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const slot =
      slots.data?.items.find((item) => item.starts_at === chosen) ?? (chosen ? { starts_at: chosen } : undefined);
    if (!slot) {
      setError('Choose a time.');
      return;
    }
    setBusy(true);
    setError(undefined);
    setAlternatives([]);
    setOthers([]);
    try {
      await onPick(slot as Slot);
    } catch (failure) {
      setError(messageOf(failure));
      if (failure instanceof ApiError && failure.status === 409) {
        setAlternatives(failure.suggestions);
        setOthers(alternativesOf(failure.detail).filter((other) => other.doctor_id !== doctorId));
        void reload(['care', 'slots', doctorId]);
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate aria-label={label} className="slot-picker">
      <div className="row">
        <button
          type="button"
          disabled={week <= startOfDay(new Date()).getTime()}
          onClick={() => setWeek(week - 7 * DAY)}
        >
          Earlier week
        </button>
        <span>
          {dayLabel(from, timeZone)} to {dayLabel(new Date(week + 6 * DAY).toISOString(), timeZone)}
        </span>
        <button type="button" onClick={() => setWeek(week + 7 * DAY)}>
          Later week
        </button>
      </div>
      <fieldset className="hours">
        <legend>{label}</legend>
        <Async state={slots} label="Loading free times…">
          {() =>
            days.size === 0 ? (
              <p className="empty">No free times this week. Try a later week.</p>
            ) : (
              [...days.entries()].map(([day, list]) => (
                <div key={day} className="slot-day">
                  <p className="slot-day-name">{day}</p>
                  <ul className="hour-list">
                    {list.map((slot) => (
                      <li key={slot.starts_at}>
                        <label>
                          <input
                            type="radio"
                            name={`slot-${doctorId}`}
                            value={slot.starts_at}
                            checked={chosen === slot.starts_at}
                            onChange={() => setChosen(slot.starts_at)}
                          />{' '}
                          {timeLabel(slot.starts_at, timeZone)}
                        </label>
                      </li>
                    ))}
                  </ul>
                </div>
              ))
            )
          }
        </Async>
      </fieldset>
      {alternatives.length > 0 && (
        <div className="alternatives" role="group" aria-label="Other free times">
          <p>These times are free:</p>
          <ul className="hour-list">
            {alternatives.map((iso) => (
              <li key={iso}>
                <button type="button" onClick={() => setChosen(iso)} aria-pressed={chosen === iso}>
                  {dayLabel(iso, timeZone)}, {timeLabel(iso, timeZone)}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {onOtherDoctor && others.length > 0 && (
        <div className="alternatives" role="group" aria-label="Another doctor sooner">
          <p>Or see another doctor of the same kind:</p>
          <ul className="bookings">
            {others.map((other) => (
              <li key={`${other.doctor_id}-${other.starts_at}`}>
                <button type="button" onClick={() => onOtherDoctor(other)}>
                  {other.doctor_name}, {other.clinic_name}: {localTime(other.starts_at, zoneOf(other.clinic_id))}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <FormError message={error} />
      <SubmitButton busy={busy} busyText="Booking…">
        {submitLabel}
      </SubmitButton>
    </form>
  );
}

function BookAppointment({ patientId }: { patientId: number }) {
  const specialties = useApiQuery(['care', 'specialties'], () => care.specialties());
  const [specialty, setSpecialty] = useState('');
  const [city, setCity] = useState('');
  const [name, setName] = useState('');
  const [point, setPoint] = useState<{ lat: number; lon: number }>();
  const [locating, setLocating] = useState<string>();
  const [query, setQuery] = useState<Parameters<typeof care.clinics>[0]>();
  const [doctor, setDoctor] = useState<{ doctor: Doctor; clinic: DirectoryEntry }>();
  const [mode, setMode] = useState<'in_person' | 'telehealth'>('in_person');
  const [reason, setReason] = useState('');
  const [booked, setBooked] = useState<Appointment>();
  const [initial, setInitial] = useState<string>();
  const directory = useDirectory();
  const found = useApiQuery(['care', 'search', query], () =>
    query ? care.clinics(query) : Promise.resolve({ items: [] as DirectoryEntry[] }),
  );
  const specialtyId = specialties.data?.items.find((s) => s.name === query?.specialty)?.id;
  const soonest = useApiQuery(['care', 'soonest', specialtyId, query?.lat, query?.lon], () =>
    specialtyId
      ? care.soonest(specialtyId, { next: 6, lat: query?.lat, lon: query?.lon })
      : Promise.resolve({ items: [] as DoctorSlot[] }),
  );
  /** Opens the booking form with that doctor and time chosen (the patient still presses Book). */
  const choose = (slot: DoctorSlot) => {
    const clinic = directory.data?.items.find((entry) => entry.id === slot.clinic_id);
    const chosen = clinic?.doctors.find((d) => d.id === slot.doctor_id);
    if (!clinic || !chosen) return;
    setBooked(undefined);
    setDoctor({ doctor: chosen, clinic });
    setInitial(slot.starts_at);
  };
  const search = useSubmit([], async () => {
    setDoctor(undefined);
    setInitial(undefined);
    setBooked(undefined);
    setQuery({
      specialty: specialty || undefined,
      city: city.trim() || undefined,
      name: name.trim() || undefined,
      lat: point?.lat,
      lon: point?.lon,
    });
  });
  const locate = () => {
    if (!navigator.geolocation) {
      setLocating('This browser cannot tell where you are. Search by city instead.');
      return;
    }
    setLocating('Finding where you are…');
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setPoint({ lat: position.coords.latitude, lon: position.coords.longitude });
        setLocating(undefined);
      },
      () => setLocating('Your location is not available. Search by city instead.'),
    );
  };
  return (
    <Card id="book-appointment" title="Book an appointment">
      <form onSubmit={search.submit} noValidate aria-label="Find a doctor" className="search-form">
        <Async state={specialties} label="Loading specialties…">
          {(data) => (
            <SelectField
              label="Specialty"
              value={specialty}
              onChange={(event) => setSpecialty(event.target.value)}
              options={[
                { value: '', label: 'Any specialty' },
                ...data.items.filter((s) => s.active).map((s) => ({ value: s.name, label: s.name })),
              ]}
            />
          )}
        </Async>
        <Field
          label="City"
          value={city}
          onChange={(event) => setCity(event.target.value)}
          autoComplete="address-level2"
        />
        <Field label="Doctor or clinic name" value={name} onChange={(event) => setName(event.target.value)} />
        <div className="row">
          <button type="button" onClick={locate} aria-pressed={point !== undefined}>
            {point ? 'Nearest to you first' : 'Nearest to me'}
          </button>
          {point && (
            <button type="button" onClick={() => setPoint(undefined)}>
              Forget my location
            </button>
          )}
        </div>
        {locating && <p role="status">{locating}</p>}
        <FormError message={search.formError} />
        <SubmitButton busy={search.busy}>Find doctors</SubmitButton>
      </form>
      {query && specialtyId !== undefined && (
        <Async state={soonest} label="Finding the soonest free times…">
          {(data) =>
            data.items.length > 0 && (
              <div className="soonest">
                <h3>Soonest free times in {query.specialty}</h3>
                <ul className="bookings" aria-label="Soonest free times">
                  {data.items.map((slot) => (
                    <li key={`${slot.doctor_id}-${slot.starts_at}`}>
                      <button type="button" onClick={() => choose(slot)}>
                        {localTime(
                          slot.starts_at,
                          directory.data?.items.find((c) => c.id === slot.clinic_id)?.time_zone ?? 'UTC',
                        )}{' '}
                        — {slot.doctor_name}, {slot.clinic_name}
                        {slot.distance_km !== null && ` (${slot.distance_km.toFixed(1)} km away)`}
                      </button>
                    </li>
                  ))}
                </ul>
              </div>
            )
          }
        </Async>
      )}
      {query && (
        <Async state={found} label="Searching…" empty="No doctor matches. Try another specialty or city.">
          {(data) => (
            <ul className="bookings" aria-label="Doctors found">
              {data.items.flatMap((clinic) =>
                clinic.doctors.map((d) => (
                  <li key={`${clinic.id}-${d.id}`} className="booking">
                    <p className="booking-title">
                      <strong>{d.full_name}</strong> — {d.specialties.join(', ') || 'Doctor'}
                    </p>
                    <p>
                      {clinic.name}, {clinic.address}, {clinic.city}
                      {clinic.distance_km !== null && ` (${clinic.distance_km.toFixed(1)} km away)`}
                    </p>
                    <button
                      type="button"
                      onClick={() => {
                        setInitial(undefined);
                        setDoctor({ doctor: d, clinic });
                      }}
                    >
                      See free times with {d.full_name}
                    </button>
                  </li>
                )),
              )}
            </ul>
          )}
        </Async>
      )}
      {doctor && !booked && (
        <div className="book-with">
          <h3>Book with {doctor.doctor.full_name}</h3>
          <SelectField
            label="How"
            value={mode}
            onChange={(event) => setMode(event.target.value as 'in_person' | 'telehealth')}
            options={[
              { value: 'in_person', label: 'In person' },
              { value: 'telehealth', label: 'By video' },
            ]}
          />
          <Field
            label="Reason (for your doctor)"
            value={reason}
            maxLength={500}
            onChange={(event) => setReason(event.target.value)}
            hint="Only your doctor sees it; it is never in emails."
          />
          <SlotPicker
            key={`${doctor.doctor.id}-${initial ?? ''}`}
            doctorId={doctor.doctor.id}
            timeZone={doctor.clinic.time_zone}
            label="Time"
            submitLabel="Book"
            initial={initial}
            onOtherDoctor={choose}
            onPick={async (slot) => {
              const appointment = await care.bookAppointment({
                doctor_id: doctor.doctor.id,
                starts_at: slot.starts_at,
                mode,
                reason: reason.trim(),
              });
              setBooked(appointment);
              await reload(keys.record(patientId, 'appointments'));
            }}
          />
        </div>
      )}
      {booked && doctor && (
        <div className="confirmation" role="status">
          <p>
            Booked with {doctor.doctor.full_name}: {localTime(booked.starts_at, doctor.clinic.time_zone)}. We have
            emailed you a calendar entry.
          </p>
        </div>
      )}
    </Card>
  );
}
