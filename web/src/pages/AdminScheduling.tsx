// Scheduling administration: the specialties list, clinics and diagnostic centres (add one,
// close one to new bookings — never deleted, bookings point at them), where each doctor practises
// and in what, the test catalogue (add a test, retire one), and what each diagnostic centre offers
// (places per hour) and when it takes bookings.
import { useState } from 'react';
import { care, price, WEEKDAY_OPTIONS, type DirectoryEntry } from '../api/care';
import { admin } from '../api/identity';
import { reload, useApiQuery } from '../api/query';
import { Card } from '../components/card';
import {
  Field,
  FormError,
  Saved,
  SelectField,
  SubmitButton,
  requireNumber,
  useAction,
  useSubmit,
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
] as const;

type ClinicForm = Record<(typeof CLINIC_FIELDS)[number][0], string> & { kind: string };

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
};

function Clinics() {
  const clinics = useAllClinics();
  const action = useAction(() => void reload(DIRECTORY));
  const [form, setForm] = useState<ClinicForm>(NEW_CLINIC);
  const [saved, setSaved] = useState<string>();
  const create = useSubmit(
    [...CLINIC_FIELDS.map(([field]) => field), 'kind'],
    () => {
      const latitude = requireNumber(form.latitude, 'Latitude', '51.5074');
      const longitude = requireNumber(form.longitude, 'Longitude', '-0.1278');
      return care.createClinic({
        kind: form.kind as 'clinic' | 'hospital' | 'diagnostic_centre',
        name: form.name.trim(),
        address: form.address.trim(),
        city: form.city.trim(),
        postcode: form.postcode.trim(),
        phone: form.phone.trim(),
        opening_hours: form.opening_hours.trim(),
        time_zone: form.time_zone.trim(),
        latitude,
        longitude,
        services: [],
      });
    },
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
                  {clinic.address}, {clinic.postcode} · {clinic.time_zone} · {clinic.doctors.length} doctors
                </p>
                <button
                  type="button"
                  onClick={() => void action.run(() => care.updateClinic(clinic.id, { active: !clinic.active }))}
                >
                  {clinic.active ? `Close ${clinic.name} to new bookings` : `Reopen ${clinic.name}`}
                </button>
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
              error={create.errors.kind}
            />
            {CLINIC_FIELDS.map(([field, label]) => (
              <Field
                key={field}
                label={label}
                value={form[field]}
                inputMode={field === 'latitude' || field === 'longitude' ? 'decimal' : undefined}
                onChange={(event) => setForm({ ...form, [field]: event.target.value })}
                error={create.errors[field]}
              />
            ))}
            <FormError message={create.formError} />
            <SubmitButton busy={create.busy}>Add the clinic</SubmitButton>
            <Saved message={saved} />
          </form>
        </>
      )}
    </Card>
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

function Catalogue() {
  const tests = useApiQuery(['care', 'tests'], () => care.tests());
  const action = useAction(() => void reload(['care', 'tests']));
  const [form, setForm] = useState<TestForm>(NEW_TEST);
  const [saved, setSaved] = useState<string>();
  const create = useSubmit(
    ['code', 'name', 'category', 'duration_minutes', 'price_minor', 'preparation'],
    () => {
      const pounds = requireNumber(form.price, 'Price', '25.50');
      if (pounds < 0) throw new Error('Price: enter an amount of 0 or more.');
      const duration = requireNumber(form.duration, 'Duration', '15');
      return care.createTest({
        code: form.code.trim(),
        name: form.name.trim(),
        category: form.category as 'blood' | 'imaging' | 'cardiac' | 'check_up' | 'other',
        duration_minutes: duration,
        price_minor: Math.round(pounds * 100),
        currency: 'GBP',
        preparation: form.preparation.trim(),
      });
    },
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
                <button
                  type="button"
                  onClick={() => void action.run(() => care.updateTest(test.id, { active: !test.active }))}
                >
                  {test.active ? `Retire ${test.name}` : `Offer ${test.name} again`}
                </button>
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
              error={create.errors.code}
            />
            <Field
              label="Name as patients read it"
              value={form.name}
              onChange={(e) => set({ name: e.target.value })}
              error={create.errors.name}
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
              error={create.errors.category}
            />
            <Field
              label="Duration (minutes)"
              inputMode="numeric"
              value={form.duration}
              onChange={(e) => set({ duration: e.target.value })}
              error={create.errors.duration_minutes}
            />
            <Field
              label="Price (£)"
              inputMode="decimal"
              value={form.price}
              onChange={(e) => set({ price: e.target.value })}
              error={create.errors.price_minor}
            />
            <Field
              label="Preparation (e.g. do not eat for 8 hours before)"
              value={form.preparation}
              onChange={(e) => set({ preparation: e.target.value })}
              error={create.errors.preparation}
            />
            <FormError message={create.formError} />
            <SubmitButton busy={create.busy}>Add the test</SubmitButton>
            <Saved message={saved} />
          </form>
        </>
      )}
    </Card>
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
