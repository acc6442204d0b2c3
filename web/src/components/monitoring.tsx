// Monitoring views: a patient's alerts, the doctor's alerts (open and acknowledged, with who
// acknowledged and when), and in-app notifications that arrive without a reload, each naming the
// patient and opening the page it is about.
import { useEffect, useRef, useState } from 'react';
import { monitoring, type Alert, type Notification } from '../api/monitor';
import { keys, reload, useApiQuery } from '../api/query';
import { formatDate } from '../metrics';
import { Link } from '../router';
import { Card } from './card';
import { FormError, useAction } from './forms';
import { LIVE_INTERVAL_MS } from './live';

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
  const alerts = useApiQuery(keys.alerts('patient', patientId), async () => {
    const page = await monitoring.patientAlerts(patientId, '');
    return page.items.filter((a) => a.status !== 'resolved');
  });
  return (
    <Card title="Alerts" id="alerts-title" query={alerts} label="Loading alerts…" empty="No alerts.">
      {(items) => (
        <ul className="people alerts">
          {items.map((a) => (
            <li key={a.id}>
              <AlertLine alert={a} patientView={patientView} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** The doctor's alerts: open ones first to act on, acknowledged ones kept with who and when. */
export function AlertsInbox({ limit }: { limit?: number }) {
  const alerts = useApiQuery(keys.alerts('inbox'), () => monitoring.alerts('unresolved'));
  const action = useAction(() => reload(keys.alerts()));
  return (
    <Card
      title="Alerts inbox"
      id="inbox-title"
      query={alerts}
      label="Loading alerts…"
      footer={<FormError message={action.error} />}
    >
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
                        <button
                          type="button"
                          onClick={() => action.run(() => monitoring.acknowledge(a.id))}
                          aria-label={`Acknowledge: ${a.patient_name}, ${a.title}`}
                        >
                          Acknowledge
                        </button>
                      )}
                      <button
                        type="button"
                        onClick={() => action.run(() => monitoring.resolve(a.id))}
                        aria-label={`Resolve: ${a.patient_name}, ${a.title}`}
                      >
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
    </Card>
  );
}

/** "Ana Silva: 3 readings ≥ 140/90 in 14 days, latest 170/100" for the care team. */
function notificationText(n: Notification): string {
  return n.kind === 'own_alert' || !n.patient_name ? n.title : `${n.patient_name}: ${n.title}`;
}

/** The caller's notifications, updated while the page is open. */
export function Notifications() {
  // Polled while the tab is visible, and at once when it shows again (live.ts).
  const list = useApiQuery(['notifications'], () => monitoring.notifications(10), {
    refetchInterval: LIVE_INTERVAL_MS,
    refetchOnWindowFocus: true,
  });
  const newest = useRef<number | undefined>(undefined);
  const [news, setNews] = useState('');
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
    void reload(keys.alerts());
  }, [list.data]);
  const markRead = async (id: number) => {
    try {
      await monitoring.markRead(id);
    } finally {
      void list.refetch();
    }
  };
  return (
    <Card
      title="Notifications"
      id="notifications-title"
      intro={
        <p role="status" className="visually-hidden">
          {news}
        </p>
      }
      query={list}
      label="Loading notifications…"
      empty="Nothing new."
    >
      {(page) => (
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
      )}
    </Card>
  );
}
