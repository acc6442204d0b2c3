// Typed wrappers over the REST API (docs/API.md), one group per server module. Pages call these,
// never fetch directly, so a new module's endpoints slot in here.
import { api, type Account } from './client';

export interface Page<T> {
  items: T[];
  next_before?: number | null;
}

// --- identity --------------------------------------------------------------------------------
export interface PatientSignUp {
  email: string;
  password: string;
  full_name: string;
  date_of_birth: string;
  sex: string;
  phone?: string;
}
export interface DoctorSignUp {
  email: string;
  password: string;
  full_name: string;
  licence_number: string;
  specialty: string;
  clinic: string;
}
export interface Doctor {
  id: number;
  full_name: string;
  specialty: string;
  clinic: string;
  email?: string;
  licence_number?: string;
  status?: string;
}
export interface Profile {
  id: number;
  full_name: string;
  email: string;
  date_of_birth: string;
  sex: string;
  phone: string | null;
}
export interface WriteGrant {
  id: number;
  patient_id: number;
  doctor_id: number;
  doctor_name: string;
  status: 'pending' | 'active' | 'expired' | 'revoked';
  requested_at: string;
  activated_at: string | null;
  expires_at: string | null;
}
export interface AuditEntry {
  id: number;
  at: string;
  actor_id: number | null;
  actor_name?: string;
  actor_role: string;
  action: string;
  resource_type: string;
  resource_id: string;
  patient_id: number | null;
  client_address: string;
  outcome: string;
  reason: string;
}

const patientPath = (id: number) => `/api/v1/patients/${id}`;

export const auth = {
  signUpPatient: (body: PatientSignUp) => api.request('POST', '/api/v1/auth/signup/patient', { body, auth: false }),
  signUpDoctor: (body: DoctorSignUp) => api.request('POST', '/api/v1/auth/signup/doctor', { body, auth: false }),
  verifyEmail: (email: string, code: string) =>
    api.request<{ status: string }>('POST', '/api/v1/auth/verify-email', { body: { email, code }, auth: false }),
  resendVerification: (email: string) =>
    api.request('POST', '/api/v1/auth/resend-verification', { body: { email }, auth: false }),
  requestReset: (email: string) =>
    api.request('POST', '/api/v1/auth/password-reset/request', { body: { email }, auth: false }),
  confirmReset: (email: string, code: string, new_password: string) =>
    api.request('POST', '/api/v1/auth/password-reset/confirm', { body: { email, code, new_password }, auth: false }),
  me: () => api.get<Account>('/api/v1/me'),
  doctors: (query: string) => api.get<Page<Doctor>>('/api/v1/doctors', { query }),
};

export const access = {
  profile: (patient: number) => api.get<Profile>(`${patientPath(patient)}/profile`),
  careTeam: (patient: number) => api.get<Page<Doctor>>(`${patientPath(patient)}/care-team`),
  link: (patient: number, doctor_id: number) => api.post(`${patientPath(patient)}/care-team`, { doctor_id }),
  unlink: (patient: number, doctor: number) =>
    api.request('DELETE', `${patientPath(patient)}/care-team/${doctor}`),
  grants: (patient: number) => api.get<Page<WriteGrant>>(`${patientPath(patient)}/write-grants`),
  requestGrant: (patient: number) => api.post<WriteGrant>(`${patientPath(patient)}/write-grants`),
  confirmGrant: (grant: number, code: string) => api.post<WriteGrant>(`/api/v1/write-grants/${grant}/confirm`, { code }),
  approveGrant: (grant: number) => api.post<WriteGrant>(`/api/v1/write-grants/${grant}/approve`),
  revokeGrant: (grant: number) => api.request('DELETE', `/api/v1/write-grants/${grant}`),
  accessLog: (patient: number, before?: number) =>
    api.get<Page<AuditEntry>>(`${patientPath(patient)}/access-log`, { before, limit: 50 }),
};

