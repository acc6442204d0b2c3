// Server modules the app shows once they are on main (their routes 404 before that). Flip a
// flag when the module lands; the pages and API wrappers are already in place.
export const FEATURES = {
  /** Clinical record: profile, encounters, diagnoses, prescriptions, symptom log, timeline, export. */
  clinical: true,
  /** Monitoring: alerts, notifications, doctor's patient search. */
  monitoring: true,
};
