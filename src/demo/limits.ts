import { MAX_CLIP_SECONDS } from '../speech/transcriber';

/**
 * What one request may make the demo server read, decode and keep: an upload is refused past
 * these limits before (or while) it is read, never after it has been held in full.
 */
export interface DemoLimits {
  /** Largest request body: an audio file or the recorded PCM. */
  maxUploadBytes: number;
  /** Longest audio: the transcriber takes clips up to MAX_CLIP_SECONDS whole, which is what the page can show. */
  maxSeconds: number;
  /** Requests transcribed at the same time; more get 503 (each holds up to maxUploadBytes and its decoded audio). */
  maxConcurrent: number;
  /** Time to receive a whole request (headers and body); slower clients get 408. */
  requestTimeoutMs: number;
}

export const DEFAULT_DEMO_LIMITS: DemoLimits = {
  maxUploadBytes: 10 * 1024 * 1024,
  maxSeconds: MAX_CLIP_SECONDS,
  maxConcurrent: 4,
  requestTimeoutMs: 30_000,
};

/** A byte limit as the messages state it: "10 MB". */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / (1024 * 1024)).toFixed(1)} MB` : `${bytes} bytes`;
}