export const admin = {
  doctors: (status: string) => api.get<Page<Doctor>>('/api/v1/admin/doctors', { status }),
  approve: (doctor: number) => api.post(`/api/v1/admin/doctors/${doctor}/approve`),
  audit: (filter: { actor_id?: string; patient_id?: string; action?: string; before?: number }) =>
    api.get<Page<AuditEntry>>('/api/v1/admin/audit', { ...filter, limit: 50 }),
  routes: () => api.get<{ items: { method: string; path: string; access: string }[] }>('/api/v1/admin/routes'),
  ready: () => api.request<{ status: string; database: string }>('GET', '/readyz', { auth: false }),
};

// --- records ---------------------------------------------------------------------------------
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
  observations: (patient: number, query: { code?: string; to?: string; limit?: number; before?: number } = {}) =>
    api.get<Page<Observation>>(`${patientPath(patient)}/observations`, query),
  add: (patient: number, body: NewObservation) =>
    api.post<{ items: Observation[]; advice: UrgentAdvice | null }>(`${patientPath(patient)}/observations`, body),
  correct: (patient: number, id: number, body: { value: number; unit: string; reason: string }) =>
    api.post<Observation>(`${patientPath(patient)}/observations/${id}/corrections`, body),
  history: (patient: number, id: number) =>
    api.get<Page<Observation>>(`${patientPath(patient)}/observations/${id}/history`),
};

// --- prediction ------------------------------------------------------------------------------
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
  run: (model: ModelName, inputs: Record<string, unknown>) => api.post<Prediction>(`/api/v1/predictions/${model}`, inputs),
  /** Runs a model for a patient (record values fill what is not given) and stores the result. */
  runFor: (patient: number, model: ModelName, inputs: Record<string, unknown>) =>
    api.post<Prediction & { id: number; created_at: string }>(`${patientPath(patient)}/predictions/${model}`, inputs),
  prefill: (patient: number, model: ModelName) => api.get<Prefill>(`${patientPath(patient)}/predictions/${model}/prefill`),
  history: (patient: number, query: { model?: string; limit?: number; before?: number } = {}) =>
    api.get<Page<StoredPrediction>>(`${patientPath(patient)}/predictions`, query),
  symptoms: () => api.get<{ symptoms: string[] }>('/api/v1/symptom-check/symptoms'),
  checkSymptoms: (symptoms: string[], severity?: number) => api.post<SymptomCheck>('/api/v1/symptom-check', { symptoms, severity }),
  /** Logs the symptoms to the patient's symptom tracker and checks them, in one step. */
  saveSymptomCheck: (
    patient: number,
    body: { symptoms: string[]; other_symptoms?: string[]; severity: number; onset_at?: string; notes?: string },
  ) =>
    api.post<SymptomCheck>(`${patientPath(patient)}/symptom-checks`, body),
  /** The burden of the area in the patient's profile (null with a note when there is none). */
  patientArea: (patient: number) =>
    api.get<{
      area_code: string | null;
      area: (AirQualityArea & { trend: { percent_points_per_year: number; low: number; high: number } | null }) | null;
      note?: string;
      meaning: string;
    }>(`${patientPath(patient)}/air-quality`),
  areas: (query: string) => api.get<{ items: AirQualityArea[]; meaning: string }>('/api/v1/air-quality/areas', { query }),
};

