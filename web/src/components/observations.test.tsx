import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ObservationForm } from './observations';

afterEach(() => vi.unstubAllGlobals());

function answer(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** A stored entry as the server answers it. */
function entry(metric: string, value: number, unit: string, effective_at = '2026-12-06T09:41:00.000000Z') {
  return { id: 1, metric, value, unit, original_value: value, original_unit: unit, effective_at, flag: null };
}

/** Stubs fetch with answers in turn; returns the bodies sent. */
function server(...answers: Array<[number, unknown]>) {
  const sent: Record<string, unknown>[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_url: string, init: RequestInit) => {
      sent.push(JSON.parse(String(init.body)));
      const [status, body] = answers[Math.min(sent.length - 1, answers.length - 1)];
      return answer(status, body);
    }),
  );
  return sent;
}

function errorOf(label: string) {
  return screen.getByLabelText(label).closest('.field')!.querySelector('.field-error')?.textContent;
}

describe('ObservationForm', () => {
  it('sends the chosen unit and shows the server error next to the field it names', async () => {
    const sent = server([
      422,
      { error: { code: 'validation_failed', message: 'Blood glucose must be from 10 to 2000 mg/dL', field: 'value' } },
    ]);
    const added = vi.fn();
    render(<ObservationForm patientId={5} onAdded={added} />);
    await userEvent.selectOptions(screen.getByLabelText('Measurement'), 'glucose');
    await userEvent.selectOptions(screen.getByLabelText('Unit'), 'mmol/L');
    await userEvent.type(screen.getByLabelText('Value'), '0.1');
    await userEvent.click(screen.getByRole('button', { name: 'Save reading' }));

    expect(sent).toEqual([{ metric: 'glucose', value: 0.1, unit: 'mmol/L' }]);
    expect(screen.getByLabelText('Value').getAttribute('aria-invalid')).toBe('true');
    expect(errorOf('Value')).toBe('Blood glucose must be from 10 to 2000 mg/dL');
    expect(screen.getByLabelText('Unit').getAttribute('aria-invalid')).toBeNull();
    expect(added).not.toHaveBeenCalled();
  });

  it('accepts a decimal comma and refuses what is not a number before sending', async () => {
    const sent = server([201, { items: [entry('glucose', 104.5, 'mg/dL')], advice: null }]);
    render(<ObservationForm patientId={5} onAdded={vi.fn()} />);
    await userEvent.selectOptions(screen.getByLabelText('Measurement'), 'glucose');
    await userEvent.type(screen.getByLabelText('Value'), 'abc');
    await userEvent.click(screen.getByRole('button', { name: 'Save reading' }));
    expect(errorOf('Value')).toBe('Enter a number such as 5.8.');
    expect(sent).toEqual([]);
    await userEvent.clear(screen.getByLabelText('Value'));
    await userEvent.type(screen.getByLabelText('Value'), '5,8');
    await userEvent.selectOptions(screen.getByLabelText('Unit'), 'mmol/L');
    await userEvent.click(screen.getByRole('button', { name: 'Save reading' }));
    expect(sent).toEqual([{ metric: 'glucose', value: 5.8, unit: 'mmol/L' }]);
  });

  it('shows the stored time and puts When back to now after a back-dated reading', async () => {
    const sent = server(
      [
        201,
        {
          items: [
            entry('systolic_bp', 120, 'mm[Hg]', '2026-12-01T08:00:00.000000Z'),
            entry('diastolic_bp', 80, 'mm[Hg]', '2026-12-01T08:00:00.000000Z'),
          ],
          advice: null,
        },
      ],
      [201, { items: [entry('systolic_bp', 125, 'mm[Hg]'), entry('diastolic_bp', 82, 'mm[Hg]')], advice: null }],
    );
    const added = vi.fn();
    render(<ObservationForm patientId={5} onAdded={added} />);
    await userEvent.type(screen.getByLabelText('Systolic'), '120');
    await userEvent.type(screen.getByLabelText('Diastolic'), '80');
    const when = screen.getByLabelText('When (optional)') as HTMLInputElement;
    await userEvent.type(when, '2026-12-01T08:00');
    await userEvent.click(screen.getByRole('button', { name: 'Save reading' }));
    const status = await screen.findByRole('status');
    expect(status.textContent).toMatch(/^Saved blood pressure 120\/80 mmHg, at .*2026/);
    expect(sent[0].effective_at).toBe(new Date('2026-12-01T08:00').toISOString());
    expect(when.value).toBe('');
    await userEvent.type(screen.getByLabelText('Systolic'), '125');
    await userEvent.type(screen.getByLabelText('Diastolic'), '82');
    await userEvent.click(screen.getByRole('button', { name: 'Save reading' }));
    await waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1]).toEqual({ metric: 'blood_pressure', systolic: 125, diastolic: 82, unit: 'mm[Hg]' });
    expect(added).toHaveBeenCalledTimes(2);
  });

  it('asks about an unlikely value and saves it only when the person says yes', async () => {
    const sent = server(
      [
        422,
        {
          error: {
            code: 'confirmation_required',
            field: 'value',
            message: '2000 mg/dL is far outside the usual range for blood glucose. Did you mean 200 mg/dL?',
            suggestions: ['200'],
          },
        },
      ],
      [201, { items: [entry('glucose', 2000, 'mg/dL')], advice: null }],
    );
    render(<ObservationForm patientId={5} onAdded={vi.fn()} />);
    await userEvent.selectOptions(screen.getByLabelText('Measurement'), 'glucose');
    await userEvent.type(screen.getByLabelText('Value'), '2000');
    await userEvent.click(screen.getByRole('button', { name: 'Save reading' }));
    const question = await screen.findByRole('alert');
    expect(question.textContent).toContain('Did you mean 200 mg/dL?');
    expect(document.activeElement).toBe(question);
    expect(screen.getByRole('button', { name: 'Use 200' })).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Yes, save 2000' }));
    await waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[0]).toEqual({ metric: 'glucose', value: 2000, unit: 'mg/dL' });
    expect(sent[1]).toEqual({ metric: 'glucose', value: 2000, unit: 'mg/dL', confirmed: true });
    expect((await screen.findByRole('status')).textContent).toMatch(/^Saved blood glucose 2000 mg\/dL/);
  });

  it('"Change it" goes back to the field, and a suggestion fills it in', async () => {
    server([
      422,
      {
        error: {
          code: 'confirmation_required',
          field: 'value',
          message: 'Did you mean 200 mg/dL?',
          suggestions: ['200'],
        },
      },
    ]);
    render(<ObservationForm patientId={5} onAdded={vi.fn()} />);
    await userEvent.selectOptions(screen.getByLabelText('Measurement'), 'glucose');
    await userEvent.type(screen.getByLabelText('Value'), '2000');
    await userEvent.click(screen.getByRole('button', { name: 'Save reading' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Change it' }));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(document.activeElement).toBe(screen.getByLabelText('Value'));
    await userEvent.click(screen.getByRole('button', { name: 'Save reading' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Use 200' }));
    expect((screen.getByLabelText('Value') as HTMLInputElement).value).toBe('200');
  });

  it('shows urgent advice for a critical reading as an alert that takes focus', async () => {
    server([
      201,
      {
        items: [entry('spo2', 88, '%')],
        advice: {
          level: 'emergency',
          headline: 'Your oxygen level is very low',
          findings: ['Oxygen saturation 88 % (below 92)'],
          do_now: ['Sit upright and measure again.', 'If it is still below 92 %, call your emergency number now.'],
          care_team: 'alerted',
          care_team_alerted: true,
          alerted: ['Dr Bruno Costa'],
          care_team_text: 'Your care team has been told: Dr Bruno Costa.',
          rules: ['spo2_low'],
        },
      },
    ]);
    render(<ObservationForm patientId={5} onAdded={vi.fn()} />);
    await userEvent.selectOptions(screen.getByLabelText('Measurement'), 'spo2');
    await userEvent.type(screen.getByLabelText('Value'), '88');
    await userEvent.click(screen.getByRole('button', { name: 'Save reading' }));
    const callout = await screen.findByRole('alert');
    expect(callout.textContent).toContain('Your oxygen level is very low');
    expect(callout.textContent).toContain('call your emergency number now');
    expect(callout.textContent).toContain('Your care team has been told: Dr Bruno Costa.');
    expect(document.activeElement).toBe(callout);
  });
});
