// Clinical record views (records module): the timeline with infinite scroll, the doctor's forms
// for encounters, diagnoses and prescriptions, and the severity chart of the symptom log (the
// symptoms are logged by the symptom check, components/symptomCheck.tsx).
import { useRef, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { keys, queryClient, reloadRecord, useApiQuery, usePagedQuery } from '../api/query';
import {
  clinical,
  type Diagnosis,
  type Encounter,
  type PrescribingCheck,
  type SymptomEntry,
  type TimelineItem,
} from '../api/records';
import { formatDate } from '../metrics';
import { TrendChart } from './lazyCharts';
import { Field, FormError, Saved, SelectField, SubmitButton, useFields, useSubmit } from './forms';
import { CheckNotes, OverrideNote, PrescribingWarnings, refusedCheck } from './prescribing';
import { Card, PagedList } from './card';
import { ErrorMessage } from './status';

const KIND_LABEL: Record<string, string> = {
  observation: 'Reading',
  encounter: 'Visit',
  diagnosis: 'Diagnosis',
  prescription: 'Prescription',
  symptom: 'Symptom',
  prediction: 'Risk check',
};

const isoOrUndefined = (local: string) => (local ? new Date(local).toISOString() : undefined);

/**
 * The record's entries latest first, every kind unless `kinds` narrows it (e.g. the visits); the
 * next page loads when the end scrolls into view.
 */
export function Timeline({
  patientId,
  kinds,
  title = 'Timeline',
}: {
  patientId: number;
  kinds?: string[];
  title?: string;
}) {
  const types = kinds?.join(',');
  const timeline = usePagedQuery(keys.record(patientId, 'timeline', types), (cursor) =>
    clinical.timeline(patientId, cursor, types),
  );
  return (
    <Card title={title} id={`timeline-title-${types ?? 'all'}`}>
      <PagedList
        query={timeline}
        label="Loading the timeline…"
        empty="Nothing in the record yet."
        more="Show older entries"
        auto
        list={(items: TimelineItem[]) => (
          <ol className="timeline" aria-busy={timeline.isFetching}>
            {items.map((item) => (
              <li key={`${item.kind}-${item.id}`} className={`tl tl-${item.kind}`}>
                <span className="tl-kind">{KIND_LABEL[item.kind] ?? item.kind}</span>
                <span className="tl-summary">{item.summary}</span>
                <span className="muted tl-when">{formatDate(item.occurred_at)}</span>
              </li>
            ))}
          </ol>
        )}
      />
    </Card>
  );
}

export function DiagnosisForm({ patientId }: { patientId: number }) {
  const [form, set, setForm] = useFields({
    description: '',
    icd10_code: '',
    status: 'active' as Diagnosis['status'],
    diagnosed_at: '',
  });
  const [saved, setSaved] = useState<string>();
  const { busy, errors, formError, submit } = useSubmit(
    ['description', 'icd10_code', 'status', 'diagnosed_at'],
    () =>
      clinical.addDiagnosis(patientId, {
        description: form.description,
        icd10_code: form.icd10_code || undefined,
        status: form.status,
        diagnosed_at: isoOrUndefined(form.diagnosed_at),
      }),
    () => {
      setSaved(`Diagnosis “${form.description}” recorded.`);
      setForm({ description: '', icd10_code: '', status: 'active', diagnosed_at: '' });
    },
    () => reloadRecord(patientId),
  );
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="diagnosis-title">
      <h2 id="diagnosis-title">Record a diagnosis</h2>
      <Field
        label="Diagnosis"
        name="description"
        value={form.description}
        onChange={set('description')}
        error={errors.description}
      />
      <div className="grid">
        <Field
          label="ICD-10 code (optional)"
          name="icd10_code"
          value={form.icd10_code}
          onChange={set('icd10_code')}
          error={errors.icd10_code}
          hint="e.g. E11.9"
        />
        <SelectField
          label="Status"
          name="status"
          value={form.status}
          onChange={set('status')}
          error={errors.status}
          options={[
            { value: 'active', label: 'Active' },
            { value: 'resolved', label: 'Resolved' },
          ]}
        />
        <Field
          label="Diagnosed (optional)"
          name="diagnosed_at"
          type="datetime-local"
          value={form.diagnosed_at}
          onChange={set('diagnosed_at')}
          error={errors.diagnosed_at}
        />
      </div>
      <FormError message={formError} />
      <SubmitButton busy={busy}>Save diagnosis</SubmitButton>
      <Saved message={saved} />
    </form>
  );
}

