// The sections of the doctor's patient chart (summary, results, problems and medicines, visits,
// risk checks, timeline): each is its own address (/doctor/patients/:id/:section), so a reload or a link keeps
// it. Kept apart from Doctor.tsx so the route table need not load the doctor's pages.
export const CHART_SECTIONS = [
  { key: 'summary', label: 'Summary' },
  { key: 'results', label: 'Results' },
  { key: 'problems', label: 'Problems and medicines' },
  { key: 'visits', label: 'Visits' },
  { key: 'risk', label: 'Risk checks' },
  { key: 'timeline', label: 'Timeline' },
] as const;
export type ChartSection = (typeof CHART_SECTIONS)[number]['key'];

export function isChartSection(key: string): key is ChartSection {
  return CHART_SECTIONS.some((s) => s.key === key);
}
