import { useSession } from '../auth';
import { LatestReadings, MetricChart } from '../components/observations';
import { latestRisks } from '../risk';
import { Link } from '../router';
import { RiskBadge } from './Predict';

export function Dashboard() {
  const { account } = useSession();
  const patientId = account!.id;
  const risks = latestRisks();
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
      <div className="columns">
        <LatestReadings patientId={patientId} version={0} />
        <MetricChart patientId={patientId} version={0} />
      </div>
      <section className="card" aria-labelledby="risk-title">
        <h2 id="risk-title">Latest risk results</h2>
        {risks.length === 0 ? (
          <p className="empty">
            No risk checks in this session yet. <Link to="/predict">Run one</Link>.
          </p>
        ) : (
          <ul className="risk-list">
            {risks.map(({ result }) => (
              <li key={result.model}>
                <strong className="capitalize">{result.model}</strong>: {(result.probability * 100).toFixed(0)}%{' '}
                <RiskBadge level={result.risk_class} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}
