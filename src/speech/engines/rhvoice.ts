import type { Prosody, VoiceSpec } from '../synthesize';
import { synthesizeWithTool } from './run-tool';

/**
 * RHVoice (Debian non-free rhvoice + rhvoice-english): statistical parametric voices trained on
 * recordings of real speakers — bdl (US man), clb and slt (US women) of CMU ARCTIC, evgeniy-eng and
 * lyubov (a Russian man and woman speaking English). Its `alan` is Alan W Black, the speaker of
 * flite's awb (the speaker hold-out), and is refused as reserved. Rate and pitch are percent of
 * normal: rate 1 → 100, pitch 0..1 → 75..135.
 */
export const RHVOICE_VOICES = ['bdl', 'clb', 'slt', 'evgeniy-eng', 'lyubov'] as const;

export function rhvoice(text: string, voice: VoiceSpec, prosody: Prosody): Promise<Float32Array> {
  if (!(RHVOICE_VOICES as readonly string[]).includes(voice.voice)) throw new Error(`RHVoice voice '${voice.voice}' is not one of ${RHVOICE_VOICES.join(', ')}`);
  const rate = String(Math.round(100 * prosody.rate));
  const pitch = String(Math.round(75 + 60 * prosody.pitch));
  return synthesizeWithTool('RHVoice-test', (wav, textFile) => ['-p', voice.voice, '-r', rate, '-t', pitch, '-i', textFile, '-o', wav], text);
}
