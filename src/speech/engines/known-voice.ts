/** Refuses a voice its engine does not have, naming the ones it has (engines with a fixed list of voices). */
export function requireKnownVoice(engine: string, voice: string, known: readonly string[]): void {
  if (!known.includes(voice)) throw new Error(`${engine} voice '${voice}' is not one of ${known.join(', ')}`);
}
