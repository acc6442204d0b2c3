// Scheduling administration: the specialties list, clinics and diagnostic centres (add one, edit
// its details, close one to new bookings — never deleted, bookings point at them), where each
// doctor practises and in what, the test catalogue (add a test, change its price, duration and
// preparation, retire one), and what each diagnostic centre offers (places per hour) and when it
// takes bookings.
import { useState } from 'react';
import {
  CURRENCY,
  care,
  moneyText,
  price,
  WEEKDAY_OPTIONS,
  type DiagnosticTest,
  type DirectoryEntry,
} from '../api/care';
import { admin } from '../api/identity';
import { reload, useApiQuery } from '../api/query';
import { Card } from '../components/card';
import {
  Field,
  FormError,
  PRICE_IN_WORDS,
  PriceField,
  Saved,
  SelectField,
  SubmitButton,
  changedFields,
  fieldWords,
  readField,
  readPrice,
  requireNumber,
  useAction,
  useSubmit,
  type FieldErrors,
} from '../components/forms';

const DIRECTORY = ['care', 'directory', 'all'];

function useAllClinics() {
  return useApiQuery(DIRECTORY, () => care.clinics({ inactive: 'true' }));
}

export function AdminSchedulingPage() {
  return (
    <section>
      <h1>Clinics and tests</h1>
      <Specialties />
      <Clinics />
      <Practice />
      <Catalogue />
      <Centres />
    </section>
  );
}

function Specialties() {
  const list = useApiQuery(['care', 'specialties'], () => care.specialties());
  const [name, setName] = useState('');
  const [saved, setSaved] = useState<string>();
  const add = useSubmit(
    ['name'],
    () => care.addSpecialty(name.trim()),
    (added) => {
      setSaved(`${added.name} added.`);
      setName('');
    },
    () => reload(['care', 'specialties']),
  );
  return (
    <Card id="specialties" title="Specialties" query={list} label="Loading specialties…" empty="No specialties yet.">
      {(data) => (
        <>
          <p>{data.items.map((s) => s.name).join(', ')}</p>
          <form onSubmit={add.submit} noValidate aria-label="Add a specialty">
            <Field
              label="New specialty"
              value={name}
              onChange={(event) => setName(event.target.value)}
              error={add.errors.name}
            />
            <FormError message={add.formError} />
            <SubmitButton busy={add.busy}>Add the specialty</SubmitButton>
            <Saved message={saved} />
          </form>
        </>
      )}
    </Card>
  );
}

const CLINIC_FIELDS = [
  ['name', 'Name'],
  ['address', 'Address'],
  ['city', 'City'],
  ['postcode', 'Postcode'],
  ['phone', 'Phone'],
  ['opening_hours', 'Opening hours (as shown to patients)'],
  ['time_zone', 'Time zone (e.g. Europe/London)'],
  ['latitude', 'Latitude'],
  ['longitude', 'Longitude'],
  ['services', 'Services (separated by semicolons)'],
] as const;

type ClinicField = (typeof CLINIC_FIELDS)[number][0];
type ClinicForm = Record<ClinicField, string> & { kind: string };

const NEW_CLINIC: ClinicForm = {
  kind: 'clinic',
  name: '',
  address: '',
  city: '',
  postcode: '',
  phone: '',
  opening_hours: '',
  time_zone: 'Europe/London',
  latitude: '',
  longitude: '',
  services: '',
};

// The server names the field at fault in its own terms ("time_zone must be an IANA time zone",
// "price_minor is a whole number of minor units"); the forms say it in the words of the page.
const IN_WORDS: Record<string, string> = {
  time_zone: 'Enter a time zone from the tz database, such as Europe/London or Asia/Kolkata.',
  latitude: 'Enter a latitude from -90 to 90, such as 51.5074.',
  longitude: 'Enter a longitude from -180 to 180, such as -0.1278.',
  ...PRICE_IN_WORDS,
  duration_minutes: 'Enter a duration of 5 to 480 minutes.',
};
const FIELD_WORDS: Record<string, string> = {
  opening_hours: 'Opening hours',
  preparation: 'Preparation',
};

