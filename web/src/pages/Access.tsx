// Who accessed my record (emergency access stands out, with its reason), the doctors linked to me
// (add / remove, after confirming), doctors asking to see my record (approve / decline), and
// doctors' requests to add to my record (approve / revoke).
import { useState } from 'react';
import { recordAccess, access, auth, type AuditEntry, type Doctor } from '../api/identity';
import { useSession } from '../auth';
import { ConfirmButton } from '../components/confirm';
import { reload, useApiQuery, usePagedQuery } from '../api/query';
import { Card, PagedList } from '../components/card';
import { Field, FormError, SubmitButton, useAction, useSubmit } from '../components/forms';
import { formatDate } from '../metrics';

const ACTIONS: Record<string, string> = {
  'record.read': 'read your record',
  'record.create': 'added to your record',
  'record.correct': 'corrected an entry',
  'record.update': 'changed your record',
  'access.denied': 'was refused access',
  'access.break_glass': 'opened your record in an emergency (break-glass)',
  'access.request': 'asked for access to your record',
  'account.desk_register': 'registered you at the desk and joined your care team',
  'access.grant': 'was linked to you',
  'access.revoke': 'was unlinked from you',
  'consent.request': 'asked to add to your record',
  'consent.confirm': 'entered a consent code',
  'consent.grant': 'was allowed to add to your record',
  'consent.revoke': 'consent ended',
  'access.request_decline': 'was declined access',
  'prescription.override':
    'prescribed despite a safety warning (an allergy or a medicine you already take), giving a reason',
  'record.export': 'downloaded your whole record',
};

function describe(entry: AuditEntry): string {
  return ACTIONS[entry.action] ?? entry.action.replace(/[._]/g, ' ');
}

interface Group<Entry extends AuditEntry> {
  first: Entry;
  count: number;
}

/** Runs of the same person doing the same thing in the same minute read as one line. */
export function groupEntries<Entry extends AuditEntry>(entries: Entry[]): Group<Entry>[] {
  const groups: Group<Entry>[] = [];
  for (const entry of entries) {
    const last = groups[groups.length - 1];
    const same =
      last &&
      last.first.actor_id === entry.actor_id &&
      last.first.action === entry.action &&
      last.first.outcome === entry.outcome &&
      last.first.reason === entry.reason &&
      last.first.at.slice(0, 16) === entry.at.slice(0, 16);
    if (same) last.count += 1;
    else groups.push({ first: entry, count: 1 });
  }
  return groups;
}

function AccessLog({ patientId }: { patientId: number }) {
  const log = usePagedQuery(['access-log', patientId], (before) => access.accessLog(patientId, before));
  return (
    <Card title="Who accessed my record" id="log-title">
      <PagedList
        query={log}
        label="Loading the access log…"
        empty="Nobody else has opened your record."
        list={(entries) => (
          <ul className="access-log">
            {groupEntries(entries).map(({ first: entry, count }) => (
              <li
                key={entry.id}
                className={
                  entry.action === 'access.break_glass' || entry.reason.startsWith('break-glass:')
                    ? 'emergency-entry'
                    : undefined
                }
              >
                <strong>{entry.actor_name || (entry.actor_role === 'patient' ? 'Another patient' : 'Unknown')}</strong>{' '}
                <span className="muted">({entry.actor_role})</span> {describe(entry)}
                {count > 1 && <> ({count} times)</>}
                {entry.reason && <> — “{entry.reason}”</>}
                <div className="muted">{formatDate(entry.at)}</div>
              </li>
            ))}
          </ul>
        )}
      />
    </Card>
  );
}

