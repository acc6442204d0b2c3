// The doctor's patient list for triage: search on top, then a table of the patients with their
// age, when they last recorded a reading and their open alerts, most open alerts first. Without a
// search it lists the doctor's own patients; a search looks through every patient (alerts and
// readings stay hidden for patients not on the doctor's care team).
import { useState } from 'react';
import { monitoring, type PatientHit } from '../api/monitor';
import { usePagedQuery } from '../api/query';
import { formatDate } from '../metrics';
import { Link } from '../router';
import { Card, PagedList } from './card';
import { Field, FormError, SubmitButton, useSubmit } from './forms';

/** Whole years from a date of birth (YYYY-MM-DD) to today. */
export function ageOn(dateOfBirth: string, today = new Date()): number | null {
  const [year, month, day] = dateOfBirth.split('-').map(Number);
  if (!year || !month || !day) return null;
  let age = today.getFullYear() - year;
  if (today.getMonth() + 1 < month || (today.getMonth() + 1 === month && today.getDate() < day)) age -= 1;
  return age;
}

/** "today", "yesterday", "5 days ago", else the date. */
export function sinceText(iso: string, now = new Date()): string {
  const days = Math.floor((now.getTime() - new Date(iso).getTime()) / 86400000);
  if (days <= 0) return 'today';
  if (days === 1) return 'yesterday';
  if (days < 14) return `${days} days ago`;
  return new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

/** Most open alerts first, the caller's own patients before others, then by name. */
export function triageOrder(a: PatientHit, b: PatientHit): number {
  return (
    (b.open_alerts ?? -1) - (a.open_alerts ?? -1) ||
    Number(b.linked) - Number(a.linked) ||
    a.full_name.localeCompare(b.full_name)
  );
}

function PatientTable({ hits, caption }: { hits: PatientHit[]; caption: string }) {
  return (
    <table className="patients">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Patient</th>
          <th scope="col">Age</th>
          <th scope="col">Last reading</th>
          <th scope="col">Open alerts</th>
        </tr>
      </thead>
      <tbody>
        {hits.map((hit) => (
          <tr key={hit.id} className={hit.open_alerts ? 'has-alerts' : undefined}>
            <th scope="row">
              <Link to={`/doctor/patients/${hit.id}/summary`}>{hit.full_name}</Link>{' '}
              <span className="muted">#{hit.id}</span>
            </th>
            <td>{ageOn(hit.date_of_birth) ?? '—'}</td>
            <td>
              {hit.last_reading_at ? (
                <time dateTime={hit.last_reading_at} title={formatDate(hit.last_reading_at)}>
                  {sinceText(hit.last_reading_at)}
                </time>
              ) : hit.linked ? (
                'none yet'
              ) : (
                '—'
              )}
            </td>
            <td>
              {!hit.linked ? (
                <span className="muted">not your patient</span>
              ) : hit.open_alerts ? (
                <span className="badge bad">{hit.open_alerts}</span>
              ) : (
                '0'
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function PatientList() {
  const [query, setQuery] = useState('');
  // What the table shows: the caller's patients (no search yet) or a search's hits.
  const [found, setFound] = useState<{ query: string; hits: PatientHit[] }>();
  const mine = usePagedQuery(['patients', 'mine'], (cursor) => monitoring.myPatients('', cursor));
  const search = useSubmit(
    ['query'],
    async () => {
      const text = query.trim();
      if (!text) return null;
      return { query: text, hits: (await monitoring.searchPatients(text)).items };
    },
    (result) => setFound(result ?? undefined),
  );
  return (
    <Card title="My patients" id="patients-title">
      <form onSubmit={search.submit} noValidate className="row search" role="search" aria-label="Patients">
        <Field
          label="Find a patient"
          name="patient-query"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            if (!e.target.value.trim()) setFound(undefined);
          }}
          error={search.errors.query}
          hint="Your patients by name; anyone else only by their patient number. Empty: your patients."
        />
        <SubmitButton busy={search.busy}>Search</SubmitButton>
      </form>
      <FormError message={search.formError} />
      {found ? (
        <div role="status">
          {found.hits.length === 0 ? (
            <p>No patient matches “{found.query}”.</p>
          ) : (
            <PatientTable
              hits={[...found.hits].sort(triageOrder)}
              caption={`Patients matching “${found.query}”, most open alerts first`}
            />
          )}
        </div>
      ) : (
        <PagedList
          query={mine}
          label="Loading your patients…"
          empty="No patient has linked you yet."
          more="More patients"
          list={(own) => <PatientTable hits={own} caption="Your patients, most open alerts first" />}
        />
      )}
    </Card>
  );
}