const inWords = fieldWords(IN_WORDS, FIELD_WORDS);

/** The clinic's fields as the forms hold them (text as typed). */
function clinicForm(clinic: DirectoryEntry): ClinicForm {
  return {
    kind: clinic.kind,
    name: clinic.name,
    address: clinic.address,
    city: clinic.city,
    postcode: clinic.postcode,
    phone: clinic.phone,
    opening_hours: clinic.opening_hours,
    time_zone: clinic.time_zone,
    latitude: String(clinic.latitude),
    longitude: String(clinic.longitude),
    services: clinic.services.join('; '),
  };
}

/** The form's fields read for the server (numbers checked, services split): throws beside a field. */
function clinicInput(form: ClinicForm) {
  return {
    name: form.name.trim(),
    address: form.address.trim(),
    city: form.city.trim(),
    postcode: form.postcode.trim(),
    phone: form.phone.trim(),
    opening_hours: form.opening_hours.trim(),
    time_zone: form.time_zone.trim(),
    latitude: readField('latitude', () => requireNumber(form.latitude, 'Latitude', '51.5074')),
    longitude: readField('longitude', () => requireNumber(form.longitude, 'Longitude', '-0.1278')),
    services: form.services
      .split(';')
      .map((service) => service.trim())
      .filter(Boolean),
  };
}

const CLINIC_ERROR_FIELDS = [...CLINIC_FIELDS.map(([field]) => field), 'kind', 'active'];

function ClinicFields({
  form,
  change,
  errors,
}: {
  form: ClinicForm;
  change: (part: Partial<ClinicForm>) => void;
  errors: FieldErrors;
}) {
  return (
    <>
      {CLINIC_FIELDS.map(([field, label]) => (
        <Field
          key={field}
          label={label}
          value={form[field]}
          inputMode={field === 'latitude' || field === 'longitude' ? 'decimal' : field === 'phone' ? 'tel' : undefined}
          onChange={(event) => change({ [field]: event.target.value })}
          error={inWords(errors, field)}
        />
      ))}
    </>
  );
}

function Clinics() {
  const clinics = useAllClinics();
  const action = useAction(() => void reload(DIRECTORY));
  const [form, setForm] = useState<ClinicForm>(NEW_CLINIC);
  const [saved, setSaved] = useState<string>();
  const [editing, setEditing] = useState<number>();
  const create = useSubmit(
    CLINIC_ERROR_FIELDS,
    () => care.createClinic({ kind: form.kind as 'clinic' | 'hospital' | 'diagnostic_centre', ...clinicInput(form) }),
    (clinic) => {
      setSaved(`${clinic.name} added.`);
      setForm(NEW_CLINIC);
    },
    () => reload(DIRECTORY),
  );
  return (
    <Card id="clinics" title="Clinics and centres" query={clinics} label="Loading clinics…" empty="No clinics yet.">
      {(data) => (
        <>
          <ul className="bookings" aria-label="Clinics">
            {data.items.map((clinic) => (
              <li key={clinic.id} className="booking">
                <p className="booking-title">
                  <strong>{clinic.name}</strong> — {KIND[clinic.kind]}, {clinic.city}
                  {!clinic.active && ' (closed to new bookings)'}
                </p>
                <p>
                  {clinic.address}, {clinic.postcode} · {clinic.phone} · {clinic.time_zone} · {clinic.doctors.length}{' '}
                  doctors
                </p>
                <div className="row">
                  <button
                    type="button"
                    aria-expanded={editing === clinic.id}
                    onClick={() => setEditing(editing === clinic.id ? undefined : clinic.id)}
                  >
                    {editing === clinic.id ? `Close the details of ${clinic.name}` : `Edit ${clinic.name}`}
                  </button>
                  <button
                    type="button"
                    onClick={() => void action.run(() => care.updateClinic(clinic.id, { active: !clinic.active }))}
                  >
                    {clinic.active ? `Close ${clinic.name} to new bookings` : `Reopen ${clinic.name}`}
                  </button>
                </div>
                {editing === clinic.id && <ClinicEditor clinic={clinic} />}
              </li>
            ))}
          </ul>
          <FormError message={action.error} />
          <form onSubmit={create.submit} noValidate aria-label="Add a clinic">
            <h3>Add a clinic or centre</h3>
            <SelectField
              label="Kind"
              value={form.kind}
              onChange={(event) => setForm({ ...form, kind: event.target.value })}
              options={Object.entries(KIND).map(([value, label]) => ({ value, label }))}
              error={inWords(create.errors, 'kind')}
            />
            <ClinicFields form={form} change={(part) => setForm({ ...form, ...part })} errors={create.errors} />
            <FormError message={create.formError} />
            <SubmitButton busy={create.busy}>Add the clinic</SubmitButton>
            <Saved message={saved} />
          </form>
        </>
      )}
    </Card>
  );
}

