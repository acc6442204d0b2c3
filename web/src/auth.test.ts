import { describe, expect, it } from 'vitest';
import type { Account } from './api/client';
import { afterSignIn, signInFor } from './auth';

const doctor = { id: 3, role: 'doctor' } as Account;

describe('coming back after sign-in', () => {
  it('returns to the page that sent the person to sign in (an email link)', () => {
    expect(signInFor('/chat/42')).toBe('/signin?next=%2Fchat%2F42');
    const next = new URLSearchParams(signInFor('/chat/42').split('?')[1]).get('next')!;
    expect(afterSignIn(doctor, next)).toBe('/chat/42');
  });

  it('goes home for no page, and never to another site', () => {
    for (const next of ['', 'chat/42', '//evil.example/chat', '/\\evil.example', 'https://evil.example/']) {
      expect(afterSignIn(doctor, next)).toBe('/doctor');
    }
  });
});
