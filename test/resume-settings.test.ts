import { requireSameSettings } from '../src/train/resume-settings';

describe('requireSameSettings', () => {
  it('accepts the same settings, with JSON null standing for Infinity', () => {
    expect(() => requireSameSettings('ck.json', { seed: 17, pairs: null, spec: true }, { seed: 17, pairs: Infinity, spec: true })).not.toThrow();
  });
  it('names every changed setting with both values', () => {
    expect(() => requireSameSettings('ck.json', { seed: 17, pairs: null, spec: true }, { seed: 18, pairs: 500, spec: false }))
      .toThrow('--resume: ck.json was made with seed 17, pairs all, spec true; this run asks for seed 18, pairs 500, spec false: resume with the same options');
  });
  it('refuses a setting only one side has', () => {
    expect(() => requireSameSettings('ck.json', { seed: 17 }, { seed: 17, average: 0 })).toThrow(/made with average unset; this run asks for average 0/);
    expect(() => requireSameSettings('ck.json', { seed: 17, dropout: 0.1 }, { seed: 17 })).toThrow(/made with dropout 0\.1; this run asks for dropout unset/);
  });
  it('quotes values whose text alone would read the same', () => {
    expect(() => requireSameSettings('ck.json', { seed: '17' }, { seed: 17 })).toThrow(/made with seed "17"; this run asks for seed 17:/);
  });
});
