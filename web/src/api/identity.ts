// The identity module's API (docs/API.md): sign-up and sign-in, the signed-in person's account
// and sessions, claiming an account, care team and consent to write, doctors' standing with a
// patient (break-glass, access requests), desk registration, the access log and administration.
import { api, getPage, patientPath, type Answer, type Body, type Cursor, type Item, type Schema } from './client';

export type PatientSignUp = Body<'signUpPatient'>;
export type DoctorSignUp = Body<'signUpDoctor'>;
/** A doctor as patients find them. */
export type Doctor = Schema<'Doctor'>;
/** A doctor as administrators see them. */
export type DoctorAccount = Schema<'DoctorAccount'>;
export type Sex = Schema<'Sex'>;
export type Profile = Schema<'IdentityProfile'>;
export type WriteGrant = Schema<'WriteGrant'>;
export type AuditEntry = Schema<'AuditEntry'>;
/** An audit row of one record, with the actor's name. */
export type AccessLogEntry = Schema<'AccessLogEntry'>;
export type AccountDetails = Schema<'AccountDetails'>;
export type Session = Schema<'Session'>;
/** Verifying an email or claiming an account: a session comes with it when the account is active. */
export type Verified = Answer<'verifyEmail'>;
export type AccountSummary = Schema<'AccountSummary'>;
export type BreakGlass = Schema<'BreakGlass'>;
export type AccessRequest = Schema<'AccessRequest'>;
/** A doctor's or admin's standing with one patient (GET .../my-access). */
export type MyAccess = Schema<'MyAccess'>;
export type DeskPatient = Schema<'RegisteredPatient'>;

export const auth = {
  signUpPatient: (body: PatientSignUp) =>
    api.request<Answer<'signUpPatient'>>('POST', '/api/v1/auth/signup/patient', { body, auth: false }),
  signUpDoctor: (body: DoctorSignUp) =>
    api.request<Answer<'signUpDoctor'>>('POST', '/api/v1/auth/signup/doctor', { body, auth: false }),
  verifyEmail: (email: string, code: string) =>
    api.request<Verified>('POST', '/api/v1/auth/verify-email', { body: { email, code }, auth: false }),
  resendVerification: (email: string) =>
    api.request<Answer<'resendVerification'>>('POST', '/api/v1/auth/resend-verification', {
      body: { email },
      auth: false,
    }),
  requestReset: (email: string) =>
    api.request<Answer<'requestPasswordReset'>>('POST', '/api/v1/auth/password-reset/request', {
      body: { email },
      auth: false,
    }),
  confirmReset: (email: string, code: string, new_password: string) =>
    api.request<Answer<'confirmPasswordReset'>>('POST', '/api/v1/auth/password-reset/confirm', {
      body: { email, code, new_password },
      auth: false,
    }),
  me: () => api.get<Answer<'getMe'>>('/api/v1/me'),
  doctors: (query: string) => api.get<Answer<'searchDoctors'>>('/api/v1/doctors', { query }),
};

export const access = {
  profile: (patient: number) => api.get<Answer<'getProfile'>>(`${patientPath(patient)}/profile`),
  careTeam: (patient: number) => api.get<Answer<'getCareTeam'>>(`${patientPath(patient)}/care-team`),
  link: (patient: number, doctor_id: number) =>
    api.post<Answer<'addToCareTeam'>>(`${patientPath(patient)}/care-team`, { doctor_id }),
  unlink: (patient: number, doctor: number) =>
    api.request<void>('DELETE', `${patientPath(patient)}/care-team/${doctor}`),
  grants: (patient: number) => api.get<Answer<'listWriteGrants'>>(`${patientPath(patient)}/write-grants`),
  requestGrant: (patient: number) => api.post<Answer<'requestWriteGrant'>>(`${patientPath(patient)}/write-grants`),
  confirmGrant: (grant: number, code: string) =>
    api.post<Answer<'confirmWriteGrant'>>(`/api/v1/write-grants/${grant}/confirm`, { code }),
  approveGrant: (grant: number) => api.post<Answer<'approveWriteGrant'>>(`/api/v1/write-grants/${grant}/approve`),
  revokeGrant: (grant: number) => api.request<void>('DELETE', `/api/v1/write-grants/${grant}`),
  accessLog: (patient: number, before?: Cursor) =>
    getPage<Item<'getAccessLog'>>(`${patientPath(patient)}/access-log`, { before, limit: 50 }),
};

