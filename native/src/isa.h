/* The instruction set of the native kernels, chosen once per process. */
#ifndef RNNKIT_ISA_H
#define RNNKIT_ISA_H

/*
 * 1 when the AVX-512 kernels run: the CPU has avx512f/dq/bw/vl and the environment variable
 * RNNKIT_NATIVE_ISA is not "avx2" (which forces the AVX2+FMA kernels, to test them on such a CPU).
 * The first call decides; make it before any worker thread starts (the addon's init does).
 */
int isa_avx512(void);

/* "avx512" or "avx2". */
const char *isa_name(void);

#endif
