// The monitor module's API (docs/API.md): alerts, notifications, patient search and the series
// and trends behind the charts.
import { api, getPage, patientPath, type Cursor } from './client';

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
  patientAlerts: (patient: number, status = 'open') => getPage<Alert>(`${patientPath(patient)}/alerts`, { status }),
  alerts: (status: 'open' | 'acknowledged' | 'resolved' | 'unresolved' = 'open', cursor?: Cursor) =>
    getPage<Alert>('/api/v1/alerts', { status, cursor }),
  acknowledge: (alert: number) => api.post<Alert>(`/api/v1/alerts/${alert}/acknowledge`),
  resolve: (alert: number) => api.post<Alert>(`/api/v1/alerts/${alert}/resolve`),
  notifications: (limit = 20) => getPage<Notification>('/api/v1/notifications', { limit }),
  markRead: (id: number) => api.post(`/api/v1/notifications/${id}/read`),
  searchPatients: (query: string, cursor?: Cursor) => getPage<PatientHit>('/api/v1/patients', { query, cursor }),
  /** The doctor's own patients, most open alerts first (`query` narrows them by name). */
  myPatients: (query = '', cursor?: Cursor) =>
    getPage<PatientHit>('/api/v1/patients', { linked: 'true', sort: 'alerts', query, cursor, limit: 100 }),
  series: (patient: number, code: string, from?: string, to?: string) =>
    api.get<{ series: Series[] }>(`${patientPath(patient)}/observations/series`, { code, from, to, points: 300 }),
  trend: (patient: number, code: string) =>
    api.get<{ trends: Trend[] }>(`${patientPath(patient)}/observations/trend`, { code }),
};
