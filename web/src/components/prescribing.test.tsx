import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { AllergyEditor, type AllergyRow } from './allergies';
import { PrescriptionForm } from './clinical';
import { PatientBanner } from './PatientBanner';

afterEach(() => vi.unstubAllGlobals());

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

const WARNING = 'Recorded allergy: Penicillin (severe: Anaphylaxis). Amoxicillin is a penicillin.';
const refused = json(
  {
    error: {
      code: 'conflict',
      message: 'Not prescribed: 1 safety warning.',
      conflicts: [{ message: WARNING }],
      check: {
        medicine_understood: true,
        brand_names_available: true,
        conflicts: [{ kind: 'allergy', message: WARNING }],
        notes: [],
      },
    },
  },
  409,
);

describe('PrescriptionForm', () => {
  it('shows the warnings of a refused prescription, focused, and prescribes with an override reason', async () => {
    const bodies: Record<string, unknown>[] = [];
    const answers = [
      refused,
      json(
        {
          error: {
            code: 'validation_failed',
            message: 'Reason for the override: say in a few words why',
            field: 'override_reason',
          },
        },
        422,
      ),
      json(
        {
          id: 9,
          medicine: 'Amoxicillin',
          override: { reason: 'tolerated it in 2024', warnings: [WARNING] },
          check: { notes: [] },
        },
        201,
      ),
    ];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        bodies.push(JSON.parse(String(init.body)));
        return answers.shift()!;
      }),
    );
    const added = vi.fn();
    render(<PrescriptionForm patientId={3} onAdded={added} />);
    await userEvent.type(screen.getByLabelText('Medicine'), 'Amoxicillin');
    await userEvent.type(screen.getByLabelText('Dose'), '1 capsule');
    await userEvent.type(screen.getByLabelText('Frequency'), 'three times a day');
    await userEvent.click(screen.getByRole('button', { name: 'Save prescription' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(WARNING);
    await waitFor(() =>
      expect(document.activeElement?.textContent).toContain('Not prescribed: 1 safety warning for Amoxicillin'),
    );
    expect(added).not.toHaveBeenCalled();
    expect(bodies[0].override_reason).toBeUndefined();

    // Without a reason nothing is sent; the focus goes to the reason and its message.
    await userEvent.click(screen.getByRole('button', { name: 'Override and prescribe' }));
    expect(
      (await screen.findByText(/Reason for the override is required/)).closest('.field')?.querySelector('input'),
    ).toBe(document.activeElement);
    expect(bodies).toHaveLength(1);
    // A reason the server finds too short comes back next to the field.
    await userEvent.type(screen.getByLabelText('Reason for the override'), 'ok');
    await userEvent.click(screen.getByRole('button', { name: 'Override and prescribe' }));
    expect((await screen.findByText(/say in a few words why$/)).closest('.field')?.querySelector('input')?.name).toBe(
      'override_reason',
    );
    await userEvent.clear(screen.getByLabelText('Reason for the override'));

    await userEvent.type(screen.getByLabelText('Reason for the override'), 'tolerated it in 2024');
    await userEvent.click(screen.getByRole('button', { name: 'Override and prescribe' }));
    expect((await screen.findByRole('status')).textContent).toContain('Amoxicillin prescribed (override recorded).');
    expect(bodies[2]).toMatchObject({ medicine: 'Amoxicillin', override_reason: 'tolerated it in 2024' });
    expect(added).toHaveBeenCalledOnce();
    expect(screen.queryByText(WARNING)).toBeNull();
  });
});

const summary = (over: Record<string, unknown>) =>
  json({
    patient: { id: 3, full_name: 'Ana Silva', date_of_birth: '1971-04-12', age: 55, sex: 'female' },
    allergies: [],
    no_known_allergies: false,
    profile_updated_at: null,
    problems: [],
    medicines: [],
    brand_names_available: true,
    ...over,
  });
const profile = {
  id: 3,
  full_name: 'Ana Silva',
  email: 'a@example.org',
  date_of_birth: '1971-04-12',
  sex: 'female',
  phone: null,
};

describe('PatientBanner', () => {
  it('tells "no allergies recorded" apart from "no known allergies"', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => summary({})),
    );
    const { unmount } = render(<PatientBanner patientId={3} profile={profile} />);
    expect((await screen.findByText('No allergies recorded')).closest('dd')?.textContent).toContain('ask the patient');
    expect(screen.getByText(/55 years/)).toBeTruthy();
    unmount();
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => summary({ no_known_allergies: true })),
    );
    render(<PatientBanner patientId={3} profile={profile} />);
    expect(await screen.findByText(/No known allergies/)).toBeTruthy();
    expect(screen.queryByText('No allergies recorded')).toBeNull();
  });

  it('lists allergies with severity, problems and medicines with their overrides', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        summary({
          allergies: [
            {
              substance: 'Penicillin',
              reaction: 'Anaphylaxis',
              severity: 'severe',
              resolves_to: { ingredients: [], classes: [], checked: true, note: null },
            },
          ],
          problems: [{ id: 1, description: 'Essential hypertension', icd10_code: 'I10' }],
          medicines: [
            {
              id: 2,
              medicine: 'Amoxicillin',
              strength: '500 mg',
              dose: '1 capsule',
              frequency: 'three times a day',
              override: { reason: 'tolerated it', warnings: [WARNING] },
            },
          ],
        }),
      ),
    );
    render(<PatientBanner patientId={3} profile={profile} />);
    const allergy = (await screen.findByText('Penicillin')).closest('li')!;
    expect(allergy.textContent).toContain('Severe');
    expect(allergy.textContent).toContain('Anaphylaxis');
    expect(screen.getByText(/Essential hypertension/)).toBeTruthy();
    expect(screen.getByText(/Prescribed despite a safety warning/).textContent).toContain('tolerated it');
  });
});

function Editor() {
  const [rows, setRows] = useState<AllergyRow[]>([]);
  const [none, setNone] = useState(false);
  return (
    <AllergyEditor
      rows={rows}
      onChange={setRows}
      errors={{ 'allergies.1.substance': 'Allergy 2: Substance is required' }}
      noneKnown={none}
      onNoneKnown={setNone}
      saved={[]}
    />
  );
}

describe('AllergyEditor', () => {
  it('adds rows named by their number, focuses the new one, and offers "no known allergies" only when empty', async () => {
    render(<Editor />);
    expect(screen.getByLabelText('I have no known allergies')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Add an allergy' }));
    await userEvent.click(screen.getByRole('button', { name: 'Add an allergy' }));
    const second = screen.getByRole('group', { name: 'Allergy 2' });
    await waitFor(() => expect(document.activeElement).toBe(second.querySelector('input')));
    expect(second.textContent).toContain('Allergy 2: Substance is required');
    expect(screen.queryByLabelText('I have no known allergies')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Remove allergy 1' }));
    expect(screen.queryByRole('group', { name: 'Allergy 2' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Remove allergy 1' }));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Add an allergy' })));
  });
});
