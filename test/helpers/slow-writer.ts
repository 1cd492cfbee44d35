// Child process for the atomic-write test: announces itself, then writes a large file
// with writeFileAtomic so that the parent can kill it in the middle of the write.
import { writeFileAtomic } from '../../src/io/atomic-write';

const target = process.argv[2];
const big = new Uint8Array(400 * 1024 * 1024).fill(120);
process.stdout.write('writing\n', () => writeFileAtomic(target, big));
