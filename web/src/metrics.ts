// The metric catalogue as the web app shows it (metrics.json, checked against the server's
// src/records/catalogue.cpp by records_test): labels, the units the forms offer, one display map
// for units as people write them (mmHg, °C, bpm), and the reference ranges charts shade. The
// server stays the judge of units and ranges and answers 422 naming the field.
import catalogue from './metrics.json';

export interface Reference {
  low?: number;
  high?: number;
}

export interface MetricInfo {
  name: string;
  code?: string;
  label: string;
  /** vital and lab: entered in the form; part: half of a pair; derived: computed (BMI). */
  kind: 'vital' | 'lab' | 'part' | 'derived';
  units: string[]; // canonical first
  unit_text?: Record<string, string>;
  reference?: Reference;
  parts?: string[];
}

const ALL = catalogue.metrics as MetricInfo[];
const UNIT_TEXT: Record<string, string> = catalogue.unit_text;

/** What the add-a-reading form offers. */
export const METRICS: MetricInfo[] = ALL.filter((m) => m.kind === 'vital' || m.kind === 'lab');

export function metricInfo(name: string): MetricInfo | undefined {
  return ALL.find((m) => m.name === name || m.code === name);
}

export function metricLabel(name: string): string {
  return metricInfo(name)?.label ?? name.replace(/_/g, ' ');
}

/** A unit as people write it ("mmHg", "°C"); `metric` picks the metric's own wording ("bpm"). */
export function unitText(unit: string, metric?: string): string {
  return (metric ? metricInfo(metric)?.unit_text?.[unit] : undefined) ?? UNIT_TEXT[unit] ?? unit;
}

/** The reference range in the canonical unit, if the metric has one. */
export function referenceOf(metric: string): Reference | undefined {
  return metricInfo(metric)?.reference;
}

/** Every coded metric, for filters (pairs appear as their two parts). */
export const CODED: MetricInfo[] = ALL.filter((m) => m.code !== undefined);

/** Metrics that can be charted: blood pressure as one chart of both parts, then the others. */
export const CHARTABLE = [
  'blood_pressure',
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
  return metricInfo(metric)?.kind === 'lab';
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
