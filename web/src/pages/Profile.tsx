// The patient's clinical profile: contact, address (with the local-authority code that links the
// air-quality data), blood group, allergies (a list of rows: substance, reaction, severity),
// conditions and medications.
import { useState } from 'react';
import { clinical, type ClinicalProfile } from '../api/records';
import { useSession } from '../auth';
import { AllergyEditor, rowFields, toRows, type AllergyRow } from '../components/allergies';
import { ExportButton } from '../components/clinical';
import { Field, FormError, Saved, SelectField, SubmitButton, useSubmit } from '../components/forms';
import { Async } from '../components/status';
import { queryClient, useApiQuery } from '../api/query';
import { Link } from '../router';

const GROUPS = ['unknown', 'A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-'];
const LISTS = ['conditions', 'medications'] as const;
const TEXTS = ['address_line1', 'address_line2', 'city', 'postcode', 'area_code'] as const;

type Form = Record<(typeof TEXTS)[number] | (typeof LISTS)[number] | 'blood_group', string>;

function toForm(p: ClinicalProfile): Form {
  return {
    address_line1: p.address_line1,
    address_line2: p.address_line2,
    city: p.city,
    postcode: p.postcode,
    area_code: p.area_code ?? '',
    blood_group: p.blood_group || 'unknown',
    conditions: p.conditions.join(', '),
    medications: p.medications.join(', '),
  };
}

const list = (text: string) =>
  text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

export function ProfilePage() {
  const { account } = useSession();
  const patientId = account!.id;
  const profile = useApiQuery(['clinical-profile', patientId], () => clinical.profile(patientId));
  const [form, setForm] = useState<Form>();
  const [allergies, setAllergies] = useState<AllergyRow[]>([]);
  const [noneKnown, setNoneKnown] = useState(false);
  const [saved, setSaved] = useState(false);
  // The form takes the stored profile each time it arrives (loaded, or saved).
  const [loadedFrom, setLoadedFrom] = useState<ClinicalProfile>();
  if (profile.data && profile.data !== loadedFrom) {
    setLoadedFrom(profile.data);
    setForm(toForm(profile.data));
    setAllergies(toRows(profile.data.allergies));
    setNoneKnown(profile.data.no_known_allergies);
  }
  const set = (name: keyof Form) => (e: { target: { value: string } }) => {
    setSaved(false);
    setForm((f) => ({ ...f!, [name]: e.target.value }));
  };
  const { busy, errors, formError, submit } = useSubmit(
    [...TEXTS, ...LISTS, 'blood_group', 'allergies', 'no_known_allergies', ...rowFields(allergies)],
    () =>
      clinical.updateProfile(patientId, {
        ...Object.fromEntries(TEXTS.map((t) => [t, form![t]])),
        blood_group: form!.blood_group,
        allergies: allergies.map(({ substance, reaction, severity }) => ({ substance, reaction, severity })),
        no_known_allergies: allergies.length === 0 && noneKnown,
        conditions: list(form!.conditions),
        medications: list(form!.medications),
      }),
    (updated) => {
      queryClient.setQueryData(['clinical-profile', patientId], updated);
      setSaved(true);
    },
  );
  return (
    <section>
      <h1>My profile</h1>
      <Async state={profile} label="Loading your profile…">
        {(p) => (
          <>
            <p className="muted">
              {p.full_name} · born {p.date_of_birth} · {p.email}
            </p>
            <p>
              Your name, email, phone and password are on your <Link to="/account">Account page</Link>.
            </p>
            {form && (
              <form className="card" onSubmit={submit} noValidate>
                <h2>Address</h2>
                <div className="grid">
                  <Field
                    label="Address line 1"
                    name="address_line1"
                    autoComplete="address-line1"
                    value={form.address_line1}
                    onChange={set('address_line1')}
                    error={errors.address_line1}
                  />
                  <Field
                    label="Address line 2"
                    name="address_line2"
                    autoComplete="address-line2"
                    value={form.address_line2}
                    onChange={set('address_line2')}
                    error={errors.address_line2}
                  />
                  <Field
                    label="City"
                    name="city"
                    autoComplete="address-level2"
                    value={form.city}
                    onChange={set('city')}
                    error={errors.city}
                  />
                  <Field
                    label="Postcode"
                    name="postcode"
                    autoComplete="postal-code"
                    value={form.postcode}
                    onChange={set('postcode')}
                    error={errors.postcode}
                  />
                  <Field
                    label="Local authority code (optional)"
                    name="area_code"
                    value={form.area_code}
                    onChange={set('area_code')}
                    error={errors.area_code}
                    hint="e.g. E09000007; lets your doctor see the air quality where you live."
                  />
                </div>
                <h2>Health</h2>
                <SelectField
                  label="Blood group"
                  name="blood_group"
                  value={form.blood_group}
                  onChange={set('blood_group')}
                  error={errors.blood_group}
                  options={GROUPS.map((g) => ({ value: g, label: g === 'unknown' ? 'Not known' : g }))}
                />
                <AllergyEditor
                  rows={allergies}
                  onChange={(rows) => {
                    setSaved(false);
                    setAllergies(rows);
                  }}
                  errors={errors}
                  noneKnown={noneKnown}
                  onNoneKnown={(value) => {
                    setSaved(false);
                    setNoneKnown(value);
                  }}
                  saved={p.allergies}
                />
                <Field
                  label="Long-term conditions"
                  name="conditions"
                  value={form.conditions}
                  onChange={set('conditions')}
                  error={errors.conditions}
                  hint="Separate with commas."
                />
                <Field
                  label="Medications"
                  name="medications"
                  value={form.medications}
                  onChange={set('medications')}
                  error={errors.medications}
                  hint="Separate with commas."
                />
                <FormError message={formError} />
                <SubmitButton busy={busy} busyText="Saving…">
                  Save profile
                </SubmitButton>
                <Saved message={saved ? 'Profile saved.' : undefined} />
              </form>
            )}
            <section className="card">
              <h2>Your data</h2>
              <p>Download everything in your record as one JSON file.</p>
              <ExportButton patientId={patientId} />
            </section>
          </>
        )}
      </Async>
    </section>
  );
}
