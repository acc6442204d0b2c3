// Typed wrappers for account management and access to records (identity, docs/API.md): the
// signed-in person's account and sessions, claiming an account, administration of accounts,
// doctors' standing with a patient (break-glass, access requests, consent) and desk
// registration.
import { api, type Account, type TokenAnswer } from './client';
import type { Page, Profile, WriteGrant } from './endpoints';

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

const patientPath = (id: number) => `/api/v1/patients/${id}`;

export const account = {
  details: () => api.get<AccountDetails>('/api/v1/me'),
  update: (body: { full_name?: string; phone?: string }) => api.request<AccountDetails>('PATCH', '/api/v1/me', { body }),
  changePassword: (current_password: string, new_password: string) =>
    api.post('/api/v1/auth/password', { current_password, new_password }),
  requestEmailChange: (email: string, current_password: string) => api.post('/api/v1/me/email', { email, current_password }),
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
  list: (filter: { query?: string; role?: string; status?: string; before?: number }) =>
    api.get<Page<AccountSummary>>('/api/v1/admin/accounts', { ...filter, limit: 50 }),
  reject: (doctor: number, reason: string) => api.post(`/api/v1/admin/doctors/${doctor}/reject`, { reason }),
  disable: (id: number, reason: string) => api.post<AccountSummary>(`/api/v1/admin/accounts/${id}/disable`, { reason }),
  enable: (id: number) => api.post<AccountSummary>(`/api/v1/admin/accounts/${id}/enable`),
  breakGlass: (patient_id: number, reason: string) => api.post<BreakGlass>('/api/v1/admin/break-glass', { patient_id, reason }),
};

export const recordAccess = {
  mine: (patient: number, signal?: AbortSignal) => api.get<MyAccess>(`${patientPath(patient)}/my-access`, undefined, signal),
  breakGlass: (patient: number, reason: string) => api.post<BreakGlass>(`${patientPath(patient)}/break-glass`, { reason }),
  ask: (patient: number, message: string) => api.post<AccessRequest>(`${patientPath(patient)}/access-requests`, { message }),
  requests: (patient: number) => api.get<Page<AccessRequest>>(`${patientPath(patient)}/access-requests`),
  approve: (request: number) => api.post<AccessRequest>(`/api/v1/access-requests/${request}/approve`),
  decline: (request: number) => api.post<AccessRequest>(`/api/v1/access-requests/${request}/decline`),
  registerPatient: (body: { full_name: string; date_of_birth: string; sex: string; phone?: string; email: string }) =>
    api.post<DeskPatient>('/api/v1/patients', body),
};
