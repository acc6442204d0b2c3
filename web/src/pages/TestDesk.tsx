// The test desk (admins): check a patient in by the token on their booking, then record the
// test's results as the patient's observations, linked to the booking. Results are checked like
// any reading (unit, plausible range); a critical one shows its urgent advice at once.
import { useState } from 'react';
import { care, localTime, type TestBooking } from '../api/care';
import type { UrgentAdvice } from '../api/records';
import { useApiQuery } from '../api/query';
import { Card } from '../components/card';
import { Field, FormError, Saved, SelectField, SubmitButton, requireNumber, useSubmit } from '../components/forms';
import { UrgentAdviceCallout } from '../components/urgentAdvice';
import { METRICS, unitText } from '../metrics';

const LABS = METRICS.filter((metric) => metric.kind === 'lab' && metric.code);

type Result = { metric: string; value: string; unit: string };

function emptyResult(): Result {
  const first = LABS[0];
  return { metric: first?.name ?? '', value: '', unit: first?.units[0] ?? '' };
}

export function TestDeskPage() {
  const [checkedIn, setCheckedIn] = useState<TestBooking>();
  return (
    <section>
      <h1>Test desk</h1>
      <p>Check patients in by the token on their booking, then record their results.</p>
      <CheckIn onCheckedIn={setCheckedIn} />
      {checkedIn && <Results key={checkedIn.id} booking={checkedIn} />}
    </section>
  );
}

function CheckIn({ onCheckedIn }: { onCheckedIn: (booking: TestBooking) => void }) {
  const [token, setToken] = useState('');
  const [done, setDone] = useState<string>();
  const tests = useApiQuery(['care', 'tests'], () => care.tests());
  const directory = useApiQuery(['care', 'directory'], () => care.clinics({}));
  const check = useSubmit(
    ['token'],
    async () => {
      setDone(undefined);
      return care.checkIn(token.trim());
    },
    (booking) => {
      const test = tests.data?.items.find((t) => t.id === booking.test_id)?.name ?? 'The test';
      const centre = directory.data?.items.find((c) => c.id === booking.centre_id);
      setDone(
        `Checked in: ${booking.patient_name ?? 'the patient'}, ${test}, ${localTime(
          booking.starts_at,
          centre?.time_zone ?? 'UTC',
        )}.`,
      );
      setToken('');
      onCheckedIn(booking);
    },
  );
  return (
    <Card id="check-in" title="Check a patient in">
      <form onSubmit={check.submit} noValidate aria-label="Check in by token">
        <Field
          label="Booking token"
          value={token}
          onChange={(event) => setToken(event.target.value)}
          error={check.errors.token}
          hint="As on the patient's email or screen, e.g. K7RX-M4PD (any case, dash optional)."
          autoComplete="off"
        />
        <FormError message={check.formError} />
        <SubmitButton busy={check.busy} busyText="Checking in…">
          Check in
        </SubmitButton>
        <Saved message={done} />
      </form>
    </Card>
  );
}

function Results({ booking }: { booking: TestBooking }) {
  const [rows, setRows] = useState<Result[]>([emptyResult()]);
  const [saved, setSaved] = useState<string>();
  const [advice, setAdvice] = useState<UrgentAdvice | null>(null);
  const fields = rows.flatMap((_, index) => [`results[${index}].value`, `results[${index}].unit`]);
  const record = useSubmit(
    fields,
    async () => {
      setSaved(undefined);
      setAdvice(null);
      const results = rows.map((row, index) => {
        const value = requireNumber(row.value, `Result ${index + 1}`, '5.8');
        const code = LABS.find((metric) => metric.name === row.metric)?.code ?? row.metric;
        return { code, value, unit: row.unit };
      });
      return care.recordResults(booking.id, results);
    },
    (answer) => {
      setSaved(`Recorded ${answer.observations.length} results in ${booking.patient_name ?? 'the patient'}'s record.`);
      setAdvice(answer.advice ?? null);
      setRows([emptyResult()]);
    },
  );
  const change = (index: number, part: Partial<Result>) =>
    setRows(rows.map((row, at) => (at === index ? { ...row, ...part } : row)));
  return (
    <Card id="results" title={`Results for ${booking.patient_name ?? 'the patient'}`}>
      <form onSubmit={record.submit} noValidate aria-label="Record results">
        <ul className="sessions">
          {rows.map((row, index) => {
            const metric = LABS.find((m) => m.name === row.metric);
            return (
              <li key={index} className="row session">
                <SelectField
                  label="Test result"
                  value={row.metric}
                  onChange={(event) => {
                    const chosen = LABS.find((m) => m.name === event.target.value);
                    change(index, { metric: event.target.value, unit: chosen?.units[0] ?? '' });
                  }}
                  options={LABS.map((m) => ({ value: m.name, label: m.label }))}
                />
                <Field
                  label="Value"
                  inputMode="decimal"
                  value={row.value}
                  onChange={(event) => change(index, { value: event.target.value })}
                  error={record.errors[`results[${index}].value`]}
                />
                <SelectField
                  label="Unit"
                  value={row.unit}
                  onChange={(event) => change(index, { unit: event.target.value })}
                  options={(metric?.units ?? []).map((unit) => ({ value: unit, label: unitText(unit, row.metric) }))}
                  error={record.errors[`results[${index}].unit`]}
                />
                {rows.length > 1 && (
                  <button
                    type="button"
                    onClick={() => setRows(rows.filter((_, at) => at !== index))}
                    aria-label={`Remove result ${index + 1}`}
                  >
                    Remove
                  </button>
                )}
              </li>
            );
          })}
        </ul>
        <div className="row">
          <button type="button" onClick={() => setRows([...rows, emptyResult()])}>
            Add a result
          </button>
          <SubmitButton busy={record.busy} busyText="Recording…">
            Record results
          </SubmitButton>
        </div>
        <FormError message={record.formError} />
        <Saved message={saved} />
        {advice && <UrgentAdviceCallout advice={advice} />}
      </form>
    </Card>
  );
}
