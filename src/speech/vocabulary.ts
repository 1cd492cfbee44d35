/** The transcriber's words; class 0 is the CTC blank, word i is class i + 1. */
export const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'oh'] as const;
export const COMMAND_WORDS = ['yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go'] as const;
export const WORDS: readonly string[] = [...DIGIT_WORDS, ...COMMAND_WORDS];
export const CLASSES = WORDS.length + 1;

export function encodeWords(text: string): number[] {
  return text.trim().split(/\s+/).filter(Boolean).map((w) => {
    const i = WORDS.indexOf(w.toLowerCase());
    if (i < 0) throw new Error(`'${w}' is not in the vocabulary (${WORDS.join(' ')})`);
    return i + 1;
  });
}

export function decodeWords(ids: number[]): string {
  return ids.map((id) => WORDS[id - 1]).join(' ');
}

/** Which scoring group a transcript belongs to: a single command word or a digit string. */
export function utteranceKind(text: string): 'command' | 'digits' {
  return (COMMAND_WORDS as readonly string[]).includes(text) ? 'command' : 'digits';
}
