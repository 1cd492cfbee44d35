#include "isa.h"
#include <stdlib.h>
#include <string.h>

static int chosen = -1;

int isa_avx512(void) {
  if (chosen < 0) {
    const char *forced = getenv("RNNKIT_NATIVE_ISA");
    __builtin_cpu_init();
    const int cpu = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                    __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
    chosen = cpu && !(forced && strcmp(forced, "avx2") == 0);
  }
  return chosen;
}

const char *isa_name(void) { return isa_avx512() ? "avx512" : "avx2"; }
