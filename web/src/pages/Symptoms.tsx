// The patient's symptoms: one flow, log then check (components/symptomCheck.tsx), with the
// severity of the logged symptoms over time below.
import { useState } from 'react';
import { useSession } from '../auth';
import { SymptomSeverity } from '../components/clinical';
import { SymptomCheckForm } from '../components/symptomCheck';

export function SymptomsPage() {
  const { account } = useSession();
  const [version, setVersion] = useState(0);
  return (
    <section>
      <h1>Symptoms</h1>
      <p>
        Log how you feel and get advice on how soon to seek care. Suggestions come from a small teaching dataset: not a
        diagnosis. In an emergency, call your emergency number.
      </p>
      <SymptomCheckForm patientId={account!.id} onLogged={() => setVersion((v) => v + 1)} />
      <SymptomSeverity patientId={account!.id} version={version} />
    </section>
  );
}