/** One clinic's details, edited in place; only the fields changed are sent. */
function ClinicEditor({ clinic }: { clinic: DirectoryEntry }) {
  const [form, setForm] = useState<ClinicForm>(() => clinicForm(clinic));
  const [saved, setSaved] = useState<string>();
  const save = useSubmit(
    CLINIC_ERROR_FIELDS,
    async () => {
      setSaved(undefined);
      const changed = changedFields(clinicInput(form), clinicInput(clinicForm(clinic)));
      return changed && care.updateClinic(clinic.id, changed);
    },
    (updated) =>
      setSaved(updated ? `Saved the details of ${updated.name}.` : 'Nothing to save: no detail was changed.'),
    () => reload(DIRECTORY),
  );
  return (
    <form onSubmit={save.submit} noValidate aria-label={`Details of ${clinic.name}`}>
      <ClinicFields form={form} change={(part) => setForm({ ...form, ...part })} errors={save.errors} />
      <FormError message={save.formError} />
      <SubmitButton busy={save.busy} busyText="Saving…">
        Save the details
      </SubmitButton>
      <Saved message={saved} />
    </form>
  );
}

const KIND: Record<DirectoryEntry['kind'], string> = {
  clinic: 'Clinic',
  hospital: 'Hospital',
  diagnostic_centre: 'Diagnostic centre',
};

/** Where a doctor practises and in what: the directory's view of them, edited and saved whole. */
function Practice() {
  const doctors = useApiQuery(['admin', 'doctors', 'active'], () => admin.doctors('active'));
  const clinics = useAllClinics();
  const specialties = useApiQuery(['care', 'specialties'], () => care.specialties());
  const [doctor, setDoctor] = useState('');
  const [chosenClinics, setChosenClinics] = useState<number[]>([]);
  const [chosenSpecialties, setChosenSpecialties] = useState<number[]>([]);
  const [saved, setSaved] = useState<string>();
  const pick = (id: string) => {
    setDoctor(id);
    setSaved(undefined);
    const entries = clinics.data?.items.filter((c) => c.doctors.some((d) => d.id === Number(id))) ?? [];
    setChosenClinics(entries.map((c) => c.id));
    const names = entries.flatMap((c) => c.doctors.filter((d) => d.id === Number(id)).flatMap((d) => d.specialties));
    setChosenSpecialties(specialties.data?.items.filter((s) => names.includes(s.name)).map((s) => s.id) ?? []);
  };
  const save = useSubmit(
    ['clinic_ids', 'specialty_ids'],
    () => {
      if (!doctor) throw new Error('Choose a doctor.');
      return care.setPractice(Number(doctor), { clinic_ids: chosenClinics, specialty_ids: chosenSpecialties });
    },
    () => setSaved('Saved. Patients find the doctor at these clinics.'),
    () => reload(DIRECTORY),
  );
  const toggle = (list: number[], id: number) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);
  return (
    <Card
      id="practice"
      title="Where doctors practise"
      query={doctors}
      label="Loading doctors…"
      empty="No approved doctors yet."
    >
      {(data) => (
        <form onSubmit={save.submit} noValidate aria-label="Where a doctor practises">
          <SelectField
            label="Doctor"
            value={doctor}
            onChange={(event) => pick(event.target.value)}
            options={[
              { value: '', label: 'Choose a doctor' },
              ...data.items.map((d) => ({ value: String(d.id), label: d.full_name })),
            ]}
          />
          {doctor && (
            <>
              <fieldset>
                <legend>Clinics</legend>
                {(clinics.data?.items ?? [])
                  .filter((c) => c.active)
                  .map((c) => (
                    <label key={c.id} className="check">
                      <input
                        type="checkbox"
                        checked={chosenClinics.includes(c.id)}
                        onChange={() => setChosenClinics(toggle(chosenClinics, c.id))}
                      />{' '}
                      {c.name}, {c.city}
                    </label>
                  ))}
              </fieldset>
              <fieldset>
                <legend>Specialties</legend>
                {(specialties.data?.items ?? []).map((s) => (
                  <label key={s.id} className="check">
                    <input
                      type="checkbox"
                      checked={chosenSpecialties.includes(s.id)}
                      onChange={() => setChosenSpecialties(toggle(chosenSpecialties, s.id))}
                    />{' '}
                    {s.name}
                  </label>
                ))}
              </fieldset>
            </>
          )}
          <FormError message={save.formError ?? save.errors.clinic_ids ?? save.errors.specialty_ids} />
          <SubmitButton busy={save.busy}>Save where they practise</SubmitButton>
          <Saved message={saved} />
        </form>
      )}
    </Card>
  );
}

