import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ObservationForm } from './observations';

afterEach(() => vi.unstubAllGlobals());

function answer(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('ObservationForm', () => {
  it('sends the chosen unit and shows the server error next to the field it names', async () => {
    const sent: unknown[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        sent.push(JSON.parse(String(init.body)));
        return answer(422, { error: { code: 'validation_failed', message: 'value must be from 10 to 2000 mg/dL', field: 'value' } });
      }),
    );
    const added = vi.fn();
    render(<ObservationForm patientId={5} onAdded={added} />);
    await userEvent.selectOptions(screen.getByLabelText('Measurement'), 'glucose');
    await userEvent.selectOptions(screen.getByLabelText('Unit'), 'mmol/L');
    await userEvent.type(screen.getByLabelText('Value'), '0.1');
    await userEvent.click(screen.getByRole('button', { name: 'Save reading' }));

    expect(sent).toEqual([{ metric: 'glucose', value: 0.1, unit: 'mmol/L' }]);
    const value = screen.getByLabelText('Value');
    expect(value.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(value.getAttribute('aria-describedby')!)!.textContent).toBe('value must be from 10 to 2000 mg/dL');
    expect(screen.getByLabelText('Unit').getAttribute('aria-invalid')).toBeNull();
    expect(added).not.toHaveBeenCalled();
  });

  it('sends a blood pressure pair and reports success', async () => {
    const sent: unknown[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: RequestInit) => {
        sent.push(JSON.parse(String(init.body)));
        return answer(201, { items: [] });
      }),
    );
    const added = vi.fn();
    render(<ObservationForm patientId={5} onAdded={added} />);
    await userEvent.type(screen.getByLabelText('Systolic'), '120');
    await userEvent.type(screen.getByLabelText('Diastolic'), '80');
    await userEvent.click(screen.getByRole('button', { name: 'Save reading' }));
    expect(sent).toEqual([{ metric: 'blood_pressure', systolic: 120, diastolic: 80, unit: 'mm[Hg]' }]);
    expect(await screen.findByRole('status')).toHaveProperty('textContent', 'Saved blood pressure.');
    expect(added).toHaveBeenCalledWith([]);
  });
});
