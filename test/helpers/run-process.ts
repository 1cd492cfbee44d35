import { execFile } from 'child_process';

export interface ProcessResult {
  code: number;
  out: string;
  err: string;
}

/** Runs a program to its end without blocking the event loop (so jest's timeouts still fire). */
export function runProcess(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ProcessResult> {
  return new Promise((resolve) => {
    execFile(file, args, { ...options, maxBuffer: 64 * 1024 * 1024 }, (error, out, err) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, out, err: err || (error && typeof error.code !== 'number' ? error.message : '') });
    });
  });
}
