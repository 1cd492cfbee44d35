import { isReserved, synthesize, type VoiceSpec } from '../src/speech/synthesize';

const SECOND = 16000;
const NORMAL = { rate: 1, pitch: 0.5 };

function peak(audio: Float32Array): number {
  return audio.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
}

/** One voice of each engine the synthesiser drives. */
const ONE_VOICE_PER_ENGINE: VoiceSpec[] = [
  { engine: 'espeak-ng', voice: 'en-us', variant: 'f3' },
  { engine: 'flite', voice: 'slt' },
  { engine: 'festival', voice: 'kal_diphone' },
  { engine: 'festival', voice: 'cmu_us_slt_arctic_hts' },
];

describe('speech synthesis engines', () => {
  it.each(ONE_VOICE_PER_ENGINE.map((v) => [`${v.engine}:${v.voice}`, v] as const))('%s: audible digits and a command word of plausible length; the rate changes the duration', async (_, voice) => {
    const digits = await synthesize('four one seven oh two', voice, NORMAL);
    const command = await synthesize('stop', voice, NORMAL);
    expect({ audible: peak(digits) > 0.05 && peak(command) > 0.05 }).toEqual({ audible: true });
    expect(digits.length / SECOND).toBeGreaterThan(1.2);
    expect(digits.length / SECOND).toBeLessThan(4.5);
    expect(command.length / SECOND).toBeGreaterThan(0.25);
    expect(command.length / SECOND).toBeLessThan(1.5);
    const slow = await synthesize('four one seven oh two', voice, { rate: 0.75, pitch: 0.5 });
    const fast = await synthesize('four one seven oh two', voice, { rate: 1.35, pitch: 0.5 });
    expect(slow.length / fast.length).toBeGreaterThan(1.4);
  });

  it('reserved evaluation voices of every engine are refused', async () => {
    const reserved: VoiceSpec[] = [
      { engine: 'flite', voice: 'rms' },
      { engine: 'festival', voice: 'ked_diphone' },
      { engine: 'festival', voice: 'ked' },
      { engine: 'espeak-ng', voice: 'en-gb-scotland' },
      { engine: 'espeak-ng', voice: 'en-us-nyc', variant: 'm3' },
      { engine: 'espeak-ng', voice: 'en-gb-x-gbcwmd' },
    ];
    for (const voice of reserved) {
      expect(isReserved(voice)).toBe(true);
      await expect(synthesize('one', voice, NORMAL)).rejects.toThrow(/reserved for evaluation/);
    }
  });

  it('an unknown festival voice is named in the error', async () => {
    await expect(synthesize('one', { engine: 'festival', voice: 'don_diphone' }, NORMAL)).rejects.toThrow(/'don_diphone' is not one of kal_diphone/);
  });
});
