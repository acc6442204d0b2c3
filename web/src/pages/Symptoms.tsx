// The patient's symptoms: one flow, log then check (components/symptomCheck.tsx), with the
// severity of the logged symptoms over time below.
import { keys, reload } from '../api/query';
import { useSession } from '../auth';
import { SymptomSeverity } from '../components/clinical';
import { SymptomCheckForm } from '../components/symptomCheck';

export function SymptomsPage() {
  const { account } = useSession();
  return (
    <section>
      <h1>Symptoms</h1>
      <p>
        Log how you feel and get advice on how soon to seek care. Suggestions come from a small teaching dataset: not a
        diagnosis. In an emergency, call your emergency number.
      </p>
      <SymptomCheckForm patientId={account!.id} onLogged={() => void reload(keys.record(account!.id, 'symptoms'))} />
      <SymptomSeverity patientId={account!.id} />
    </section>
  );
}
