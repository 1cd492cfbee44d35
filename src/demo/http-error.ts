/** A request the demo server refuses: the status code and a message the page shows as it is. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}