type TestForm = { code: string; name: string; category: string; duration: string; price: string; preparation: string };
const NEW_TEST: TestForm = { code: '', name: '', category: 'blood', duration: '15', price: '', preparation: '' };

function readDuration(text: string): number {
  return readField('duration_minutes', () => requireNumber(text, 'Duration', '15'));
}

function Catalogue() {
  const tests = useApiQuery(['care', 'tests'], () => care.tests());
  const action = useAction(() => void reload(['care', 'tests']));
  const [form, setForm] = useState<TestForm>(NEW_TEST);
  const [saved, setSaved] = useState<string>();
  const [editing, setEditing] = useState<number>();
  const create = useSubmit(
    ['code', 'name', 'category', 'duration_minutes', 'price_minor', 'preparation'],
    () =>
      care.createTest({
        code: form.code.trim(),
        name: form.name.trim(),
        category: form.category as 'blood' | 'imaging' | 'cardiac' | 'check_up' | 'other',
        duration_minutes: readDuration(form.duration),
        price_minor: readPrice(form.price, CURRENCY),
        currency: CURRENCY,
        preparation: form.preparation.trim(),
      }),
    (test) => {
      setSaved(`${test.name} added.`);
      setForm(NEW_TEST);
    },
    () => reload(['care', 'tests']),
  );
  const set = (part: Partial<TestForm>) => setForm({ ...form, ...part });
  return (
    <Card id="catalogue" title="Test catalogue" query={tests} label="Loading tests…" empty="No tests yet.">
      {(data) => (
        <>
          <ul className="bookings" aria-label="Tests">
            {data.items.map((test) => (
              <li key={test.id} className="booking">
                <p className="booking-title">
                  <strong>{test.name}</strong> ({test.code}) — {price(test.price_minor, test.currency)},{' '}
                  {test.duration_minutes} minutes{!test.active && ', retired'}
                </p>
                {test.preparation && <p>{test.preparation}</p>}
                <div className="row">
                  <button
                    type="button"
                    aria-expanded={editing === test.id}
                    onClick={() => setEditing(editing === test.id ? undefined : test.id)}
                  >
                    {editing === test.id ? `Close ${test.name}` : `Edit ${test.name}`}
                  </button>
                  <button
                    type="button"
                    onClick={() => void action.run(() => care.updateTest(test.id, { active: !test.active }))}
                  >
                    {test.active ? `Retire ${test.name}` : `Offer ${test.name} again`}
                  </button>
                </div>
                {editing === test.id && <TestEditor test={test} />}
              </li>
            ))}
          </ul>
          <FormError message={action.error} />
          <form onSubmit={create.submit} noValidate aria-label="Add a test">
            <h3>Add a test</h3>
            <Field
              label="Short code (e.g. lipids)"
              value={form.code}
              onChange={(e) => set({ code: e.target.value })}
              error={inWords(create.errors, 'code')}
            />
            <Field
              label="Name as patients read it"
              value={form.name}
              onChange={(e) => set({ name: e.target.value })}
              error={inWords(create.errors, 'name')}
            />
            <SelectField
              label="Category"
              value={form.category}
              onChange={(e) => set({ category: e.target.value })}
              options={[
                { value: 'blood', label: 'Blood test' },
                { value: 'imaging', label: 'Imaging' },
                { value: 'cardiac', label: 'Heart' },
                { value: 'check_up', label: 'Health check-up' },
                { value: 'other', label: 'Other' },
              ]}
              error={inWords(create.errors, 'category')}
            />
            <TestFields form={form} change={set} errors={create.errors} currency={CURRENCY} />
            <FormError message={create.formError} />
            <SubmitButton busy={create.busy}>Add the test</SubmitButton>
            <Saved message={saved} />
          </form>
        </>
      )}
    </Card>
  );
}

