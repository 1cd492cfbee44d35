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

/** A command word heard as something else: by whom, how often, and out of how many times it was said. */
export interface CommandConfusion {
  voices: string;
  reference: string;
  /** The transcript: another command word, digits, or '' (nothing heard). */
  heard: string;
  count: number;
  /** Times the voices said the reference word. */
  of: number;
}

/** Confusions format() names per voice family: the most frequent ones (all of them are in commandConfusions()). */
const CONFUSIONS_SHOWN = 5;

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

  /** Transcripts of command words, per voice family and reference: transcript -> count (in order first heard). */
  private readonly commandTranscripts = new Map<string, Map<string, number>>();

  add(voice: string, condition: string, reference: string, hypothesis: string): void {
    const kind = utteranceKind(reference);
    for (const voices of [voiceFamily(voice), 'all voices']) {
      const key = `${voices}\t${condition}`;
      this.keys.set(key, { voices, condition });
      this.board.add(`${key}\t${kind}`, reference, hypothesis);
      this.pooled.add(`${voices}\t${ALL_CONDITIONS}\t${kind}`, reference, hypothesis);
      if (kind === 'command') {
        const wordKey = `${voices}\t${reference}`;
        const heard = this.commandTranscripts.get(wordKey) ?? new Map<string, number>();
        heard.set(hypothesis, (heard.get(hypothesis) ?? 0) + 1);
        this.commandTranscripts.set(wordKey, heard);
      }
    }
  }

  /**
   * Every command word heard as something else, per voice family and over all voices, over all conditions: for a
   * voice's systematic errors ("yes" heard as "left" in 9 of 11) that its accuracy alone does not show. Most frequent first.
   */
  commandConfusions(): CommandConfusion[] {
    return [...this.commandTranscripts].flatMap(([key, heard]) => {
      const [voices, reference] = key.split('\t');
      const of = [...heard.values()].reduce((a, b) => a + b, 0);
      return [...heard].filter(([h]) => h !== reference).map(([h, count]) => ({ voices, reference, heard: h, count, of }));
    }).sort((a, b) => b.count - a.count);
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
    const confusions = this.commandConfusions();
    return [...new Set(results.map((r) => r.voices))].map((voices) => {
      const mostMisheard = confusions.filter((c) => c.voices === voices).slice(0, CONFUSIONS_SHOWN)
        .map((c) => `"${c.reference}" as ${c.heard === '' ? 'nothing' : `"${c.heard}"`} ${c.count} of ${c.of}`);
      return [
        `${voices}`,
        '| condition | digit-string WER | command accuracy | digit strings / commands |',
        '|---|---|---|---|',
        ...results.filter((r) => r.voices === voices).map((r) => `| ${r.condition} | ${pct(r.digitWer)} | ${pct(r.commandAccuracy)} | ${r.digitStrings} / ${r.commands} |`),
        ...(mostMisheard.length > 0 ? ['', `command words most misheard: ${mostMisheard.join(', ')}`] : []),
      ].join('\n');
    }).join('\n\n');
  }
}
