// Risk results of this session, in memory only (cleared at sign-out): the dashboard shows the
// latest of each model until predictions are stored in the record (issue 5).
import { api } from './api/client';
import type { ModelName, Prediction } from './api/endpoints';

const latest = new Map<ModelName, { at: Date; result: Prediction }>();
api.subscribe((account) => {
  if (!account) latest.clear();
});

export function rememberRisk(result: Prediction) {
  latest.set(result.model, { at: new Date(), result });
}

export function latestRisks() {
  return [...latest.values()];
}
