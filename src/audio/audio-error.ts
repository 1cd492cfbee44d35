import { FileError } from '../io/file-error';

/** A problem with an audio file (any format): the message names the file and the problem. */
export class AudioError extends FileError {}
