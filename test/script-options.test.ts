import { ScriptOptions } from '../scripts/options';

const declared = { values: ['epochs', 'lr', 'out', 'decoder'], flags: ['resume'] } as const;
const read = (...argv: string[]) => new ScriptOptions(declared, argv);

describe('ScriptOptions (scripts/options.ts)', () => {
  it('reads values, flags and defaults', () => {
    const o = read('--epochs', '40', '--lr=3e-4', '--resume');
    expect(o.number('epochs', 24, { whole: true })).toBe(40);
    expect(o.number('lr', 2e-3)).toBe(3e-4);
    expect(o.flag('resume')).toBe(true);
    expect(o.has('out')).toBe(false);
    expect(o.string('out')).toBeUndefined();
    expect(o.path('out', 'models')).toBe('models');
    expect(o.number('epochs', Infinity)).toBe(40);
    expect(read().number('epochs', Infinity)).toBe(Infinity);
    expect(read('--out', 'x/y').path('out', '')).toBe(require('path').resolve('x/y'));
    expect(read('--decoder', 'beam').choice('decoder', ['grammar', 'beam'], 'grammar')).toBe('beam');
    expect(read().choice('decoder', ['grammar', 'beam'], 'grammar')).toBe('grammar');
  });

  it('refuses an option it does not declare, naming it and the ones it has', () => {
    expect(() => read('--epoch', '40')).toThrow(/Unknown option '--epoch'.*\(options: --epochs <value>, --lr <value>, --out <value>, --decoder <value>, --resume\)/s);
    expect(() => read('stray')).toThrow(/Unexpected argument 'stray'/);
    expect(new ScriptOptions({ values: ['out'], positionals: true }, ['a', '--out', 'o', 'b']).positionals).toEqual(['a', 'b']);
  });

  it('refuses an option without its value, and a value where a flag is', () => {
    expect(() => read('--epochs')).toThrow(/'--epochs <value>' argument missing/);
    expect(() => read('--epochs', '--resume')).toThrow(/ambiguous/);
    expect(() => read('--resume=yes')).toThrow(/does not take an argument/);
    expect(() => read('--out=')).toThrow('--out takes a value, not an empty one');
    expect(() => read('--out', '')).toThrow('--out takes a value, not an empty one');
  });

  it('refuses an option given twice', () => {
    expect(() => read('--epochs', '3', '--lr', '1', '--epochs=4')).toThrow('--epochs is given twice');
    expect(() => read('--resume', '--resume')).toThrow('--resume is given twice');
  });

  it('refuses numbers that are not numbers of the asked kind', () => {
    expect(() => read('--epochs', '2.5').number('epochs', 1, { whole: true })).toThrow('--epochs takes a whole number, not "2.5"');
    expect(() => read('--epochs=-1').number('epochs', 1, { whole: true })).toThrow('--epochs takes a whole number, not "-1"');
    expect(() => read('--lr', 'fast').number('lr', 1)).toThrow('--lr takes a number, not "fast"');
    expect(() => read('--lr', 'Infinity').number('lr', 1)).toThrow('--lr takes a number, not "Infinity"');
    expect(read('--epochs', 'Infinity').number('epochs', 1, { whole: true, unlimited: true })).toBe(Infinity);
    expect(() => read('--epochs', 'inf').number('epochs', 1, { whole: true, unlimited: true })).toThrow('--epochs takes a whole number or Infinity, not "inf"');
    expect(() => read('--decoder', 'greedy').choice('decoder', ['grammar', 'beam'], 'grammar')).toThrow('--decoder takes one of grammar, beam, not "greedy"');
  });

  it('a script that asks for an option it did not declare is a mistake in the script', () => {
    expect(() => read().number('hidden', 1)).toThrow(/--hidden is not one of this script's options/);
    expect(() => read().flag('lr')).toThrow(/--lr is not declared as a flag/);
    expect(() => read().string('resume')).toThrow(/--resume is not declared as taking a value/);
  });
});
