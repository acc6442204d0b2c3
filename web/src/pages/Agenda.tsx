// The doctor's agenda: a week of their appointments, day by day in each clinic's time, with the
// patient (a link to their chart), in person or by video, the reason, and — once it has started —
// marking it done or missed. Every week shown is an audited read of the patients in it.
import { useState } from 'react';
import { care, type Appointment } from '../api/care';
import { monitoring } from '../api/monitor';
import { reload, useApiQuery } from '../api/query';
import { useSession } from '../auth';
import { Card } from '../components/card';
import { FormError, useAction } from '../components/forms';
import { Link } from '../router';

const DAY = 86400_000;

function monday(date: Date): number {
  const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY;
}

const STATUS: Record<Appointment['status'], string> = {
  booked: 'Booked',
  completed: 'Done',
  no_show: 'Missed',
  cancelled: 'Cancelled',
};

export function AgendaPage() {
  const { account } = useSession();
  const doctorId = account!.id;
  const [week, setWeek] = useState(() => monday(new Date()));
  const from = new Date(week).toISOString().slice(0, 19) + 'Z';
  const to = new Date(week + 7 * DAY).toISOString().slice(0, 19) + 'Z';
  const agenda = useApiQuery(['care', 'agenda', doctorId, from], () => care.agenda(doctorId, from, to));
  const directory = useApiQuery(['care', 'directory'], () => care.clinics({}));
  const patients = useApiQuery(['care', 'agenda-patients', doctorId], () => monitoring.myPatients());
  const action = useAction(() => void reload(['care', 'agenda', doctorId]));
  const [now] = useState(() => Date.now());
  const zoneOf = (clinicId: number) => directory.data?.items.find((c) => c.id === clinicId)?.time_zone ?? 'UTC';
  const clinicName = (clinicId: number) => directory.data?.items.find((c) => c.id === clinicId)?.name ?? 'Clinic';
  const patientName = (id: number) => patients.data?.items.find((p) => p.id === id)?.full_name ?? `Patient ${id}`;
  const heading = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
  return (
    <section>
      <h1>Agenda</h1>
      <div className="row">
        <button type="button" onClick={() => setWeek(week - 7 * DAY)}>
          Previous week
        </button>
        <span aria-live="polite">Week of {heading.format(new Date(week))}</span>
        <button type="button" onClick={() => setWeek(week + 7 * DAY)}>
          Next week
        </button>
        <button type="button" onClick={() => setWeek(monday(new Date()))}>
          This week
        </button>
      </div>
      <Card
        id="agenda"
        title="Appointments"
        query={agenda}
        label="Loading the agenda…"
        empty="No appointments this week."
      >
        {(data) => {
          const days = new Map<string, Appointment[]>();
          for (const appointment of data.items) {
            const day = new Intl.DateTimeFormat('en-GB', {
              timeZone: zoneOf(appointment.clinic_id),
              weekday: 'long',
              day: 'numeric',
              month: 'long',
            }).format(new Date(appointment.starts_at));
            days.set(day, [...(days.get(day) ?? []), appointment]);
          }
          return (
            <>
              {[...days.entries()].map(([day, list]) => (
                <div key={day}>
                  <h3>{day}</h3>
                  <ul className="bookings">
                    {list.map((appointment) => (
                      <li key={appointment.id} className={`booking booking-${appointment.status}`}>
                        <p className="booking-title">
                          <strong>
                            {new Intl.DateTimeFormat('en-GB', {
                              timeZone: zoneOf(appointment.clinic_id),
                              timeStyle: 'short',
                            }).format(new Date(appointment.starts_at))}
                          </strong>{' '}
                          <Link to={`/doctor/patients/${appointment.patient_id}`}>
                            {patientName(appointment.patient_id)}
                          </Link>{' '}
                          — {STATUS[appointment.status]}
                        </p>
                        <p>
                          {appointment.mode === 'telehealth' ? 'By video' : clinicName(appointment.clinic_id)}
                          {appointment.reason && <> · {appointment.reason}</>}
                        </p>
                        {appointment.status === 'booked' && Date.parse(appointment.starts_at) <= now && (
                          <div className="row">
                            <button
                              type="button"
                              onClick={() => void action.run(() => care.outcome(appointment.id, 'completed'))}
                            >
                              Mark done
                            </button>
                            <button
                              type="button"
                              onClick={() => void action.run(() => care.outcome(appointment.id, 'no_show'))}
                            >
                              Mark missed
                            </button>
                          </div>
                        )}
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
              <FormError message={action.error} />
            </>
          );
        }}
      </Card>
    </section>
  );
}
