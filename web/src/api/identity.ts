// The identity module's API (docs/API.md): sign-up and sign-in, the signed-in person's account
// and sessions, claiming an account, care team and consent to write, doctors' standing with a
// patient (break-glass, access requests), desk registration, the access log and administration.
import { api, getPage, patientPath, type Account, type Cursor, type Items, type TokenAnswer } from './client';

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

export interface AccountDetails extends Account {
  phone?: string | null;
  pending_email: string | null;
}
export interface Session {
  id: string;
  user_agent: string;
  client_address: string;
  started_at: string;
  last_used_at: string;
  current: boolean;
}
/** Verifying an email or claiming an account: a session comes with it when the account is active. */
export type Verified = { status: string } & Partial<TokenAnswer>;

export interface AccountSummary extends Account {
  state: 'active' | 'unverified' | 'unclaimed' | 'pending_approval' | 'rejected' | 'disabled';
  disabled_reason: string | null;
  disabled_at: string | null;
}
export interface BreakGlass {
  patient_id?: number;
  reason: string;
  started_at: string;
  expires_at: string;
}
export interface AccessRequest {
  id: number;
  patient_id: number;
  doctor_id: number;
  doctor_name: string;
  specialty: string;
  clinic: string;
  status: 'pending' | 'approved' | 'declined';
  message: string;
  requested_at: string;
  decided_at: string | null;
}
/** A doctor's or admin's standing with one patient (GET .../my-access). */
export interface MyAccess {
  patient_id: number;
  access: 'none' | 'read' | 'read_write';
  care_team: boolean;
  emergency: boolean;
  server_time: string;
  break_glass: BreakGlass | null;
  write_grant: WriteGrant | null;
  access_request: AccessRequest | null;
}
export interface DeskPatient extends Profile {
  status: 'unclaimed';
  created: boolean;
}

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
  doctors: (query: string) => api.get<Items<Doctor>>('/api/v1/doctors', { query }),
};

export const access = {
  profile: (patient: number) => api.get<Profile>(`${patientPath(patient)}/profile`),
  careTeam: (patient: number) => api.get<Items<Doctor>>(`${patientPath(patient)}/care-team`),
  link: (patient: number, doctor_id: number) => api.post(`${patientPath(patient)}/care-team`, { doctor_id }),
  unlink: (patient: number, doctor: number) => api.request('DELETE', `${patientPath(patient)}/care-team/${doctor}`),
  grants: (patient: number) => api.get<Items<WriteGrant>>(`${patientPath(patient)}/write-grants`),
  requestGrant: (patient: number) => api.post<WriteGrant>(`${patientPath(patient)}/write-grants`),
  confirmGrant: (grant: number, code: string) =>
    api.post<WriteGrant>(`/api/v1/write-grants/${grant}/confirm`, { code }),
  approveGrant: (grant: number) => api.post<WriteGrant>(`/api/v1/write-grants/${grant}/approve`),
  revokeGrant: (grant: number) => api.request('DELETE', `/api/v1/write-grants/${grant}`),
  accessLog: (patient: number, before?: Cursor) =>
    getPage<AuditEntry>(`${patientPath(patient)}/access-log`, { before, limit: 50 }),
};

export const admin = {
  doctors: (status: string) => api.get<Items<Doctor>>('/api/v1/admin/doctors', { status }),
  approve: (doctor: number) => api.post(`/api/v1/admin/doctors/${doctor}/approve`),
  audit: (filter: { actor_id?: string; patient_id?: string; action?: string; before?: Cursor }) =>
    getPage<AuditEntry>('/api/v1/admin/audit', { ...filter, limit: 50 }),
  routes: () => api.get<{ items: { method: string; path: string; access: string }[] }>('/api/v1/admin/routes'),
  ready: () => api.request<{ status: string; database: string }>('GET', '/readyz', { auth: false }),
};

export const account = {
  details: () => api.get<AccountDetails>('/api/v1/me'),
  update: (body: { full_name?: string; phone?: string }) =>
    api.request<AccountDetails>('PATCH', '/api/v1/me', { body }),
  changePassword: (current_password: string, new_password: string) =>
    api.post('/api/v1/auth/password', { current_password, new_password }),
  requestEmailChange: (email: string, current_password: string) =>
    api.post('/api/v1/me/email', { email, current_password }),
  confirmEmailChange: (code: string) => api.post<AccountDetails>('/api/v1/me/email/confirm', { code }),
  sessions: () => api.get<{ items: Session[] }>('/api/v1/me/sessions'),
  endSession: (id: string) => api.request('DELETE', `/api/v1/me/sessions/${encodeURIComponent(id)}`),
  endOtherSessions: () => api.post('/api/v1/me/sessions/end-others'),
  verifyEmail: (email: string, code: string) =>
    api.request<Verified>('POST', '/api/v1/auth/verify-email', { body: { email, code }, auth: false }),
  claim: (email: string, code: string, new_password: string) =>
    api.request<Verified>('POST', '/api/v1/auth/claim', { body: { email, code, new_password }, auth: false }),
};

export const accountsAdmin = {
  list: (filter: { query?: string; role?: string; status?: string; before?: Cursor }) =>
    getPage<AccountSummary>('/api/v1/admin/accounts', { ...filter, limit: 50 }),
  reject: (doctor: number, reason: string) => api.post(`/api/v1/admin/doctors/${doctor}/reject`, { reason }),
  disable: (id: number, reason: string) => api.post<AccountSummary>(`/api/v1/admin/accounts/${id}/disable`, { reason }),
  enable: (id: number) => api.post<AccountSummary>(`/api/v1/admin/accounts/${id}/enable`),
  breakGlass: (patient_id: number, reason: string) =>
    api.post<BreakGlass>('/api/v1/admin/break-glass', { patient_id, reason }),
};

export const recordAccess = {
  mine: (patient: number, signal?: AbortSignal) =>
    api.get<MyAccess>(`${patientPath(patient)}/my-access`, undefined, signal),
  breakGlass: (patient: number, reason: string) =>
    api.post<BreakGlass>(`${patientPath(patient)}/break-glass`, { reason }),
  ask: (patient: number, message: string) =>
    api.post<AccessRequest>(`${patientPath(patient)}/access-requests`, { message }),
  requests: (patient: number) => api.get<Items<AccessRequest>>(`${patientPath(patient)}/access-requests`),
  approve: (request: number) => api.post<AccessRequest>(`/api/v1/access-requests/${request}/approve`),
  decline: (request: number) => api.post<AccessRequest>(`/api/v1/access-requests/${request}/decline`),
  registerPatient: (body: { full_name: string; date_of_birth: string; sex: string; phone?: string; email: string }) =>
    api.post<DeskPatient>('/api/v1/patients', body),
};
