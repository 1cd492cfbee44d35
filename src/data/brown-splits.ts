/** The Brown corpus split used by the language-model notebook and script: every 10th document is held out. */
import { loadBrownCorpus } from './brown-corpus';

export function brownTrainValidText(): { train: string; valid: string } {
  const docs = loadBrownCorpus();
  return {
    train: docs.filter((_, i) => i % 10 !== 0).map((d) => d.text).join('\n'),
    valid: docs.filter((_, i) => i % 10 === 0).map((d) => d.text).join('\n'),
  };
}
