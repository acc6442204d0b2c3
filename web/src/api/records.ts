// The records module's API (docs/API.md): readings (observations) with corrections, and the
// clinical record: profile, encounters, diagnoses, prescriptions, symptoms, summary, timeline and
// export.
import { api, getPage, patientPath, type Answer, type Body, type Cursor, type Item, type Schema } from './client';

export type Observation = Schema<'Observation'>;
export type NewObservation = Schema<'ObservationInput'>;
/** What to do now about a critical entry, answered with the write that stored it. */
export type UrgentAdvice = Schema<'UrgentAdvice'>;

export const records = {
  observations: (patient: number, query: { code?: string; to?: string; limit?: number; before?: Cursor } = {}) =>
    getPage<Item<'listObservations'>>(`${patientPath(patient)}/observations`, query),
  add: (patient: number, body: NewObservation) =>
    api.post<Answer<'recordObservation'>>(`${patientPath(patient)}/observations`, body),
  correct: (patient: number, id: number, body: Body<'correctObservation'>) =>
    api.post<Answer<'correctObservation'>>(`${patientPath(patient)}/observations/${id}/corrections`, body),
  history: (patient: number, id: number) =>
    api.get<Answer<'getObservationHistory'>>(`${patientPath(patient)}/observations/${id}/history`),
};

export type AllergySeverity = Schema<'AllergySeverity'>;
/** A recorded allergy; `resolves_to` says what the prescribing check understands it as. */
export type Allergy = Schema<'Allergy'>;
export type ClinicalProfile = Schema<'ClinicalProfile'>;
export type ProfileUpdate = Schema<'ProfileInput'>;
export type Encounter = Schema<'Encounter'>;
export type Diagnosis = Schema<'Diagnosis'>;
export type Prescription = Schema<'Prescription'>;
/** Why the safety check stops a prescription until a doctor overrides it. */
export type PrescribingConflict = Schema<'PrescribingConflict'>;
export type PrescribingCheck = Schema<'PrescribingCheck'>;
/** The doctor's banner: who, allergies, active problems and medicines (one audited read). */
export type PatientSummary = Schema<'PatientSummary'>;
export type SymptomEntry = Schema<'SymptomEntry'>;
export type TimelineItem = Schema<'TimelineItem'>;

export const clinical = {
  profile: (patient: number) => api.get<Answer<'getProfile'>>(`${patientPath(patient)}/profile`),
  updateProfile: (patient: number, body: ProfileUpdate) =>
    api.request<Answer<'replaceProfile'>>('PUT', `${patientPath(patient)}/profile`, { body }),
  addEncounter: (patient: number, body: Body<'addEncounter'>) =>
    api.post<Answer<'addEncounter'>>(`${patientPath(patient)}/encounters`, body),
  addDiagnosis: (patient: number, body: Body<'addDiagnosis'>) =>
    api.post<Answer<'addDiagnosis'>>(`${patientPath(patient)}/diagnoses`, body),
  diagnoses: (patient: number) => getPage<Item<'listDiagnoses'>>(`${patientPath(patient)}/diagnoses`, { limit: 200 }),
  prescriptions: (patient: number) =>
    getPage<Item<'listPrescriptions'>>(`${patientPath(patient)}/prescriptions`, { limit: 200 }),
  resolveDiagnosis: (patient: number, id: number, reason: string) =>
    api.post<Answer<'resolveDiagnosis'>>(`${patientPath(patient)}/diagnoses/${id}/resolve`, { reason }),
  stopPrescription: (patient: number, id: number, reason: string) =>
    api.post<Answer<'stopPrescription'>>(`${patientPath(patient)}/prescriptions/${id}/stop`, { reason }),
  addPrescription: (patient: number, body: Body<'addPrescription'>) =>
    api.post<Answer<'addPrescription'>>(`${patientPath(patient)}/prescriptions`, body),
  summary: (patient: number) => api.get<Answer<'getSummary'>>(`${patientPath(patient)}/summary`),
  addSymptom: (patient: number, body: Body<'recordSymptom'>) =>
    api.post<Answer<'recordSymptom'>>(`${patientPath(patient)}/symptoms`, body),
  symptoms: (patient: number, cursor?: Cursor) =>
    getPage<Item<'listSymptoms'>>(`${patientPath(patient)}/symptoms`, { cursor, limit: 200 }),
  vocabulary: () => api.get<Answer<'getSymptomVocabulary'>>('/api/v1/symptoms/vocabulary'),
  timeline: (patient: number, cursor?: Cursor, types?: string) =>
    getPage<Item<'getTimeline'>>(`${patientPath(patient)}/timeline`, { cursor, types, limit: 30 }),
  export: (patient: number) => api.get<Answer<'exportRecord'>>(`${patientPath(patient)}/export`),
};