/** Duration, price and preparation: the fields a test is added with and edited in. */
function TestFields({
  form,
  change,
  errors,
  currency,
}: {
  form: Pick<TestForm, 'duration' | 'price' | 'preparation'>;
  change: (part: Partial<TestForm>) => void;
  errors: FieldErrors;
  currency: string;
}) {
  return (
    <>
      <Field
        label="Duration (minutes)"
        inputMode="numeric"
        value={form.duration}
        onChange={(e) => change({ duration: e.target.value })}
        error={inWords(errors, 'duration_minutes')}
      />
      <PriceField
        currency={currency}
        example="25.50"
        value={form.price}
        onChange={(e) => change({ price: e.target.value })}
        error={inWords(errors, 'price_minor')}
      />
      <Field
        label="Preparation (e.g. do not eat for 8 hours before)"
        value={form.preparation}
        onChange={(e) => change({ preparation: e.target.value })}
        error={inWords(errors, 'preparation')}
      />
    </>
  );
}

/** A test's price, duration and preparation, edited in place; only what changed is sent. */
function TestEditor({ test }: { test: DiagnosticTest }) {
  const [form, setForm] = useState<TestForm>(() => ({
    ...NEW_TEST,
    duration: String(test.duration_minutes),
    price: moneyText(test.price_minor, test.currency),
    preparation: test.preparation,
  }));
  const [saved, setSaved] = useState<string>();
  const save = useSubmit(
    ['duration_minutes', 'price_minor', 'preparation'],
    async () => {
      setSaved(undefined);
      const typed = {
        duration_minutes: readDuration(form.duration),
        price_minor: readPrice(form.price, test.currency),
        preparation: form.preparation.trim(),
      };
      const changed = changedFields(typed, test);
      return changed && care.updateTest(test.id, changed);
    },
    (updated) =>
      setSaved(
        updated
          ? `Saved: ${updated.name} costs ${price(updated.price_minor, updated.currency)} and takes ${updated.duration_minutes} minutes.`
          : 'Nothing to save: nothing was changed.',
      ),
    () => reload(['care', 'tests']),
  );
  return (
    <form onSubmit={save.submit} noValidate aria-label={`Details of ${test.name}`}>
      <TestFields
        form={form}
        change={(part) => setForm({ ...form, ...part })}
        errors={save.errors}
        currency={test.currency}
      />
      <FormError message={save.formError} />
      <SubmitButton busy={save.busy} busyText="Saving…">
        Save the test
      </SubmitButton>
      <Saved message={saved} />
    </form>
  );
}

type Offer = { test: string; perHour: string };
type Hours = { weekday: string; start: string; end: string };