function CareTeam({ patientId }: { patientId: number }) {
  const team = useApiQuery(['care-team', patientId], () => access.careTeam(patientId));
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<Doctor[]>();
  const search = useSubmit(
    ['query'],
    () => auth.doctors(query.trim()),
    (page) => setFound(page.items),
  );
  const action = useAction(() => void team.refetch());
  const linked = new Set((team.data?.items ?? []).map((d) => d.id));
  return (
    <Card
      title="My doctors"
      id="team-title"
      intro={<p className="hint">Linked doctors can read your record. Give them your patient number: {patientId}.</p>}
      query={team}
      label="Loading your doctors…"
      empty="No doctors linked yet."
      footer={
        <>
          <form onSubmit={search.submit} noValidate className="row search">
            <Field
              label="Find a doctor"
              name="doctor-query"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              hint="Name, specialty or clinic"
              error={search.errors.query}
            />
            <SubmitButton busy={search.busy}>Search</SubmitButton>
          </form>
          <FormError message={search.formError ?? action.error} />
          {found && (
            <ul className="people" aria-label="Search results">
              {found.length === 0 && <li>No approved doctor matches.</li>}
              {found.map((d) => (
                <li key={d.id}>
                  <span>
                    <strong>{d.full_name}</strong> · {d.specialty} · {d.clinic}
                  </span>
                  {linked.has(d.id) ? (
                    <span className="muted">linked</span>
                  ) : (
                    <button type="button" onClick={() => action.run(() => access.link(patientId, d.id))}>
                      Link {d.full_name}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </>
      }
    >
      {(page) => (
        <ul className="people">
          {page.items.map((d) => (
            <li key={d.id}>
              <span>
                <strong>{d.full_name}</strong> · {d.specialty} · {d.clinic}
              </span>
              <ConfirmButton
                label={`Remove ${d.full_name}`}
                question={`Remove ${d.full_name} from your doctors? They will no longer see your record.`}
                confirmLabel="Yes, remove"
                onConfirm={() => action.run(() => access.unlink(patientId, d.id))}
              />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function AccessRequests({ patientId, onDecided }: { patientId: number; onDecided: () => void }) {
  const requests = useApiQuery(['access-requests', patientId], () => recordAccess.requests(patientId));
  const action = useAction(() => {
    void requests.refetch();
    onDecided();
  });
  return (
    <Card
      title="Doctors asking to see my record"
      id="requests-title"
      intro={
        <p className="hint">
          If you approve, the doctor joins your doctors and can read your record. You can remove them at any time.
        </p>
      }
      query={requests}
      label="Loading requests…"
      empty="No requests."
      footer={<FormError message={action.error} />}
    >
      {(page) => (
        <ul className="people">
          {page.items.map((r) => (
            <li key={r.id}>
              <span>
                <strong>{r.doctor_name}</strong> · {r.specialty} · {r.clinic} ·{' '}
                <span
                  className={`status status-${r.status === 'approved' ? 'active' : r.status === 'declined' ? 'revoked' : 'pending'}`}
                >
                  {r.status}
                </span>{' '}
                · asked {formatDate(r.requested_at)}
                {r.message && <span className="request-message">“{r.message}”</span>}
              </span>
              {r.status === 'pending' && (
                <span className="row">
                  <button
                    type="button"
                    className="primary"
                    onClick={() => action.run(() => recordAccess.approve(r.id))}
                  >
                    Approve {r.doctor_name}
                  </button>
                  <button type="button" onClick={() => action.run(() => recordAccess.decline(r.id))}>
                    Decline
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function Grants({ patientId }: { patientId: number }) {
  const grants = useApiQuery(['write-grants', patientId], () => access.grants(patientId));
  const action = useAction(() => void grants.refetch());
  return (
    <Card
      title="Requests to add to my record"
      id="grants-title"
      intro={
        <p className="hint">
          A doctor who asks gets nothing until you agree: approve here, or read them the code we emailed you. Access
          lasts 60 minutes.
        </p>
      }
      query={grants}
      label="Loading requests…"
      empty="No requests."
      footer={<FormError message={action.error} />}
    >
      {(page) => (
        <ul className="people">
          {page.items.map((g) => (
            <li key={g.id}>
              <span>
                <strong>{g.doctor_name}</strong> · <span className={`status status-${g.status}`}>{g.status}</span> ·
                asked {formatDate(g.requested_at)}
                {g.expires_at && g.status === 'active' && <> · until {formatDate(g.expires_at)}</>}
              </span>
              <span className="row">
                {g.status === 'pending' && (
                  <button type="button" className="primary" onClick={() => action.run(() => access.approveGrant(g.id))}>
                    Approve
                  </button>
                )}
                {(g.status === 'pending' || g.status === 'active') && (
                  <button type="button" onClick={() => action.run(() => access.revokeGrant(g.id))}>
                    {g.status === 'pending' ? 'Decline' : 'Revoke'}
                  </button>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function AccessPage() {
  const { account } = useSession();
  const patientId = account!.id;
  return (
    <section>
      <h1>Access to my record</h1>
      <div className="columns">
        <CareTeam patientId={patientId} />
        <AccessRequests patientId={patientId} onDecided={() => void reload(['care-team', patientId])} />
      </div>
      <Grants patientId={patientId} />
      <AccessLog patientId={patientId} />
    </section>
  );
}
