import { useSession } from '../auth';
import { CurrentCare, Timeline } from '../components/clinical';
import { ObservationForm, ObservationList } from '../components/observations';
import { FEATURES } from '../features';

export function RecordPage() {
  const { account } = useSession();
  const patientId = account!.id;
  return (
    <section>
      <h1>My record</h1>
      {/* What loads and grows (the readings, the timeline) comes last, side by side, so nothing
          already on screen moves when it arrives. */}
      <div className="columns">
        <ObservationForm patientId={patientId} />
        {FEATURES.clinical && <CurrentCare patientId={patientId} canEnd={false} />}
      </div>
      <div className="columns">
        <ObservationList patientId={patientId} canCorrect={(entry) => entry.source === 'self_reported'} />
        {FEATURES.clinical && <Timeline patientId={patientId} />}
      </div>
    </section>
  );
}
