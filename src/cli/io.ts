/** Where a CLI command writes: normal output and one-line error reports (tests capture both). */
export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const consoleIo: Io = { out: (l) => console.log(l), err: (l) => console.error(l) };
