/* The cells' layouts, the AVX2 cell math (cells_kernels.h at 8 lanes) and the choice of ISA per call. */
#include "cells.h"
#include "isa.h"

#define ISA_FN(name) name##_avx2
#include "cells_kernels.h"

/* The AVX-512 build of the same math (cells512.c). */
void cell_forward_avx512(int cell, int H, const float *xg, const float *hg, const float *hp, const float *cp,
                         float *h, float *c, float *y, float *cache);
void cell_backward_avx512(int cell, int H, const float *cache, const float *hp, const float *cp, const float *h,
                          const float *dh, float *dc, float *dxg, float *dhg, float *dhp);
void gru_reset_state_avx512(int H, const float *xg, const float *hg, const float *hp, float *q);
void gru_reset_backward_avx512(int H, const float *cache, const float *hp, const float *dq, float *dxg, float *dhg, float *dhp);

int cell_layout_ok(int cell, int gates, int cache_blocks) {
  switch (cell) {
    case CELL_RNN_TANH:
    case CELL_RNN_RELU: return gates == 1 && cache_blocks == 0;
    case CELL_LSTM: return gates == 4 && cache_blocks == 5;
    case CELL_GRU:
    case CELL_GRU_RESET_BEFORE: return gates == 3 && cache_blocks == 4;
    default: return 0;
  }
}

void cell_forward(int cell, int H, const float *xg, const float *hg, const float *hp, const float *cp,
                  float *h, float *c, float *y, float *cache) {
  (isa_avx512() ? cell_forward_avx512 : cell_forward_avx2)(cell, H, xg, hg, hp, cp, h, c, y, cache);
}

void cell_backward(int cell, int H, const float *cache, const float *hp, const float *cp, const float *h,
                   const float *dh, float *dc, float *dxg, float *dhg, float *dhp) {
  (isa_avx512() ? cell_backward_avx512 : cell_backward_avx2)(cell, H, cache, hp, cp, h, dh, dc, dxg, dhg, dhp);
}

void gru_reset_state(int H, const float *xg, const float *hg, const float *hp, float *q) {
  (isa_avx512() ? gru_reset_state_avx512 : gru_reset_state_avx2)(H, xg, hg, hp, q);
}

void gru_reset_backward(int H, const float *cache, const float *hp, const float *dq, float *dxg, float *dhg, float *dhp) {
  (isa_avx512() ? gru_reset_backward_avx512 : gru_reset_backward_avx2)(H, cache, hp, dq, dxg, dhg, dhp);
}
