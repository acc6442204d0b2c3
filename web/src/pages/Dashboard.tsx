import { useSession } from '../auth';
import { Notifications, OpenAlerts } from '../components/monitoring';
import { LatestReadings, MetricChart } from '../components/observations';
import { FEATURES } from '../features';
import { predictions, type StoredPrediction } from '../api/endpoints';
import { Async, useLoad } from '../components/status';
import { formatDate } from '../metrics';
import { Link } from '../router';
import { RiskBadge } from './Predict';

export function Dashboard() {
  const { account } = useSession();
  const patientId = account!.id;
  const risks = useLoad(async () => {
    const page = await predictions.history(patientId, { limit: 50 });
    const latest = new Map<string, StoredPrediction>();
    for (const entry of page.items) if (entry.model !== 'symptom_check' && !latest.has(entry.model)) latest.set(entry.model, entry);
    return [...latest.values()];
  }, [patientId]);
  return (
    <section>
      <h1>Hello, {account!.full_name}</h1>
      <ul className="quick-links">
        <li>
          <Link to="/record" className="button">
            Add a reading
          </Link>
        </li>
        <li>
          <Link to="/predict" className="button">
            Check a risk
          </Link>
        </li>
        <li>
          <Link to="/symptoms" className="button">
            Check symptoms
          </Link>
        </li>
        <li>
          <Link to="/access" className="button">
            Who can see my record
          </Link>
        </li>
      </ul>
      {FEATURES.monitoring && (
        <div className="columns">
          <OpenAlerts patientId={patientId} />
          <Notifications />
        </div>
      )}
      <div className="columns">
        <LatestReadings patientId={patientId} version={0} />
        <MetricChart patientId={patientId} version={0} />
      </div>
      <section className="card" aria-labelledby="risk-title">
        <h2 id="risk-title">Latest risk results</h2>
        <Async state={risks} label="Loading risk results…">
          {(items) =>
            items.length === 0 ? (
              <p className="empty">
                No risk checks yet. <Link to="/predict">Run one</Link>.
              </p>
            ) : (
              <ul className="risk-list">
                {items.map((entry) => (
                  <li key={entry.model}>
                    <strong className="capitalize">{entry.model}</strong>:{' '}
                    {entry.probability !== null && `${(entry.probability * 100).toFixed(0)}% `}
                    {entry.risk_class && <RiskBadge level={entry.risk_class} />}{' '}
                    <span className="muted">{formatDate(entry.created_at)}</span>
                  </li>
                ))}
              </ul>
            )
          }
        </Async>
      </section>
    </section>
  );
}
