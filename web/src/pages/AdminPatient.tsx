// A patient's record as an administrator sees it: only through emergency access (break-glass),
// read-only, with the time limit counting down up front.
import { access } from '../api/identity';
import { AccessGate, AccessStatus } from '../components/access';
import { CurrentCare, Timeline } from '../components/clinical';
import { LatestReadings } from '../components/observations';
import { useApiQuery } from '../api/query';
import { Async } from '../components/status';
import { FEATURES } from '../features';
import { Link } from '../router';
import { EmergencyAccess } from './EmergencyAccess';

function Record({ patientId }: { patientId: number }) {
  const profile = useApiQuery(['profile', patientId], () => access.profile(patientId));
  return (
    <section>
      <p>
        <Link to="/admin">← Administration</Link>
      </p>
      <Async state={profile} label="Opening the record…">
        {(p) => (
          <>
            <h1>{p.full_name}</h1>
            <p className="muted">
              Patient #{p.id} · born {p.date_of_birth} · {p.sex}
            </p>
            <AccessStatus patientId={patientId} />
            <div className="columns">
              <LatestReadings patientId={patientId} />
              {FEATURES.clinical && <CurrentCare patientId={patientId} canEnd={false} />}
            </div>
            {FEATURES.clinical && <Timeline patientId={patientId} />}
          </>
        )}
      </Async>
    </section>
  );
}

export function AdminPatient({ patientId }: { patientId: number }) {
  return (
    <AccessGate patientId={patientId} closed={(state) => <EmergencyAccess patientId={patientId} state={state} />}>
      <Record patientId={patientId} />
    </AccessGate>
  );
}
