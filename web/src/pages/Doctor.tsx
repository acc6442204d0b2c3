// The doctor's side: open a patient who linked them, register a new one at the desk, the
// patient's chart (same record views as the patient's) behind the access gate, with the consent
// state and the write forms of components/access.tsx, and the air-quality panel.
import { useState } from 'react';
import { access } from '../api/identity';
import { predictions, type AirQualityArea } from '../api/predict';
import { api, ApiError } from '../api/client';
import { Field, FormError, SubmitButton, useSubmit } from '../components/forms';
import { AccessGate, AccessStatus, ConsentPanel, useCanWrite, WriteGate } from '../components/access';
import { DeskRegistration } from './DeskRegistration';
import { EmergencyAccess } from './EmergencyAccess';
import { CurrentCare, DiagnosisForm, EncounterForm, PrescriptionForm, Timeline } from '../components/clinical';
import { AlertsInbox, Notifications, OpenAlerts } from '../components/monitoring';
import { PatientList } from '../components/patientList';
import { LatestReadings, MetricChart, ObservationForm, ObservationList } from '../components/observations';
import { FEATURES } from '../features';
import { Async } from '../components/status';
import { reloadRecord, useApiQuery } from '../api/query';
import { Link, navigate } from '../router';
import { LatestRisks, RiskCheck } from './Predict';
import { CHART_SECTIONS, type ChartSection } from './chartSections';
import { PatientBanner } from '../components/PatientBanner';
import { Card } from '../components/card';

// Patients opened in this session (memory only).
const recent = new Map<number, string>();
api.subscribe((account) => {
  if (!account) recent.clear();
});

