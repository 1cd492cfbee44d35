import * as fs from 'fs';
import * as path from 'path';

/** The shipped sample clips (audio/) and their transcripts (audio/clips.json). */
export const SAMPLE_AUDIO = path.join(__dirname, '..', '..', 'audio');
export const sampleClips: { file: string; text: string }[] = JSON.parse(fs.readFileSync(path.join(SAMPLE_AUDIO, 'clips.json'), 'utf8'));
