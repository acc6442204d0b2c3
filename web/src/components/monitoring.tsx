// Monitoring views: a patient's alerts, the doctor's alerts (open and acknowledged, with who
// acknowledged and when), and in-app notifications that arrive without a reload, each naming the
// patient and opening the page it is about.
import { useEffect, useRef, useState } from 'react';
import { monitoring, type Alert, type Notification } from '../api/endpoints';
import { formatDate } from '../metrics';
import { Link } from '../router';
import { FormError, useAction } from './forms';
import { announceNewNotifications, useLiveReload, useOnNewNotifications } from './live';
import { Async, useLoad } from './status';

/** "Acknowledged by Dr Bruno Costa on 6 Dec 2026, 09:41". */
function acknowledgement(alert: Alert, patientView: boolean): string {
  if (alert.status !== 'acknowledged' || !alert.acknowledged_at) return '';
  const who = alert.acknowledged_by_name ?? (patientView ? 'your doctor' : 'a doctor');
  return `${patientView ? 'Seen by' : 'Acknowledged by'} ${who} on ${formatDate(alert.acknowledged_at)}`;
}

/** Severity, the patient (for the care team), the finding, and when it was raised and seen. */
function AlertLine({ alert, patientView }: { alert: Alert; patientView: boolean }) {
  return (
    <span>
      <span className={`badge severity-${alert.severity}`}>{alert.severity}</span>{' '}
      {!patientView && (
        <>
          <Link to={`/doctor/patients/${alert.patient_id}/summary`}>{alert.patient_name}</Link>:{' '}
        </>
      )}
      {alert.title}
      <br />
      <span className="muted">
        Raised {formatDate(alert.raised_at)}
        {alert.status === 'acknowledged' && <> · {acknowledgement(alert, patientView)}</>}
      </span>
    </span>
  );
}

/** A patient's alerts that are not resolved yet (open, or acknowledged by a doctor). */
export function OpenAlerts({ patientId, patientView = false }: { patientId: number; patientView?: boolean }) {
  const alerts = useLoad(async () => {
    const page = await monitoring.patientAlerts(patientId, '');
    return { ...page, items: page.items.filter((a) => a.status !== 'resolved') };
  }, [patientId]);
  useOnNewNotifications(alerts.reload);
  return (
    <section className="card" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      <Async state={alerts} label="Loading alerts…">
        {(page) =>
          page.items.length === 0 ? (
            <p className="empty">No alerts.</p>
          ) : (
            <ul className="people alerts">
              {page.items.map((a) => (
                <li key={a.id}>
                  <AlertLine alert={a} patientView={patientView} />
                </li>
              ))}
            </ul>
          )
        }
      </Async>
    </section>
  );
}

/** The doctor's alerts: open ones first to act on, acknowledged ones kept with who and when. */
export function AlertsInbox({ limit }: { limit?: number }) {
  const alerts = useLoad(() => monitoring.alerts('unresolved'), []);
  const action = useAction(alerts.reload);
  useOnNewNotifications(alerts.reload);
  return (
    <section className="card" aria-labelledby="inbox-title">
      <h2 id="inbox-title">Alerts inbox</h2>
      <Async state={alerts} label="Loading alerts…">
        {(page) => {
          const open = page.items.filter((a) => a.status === 'open');
          const seen = page.items.filter((a) => a.status === 'acknowledged');
          const shown = limit ? [...open, ...seen].slice(0, limit) : [...open, ...seen];
          return (
            <>
              {open.length === 0 && <p className="empty">No open alerts for your patients.</p>}
              {shown.length > 0 && (
                <ul className="people alerts">
                  {shown.map((a) => (
                    <li key={a.id} className={a.status === 'open' ? 'alert-open' : 'alert-seen'}>
                      <AlertLine alert={a} patientView={false} />
                      <span className="row">
                        {a.status === 'open' && (
                          <button type="button" onClick={() => action.run(() => monitoring.acknowledge(a.id))} aria-label={`Acknowledge: ${a.patient_name}, ${a.title}`}>
                            Acknowledge
                          </button>
                        )}
                        <button type="button" onClick={() => action.run(() => monitoring.resolve(a.id))} aria-label={`Resolve: ${a.patient_name}, ${a.title}`}>
                          Resolve
                        </button>
                      </span>
                    </li>
                  ))}
                </ul>
              )}
              {limit && page.items.length > limit && (
                <p>
                  <Link to="/doctor/alerts">All {page.items.length} alerts</Link>
                </p>
              )}
            </>
          );
        }}
      </Async>
      <FormError message={action.error} />
    </section>
  );
}

/** "Ana Silva: 3 readings ≥ 140/90 in 14 days, latest 170/100" for the care team. */
function notificationText(n: Notification): string {
  return n.kind === 'own_alert' || !n.patient_name ? n.title : `${n.patient_name}: ${n.title}`;
}

/** The caller's notifications, updated while the page is open. */
export function Notifications() {
  const list = useLoad(() => monitoring.notifications(10), []);
  const newest = useRef<number | undefined>(undefined);
  const [news, setNews] = useState('');
  useLiveReload(list.reload);
  // A notification newer than the ones shown: say so, and let the alert views reload.
  useEffect(() => {
    const items = list.data?.items;
    if (!items || items.length === 0) return;
    const before = newest.current;
    newest.current = Math.max(items[0].id, before ?? 0);
    if (before === undefined) return;
    const fresh = items.filter((n) => n.id > before).length;
    if (fresh === 0) return;
    setNews(fresh === 1 ? '1 new notification.' : `${fresh} new notifications.`);
    announceNewNotifications();
  }, [list.data]);
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
      <p role="status" className="visually-hidden">
        {news}
      </p>
      <Async state={list} label="Loading notifications…">
        {(page) =>
          page.items.length === 0 ? (
            <p className="empty">Nothing new.</p>
          ) : (
            <ul className="people notifications">
              {page.items.map((n) => (
                <li key={n.id} className={n.read_at ? 'read' : 'unread'}>
                  <span>
                    <Link to={n.link} onClick={() => !n.read_at && void monitoring.markRead(n.id).catch(() => {})}>
                      {notificationText(n)}
                    </Link>
                    <br />
                    <span className="muted">{formatDate(n.created_at)}</span>
                  </span>
                  {!n.read_at && (
                    <button type="button" onClick={() => markRead(n.id)} aria-label={`Mark read: ${notificationText(n)}`}>
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
