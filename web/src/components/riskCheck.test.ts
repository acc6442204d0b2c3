import { describe, expect, it } from 'vitest';
import type { ModelInput, ModelSpec } from '../api/predict';
import { askedInputs, holds, notAsked, withRecordValues } from './riskCheck';

const input = (name: string, extra: Partial<ModelInput> = {}): ModelInput => ({
  name,
  label: name,
  type: 'number',
  help: '',
  audience: 'patient',
  not_asked_when: [],
  from_record: [],
  ...extra,
});

describe('which questions a form asks', () => {
  it('follows the rules of the model description, not special cases', () => {
    const pregnancies = input('pregnancies', {
      not_asked_when: [
        { when: { input: 'sex', levels: ['male'] }, value: 0, reason: 'not asked of men (counted as 0)' },
      ],
    });
    expect(notAsked(pregnancies, { sex: 'male' })).toBe('not asked of men (counted as 0)');
    expect(notAsked(pregnancies, { sex: 'female' })).toBeUndefined();
    expect(notAsked(pregnancies, {})).toBeUndefined();
    expect(holds({ input: 'age', below: 13 }, { age: '8' })).toBe(true);
    expect(holds({ input: 'age', below: 13 }, { age: '12,5' })).toBe(true);
    expect(holds({ input: 'age', below: 18 }, { age: '40' })).toBe(false);
    expect(holds({ input: 'age', below: 18 }, { age: '' })).toBeUndefined();
  });

  it('asks patients only their own questions and clinicians everything', () => {
    const spec = { inputs: [input('age'), input('thalassemia', { audience: 'clinician' })] } as ModelSpec;
    expect(askedInputs(spec, 'patient').map((i) => i.name)).toEqual(['age']);
    expect(askedInputs(spec, 'clinician').map((i) => i.name)).toEqual(['age', 'thalassemia']);
  });
});

describe("the record's values in the form", () => {
  it('fill the fields not yet answered and never overwrite an answer, even an emptied one', () => {
    // The person answered chest pain and cleared age before the record's values arrived.
    const typed = { chest_pain: 'typical_angina', age: '' };
    const next = withRecordValues(
      typed,
      { chest_pain: 'asymptomatic', age: 61, resting_bp: 150 },
      new Set(['chest_pain', 'age']),
    );
    expect(next).toEqual({ chest_pain: 'typical_angina', age: '', resting_bp: '150' });
  });

  it('replace earlier record values the person has not touched, and drop those no longer in the record', () => {
    const before = withRecordValues({}, { resting_bp: 150, cholesterol: 6 }, new Set());
    expect(before).toEqual({ resting_bp: '150', cholesterol: '6' });
    expect(withRecordValues(before, { resting_bp: 135 }, new Set())).toEqual({ resting_bp: '135' });
  });
});