// --- clinical record (records module: profile, encounters, diagnoses, prescriptions, symptoms,
// timeline, export) --------------------------------------------------------------------------
export interface CursorPage<T> {
  items: T[];
  next_cursor: string | number | null;
}
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
  addEncounter: (patient: number, body: Record<string, unknown>) => api.post<Encounter>(`${patientPath(patient)}/encounters`, body),
  addDiagnosis: (patient: number, body: Record<string, unknown>) => api.post<Diagnosis>(`${patientPath(patient)}/diagnoses`, body),
  diagnoses: (patient: number) => api.get<CursorPage<Diagnosis>>(`${patientPath(patient)}/diagnoses`, { limit: 200 }),
  prescriptions: (patient: number) => api.get<CursorPage<Prescription>>(`${patientPath(patient)}/prescriptions`, { limit: 200 }),
  resolveDiagnosis: (patient: number, id: number, reason: string) =>
    api.post<Diagnosis>(`${patientPath(patient)}/diagnoses/${id}/resolve`, { reason }),
  stopPrescription: (patient: number, id: number, reason: string) =>
    api.post<Prescription>(`${patientPath(patient)}/prescriptions/${id}/stop`, { reason }),
  addPrescription: (patient: number, body: Record<string, unknown>) =>
    api.post<Prescription & { check: PrescribingCheck }>(`${patientPath(patient)}/prescriptions`, body),
  summary: (patient: number) => api.get<PatientSummary>(`${patientPath(patient)}/summary`),
  addSymptom: (patient: number, body: Record<string, unknown>) =>
    api.post<SymptomEntry & { advice?: UrgentAdvice | null }>(`${patientPath(patient)}/symptoms`, body),
  symptoms: (patient: number, cursor?: string) =>
    api.get<CursorPage<SymptomEntry>>(`${patientPath(patient)}/symptoms`, { cursor, limit: 200 }),
  vocabulary: () => api.get<{ items: { key: string; label: string }[] }>('/api/v1/symptoms/vocabulary'),
  timeline: (patient: number, cursor?: string, types?: string) =>
    api.get<CursorPage<TimelineItem>>(`${patientPath(patient)}/timeline`, { cursor, types, limit: 30 }),
  export: (patient: number) => api.get<unknown>(`${patientPath(patient)}/export`),
};

// --- monitoring (alerts, notifications, patient search) ---------------------------------------
export interface Alert {
  id: number;
  patient_id: number;
  patient_name: string;
  rule_id: string;
  title: string;
  severity: string;
  status: 'open' | 'acknowledged' | 'resolved';
  raised_at: string;
  acknowledged_at: string | null;
  acknowledged_by_name: string | null;
  resolved_at: string | null;
  resolved_by_name: string | null;
}
export interface Notification {
  id: number;
  kind: 'alert_raised' | 'own_alert' | string;
  patient_id: number | null;
  patient_name: string | null;
  alert_id: number | null;
  title: string;
  /** The app page it opens. */
  link: string;
  created_at: string;
  read_at: string | null;
}
export interface Series {
  code: string;
  metric: string;
  unit: string;
  from: string;
  to: string;
  mode: 'raw' | 'buckets';
  bucket_seconds: number;
  points: { time: string; mean: number; min: number; max: number; count: number }[];
}
export interface Trend {
  code: string;
  metric: string;
  unit: string;
  n: number;
  slope_per_day: number | null;
  direction: 'rising' | 'falling' | 'stable' | 'insufficient_data';
}
export interface PatientHit {
  id: number;
  full_name: string;
  date_of_birth: string;
  sex: string;
  linked: boolean;
  open_alerts: number | null;
  last_reading_at: string | null;
}

export const monitoring = {
  patientAlerts: (patient: number, status = 'open') =>
    api.get<CursorPage<Alert>>(`${patientPath(patient)}/alerts`, { status }),
  alerts: (status: 'open' | 'acknowledged' | 'resolved' | 'unresolved' = 'open', cursor?: number) =>
    api.get<CursorPage<Alert>>('/api/v1/alerts', { status, cursor }),
  acknowledge: (alert: number) => api.post<Alert>(`/api/v1/alerts/${alert}/acknowledge`),
  resolve: (alert: number) => api.post<Alert>(`/api/v1/alerts/${alert}/resolve`),
  notifications: (limit = 20) => api.get<CursorPage<Notification>>('/api/v1/notifications', { limit }),
  markRead: (id: number) => api.post(`/api/v1/notifications/${id}/read`),
  searchPatients: (query: string, cursor?: string) =>
    api.get<CursorPage<PatientHit>>('/api/v1/patients', { query, cursor }),
  /** The doctor's own patients, most open alerts first (`query` narrows them by name). */
  myPatients: (query = '', cursor?: string) =>
    api.get<CursorPage<PatientHit>>('/api/v1/patients', { linked: 'true', sort: 'alerts', query, cursor, limit: 100 }),
  series: (patient: number, code: string, from?: string, to?: string) =>
    api.get<{ series: Series[] }>(`${patientPath(patient)}/observations/series`, { code, from, to, points: 300 }),
  trend: (patient: number, code: string) => api.get<{ trends: Trend[] }>(`${patientPath(patient)}/observations/trend`, { code }),
};