export function EncounterForm({ patientId }: { patientId: number }) {
  const [form, set, setForm] = useFields({
    type: 'consultation' as Encounter['type'],
    reason: '',
    notes: '',
    occurred_at: '',
  });
  const [saved, setSaved] = useState<string>();
  const { busy, errors, formError, submit } = useSubmit(
    ['type', 'reason', 'notes', 'occurred_at'],
    () => clinical.addEncounter(patientId, { ...form, occurred_at: isoOrUndefined(form.occurred_at) }),
    () => {
      setSaved('Visit recorded.');
      setForm({ type: 'consultation', reason: '', notes: '', occurred_at: '' });
    },
    () => reloadRecord(patientId),
  );
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="encounter-title">
      <h2 id="encounter-title">Record a visit</h2>
      <div className="grid">
        <SelectField
          label="Type"
          name="type"
          value={form.type}
          onChange={set('type')}
          error={errors.type}
          options={['consultation', 'follow_up', 'emergency', 'telehealth', 'home_visit', 'other'].map((t) => ({
            value: t,
            label: t.replace('_', ' '),
          }))}
        />
        <Field
          label="When (optional)"
          name="occurred_at"
          type="datetime-local"
          value={form.occurred_at}
          onChange={set('occurred_at')}
          error={errors.occurred_at}
        />
      </div>
      <Field label="Reason" name="reason" value={form.reason} onChange={set('reason')} error={errors.reason} />
      <Field label="Notes (optional)" name="notes" value={form.notes} onChange={set('notes')} error={errors.notes} />
      <FormError message={formError} />
      <SubmitButton busy={busy}>Save visit</SubmitButton>
      <Saved message={saved} />
    </form>
  );
}

/** Prescribing reloads the views of the record; `onAdded` hears of each prescription. */
export function PrescriptionForm({ patientId, onAdded }: { patientId: number; onAdded?: () => void }) {
  const empty = { medicine: '', strength: '', dose: '', frequency: '', duration: '', instructions: '' };
  const [form, set, setForm] = useFields(empty);
  const [saved, setSaved] = useState<{ message: string; notes: string[] }>();
  // A refused prescription's warnings, and the override reason the doctor may give.
  const [refused, setRefused] = useState<PrescribingCheck>();
  const [reason, setReason] = useState('');
  const withOverride = useRef(false);
  const { busy, errors, formError, submit, setErrors } = useSubmit(
    [...Object.keys(empty), 'override_reason'],
    async () => {
      const override = withOverride.current;
      withOverride.current = false;
      setSaved(undefined);
      try {
        return await clinical.addPrescription(patientId, override ? { ...form, override_reason: reason } : form);
      } catch (error) {
        const check = refusedCheck(error);
        if (!check) throw error;
        setRefused(check);
        return undefined;
      }
    },
    (stored) => {
      if (!stored) return;
      setSaved({
        message: `${form.medicine} prescribed${stored.override ? ' (override recorded)' : ''}.`,
        notes: stored.check.notes,
      });
      setRefused(undefined);
      setReason('');
      setForm(empty);
      onAdded?.();
    },
    (stored) => stored && reloadRecord(patientId),
  );
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="prescription-title">
      <h2 id="prescription-title">Prescribe</h2>
      <div className="grid">
        <Field
          label="Medicine"
          name="medicine"
          value={form.medicine}
          onChange={set('medicine')}
          error={errors.medicine}
        />
        <Field
          label="Strength"
          name="strength"
          value={form.strength}
          onChange={set('strength')}
          error={errors.strength}
          hint="e.g. 500 mg"
        />
        <Field
          label="Dose"
          name="dose"
          value={form.dose}
          onChange={set('dose')}
          error={errors.dose}
          hint="e.g. 1 tablet"
        />
        <Field
          label="Frequency"
          name="frequency"
          value={form.frequency}
          onChange={set('frequency')}
          error={errors.frequency}
          hint="e.g. twice a day"
        />
        <Field
          label="Duration"
          name="duration"
          value={form.duration}
          onChange={set('duration')}
          error={errors.duration}
          hint="e.g. 3 months"
        />
      </div>
      <Field
        label="Instructions (optional)"
        name="instructions"
        value={form.instructions}
        onChange={set('instructions')}
        error={errors.instructions}
      />
      {refused && (
        <PrescribingWarnings
          medicine={form.medicine}
          check={refused}
          reason={reason}
          onReason={setReason}
          error={errors.override_reason}
          busy={busy}
          onOverride={() => {
            if (!reason.trim()) {
              setErrors({ override_reason: 'Reason for the override is required: say in a few words why it is safe.' });
              return;
            }
            withOverride.current = true;
            void submit();
          }}
          onCancel={() => {
            setRefused(undefined);
            setReason('');
          }}
        />
      )}
      <FormError message={formError} />
      {!refused && <SubmitButton busy={busy}>Save prescription</SubmitButton>}
      {saved && (
        <div role="status">
          <p className="saved">{saved.message}</p>
          <CheckNotes notes={saved.notes} />
        </div>
      )}
    </form>
  );
}

