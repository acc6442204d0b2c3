// The doctor's availability: the weekly sessions at each clinic they practise at (day, start,
// end, slot length and a buffer after each slot, in the clinic's own time), and leave and extra
// sessions — add them, or remove one entered by mistake. Patients see the free slots these make.
import { useState } from 'react';
import {
  care,
  WEEKDAYS,
  WEEKDAY_OPTIONS,
  type Availability,
  type AvailabilityException,
  type WeeklySession,
} from '../api/care';
import { reload, useApiQuery } from '../api/query';
import { useSession } from '../auth';
import { Card } from '../components/card';
import {
  Field,
  FormError,
  Saved,
  SelectField,
  SubmitButton,
  requireNumber,
  useAction,
  useSubmit,
} from '../components/forms';

export function AvailabilityPage() {
  const { account } = useSession();
  const doctorId = account!.id;
  const availability = useApiQuery(['care', 'availability', doctorId], () => care.availability(doctorId));
  return (
    <section>
      <h1>Availability</h1>
      <p>
        Patients book the slots your weekly hours make, in each clinic&apos;s own time. Leave and clinic closures take
        slots away; an extra session adds some. Appointments already booked are kept.
      </p>
      <Card
        id="weekly-hours"
        title="Weekly hours"
        query={availability}
        label="Loading your hours…"
        isEmpty={(data) => data.clinics.length === 0}
        empty="You do not practise at any clinic yet. An administrator adds you to a clinic."
      >
        {(data) => (
          <>
            {data.clinics.map((clinic) => (
              <ClinicHours key={clinic.clinic_id} doctorId={doctorId} clinic={clinic} />
            ))}
          </>
        )}
      </Card>
      <Card id="exceptions" title="Leave and extra sessions" query={availability} label="Loading…">
        {(data) => <Exceptions doctorId={doctorId} data={data} />}
      </Card>
    </section>
  );
}

type Row = { weekday: string; start: string; end: string; slot: string; buffer: string };

function rowOf(session: WeeklySession): Row {
  return {
    weekday: String(session.weekday),
    start: session.start,
    end: session.end,
    slot: String(session.slot_minutes ?? 15),
    buffer: String(session.buffer_minutes ?? 0),
  };
}