export const admin = {
  doctors: (status: string) => api.get<Answer<'adminListDoctors'>>('/api/v1/admin/doctors', { status }),
  approve: (doctor: number) => api.post<Answer<'approveDoctor'>>(`/api/v1/admin/doctors/${doctor}/approve`),
  audit: (filter: { actor_id?: string; patient_id?: string; action?: string; before?: Cursor }) =>
    getPage<Item<'searchAudit'>>('/api/v1/admin/audit', { ...filter, limit: 50 }),
  routes: () => api.get<Answer<'listRoutes'>>('/api/v1/admin/routes'),
  ready: () => api.request<Answer<'readiness'>>('GET', '/readyz', { auth: false }),
};

export const account = {
  details: () => api.get<Answer<'getMe'>>('/api/v1/me'),
  update: (body: Body<'updateMe'>) => api.request<Answer<'updateMe'>>('PATCH', '/api/v1/me', { body }),
  changePassword: (current_password: string, new_password: string) =>
    api.post<void>('/api/v1/auth/password', { current_password, new_password }),
  requestEmailChange: (email: string, current_password: string) =>
    api.post<Answer<'requestEmailChange'>>('/api/v1/me/email', { email, current_password }),
  confirmEmailChange: (code: string) => api.post<Answer<'confirmEmailChange'>>('/api/v1/me/email/confirm', { code }),
  sessions: () => api.get<Answer<'listSessions'>>('/api/v1/me/sessions'),
  endSession: (id: string) => api.request<void>('DELETE', `/api/v1/me/sessions/${encodeURIComponent(id)}`),
  endOtherSessions: () => api.post<void>('/api/v1/me/sessions/end-others'),
  verifyEmail: (email: string, code: string) =>
    api.request<Verified>('POST', '/api/v1/auth/verify-email', { body: { email, code }, auth: false }),
  claim: (email: string, code: string, new_password: string) =>
    api.request<Answer<'claimAccount'>>('POST', '/api/v1/auth/claim', {
      body: { email, code, new_password },
      auth: false,
    }),
};

export const accountsAdmin = {
  list: (filter: { query?: string; role?: string; status?: string; before?: Cursor }) =>
    getPage<Item<'adminListAccounts'>>('/api/v1/admin/accounts', { ...filter, limit: 50 }),
  reject: (doctor: number, reason: string) =>
    api.post<Answer<'rejectDoctor'>>(`/api/v1/admin/doctors/${doctor}/reject`, { reason }),
  disable: (id: number, reason: string) =>
    api.post<Answer<'disableAccount'>>(`/api/v1/admin/accounts/${id}/disable`, { reason }),
  enable: (id: number) => api.post<Answer<'enableAccount'>>(`/api/v1/admin/accounts/${id}/enable`),
  breakGlass: (patient_id: number, reason: string) =>
    api.post<Answer<'adminBreakGlass'>>('/api/v1/admin/break-glass', { patient_id, reason }),
};

export const recordAccess = {
  mine: (patient: number, signal?: AbortSignal) =>
    api.get<Answer<'getMyAccess'>>(`${patientPath(patient)}/my-access`, undefined, signal),
  breakGlass: (patient: number, reason: string) =>
    api.post<Answer<'breakGlass'>>(`${patientPath(patient)}/break-glass`, { reason }),
  ask: (patient: number, message: string) =>
    api.post<Answer<'requestAccess'>>(`${patientPath(patient)}/access-requests`, { message }),
  requests: (patient: number) => api.get<Answer<'listAccessRequests'>>(`${patientPath(patient)}/access-requests`),
  approve: (request: number) => api.post<Answer<'approveAccessRequest'>>(`/api/v1/access-requests/${request}/approve`),
  decline: (request: number) => api.post<Answer<'declineAccessRequest'>>(`/api/v1/access-requests/${request}/decline`),
  registerPatient: (body: Body<'registerPatient'>) => api.post<Answer<'registerPatient'>>('/api/v1/patients', body),
};

/** Two-step sign-in (docs/API.md "Two-step sign-in"): the signed-in person's own. */
export type SecondFactorStatus = Schema<'SecondFactorStatus'>;
export type SecondFactorEnrolment = Answer<'enrolSecondFactor'>;
export const secondFactor = {
  status: () => api.get<SecondFactorStatus>('/api/v1/me/second-factor'),
  enrol: () => api.post<SecondFactorEnrolment>('/api/v1/me/second-factor/enrol'),
  confirm: (code: string) => api.post<Schema<'RecoveryCodes'>>('/api/v1/me/second-factor/confirm', { code }),
  disable: (password: string, code: string) => api.post<void>('/api/v1/me/second-factor/disable', { password, code }),
  newRecoveryCodes: (code: string) =>
    api.post<Schema<'RecoveryCodes'>>('/api/v1/me/second-factor/recovery-codes', { code }),
  reset: (accountId: number, reason: string) =>
    api.post<void>(`/api/v1/admin/accounts/${accountId}/second-factor/reset`, { reason }),
};