export function DoctorHome() {
  const [number, setNumber] = useState('');
  const { busy, errors, formError, submit } = useSubmit(
    ['patient_id'],
    async () => {
      const id = Number(number.trim());
      if (!Number.isInteger(id) || id <= 0) {
        throw new ApiError(422, 'validation_failed', 'Enter the patient number the patient gave you.', 'patient_id');
      }
      return access.profile(id);
    },
    (profile) => {
      recent.set(profile.id, profile.full_name);
      navigate(`/doctor/patients/${profile.id}`);
    },
  );
  return (
    <section>
      <h1>Patients</h1>
      {FEATURES.monitoring && (
        <>
          <PatientList />
          <div className="columns">
            <AlertsInbox limit={5} />
            <Notifications />
          </div>
        </>
      )}
      <div className="columns">
        <form className="card" onSubmit={submit} noValidate>
          <h2>Open a patient's record</h2>
          <p className="hint">Patients link you from their Access page and tell you their patient number.</p>
          <Field
            label="Patient number"
            name="patient_id"
            inputMode="numeric"
            value={number}
            onChange={(e) => setNumber(e.target.value)}
            error={errors.patient_id ?? formError}
          />
          <SubmitButton busy={busy} busyText="Opening…">
            Open record
          </SubmitButton>
        </form>
        <Card title="Opened this session" id="recent-title">
          {recent.size === 0 ? (
            <p className="empty">None yet.</p>
          ) : (
            <ul className="people">
              {[...recent].map(([id, name]) => (
                <li key={id}>
                  <Link to={`/doctor/patients/${id}`}>{name}</Link> <span className="muted">#{id}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <DeskRegistration />
    </section>
  );
}

/** The burden in the area of the patient's profile. */
export function PatientArea({ patientId }: { patientId: number }) {
  const answer = useApiQuery(['air-quality', patientId], () => predictions.patientArea(patientId));
  return (
    <Async state={answer} label="Loading the area's air quality…">
      {({ area, note }) =>
        area ? (
          <p>
            <strong>{area.name}</strong>:{' '}
            {area.latest
              ? `${area.latest.percent.toFixed(1)}% of adult deaths attributable to PM2.5 (${area.latest.year})`
              : 'no recent figure'}
            {area.rank && `, rank ${area.rank.position} of ${area.rank.of}`}
            {area.trend.percent_points_per_year != null &&
              `; trend ${area.trend.percent_points_per_year.toFixed(2)} points a year (2010–2019)`}
            . An area burden, not the patient's personal risk.
          </p>
        ) : (
          <p className="muted">{note ?? 'No area in the patient’s profile.'}</p>
        )
      }
    </Async>
  );
}

function AirQuality({ patientId }: { patientId: number }) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<{ items: AirQualityArea[]; meaning: string }>();
  const { busy, errors, formError, submit } = useSubmit(['query'], () => predictions.areas(query.trim()), setFound);
  return (
    <Card title="Air quality where the patient lives" id="air-title">
      <PatientArea patientId={patientId} />
      <h3>Other areas</h3>
      <form onSubmit={submit} noValidate className="row search">
        <Field
          label="Area (English local authority)"
          name="area"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          error={errors.query}
        />
        <SubmitButton busy={busy}>Look up</SubmitButton>
      </form>
      <FormError message={formError} />
      {found && (
        <>
          {found.items.length === 0 ? (
            <p className="empty">No area matches.</p>
          ) : (
            <table className="latest">
              <thead>
                <tr>
                  <th scope="col">Area</th>
                  <th scope="col">Deaths attributable to PM2.5</th>
                  <th scope="col" className="hide-narrow">
                    Rank
                  </th>
                </tr>
              </thead>
              <tbody>
                {found.items.map((a) => (
                  <tr key={a.code}>
                    <th scope="row">{a.name}</th>
                    <td>{a.latest ? `${a.latest.percent.toFixed(1)}% (${a.latest.year})` : '—'}</td>
                    <td className="hide-narrow">{a.rank ? `${a.rank.position} of ${a.rank.of}` : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="hint">{found.meaning}</p>
        </>
      )}
    </Card>
  );
}

function ChartNav({ patientId, section }: { patientId: number; section: ChartSection }) {
  return (
    <nav aria-label="Patient chart" className="chart-nav">
      <ul>
        {CHART_SECTIONS.map((s) => (
          <li key={s.key}>
            <Link to={`/doctor/patients/${patientId}/${s.key}`} aria-current={s.key === section ? 'page' : undefined}>
              {s.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The chart opens once the doctor may read the record; otherwise they may ask or break the glass. */
export function DoctorPatient({ patientId, section = 'summary' }: { patientId: number; section?: ChartSection }) {
  return (
    <AccessGate patientId={patientId} closed={(state) => <EmergencyAccess patientId={patientId} state={state} />}>
      <PatientChart patientId={patientId} section={section} />
    </AccessGate>
  );
}

function PatientChart({ patientId, section }: { patientId: number; section: ChartSection }) {
  const profile = useApiQuery(['profile', patientId], () => access.profile(patientId));
  // When consent becomes active the views of the record load again (each write reloads them too).
  const bump = () => void reloadRecord(patientId);
  const canWrite = useCanWrite(patientId);
  return (
    <section>
      <p>
        <Link to="/doctor">← Patients</Link>
      </p>
      <Async state={profile} label="Opening the record…">
        {(p) => {
          recent.set(p.id, p.full_name);
          return (
            <>
              <PatientBanner patientId={patientId} profile={p} />
              <ChartNav patientId={patientId} section={section} />
              <AccessStatus patientId={patientId} />
              {section === 'summary' && (
                <>
                  {FEATURES.monitoring && <OpenAlerts patientId={patientId} />}
                  <div className="columns">
                    <LatestReadings patientId={patientId} />
                    <MetricChart patientId={patientId} />
                  </div>
                  <LatestRisks patientId={patientId} />
                  <AirQuality patientId={patientId} />
                </>
              )}
              {section === 'results' && (
                <>
                  <div className="columns">
                    <ConsentPanel patientId={patientId} onActive={bump} />
                    <WriteGate patientId={patientId}>
                      <ObservationForm patientId={patientId} />
                    </WriteGate>
                  </div>
                  <MetricChart patientId={patientId} />
                  <ObservationList patientId={patientId} canCorrect={(e) => canWrite && e.source === 'clinical'} />
                </>
              )}
              {section === 'problems' && FEATURES.clinical && (
                <>
                  <CurrentCare patientId={patientId} canEnd={canWrite} />
                  <div className="columns">
                    <ConsentPanel patientId={patientId} onActive={bump} />
                    <WriteGate patientId={patientId}>
                      <DiagnosisForm patientId={patientId} />
                    </WriteGate>
                    <WriteGate patientId={patientId}>
                      <PrescriptionForm patientId={patientId} />
                    </WriteGate>
                  </div>
                </>
              )}
              {section === 'visits' && FEATURES.clinical && (
                <>
                  <div className="columns">
                    <ConsentPanel patientId={patientId} onActive={bump} />
                    <WriteGate patientId={patientId}>
                      <EncounterForm patientId={patientId} />
                    </WriteGate>
                  </div>
                  <Timeline patientId={patientId} kinds={['encounter']} title="Visits" />
                </>
              )}
              {section === 'risk' && (
                <>
                  <LatestRisks patientId={patientId} />
                  <RiskCheck patientId={patientId} audience="clinician" />
                </>
              )}
              {section === 'timeline' && FEATURES.clinical && <Timeline patientId={patientId} />}
            </>
          );
        }}
      </Async>
    </section>
  );
}
