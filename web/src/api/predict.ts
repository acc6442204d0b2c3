// The predict module's API (docs/API.md): risk models (questions, prefill from the record, runs
// and stored results), the symptom check and air quality.
import type { components } from './schema';
import { api, getPage, patientPath, type Answer, type Body, type Cursor, type Item, type Schema } from './client';

export type ModelName = components['parameters']['Model'];
/** A fact that decides whether a question applies: "sex is male", "age below 13". */
export type Applies = Schema<'Applies'>;
export type ModelInput = Schema<'ModelInput'>;
export type ModelSpec = Schema<'ModelDescription'>;
export type Prediction = Schema<'Prediction'>;
export type Contribution = Prediction['contributions'][number];
export type TriageLevel = Schema<'TriageLevel'>;
export type SymptomCheck = Schema<'SymptomCheck'>;
/** A saved check: with a critical symptom, the alert it raised (whether the care team was told). */
export type SavedSymptomCheck = Schema<'SavedSymptomCheck'>;
export type AirQualityArea = Schema<'AreaSummary'>;
export type PatientAirQuality = Schema<'PatientAirQuality'>;
export type Prefilled = Schema<'PrefilledInput'>;
export type Prefill = Schema<'Prefill'>;
export type StoredPrediction = Schema<'StoredPrediction'>;

export const predictions = {
  spec: (model: ModelName) => api.get<Answer<'describeModel'>>(`/api/v1/predictions/${model}`),
  run: (model: ModelName, inputs: Body<'predict'>) =>
    api.post<Answer<'predict'>>(`/api/v1/predictions/${model}`, inputs),
  /** Runs a model for a patient (record values fill what is not given) and stores the result. */
  runFor: (patient: number, model: ModelName, inputs: Body<'predictForPatient'>) =>
    api.post<Answer<'predictForPatient'>>(`${patientPath(patient)}/predictions/${model}`, inputs),
  prefill: (patient: number, model: ModelName) =>
    api.get<Answer<'prefillPrediction'>>(`${patientPath(patient)}/predictions/${model}/prefill`),
  history: (patient: number, query: { model?: string; limit?: number; before?: Cursor } = {}) =>
    getPage<Item<'listPatientPredictions'>>(`${patientPath(patient)}/predictions`, query),
  symptoms: () => api.get<Answer<'listCheckerSymptoms'>>('/api/v1/symptom-check/symptoms'),
  checkSymptoms: (symptoms: string[], severity?: number) =>
    api.post<Answer<'checkSymptoms'>>('/api/v1/symptom-check', { symptoms, severity }),
  /** Logs the symptoms to the patient's symptom tracker and checks them, in one step. */
  saveSymptomCheck: (patient: number, body: Body<'saveSymptomCheck'>) =>
    api.post<Answer<'saveSymptomCheck'>>(`${patientPath(patient)}/symptom-checks`, body),
  /** The burden of the area in the patient's profile (null with a note when there is none). */
  patientArea: (patient: number) => api.get<Answer<'getPatientAirQuality'>>(`${patientPath(patient)}/air-quality`),
  areas: (query: string) => api.get<Answer<'searchAreas'>>('/api/v1/air-quality/areas', { query }),
};
