// The patient's risk check page, and the latest stored result of each model (dashboard and the
// doctor's chart). The form and the answer are in components/riskCheck.tsx.
import { predictions, type StoredPrediction } from '../api/predict';
import { formatDate } from '../metrics';
import { useSession } from '../auth';
import { RiskBadge, RiskCheck } from '../components/riskCheck';
import { useApiQuery } from '../api/query';
import { Card } from '../components/card';

export { RiskBadge, RiskCheck };

/** The latest stored result of each risk model for a patient. */
export function LatestRisks({ patientId }: { patientId: number }) {
  const risks = useApiQuery(['risks', patientId], async () => {
    const page = await predictions.history(patientId, { limit: 50 });
    const latest = new Map<string, StoredPrediction>();
    for (const entry of page.items)
      if (entry.model !== 'symptom_check' && !latest.has(entry.model)) latest.set(entry.model, entry);
    return [...latest.values()];
  });
  return (
    <Card
      title="Latest risk results"
      id="risk-title"
      query={risks}
      label="Loading risk results…"
      empty="No risk checks yet."
    >
      {(items) => (
        <ul className="risk-list">
          {items.map((entry) => (
            <li key={entry.model}>
              <strong className="capitalize">{entry.model}</strong>:{' '}
              {entry.probability !== null ? `${(entry.probability * 100).toFixed(0)}% ` : 'not enough information '}
              {entry.risk_class && <RiskBadge level={entry.risk_class} />}{' '}
              <span className="muted">{formatDate(entry.created_at)}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function PredictPage() {
  const { account } = useSession();
  return (
    <section>
      <h1>Risk check</h1>
      <p>
        Estimates from models trained on public research data: a decision aid to discuss with your doctor, not a
        diagnosis. When too much would have to be guessed, the check tells you what to add instead of giving a number.
      </p>
      <RiskCheck patientId={account!.id} audience="patient" />
    </section>
  );
}
