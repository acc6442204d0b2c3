import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { MyAccess, WriteGrant } from '../api/identity';
import { deviceName } from '../pages/Account';
import { consentState, nextCheck, POLL_MS, timeLeft } from './access';
import { ConfirmButton } from './confirm';

const NOW = Date.parse('2026-12-06T10:00:00Z');
const at = (minutes: number) => new Date(NOW + minutes * 60_000).toISOString();

function state(change: Partial<MyAccess> = {}): MyAccess {
  return {
    patient_id: 1,
    access: 'read',
    care_team: true,
    emergency: false,
    server_time: at(0),
    break_glass: null,
    write_grant: null,
    access_request: null,
    ...change,
  };
}

function grant(status: WriteGrant['status'], expires?: number): WriteGrant {
  return {
    id: 3,
    patient_id: 1,
    doctor_id: 2,
    doctor_name: 'Dr B',
    status,
    requested_at: at(-5),
    activated_at: null,
    expires_at: expires === undefined ? null : at(expires),
  };
}

describe('the chart follows the server', () => {
  it('polls while the patient has not answered', () => {
    expect(nextCheck(state({ write_grant: grant('pending') }), NOW)).toBe(POLL_MS);
    const asked = state({
      access: 'none',
      care_team: false,
      access_request: {
        id: 1,
        patient_id: 1,
        doctor_id: 2,
        doctor_name: 'Dr B',
        specialty: 'GP',
        clinic: 'C',
        status: 'pending',
        message: '',
        requested_at: at(-1),
        decided_at: null,
      },
    });
    expect(nextCheck(asked, NOW)).toBe(POLL_MS);
  });

  it('looks again when a time limit ends, at least once a minute, and not at all when nothing is open', () => {
    expect(nextCheck(state({ write_grant: grant('active', 0.5) }), NOW)).toBe(30_500);
    expect(nextCheck(state({ write_grant: grant('active', 50) }), NOW)).toBe(60_000);
    const glass = { reason: 'unconscious in A&E', started_at: at(-59), expires_at: at(0.1) };
    expect(nextCheck(state({ break_glass: glass, emergency: true }), NOW)).toBe(6_500);
    expect(nextCheck(state({ write_grant: grant('expired', -1) }), NOW)).toBeUndefined();
    expect(nextCheck(state(), NOW)).toBeUndefined();
  });

  it('names the consent state shown up front', () => {
    expect(consentState(state())).toBe('none');
    expect(consentState(state({ write_grant: grant('revoked') }))).toBe('none');
    expect(consentState(state({ write_grant: grant('pending') }))).toBe('pending');
    expect(consentState(state({ write_grant: grant('active', 30) }))).toBe('active');
    expect(consentState(state({ write_grant: grant('expired', -1) }))).toBe('expired');
  });

  it('counts down in minutes, then seconds', () => {
    expect(timeLeft(59 * 60_000 + 20_000)).toBe('59 min');
    expect(timeLeft(65_000)).toBe('1 min 05 s');
    expect(timeLeft(40_000)).toBe('40 s');
    expect(timeLeft(-5)).toBe('0 s');
  });
});

describe('ConfirmButton', () => {
  it('asks before acting and can be cancelled', async () => {
    const user = userEvent.setup();
    let removed = 0;
    render(
      <ConfirmButton
        label="Remove Dr B"
        question="Remove Dr B from your doctors?"
        confirmLabel="Yes, remove"
        onConfirm={() => removed++}
      />,
    );
    await user.click(screen.getByRole('button', { name: 'Remove Dr B' }));
    expect(removed).toBe(0);
    expect(screen.getByRole('group', { name: 'Remove Dr B from your doctors?' })).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Yes, remove' }));
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(removed).toBe(0);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Remove Dr B' }));
    await user.click(screen.getByRole('button', { name: 'Remove Dr B' }));
    await user.click(screen.getByRole('button', { name: 'Yes, remove' }));
    expect(removed).toBe(1);
  });
});

describe('deviceName', () => {
  it('says which browser on which system', () => {
    expect(deviceName('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toBe(
      'Firefox on Linux',
    );
    expect(
      deviceName(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari on iOS');
    expect(deviceName('Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36')).toBe(
      'Chrome on Android',
    );
    expect(deviceName('')).toBe('Unknown device');
    expect(deviceName('curl/8.0')).toBe('curl/8.0');
  });
});
