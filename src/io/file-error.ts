/** An error about one file: the message starts with the file name, the class names the kind of file. */
export class FileError extends Error {
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`);
    this.name = new.target.name;
  }
}
