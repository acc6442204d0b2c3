// The monitor module's API (docs/API.md): alerts, notifications, patient search and the series
// and trends behind the charts.
import { api, getPage, patientPath, type Answer, type Cursor, type Item, type Schema } from './client';

export type Alert = Schema<'Alert'>;
export type Notification = Schema<'Notification'>;
export type Series = Schema<'Series'>;
export type Trend = Schema<'Trend'>;
export type PatientHit = Schema<'PatientHit'>;

export const monitoring = {
  patientAlerts: (patient: number, status = 'open') =>
    getPage<Item<'listPatientAlerts'>>(`${patientPath(patient)}/alerts`, { status }),
  alerts: (status: 'open' | 'acknowledged' | 'resolved' | 'unresolved' = 'open', cursor?: Cursor) =>
    getPage<Item<'listAlerts'>>('/api/v1/alerts', { status, cursor }),
  acknowledge: (alert: number) => api.post<Answer<'acknowledgeAlert'>>(`/api/v1/alerts/${alert}/acknowledge`),
  resolve: (alert: number) => api.post<Answer<'resolveAlert'>>(`/api/v1/alerts/${alert}/resolve`),
  notifications: (limit = 20) => getPage<Item<'listNotifications'>>('/api/v1/notifications', { limit }),
  markRead: (id: number) => api.post<Answer<'markNotificationRead'>>(`/api/v1/notifications/${id}/read`),
  searchPatients: (query: string, cursor?: Cursor) =>
    getPage<Item<'searchPatients'>>('/api/v1/patients', { query, cursor }),
  /** The doctor's own patients, most open alerts first or by name (`query` narrows them by name). */
  myPatients: (query = '', cursor?: Cursor, sort: 'alerts' | 'name' = 'alerts') =>
    getPage<Item<'searchPatients'>>('/api/v1/patients', { linked: 'true', sort, query, cursor, limit: 100 }),
  series: (patient: number, code: string, from?: string, to?: string) =>
    api.get<Answer<'getSeries'>>(`${patientPath(patient)}/observations/series`, { code, from, to, points: 300 }),
  trend: (patient: number, code: string) =>
    api.get<Answer<'getTrend'>>(`${patientPath(patient)}/observations/trend`, { code }),
};
