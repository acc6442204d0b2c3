import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../api/identity';
import { groupEntries } from './Access';

const entry = (id: number, actor: number, action: string, at: string): AuditEntry => ({
  id,
  at,
  actor_id: actor,
  actor_role: 'doctor',
  action,
  resource_type: 'observations',
  resource_id: '1',
  patient_id: 2,
  client_address: '127.0.0.1',
  outcome: 'success',
  reason: '',
});

describe('groupEntries', () => {
  it('folds runs of one person doing one thing in one minute', () => {
    const groups = groupEntries([
      entry(9, 3, 'record.read', '2026-11-23T08:45:59Z'),
      entry(8, 3, 'record.read', '2026-11-23T08:45:10Z'),
      entry(7, 3, 'record.create', '2026-11-23T08:45:05Z'),
      entry(6, 3, 'record.read', '2026-11-23T08:45:01Z'),
      entry(5, 4, 'record.read', '2026-11-23T08:45:00Z'),
      entry(4, 4, 'record.read', '2026-11-23T08:44:59Z'),
    ]);
    expect(groups.map((g) => [g.first.id, g.count])).toEqual([
      [9, 2],
      [7, 1],
      [6, 1],
      [5, 1],
      [4, 1],
    ]);
  });
});
