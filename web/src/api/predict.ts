// The predict module's API (docs/API.md): risk models (questions, prefill from the record, runs
// and stored results), the symptom check and air quality.
import { api, getPage, patientPath, type Cursor } from './client';
import type { UrgentAdvice } from './records';

export type ModelName = 'diabetes' | 'heart' | 'stroke';
/** A fact that decides whether a question applies: "sex is male", "age below 13". */
export interface Applies {
  input: string;
  levels?: string[];
  below?: number;
  at_least?: number;
}
export interface ModelInput {
  name: string;
  label: string;
  type: 'number' | 'level' | 'boolean_or_level';
  unit?: string;
  min?: number;
  max?: number;
  integer?: boolean;
  levels?: { name: string; label: string; only_when?: Applies; only_reason?: string }[];
  help: string;
  audience: 'patient' | 'clinician';
  /** Not a model input: it only decides which questions apply. */
  context?: boolean;
  importance?: number;
  not_asked_when: { when: Applies; value: number | string; reason: string }[];
  from_record: string[];
}
export interface ModelSpec {
  model: ModelName;
  title?: string;
  population: string;
  inputs: ModelInput[];
  model_version: string;
  missing_strategy: string;
  thresholds: { moderate: number; high: number };
  risk_bands: { moderate: number; high: number; average: number; definition: string };
  confidence_rule: { low_above: number; insufficient_above: number; definition: string };
}
export interface Contribution {
  feature: string;
  label: string;
  value: number | string | boolean | null;
  imputed: boolean;
  log_odds: number;
  text: string;
}
export interface Prediction {
  model: ModelName;
  model_version: string;
  /** null when there is not enough information for an estimate. */
  probability: number | null;
  risk_class: 'low' | 'moderate' | 'high' | null;
  confidence: { level: 'enough' | 'low' | 'insufficient'; guessed_share: number };
  message: string;
  add: { feature: string; label: string; audience: 'patient' | 'clinician' }[];
  average_probability: number;
  summary: string[];
  contributions: Contribution[];
  log_odds: number | null;
  base_log_odds: number | null;
  imputed: { feature: string; value: number | string; display: string }[];
  missing: string[];
  fixed: { feature: string; value: number | string; display: string; reason: string }[];
  notice: string;
}
export type TriageLevel = 'emergency' | 'urgent' | 'see_a_doctor' | 'self_care';
export interface SymptomCheck {
  symptoms: string[];
  conditions: { condition: string; probability: number; description: string; precautions: string[] }[];
  triage: { level: TriageLevel; action: string; reasons: string[] };
  notice: string;
  /** A saved check with a critical symptom: the alert it raised (whether the care team was told). */
  advice?: UrgentAdvice | null;
  id?: number;
  symptom_entry_ids?: number[];
}
export interface AirQualityArea {
  code: string;
  name: string;
  latest: { year: number; percent: number; method: string } | null;
  rank: { position: number; of: number } | null;
}

export interface Prefilled {
  feature: string;
  value: unknown;
  source: 'observation' | 'diagnosis' | 'condition' | 'profile';
  note: string;
  code?: string;
  text?: string;
  recorded_at?: string;
  age_days: number | null;
}
export interface Prefill {
  model: ModelName;
  inputs: Record<string, number | string | boolean>;
  prefilled: Prefilled[];
  max_age_days: number;
}
export interface StoredPrediction {
  id: number;
  model: ModelName | 'symptom_check';
  model_version: string;
  probability: number | null;
  risk_class: Prediction['risk_class'] | null;
  summary: string[] | string;
  requested_by: number;
  created_at: string;
}

export const predictions = {
  spec: (model: ModelName) => api.get<ModelSpec>(`/api/v1/predictions/${model}`),
  run: (model: ModelName, inputs: Record<string, unknown>) =>
    api.post<Prediction>(`/api/v1/predictions/${model}`, inputs),
  /** Runs a model for a patient (record values fill what is not given) and stores the result. */
  runFor: (patient: number, model: ModelName, inputs: Record<string, unknown>) =>
    api.post<Prediction & { id: number; created_at: string }>(`${patientPath(patient)}/predictions/${model}`, inputs),
  prefill: (patient: number, model: ModelName) =>
    api.get<Prefill>(`${patientPath(patient)}/predictions/${model}/prefill`),
  history: (patient: number, query: { model?: string; limit?: number; before?: Cursor } = {}) =>
    getPage<StoredPrediction>(`${patientPath(patient)}/predictions`, query),
  symptoms: () => api.get<{ symptoms: string[] }>('/api/v1/symptom-check/symptoms'),
  checkSymptoms: (symptoms: string[], severity?: number) =>
    api.post<SymptomCheck>('/api/v1/symptom-check', { symptoms, severity }),
  /** Logs the symptoms to the patient's symptom tracker and checks them, in one step. */
  saveSymptomCheck: (
    patient: number,
    body: { symptoms: string[]; other_symptoms?: string[]; severity: number; onset_at?: string; notes?: string },
  ) => api.post<SymptomCheck>(`${patientPath(patient)}/symptom-checks`, body),
  /** The burden of the area in the patient's profile (null with a note when there is none). */
  patientArea: (patient: number) =>
    api.get<{
      area_code: string | null;
      // `trend` is always sent; its numbers are null where the area has too few comparable years.
      area:
        | (AirQualityArea & {
            trend: { percent_points_per_year: number | null; low: number | null; high: number | null };
          })
        | null;
      note?: string;
      meaning: string;
    }>(`${patientPath(patient)}/air-quality`),
  areas: (query: string) =>
    api.get<{ items: AirQualityArea[]; meaning: string }>('/api/v1/air-quality/areas', { query }),
};
