import type { Prosody, VoiceSpec } from '../synthesize';
import { synthesizeWithTool } from './run-tool';

/** Debian's flite (apt-get install flite): voices kal, kal16, awb, slt (rms is reserved). */
export function flite(text: string, voice: VoiceSpec, prosody: Prosody): Promise<Float32Array> {
  return synthesizeWithTool('flite', (wav, textFile) => ['-voice', voice.voice, '-f', textFile, '-o', wav,
    '--setf', `duration_stretch=${(1 / prosody.rate).toFixed(3)}`, '--setf', `int_f0_target_mean=${Math.round(80 + 120 * prosody.pitch)}`], text);
}
