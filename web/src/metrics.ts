// The metric catalogue as the forms need it (mirrors src/records/catalogue.cpp; the server stays
// the judge of units and ranges and answers 422 naming the field).
export interface MetricInfo {
  name: string;
  label: string;
  kind: 'vital' | 'lab';
  units: string[]; // canonical first
}

export const METRICS: MetricInfo[] = [
  { name: 'blood_pressure', label: 'Blood pressure', kind: 'vital', units: ['mm[Hg]', 'kPa'] },
  { name: 'heart_rate', label: 'Heart rate', kind: 'vital', units: ['/min'] },
  { name: 'respiratory_rate', label: 'Respiratory rate', kind: 'vital', units: ['/min'] },
  { name: 'body_weight', label: 'Body weight', kind: 'vital', units: ['kg', 'lb', 'g'] },
  { name: 'body_height', label: 'Body height', kind: 'vital', units: ['cm', 'in', 'm'] },
  { name: 'body_temperature', label: 'Body temperature', kind: 'vital', units: ['Cel', 'degF'] },
  { name: 'spo2', label: 'Oxygen saturation (SpO2)', kind: 'vital', units: ['%'] },
  { name: 'glucose', label: 'Blood glucose', kind: 'lab', units: ['mg/dL', 'mmol/L'] },
  { name: 'fasting_glucose', label: 'Fasting blood glucose', kind: 'lab', units: ['mg/dL', 'mmol/L'] },
  { name: 'hba1c', label: 'Hemoglobin A1c', kind: 'lab', units: ['%', 'mmol/mol'] },
  { name: 'total_cholesterol', label: 'Total cholesterol', kind: 'lab', units: ['mg/dL', 'mmol/L'] },
  { name: 'hdl', label: 'HDL cholesterol', kind: 'lab', units: ['mg/dL', 'mmol/L'] },
  { name: 'ldl', label: 'LDL cholesterol', kind: 'lab', units: ['mg/dL', 'mmol/L'] },
  { name: 'triglycerides', label: 'Triglycerides', kind: 'lab', units: ['mg/dL', 'mmol/L'] },
  { name: 'hemoglobin', label: 'Hemoglobin', kind: 'lab', units: ['g/dL', 'g/L', 'mmol/L'] },
  { name: 'creatinine', label: 'Creatinine', kind: 'lab', units: ['mg/dL', 'umol/L'] },
];

const EXTRA_LABELS: Record<string, string> = {
  systolic_bp: 'Systolic blood pressure',
  diastolic_bp: 'Diastolic blood pressure',
  bmi: 'Body mass index',
};

const UNIT_TEXT: Record<string, string> = {
  'mm[Hg]': 'mmHg',
  '/min': 'per minute',
  Cel: '°C',
  degF: '°F',
  'kg/m2': 'kg/m²',
  'umol/L': 'µmol/L',
};

export function metricLabel(name: string): string {
  return EXTRA_LABELS[name] ?? METRICS.find((m) => m.name === name)?.label ?? name.replace(/_/g, ' ');
}

export function unitText(unit: string): string {
  return UNIT_TEXT[unit] ?? unit;
}

/** Metrics that can be charted (pairs split into their parts). */
export const CHARTABLE = [
  'systolic_bp',
  'diastolic_bp',
  'heart_rate',
  'body_weight',
  'bmi',
  'body_temperature',
  'spo2',
  'glucose',
  'fasting_glucose',
  'hba1c',
  'total_cholesterol',
  'ldl',
  'hdl',
  'triglycerides',
];

export function isLab(metric: string): boolean {
  return METRICS.find((m) => m.name === metric)?.kind === 'lab';
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
