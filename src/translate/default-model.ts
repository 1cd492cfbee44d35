import * as path from 'path';

/** The English→Spanish translator shipped in models/ (npm run train:translate makes it). */
export const DEFAULT_TRANSLATOR_MODEL = path.join(__dirname, '..', '..', 'models', 'translate-eng-spa.safetensors');
