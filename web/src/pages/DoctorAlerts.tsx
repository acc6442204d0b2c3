// The doctor's alerts page (/doctor/alerts, where the alert emails lead): every unresolved alert
// of their patients, open ones to act on and acknowledged ones with who and when, and the
// notifications.
import { AlertsInbox, Notifications } from '../components/monitoring';

export function DoctorAlerts() {
  return (
    <section>
      <h1>Alerts</h1>
      <p className="hint">
        Alerts of your patients that are not resolved yet. Open a patient to see the readings behind an alert.
      </p>
      <AlertsInbox />
      <Notifications />
    </section>
  );
}