/** Severity over time of each logged symptom (loads again when a symptom is logged). */
export function SymptomSeverity({ patientId }: { patientId: number }) {
  const vocabulary = useApiQuery(['symptom-vocabulary'], () => clinical.vocabulary());
  const log = useApiQuery(keys.record(patientId, 'symptoms'), () => clinical.symptoms(patientId));
  const [shown, setShown] = useState('');
  const name = (e: SymptomEntry) => e.symptom ?? e.free_text ?? '';
  const labelOf = (key: string) => vocabulary.data?.items.find((i) => i.key === key)?.label ?? key.replace(/_/g, ' ');
  const entries = log.data?.items ?? [];
  const names = [...new Set(entries.map(name))];
  const current = shown && names.includes(shown) ? shown : names[0];
  return (
    <Card
      title="Severity over time"
      id="severity-title"
      query={log}
      label="Loading your symptom log…"
      empty="No symptoms logged yet."
    >
      {() => (
        <>
          <SelectField
            label="Show symptom"
            name="chart-symptom"
            value={current}
            onChange={(e) => setShown(e.target.value)}
            options={names.map((n) => ({ value: n, label: labelOf(n) }))}
          />
          <TrendChart
            label={`Severity of ${labelOf(current)}`}
            unit="of 10"
            points={entries.filter((e) => name(e) === current).map((e) => ({ at: e.onset_at, value: e.severity }))}
          />
        </>
      )}
    </Card>
  );
}

/** Downloads the whole record as JSON (the patient's right of access). */
export function ExportButton({ patientId }: { patientId: number }) {
  const download = useMutation(
    {
      mutationFn: async () => {
        const record = await clinical.export(patientId);
        const url = URL.createObjectURL(new Blob([JSON.stringify(record, null, 2)], { type: 'application/json' }));
        const link = document.createElement('a');
        link.href = url;
        link.download = `vitalis-record-${new Date().toISOString().slice(0, 10)}.json`;
        link.click();
        URL.revokeObjectURL(url);
      },
    },
    queryClient,
  );
  const busy = download.isPending;
  return (
    <div>
      <button type="button" onClick={() => download.mutate()} disabled={busy} aria-busy={busy}>
        {busy ? 'Preparing…' : 'Download my record (JSON)'}
      </button>
      {download.error && <ErrorMessage error={download.error} />}
    </div>
  );
}

/** Ends one entry (resolve a diagnosis, stop a prescription) of a patient's record with a reason. */
function EndForm({
  patientId,
  verb,
  end,
  onDone,
}: {
  patientId: number;
  verb: string;
  end: (reason: string) => Promise<unknown>;
  onDone: () => void;
}) {
  const [reason, setReason] = useState('');
  const { busy, errors, formError, submit } = useSubmit(
    ['reason'],
    () => end(reason),
    onDone,
    () => reloadRecord(patientId),
  );
  return (
    <form className="row search" onSubmit={submit} noValidate>
      <Field
        label={`Why ${verb.toLowerCase()}?`}
        name="end-reason"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        error={errors.reason ?? formError}
      />
      <SubmitButton busy={busy}>{verb}</SubmitButton>
    </form>
  );
}

/** Active diagnoses and prescriptions; doctors may resolve or stop them. */
export function CurrentCare({ patientId, canEnd }: { patientId: number; canEnd: boolean }) {
  const state = useApiQuery(keys.record(patientId, 'current-care'), async () => {
    const [diagnoses, prescriptions] = await Promise.all([
      clinical.diagnoses(patientId),
      clinical.prescriptions(patientId),
    ]);
    return {
      diagnoses: diagnoses.items.filter((d) => d.status === 'active'),
      prescriptions: prescriptions.items.filter((p) => p.status === 'active'),
    };
  });
  const [open, setOpen] = useState<string>();
  const done = () => setOpen(undefined);
  return (
    <Card title="Current diagnoses and medicines" id="care-title" query={state} label="Loading…">
      {({ diagnoses, prescriptions }) => (
        <>
          {diagnoses.length + prescriptions.length === 0 && (
            <p className="empty">No active diagnoses or prescriptions.</p>
          )}
          <ul className="people">
            {diagnoses.map((d) => (
              <li key={`d${d.id}`}>
                <span>
                  <strong>{d.description}</strong> {d.icd10_code && <span className="muted">({d.icd10_code})</span>}
                  <br />
                  <span className="muted">diagnosed {formatDate(d.diagnosed_at)}</span>
                </span>
                {canEnd && (
                  <button
                    type="button"
                    aria-expanded={open === `d${d.id}`}
                    onClick={() => setOpen(open === `d${d.id}` ? undefined : `d${d.id}`)}
                  >
                    Resolve
                  </button>
                )}
                {open === `d${d.id}` && (
                  <EndForm
                    patientId={patientId}
                    verb="Resolve"
                    end={(reason) => clinical.resolveDiagnosis(patientId, d.id, reason)}
                    onDone={done}
                  />
                )}
              </li>
            ))}
            {prescriptions.map((p) => (
              <li key={`p${p.id}`}>
                <span>
                  <strong>
                    {p.medicine} {p.strength}
                  </strong>{' '}
                  — {p.dose}, {p.frequency}
                  {p.duration && `, ${p.duration}`}
                  <OverrideNote prescription={p} />
                </span>
                {canEnd && (
                  <button
                    type="button"
                    aria-expanded={open === `p${p.id}`}
                    onClick={() => setOpen(open === `p${p.id}` ? undefined : `p${p.id}`)}
                  >
                    Stop
                  </button>
                )}
                {open === `p${p.id}` && (
                  <EndForm
                    patientId={patientId}
                    verb="Stop"
                    end={(reason) => clinical.stopPrescription(patientId, p.id, reason)}
                    onDone={done}
                  />
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}
