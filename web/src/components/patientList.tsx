// The doctor's patient list for triage: search on top, then a table of the patients with their
// age, when they last recorded a reading and their open alerts, most open alerts first. Without a
// search it lists the doctor's own patients; a search looks through every patient (alerts and
// readings stay hidden for patients not on the doctor's care team).
import { useState } from 'react';
import { monitoring, type PatientHit } from '../api/endpoints';
import { formatDate } from '../metrics';
import { Link } from '../router';
import { Field, FormError, MoreButton, SubmitButton, useSubmit } from './forms';
import { ErrorMessage, Loading, useLoad } from './status';

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
  return (b.open_alerts ?? -1) - (a.open_alerts ?? -1) || Number(b.linked) - Number(a.linked) || a.full_name.localeCompare(b.full_name);
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
              <Link to={`/doctor/patients/${hit.id}/summary`}>{hit.full_name}</Link> <span className="muted">#{hit.id}</span>
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
  const [pages, setPages] = useState<PatientHit[][]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [more, setMore] = useState<{ busy: boolean; error?: unknown }>({ busy: false });
  const mine = useLoad(async () => {
    const page = await monitoring.myPatients();
    setPages([page.items]);
    setNext(typeof page.next_cursor === 'string' ? page.next_cursor : null);
    return page;
  }, []);
  const search = useSubmit(
    ['query'],
    async () => {
      const text = query.trim();
      if (!text) return null;
      return { query: text, hits: (await monitoring.searchPatients(text)).items };
    },
    (result) => setFound(result ?? undefined),
  );
  const loadMore = async () => {
    if (next === null) return;
    setMore({ busy: true });
    try {
      const page = await monitoring.myPatients('', next);
      setPages((p) => [...p, page.items]);
      setNext(typeof page.next_cursor === 'string' ? page.next_cursor : null);
      setMore({ busy: false });
    } catch (error) {
      setMore({ busy: false, error });
    }
  };
  const own = pages.flat();
  return (
    <section className="card" aria-labelledby="patients-title">
      <h2 id="patients-title">My patients</h2>
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
          hint="A name or a patient number. Empty: your patients."
        />
        <SubmitButton busy={search.busy}>Search</SubmitButton>
      </form>
      <FormError message={search.formError} />
      {found ? (
        <div role="status">
          {found.hits.length === 0 ? (
            <p>No patient matches “{found.query}”.</p>
          ) : (
            <PatientTable hits={[...found.hits].sort(triageOrder)} caption={`Patients matching “${found.query}”, most open alerts first`} />
          )}
        </div>
      ) : mine.error ? (
        <ErrorMessage error={mine.error} retry={mine.reload} />
      ) : mine.loading && own.length === 0 ? (
        <Loading label="Loading your patients…" />
      ) : own.length === 0 ? (
        <p className="empty">No patient has linked you yet.</p>
      ) : (
        <>
          <PatientTable hits={own} caption="Your patients, most open alerts first" />
          {more.error !== undefined && <ErrorMessage error={more.error} retry={loadMore} />}
          <MoreButton hasMore={next !== null} busy={more.busy} onClick={loadMore} label="More patients" />
        </>
      )}
    </section>
  );
}
