import type { Prosody, VoiceSpec } from '../synthesize';
import { synthesizeWithTool } from './run-tool';
import { requireKnownVoice } from './known-voice';

/**
 * RHVoice (Debian non-free rhvoice + rhvoice-english): statistical parametric voices trained on
 * recordings of real speakers — bdl (US man), clb and slt (US women) of CMU ARCTIC, evgeniy-eng and
 * lyubov (a Russian man and woman speaking English). Its `alan` is Alan W Black, the speaker of
 * flite's awb (the speaker hold-out), and is refused as reserved. Rate and pitch are percent of
 * normal: rate 1 → 100, pitch 0..1 → 75..135.
 */
export const RHVOICE_VOICES = ['bdl', 'clb', 'slt', 'evgeniy-eng', 'lyubov'] as const;

export function rhvoice(text: string, voice: VoiceSpec, prosody: Prosody): Promise<Float32Array> {
  requireKnownVoice('RHVoice', voice.voice, RHVOICE_VOICES);
  const rate = String(Math.round(100 * prosody.rate));
  const pitch = String(Math.round(75 + 60 * prosody.pitch));
  return synthesizeWithTool('RHVoice-test', (wav, textFile) => ['-p', voice.voice, '-r', rate, '-t', pitch, '-i', textFile, '-o', wav], text);
}