/** A diagnostic centre's offers and booking hours, edited as rows and saved together. */
function Centres() {
  const clinics = useAllClinics();
  const tests = useApiQuery(['care', 'tests'], () => care.tests());
  const [centre, setCentre] = useState('');
  const [offers, setOffers] = useState<Offer[]>([]);
  const [hours, setHours] = useState<Hours[]>([]);
  const [saved, setSaved] = useState<string>();
  const [loadError, setLoadError] = useState<string>();
  const centres = (clinics.data?.items ?? []).filter((c) => c.kind === 'diagnostic_centre' && c.active);
  const pick = async (id: string) => {
    setCentre(id);
    setSaved(undefined);
    setLoadError(undefined);
    if (!id) return;
    try {
      const current = await care.centreOffers(Number(id));
      setOffers(current.items.map((o) => ({ test: String(o.test_id), perHour: String(o.per_hour) })));
      setHours(current.hours.map((h) => ({ weekday: String(h.weekday), start: h.start, end: h.end })));
    } catch {
      setLoadError('The centre’s offers could not be loaded. Try again.');
    }
  };
  const save = useSubmit(
    ['per_hour', 'test_id', 'weekday', 'start', 'end'],
    async () => {
      if (!centre) throw new Error('Choose a centre.');
      await care.setOffers(
        Number(centre),
        offers.map((o) => ({ test_id: Number(o.test), per_hour: requireNumber(o.perHour, 'Places per hour', '4') })),
      );
      await care.setCentreHours(
        Number(centre),
        hours.map((h) => ({ weekday: Number(h.weekday), start: h.start, end: h.end })),
      );
    },
    () => setSaved('Saved. Patients can book these tests in these hours.'),
  );
  const testOptions = (tests.data?.items ?? [])
    .filter((t) => t.active)
    .map((t) => ({ value: String(t.id), label: t.name }));
  return (
    <Card id="centres" title="Diagnostic centres">
      <form onSubmit={save.submit} noValidate aria-label="What a centre offers">
        <SelectField
          label="Centre"
          value={centre}
          onChange={(event) => void pick(event.target.value)}
          options={[
            { value: '', label: 'Choose a centre' },
            ...centres.map((c) => ({ value: String(c.id), label: c.name })),
          ]}
        />
        <FormError message={loadError} />
        {centre && (
          <>
            <h3>Tests and places per hour</h3>
            <ul className="sessions">
              {offers.map((offer, index) => (
                <li key={index} className="row session">
                  <SelectField
                    label="Test"
                    value={offer.test}
                    onChange={(e) =>
                      setOffers(offers.map((o, at) => (at === index ? { ...o, test: e.target.value } : o)))
                    }
                    options={testOptions}
                  />
                  <Field
                    label="Places per hour"
                    inputMode="numeric"
                    value={offer.perHour}
                    onChange={(e) =>
                      setOffers(offers.map((o, at) => (at === index ? { ...o, perHour: e.target.value } : o)))
                    }
                    error={save.errors.per_hour}
                  />
                  <button type="button" onClick={() => setOffers(offers.filter((_, at) => at !== index))}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
            <button
              type="button"
              onClick={() => setOffers([...offers, { test: testOptions[0]?.value ?? '', perHour: '4' }])}
            >
              Offer a test
            </button>
            <h3>Booking hours (the centre&apos;s time)</h3>
            <ul className="sessions">
              {hours.map((row, index) => (
                <li key={index} className="row session">
                  <SelectField
                    label="Day"
                    value={row.weekday}
                    onChange={(e) =>
                      setHours(hours.map((h, at) => (at === index ? { ...h, weekday: e.target.value } : h)))
                    }
                    options={WEEKDAY_OPTIONS}
                  />
                  <Field
                    label="From"
                    type="time"
                    value={row.start}
                    onChange={(e) =>
                      setHours(hours.map((h, at) => (at === index ? { ...h, start: e.target.value } : h)))
                    }
                    error={save.errors.start}
                  />
                  <Field
                    label="Until"
                    type="time"
                    value={row.end}
                    onChange={(e) => setHours(hours.map((h, at) => (at === index ? { ...h, end: e.target.value } : h)))}
                    error={save.errors.end}
                  />
                  <button type="button" onClick={() => setHours(hours.filter((_, at) => at !== index))}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
            <button type="button" onClick={() => setHours([...hours, { weekday: '1', start: '08:00', end: '12:00' }])}>
              Add booking hours
            </button>
          </>
        )}
        <FormError message={save.formError} />
        <SubmitButton busy={save.busy}>Save the centre</SubmitButton>
        <Saved message={saved} />
      </form>
    </Card>
  );
}
