// Monitoring views: a patient's open alerts, the doctor's alerts inbox and patient search, and
// in-app notifications.
import { useState } from 'react';
import { monitoring, type PatientHit } from '../api/endpoints';
import { formatDate } from '../metrics';
import { Link } from '../router';
import { Field, FormError, SubmitButton, useAction, useSubmit } from './forms';
import { Async, useLoad } from './status';

/** A patient's alerts that are not resolved yet (open or acknowledged by a doctor). */
export function OpenAlerts({ patientId }: { patientId: number }) {
  const alerts = useLoad(async () => {
    const page = await monitoring.patientAlerts(patientId, '');
    return { ...page, items: page.items.filter((a) => a.status !== 'resolved') };
  }, [patientId]);
  return (
    <section className="card" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      <Async state={alerts} label="Loading alerts…">
        {(page) =>
          page.items.length === 0 ? (
            <p className="empty">No alerts.</p>
          ) : (
            <ul className="people">
              {page.items.map((a) => (
                <li key={a.id}>
                  <span>
                    <span className={`badge severity-${a.severity}`}>{a.severity}</span> {a.title}
                  </span>
                  <span className="muted">
                    {a.status === 'acknowledged' ? 'seen by your doctor · ' : ''}
                    {formatDate(a.raised_at)}
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </Async>
    </section>
  );
}

export function AlertsInbox() {
  const alerts = useLoad(() => monitoring.alerts('open'), []);
  const action = useAction(alerts.reload);
  return (
    <section className="card" aria-labelledby="inbox-title">
      <h2 id="inbox-title">Alerts inbox</h2>
      <Async state={alerts} label="Loading alerts…">
        {(page) =>
          page.items.length === 0 ? (
            <p className="empty">No open alerts for your patients.</p>
          ) : (
            <ul className="people">
              {page.items.map((a) => (
                <li key={a.id}>
                  <span>
                    <span className={`badge severity-${a.severity}`}>{a.severity}</span>{' '}
                    <Link to={`/doctor/patients/${a.patient_id}`}>{a.patient_name}</Link>: {a.title}
                    <br />
                    <span className="muted">{formatDate(a.raised_at)}</span>
                  </span>
                  <span className="row">
                    <button type="button" onClick={() => action.run(() => monitoring.acknowledge(a.id))}>
                      Acknowledge
                    </button>
                    <button type="button" onClick={() => action.run(() => monitoring.resolve(a.id))}>
                      Resolve
                    </button>
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </Async>
      <FormError message={action.error} />
    </section>
  );
}

function PatientRow({ hit }: { hit: PatientHit }) {
  return (
    <li>
      <span>
        <Link to={`/doctor/patients/${hit.id}`}>{hit.full_name}</Link> <span className="muted">born {hit.date_of_birth}</span>
      </span>
      <span>
        {hit.linked ? <span className="badge ok">linked</span> : <span className="muted">not linked</span>}
        {hit.open_alerts ? <span className="badge bad"> {hit.open_alerts} open alerts</span> : null}
      </span>
    </li>
  );
}

/** The doctor's linked patients, in name order, with their open alerts. */
export function MyPatients() {
  const list = useLoad(() => monitoring.myPatients(), []);
  return (
    <section className="card" aria-labelledby="mine-title">
      <h2 id="mine-title">My patients</h2>
      <Async state={list} label="Loading your patients…">
        {(page) =>
          page.items.length === 0 ? (
            <p className="empty">No patient has linked you yet.</p>
          ) : (
            <ul className="people">
              {page.items.map((hit) => (
                <PatientRow key={hit.id} hit={hit} />
              ))}
            </ul>
          )
        }
      </Async>
    </section>
  );
}

export function PatientSearch() {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<PatientHit[]>();
  const { busy, errors, formError, submit } = useSubmit(['query'], () => monitoring.searchPatients(query.trim()), (page) => setHits(page.items));
  return (
    <section className="card" aria-labelledby="search-title">
      <h2 id="search-title">Find a patient</h2>
      <form onSubmit={submit} noValidate className="row search">
        <Field label="Name" name="patient-query" value={query} onChange={(e) => setQuery(e.target.value)} error={errors.query} />
        <SubmitButton busy={busy}>Search</SubmitButton>
      </form>
      <FormError message={formError} />
      {hits && (
        <ul className="people" aria-label="Patients found">
          {hits.length === 0 && <li>No patient matches.</li>}
          {hits.map((hit) => (
            <PatientRow key={hit.id} hit={hit} />
          ))}
        </ul>
      )}
    </section>
  );
}

export function Notifications() {
  const list = useLoad(() => monitoring.notifications(), []);
  const markRead = async (id: number) => {
    try {
      await monitoring.markRead(id);
    } finally {
      list.reload();
    }
  };
  return (
    <section className="card" aria-labelledby="notifications-title">
      <h2 id="notifications-title">Notifications</h2>
      <Async state={list} label="Loading notifications…">
        {(page) =>
          page.items.length === 0 ? (
            <p className="empty">Nothing new.</p>
          ) : (
            <ul className="people">
              {page.items.slice(0, 10).map((n) => (
                <li key={n.id} className={n.read_at ? 'read' : 'unread'}>
                  <span>
                    {n.title}
                    <br />
                    <span className="muted">{formatDate(n.created_at)}</span>
                  </span>
                  {!n.read_at && (
                    <button type="button" onClick={() => markRead(n.id)}>
                      Mark read
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Async>
    </section>
  );
}
