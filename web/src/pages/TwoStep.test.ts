import { describe, expect, it } from 'vitest';
import { groupsOfFour } from './TwoStep';

describe('groupsOfFour', () => {
  it('shows a TOTP key in groups of four for reading and typing', () => {
    expect(groupsOfFour('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')).toBe('GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ');
    expect(groupsOfFour('ABCDEF')).toBe('ABCD EF');
    expect(groupsOfFour('')).toBe('');
  });
});
