import { Scoreboard } from './metrics';
import { utteranceKind } from './vocabulary';

/** One row of the evaluation: a voice family in one recording condition. */
export interface ConditionResult {
  voices: string;
  condition: string;
  digitStrings: number;
  digitWer: number;
  commands: number;
  commandAccuracy: number;
}

/** The condition name of overall()'s rows. */
export const ALL_CONDITIONS = 'all conditions';

/** 'espeak-ng:en-029+f2' -> 'espeak-ng:en-029': variants of one voice are one family. */
export function voiceFamily(voice: string): string {
  return voice.split('+')[0];
}

/**
 * Digit-string WER and command-word accuracy per voice family and recording condition,
 * and over all families ('all voices').
 */
export class ConditionReport {
  private readonly board = new Scoreboard();
  private readonly keys = new Map<string, { voices: string; condition: string }>();

  /** Every utterance also counts once under ALL_CONDITIONS, pooled (overall()). */
  private readonly pooled = new Scoreboard();

  add(voice: string, condition: string, reference: string, hypothesis: string): void {
    const kind = utteranceKind(reference);
    for (const voices of [voiceFamily(voice), 'all voices']) {
      const key = `${voices}\t${condition}`;
      this.keys.set(key, { voices, condition });
      this.board.add(`${key}\t${kind}`, reference, hypothesis);
      this.pooled.add(`${voices}\t${ALL_CONDITIONS}\t${kind}`, reference, hypothesis);
    }
  }

  /** One row per condition and voice family. */
  results(): ConditionResult[] {
    return this.rows(this.board, this.keys.entries());
  }

  /** One row per voice family over all its utterances: errors over words, not a mean of the conditions' rates. */
  overall(): ConditionResult[] {
    const families = [...new Set([...this.keys.values()].map((k) => k.voices))];
    return this.rows(this.pooled, families.map((voices) => [`${voices}\t${ALL_CONDITIONS}`, { voices, condition: ALL_CONDITIONS }]));
  }

  private rows(board: Scoreboard, keys: Iterable<[string, { voices: string; condition: string }]>): ConditionResult[] {
    const lines = new Map(board.lines());
    return [...keys].map(([key, { voices, condition }]) => {
      const d = lines.get(`${key}\tdigits`);
      const c = lines.get(`${key}\tcommand`);
      return {
        voices, condition,
        digitStrings: d?.utterances ?? 0, digitWer: d?.wer ?? NaN,
        commands: c?.utterances ?? 0, commandAccuracy: c?.sentenceAccuracy ?? NaN,
      };
    });
  }

  /** Markdown tables, one per voice family, conditions in the order first seen, the pooled row last. */
  format(): string {
    const results = [...this.results(), ...this.overall()];
    const pct = (v: number) => (Number.isNaN(v) ? '–' : `${(100 * v).toFixed(1)}%`);
    return [...new Set(results.map((r) => r.voices))].map((voices) => [
      `${voices}`,
      '| condition | digit-string WER | command accuracy | digit strings / commands |',
      '|---|---|---|---|',
      ...results.filter((r) => r.voices === voices).map((r) => `| ${r.condition} | ${pct(r.digitWer)} | ${pct(r.commandAccuracy)} | ${r.digitStrings} / ${r.commands} |`),
    ].join('\n')).join('\n\n');
  }
}
