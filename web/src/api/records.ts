// The records module's API (docs/API.md): readings (observations) with corrections, and the
// clinical record: profile, encounters, diagnoses, prescriptions, symptoms, summary, timeline and
// export.
import { api, getPage, patientPath, type Cursor, type Items } from './client';
import type { Profile } from './identity';

export interface Observation {
  id: number;
  patient_id: number;
  code: string;
  metric: string;
  value: number;
  unit: string;
  original_value: number;
  original_unit: string;
  effective_at: string;
  source: 'self_reported' | 'clinical' | string;
  recorded_by: number;
  recorded_at: string;
  status: 'final' | 'corrected' | 'entered_in_error';
  flag: 'low' | 'normal' | 'high' | 'critical' | null;
  supersedes: number | null;
  correction_reason: string | null;
}
export type NewObservation = (
  | { metric: string; value: number; unit: string; effective_at?: string }
  | { metric: 'blood_pressure'; systolic: number; diastolic: number; unit: string; effective_at?: string }
) & { confirmed?: boolean };
/** What to do now about a critical entry, answered with the write that stored it. */
export interface UrgentAdvice {
  level: 'emergency' | 'urgent';
  headline: string;
  findings: string[];
  do_now: string[];
  care_team: 'alerted' | 'already_alerted' | 'none';
  care_team_alerted: boolean;
  alerted: string[];
  care_team_text: string;
  rules: string[];
}

export const records = {
  observations: (patient: number, query: { code?: string; to?: string; limit?: number; before?: Cursor } = {}) =>
    getPage<Observation>(`${patientPath(patient)}/observations`, query),
  add: (patient: number, body: NewObservation) =>
    api.post<{ items: Observation[]; advice: UrgentAdvice | null }>(`${patientPath(patient)}/observations`, body),
  correct: (patient: number, id: number, body: { value: number; unit: string; reason: string }) =>
    api.post<Observation>(`${patientPath(patient)}/observations/${id}/corrections`, body),
  history: (patient: number, id: number) =>
    api.get<Items<Observation>>(`${patientPath(patient)}/observations/${id}/history`),
};

export type AllergySeverity = 'mild' | 'moderate' | 'severe' | 'unknown';
/** A recorded allergy; `resolves_to` says what the prescribing check understands it as. */
export interface Allergy {
  substance: string;
  reaction: string | null;
  severity: AllergySeverity;
  resolves_to?: {
    ingredients: string[];
    classes: { id: string; name: string; atc: string[] }[];
    checked: boolean;
    note: string | null;
  };
}
export interface ClinicalProfile extends Profile {
  address_line1: string;
  address_line2: string;
  city: string;
  postcode: string;
  area_code: string | null;
  blood_group: string;
  allergies: Allergy[];
  no_known_allergies: boolean;
  conditions: string[];
  medications: string[];
  updated_at: string | null;
}
export interface ProfileUpdate extends Omit<Partial<ClinicalProfile>, 'allergies'> {
  allergies?: { substance: string; reaction?: string; severity: AllergySeverity }[];
}
export interface Encounter {
  id: number;
  occurred_at: string;
  type: string;
  reason: string;
  notes: string;
  doctor_id: number;
}
export interface Diagnosis {
  id: number;
  description: string;
  icd10_code: string | null;
  status: 'active' | 'resolved';
  diagnosed_at: string;
  encounter_id: number | null;
  recorded_by: number;
}
export interface Prescription {
  id: number;
  medicine: string;
  strength: string;
  dose: string;
  frequency: string;
  duration: string;
  instructions: string;
  status: 'active' | 'stopped';
  prescribed_at: string;
  /** Written despite safety warnings: the warnings and the doctor's reason. */
  override: { reason: string; warnings: string[] } | null;
}
/** Why the safety check stops a prescription until a doctor overrides it. */
export interface PrescribingConflict {
  kind: 'allergy' | 'duplicate';
  match: 'ingredient' | 'class' | 'related_class';
  ingredient: string;
  class: { id: string; name: string } | null;
  allergy: { substance: string; reaction: string | null; severity: AllergySeverity } | null;
  prescription_id: number | null;
  message: string;
}
export interface PrescribingCheck {
  medicine_understood: boolean;
  brand_names_available: boolean;
  conflicts: PrescribingConflict[];
  notes: string[];
}
/** The doctor's banner: who, allergies, active problems and medicines (one audited read). */
export interface PatientSummary {
  patient: { id: number; full_name: string; date_of_birth: string; age: number | null; sex: string };
  allergies: Allergy[];
  no_known_allergies: boolean;
  profile_updated_at: string | null;
  problems: Diagnosis[];
  medicines: Prescription[];
  brand_names_available: boolean;
}
export interface SymptomEntry {
  id: number;
  symptom: string | null;
  free_text: string | null;
  severity: number;
  onset_at: string;
  notes: string;
  source: string;
}
export interface TimelineItem {
  kind: string;
  id: number;
  occurred_at: string;
  summary: string;
  entry: unknown;
}

export const clinical = {
  profile: (patient: number) => api.get<ClinicalProfile>(`${patientPath(patient)}/profile`),
  updateProfile: (patient: number, body: ProfileUpdate) =>
    api.request<ClinicalProfile>('PUT', `${patientPath(patient)}/profile`, { body }),
  addEncounter: (patient: number, body: Record<string, unknown>) =>
    api.post<Encounter>(`${patientPath(patient)}/encounters`, body),
  addDiagnosis: (patient: number, body: Record<string, unknown>) =>
    api.post<Diagnosis>(`${patientPath(patient)}/diagnoses`, body),
  diagnoses: (patient: number) => getPage<Diagnosis>(`${patientPath(patient)}/diagnoses`, { limit: 200 }),
  prescriptions: (patient: number) => getPage<Prescription>(`${patientPath(patient)}/prescriptions`, { limit: 200 }),
  resolveDiagnosis: (patient: number, id: number, reason: string) =>
    api.post<Diagnosis>(`${patientPath(patient)}/diagnoses/${id}/resolve`, { reason }),
  stopPrescription: (patient: number, id: number, reason: string) =>
    api.post<Prescription>(`${patientPath(patient)}/prescriptions/${id}/stop`, { reason }),
  addPrescription: (patient: number, body: Record<string, unknown>) =>
    api.post<Prescription & { check: PrescribingCheck }>(`${patientPath(patient)}/prescriptions`, body),
  summary: (patient: number) => api.get<PatientSummary>(`${patientPath(patient)}/summary`),
  addSymptom: (patient: number, body: Record<string, unknown>) =>
    api.post<SymptomEntry & { advice?: UrgentAdvice | null }>(`${patientPath(patient)}/symptoms`, body),
  symptoms: (patient: number, cursor?: Cursor) =>
    getPage<SymptomEntry>(`${patientPath(patient)}/symptoms`, { cursor, limit: 200 }),
  vocabulary: () => api.get<{ items: { key: string; label: string }[] }>('/api/v1/symptoms/vocabulary'),
  timeline: (patient: number, cursor?: Cursor, types?: string) =>
    getPage<TimelineItem>(`${patientPath(patient)}/timeline`, { cursor, types, limit: 30 }),
  export: (patient: number) => api.get<unknown>(`${patientPath(patient)}/export`),
};
