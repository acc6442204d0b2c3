import { useState } from 'react';
import { useSession } from '../auth';
import { CurrentCare, Timeline } from '../components/clinical';
import { ObservationForm, ObservationList } from '../components/observations';
import { FEATURES } from '../features';

export function RecordPage() {
  const { account } = useSession();
  const [version, setVersion] = useState(0);
  const patientId = account!.id;
  return (
    <section>
      <h1>My record</h1>
      {/* What loads and grows (the readings, the timeline) comes last, side by side, so nothing
          already on screen moves when it arrives. */}
      <div className="columns">
        <ObservationForm patientId={patientId} onAdded={() => setVersion((v) => v + 1)} />
        {FEATURES.clinical && <CurrentCare patientId={patientId} version={version} canEnd={false} onChanged={() => setVersion((v) => v + 1)} />}
      </div>
      <div className="columns">
        <ObservationList
          patientId={patientId}
          version={version}
          canCorrect={(entry) => entry.source === 'self_reported'}
          onChanged={() => setVersion((v) => v + 1)}
        />
        {FEATURES.clinical && <Timeline patientId={patientId} version={version} />}
      </div>
    </section>
  );
}