/** One clinic's weekly sessions, edited as rows and saved together. */
function ClinicHours({ doctorId, clinic }: { doctorId: number; clinic: Availability['clinics'][number] }) {
  const [rows, setRows] = useState<Row[]>(() => clinic.sessions.map(rowOf));
  const [saved, setSaved] = useState<string>();
  const save = useSubmit(
    ['weekday', 'start', 'end', 'slot_minutes', 'buffer_minutes'],
    async () => {
      setSaved(undefined);
      const sessions = rows.map((row) => {
        const day = WEEKDAYS[Number(row.weekday) - 1];
        return {
          weekday: Number(row.weekday),
          start: row.start,
          end: row.end,
          slot_minutes: requireNumber(row.slot, `Slot length on ${day}`, '15'),
          buffer_minutes: requireNumber(row.buffer, `Buffer on ${day}`, '0'),
        };
      });
      await care.setHours(doctorId, clinic.clinic_id, sessions);
    },
    () => setSaved(`Saved. Patients now see these hours at ${clinic.clinic_name}.`),
    () => reload(['care', 'availability', doctorId]),
  );
  const change = (index: number, part: Partial<Row>) =>
    setRows(rows.map((row, at) => (at === index ? { ...row, ...part } : row)));
  return (
    <form onSubmit={save.submit} noValidate aria-label={`Weekly hours at ${clinic.clinic_name}`}>
      <h3>
        {clinic.clinic_name} <span className="hint">({clinic.time_zone})</span>
      </h3>
      {rows.length === 0 && <p className="empty">No weekly hours here yet.</p>}
      <ul className="sessions">
        {rows.map((row, index) => (
          <li key={index} className="row session">
            <SelectField
              label="Day"
              value={row.weekday}
              onChange={(event) => change(index, { weekday: event.target.value })}
              options={WEEKDAY_OPTIONS}
              error={save.errors.weekday}
            />
            <Field
              label="From"
              type="time"
              value={row.start}
              onChange={(event) => change(index, { start: event.target.value })}
              error={save.errors.start}
            />
            <Field
              label="Until"
              type="time"
              value={row.end}
              onChange={(event) => change(index, { end: event.target.value })}
              error={save.errors.end}
            />
            <Field
              label="Slot (minutes)"
              inputMode="numeric"
              value={row.slot}
              onChange={(event) => change(index, { slot: event.target.value })}
              error={save.errors.slot_minutes}
            />
            <Field
              label="Buffer after (minutes)"
              inputMode="numeric"
              value={row.buffer}
              onChange={(event) => change(index, { buffer: event.target.value })}
              error={save.errors.buffer_minutes}
            />
            <button
              type="button"
              onClick={() => setRows(rows.filter((_, at) => at !== index))}
              aria-label={`Remove the ${WEEKDAYS[Number(row.weekday) - 1]} session from ${row.start}`}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <div className="row">
        <button
          type="button"
          onClick={() =>
            setRows([
              ...rows,
              rows.length > 0
                ? { ...rows[rows.length - 1], weekday: String((Number(rows[rows.length - 1].weekday) % 7) + 1) }
                : { weekday: '1', start: '09:00', end: '12:00', slot: '15', buffer: '0' },
            ])
          }
        >
          Add a session
        </button>
        <SubmitButton busy={save.busy} busyText="Saving…">
          Save hours at {clinic.clinic_name}
        </SubmitButton>
      </div>
      <FormError message={save.formError} />
      <Saved message={saved} />
    </form>
  );
}

function describe(exception: AvailabilityException, clinics: Availability['clinics']): string {
  const dates =
    exception.first_day === exception.last_day
      ? exception.first_day
      : `${exception.first_day} to ${exception.last_day}`;
  const at = clinics.find((clinic) => clinic.clinic_id === exception.clinic_id)?.clinic_name;
  if (exception.kind === 'leave') return `Leave, ${dates}${at ? ` at ${at}` : ' (every clinic)'}`;
  if (exception.kind === 'extra')
    return `Extra session, ${dates}, ${exception.start}–${exception.end} at ${at ?? 'a clinic'}`;
  return `${at ?? 'The clinic'} is closed, ${dates}`;
}

function Exceptions({ doctorId, data }: { doctorId: number; data: Availability }) {
  const action = useAction(() => void reload(['care', 'availability', doctorId]));
  const [kind, setKind] = useState<'leave' | 'extra'>('leave');
  const [first, setFirst] = useState('');
  const [last, setLast] = useState('');
  const [clinic, setClinic] = useState(data.clinics[0] ? String(data.clinics[0].clinic_id) : '');
  const [start, setStart] = useState('09:00');
  const [end, setEnd] = useState('12:00');
  const [slot, setSlot] = useState('15');
  const [note, setNote] = useState('');
  const [saved, setSaved] = useState<string>();
  const add = useSubmit(
    ['first_day', 'last_day', 'clinic_id', 'start', 'end', 'slot_minutes', 'note'],
    async () => {
      setSaved(undefined);
      if (!first) throw new Error('Choose the first day.');
      if (kind === 'leave') {
        return care.addException({
          kind,
          doctor_id: doctorId,
          first_day: first,
          last_day: last || first,
          note: note.trim(),
        });
      }
      const slotMinutes = requireNumber(slot, 'Slot length', '15');
      return care.addException({
        kind,
        doctor_id: doctorId,
        clinic_id: Number(clinic),
        first_day: first,
        last_day: last || first,
        start,
        end,
        slot_minutes: slotMinutes,
        buffer_minutes: 0,
        note: note.trim(),
      });
    },
    () => {
      setSaved(kind === 'leave' ? 'Leave added: those days have no free slots.' : 'Extra session added.');
      setFirst('');
      setLast('');
      setNote('');
    },
    () => reload(['care', 'availability', doctorId]),
  );
  return (
    <>
      {data.exceptions.length === 0 ? (
        <p className="empty">No leave or extra sessions ahead.</p>
      ) : (
        <ul className="bookings" aria-label="Leave, extra sessions and closures">
          {data.exceptions.map((exception) => (
            <li key={exception.id} className="booking">
              <p>
                {describe(exception, data.clinics)}
                {exception.note && <> · {exception.note}</>}
              </p>
              {exception.kind !== 'closed' && (
                <button
                  type="button"
                  onClick={() => void action.run(() => care.removeException(exception.id))}
                  aria-label={`Remove: ${describe(exception, data.clinics)}`}
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <FormError message={action.error} />
      <form onSubmit={add.submit} noValidate aria-label="Add leave or an extra session">
        <h3>Add</h3>
        <SelectField
          label="What"
          value={kind}
          onChange={(event) => setKind(event.target.value as 'leave' | 'extra')}
          options={[
            { value: 'leave', label: 'Leave (no appointments)' },
            { value: 'extra', label: 'An extra session' },
          ]}
        />
        <div className="row">
          <Field
            label="First day"
            type="date"
            value={first}
            onChange={(event) => setFirst(event.target.value)}
            error={add.errors.first_day}
          />
          <Field
            label="Last day"
            type="date"
            value={last}
            onChange={(event) => setLast(event.target.value)}
            error={add.errors.last_day}
            hint="Leave empty for one day."
          />
        </div>
        {kind === 'extra' && (
          <div className="row">
            <SelectField
              label="Clinic"
              value={clinic}
              onChange={(event) => setClinic(event.target.value)}
              options={data.clinics.map((c) => ({ value: String(c.clinic_id), label: c.clinic_name }))}
              error={add.errors.clinic_id}
            />
            <Field
              label="From"
              type="time"
              value={start}
              onChange={(event) => setStart(event.target.value)}
              error={add.errors.start}
            />
            <Field
              label="Until"
              type="time"
              value={end}
              onChange={(event) => setEnd(event.target.value)}
              error={add.errors.end}
            />
            <Field
              label="Slot (minutes)"
              inputMode="numeric"
              value={slot}
              onChange={(event) => setSlot(event.target.value)}
              error={add.errors.slot_minutes}
            />
          </div>
        )}
        <Field
          label="Note (for you and the admins)"
          value={note}
          maxLength={200}
          onChange={(event) => setNote(event.target.value)}
          error={add.errors.note}
        />
        <FormError message={add.formError} />
        <SubmitButton busy={add.busy} busyText="Adding…">
          Add
        </SubmitButton>
        <Saved message={saved} />
      </form>
    </>
  );
}
