import { notebookSetup } from '../notebook/setup';
import type { Io } from './io';

/** `rnnkit notebook-setup [--system]`: the kernel registration, its lines through `io`. */
export function notebookSetupCommand(system: boolean, io: Io): number {
  notebookSetup({ system, log: (line) => io.out(line) });
  return 0;
}
