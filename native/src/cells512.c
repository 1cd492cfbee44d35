/* The cell math at 16 lanes: cells_kernels.h compiled with the AVX-512 flags (binding.gyp's rnnkit_avx512). */
#include "cells.h"

#define ISA_FN(name) name##_avx512
#include "cells_kernels.h"
