import { useSession } from '../auth';
import { Notifications, OpenAlerts } from '../components/monitoring';
import { LatestReadings, MetricChart } from '../components/observations';
import { FEATURES } from '../features';
import { Link } from '../router';
import { LatestRisks } from './Predict';

export function Dashboard() {
  const { account } = useSession();
  const patientId = account!.id;
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
          <OpenAlerts patientId={patientId} patientView />
          <Notifications />
        </div>
      )}
      <div className="columns">
        <LatestReadings patientId={patientId} />
        <MetricChart patientId={patientId} />
      </div>
      <LatestRisks patientId={patientId} />
    </section>
  );
}
