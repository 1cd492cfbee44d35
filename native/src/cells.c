/* Pointwise cell math, 8 lanes at a time; a row's tail goes through the same code with masked lanes. */
#include "cells.h"
#include "simd_math.h"

int cell_layout_ok(int cell, int gates, int cache_blocks) {
  switch (cell) {
    case CELL_RNN_TANH:
    case CELL_RNN_RELU: return gates == 1 && cache_blocks == 0;
    case CELL_LSTM: return gates == 4 && cache_blocks == 5;
    case CELL_GRU: return gates == 3 && cache_blocks == 4;
    default: return 0;
  }
}

static void lstm_forward(int H, const float *xg, const float *hg, const float *cp, float *h, float *c, float *y, float *cache) {
  FOR_LANES(H, {
    const __m256 i = sigmoid256(_mm256_add_ps(LD(xg + j, m), LD(hg + j, m)));
    const __m256 f = sigmoid256(_mm256_add_ps(LD(xg + H + j, m), LD(hg + H + j, m)));
    const __m256 g = tanh256(_mm256_add_ps(LD(xg + 2 * H + j, m), LD(hg + 2 * H + j, m)));
    const __m256 o = sigmoid256(_mm256_add_ps(LD(xg + 3 * H + j, m), LD(hg + 3 * H + j, m)));
    const __m256 cn = _mm256_fmadd_ps(f, LD(cp + j, m), _mm256_mul_ps(i, g));
    const __m256 tc = tanh256(cn);
    const __m256 hn = _mm256_mul_ps(o, tc);
    ST(c + j, m, cn); ST(h + j, m, hn); ST(y + j, m, hn);
    if (cache) {
      ST(cache + j, m, i); ST(cache + H + j, m, f); ST(cache + 2 * H + j, m, g);
      ST(cache + 3 * H + j, m, o); ST(cache + 4 * H + j, m, tc);
    }
  });
}

static void gru_forward(int H, const float *xg, const float *hg, const float *hp, float *h, float *y, float *cache) {
  FOR_LANES(H, {
    const __m256 r = sigmoid256(_mm256_add_ps(LD(xg + j, m), LD(hg + j, m)));
    const __m256 z = sigmoid256(_mm256_add_ps(LD(xg + H + j, m), LD(hg + H + j, m)));
    const __m256 hnPre = LD(hg + 2 * H + j, m);
    const __m256 n = tanh256(_mm256_fmadd_ps(r, hnPre, LD(xg + 2 * H + j, m)));
    const __m256 hn = _mm256_fmadd_ps(z, _mm256_sub_ps(LD(hp + j, m), n), n); /* (1-z)·n + z·h */
    ST(h + j, m, hn); ST(y + j, m, hn);
    if (cache) {
      ST(cache + j, m, r); ST(cache + H + j, m, z); ST(cache + 2 * H + j, m, n); ST(cache + 3 * H + j, m, hnPre);
    }
  });
}

static void rnn_forward(int relu, int H, const float *xg, const float *hg, float *h, float *y) {
  FOR_LANES(H, {
    const __m256 a = _mm256_add_ps(LD(xg + j, m), LD(hg + j, m));
    const __m256 hn = relu ? _mm256_max_ps(a, _mm256_setzero_ps()) : tanh256(a);
    ST(h + j, m, hn); ST(y + j, m, hn);
  });
}

void cell_forward(int cell, int H, const float *xg, const float *hg, const float *hp, const float *cp,
                  float *h, float *c, float *y, float *cache) {
  if (cell == CELL_LSTM) lstm_forward(H, xg, hg, cp, h, c, y, cache);
  else if (cell == CELL_GRU) gru_forward(H, xg, hg, hp, h, y, cache);
  else rnn_forward(cell == CELL_RNN_RELU, H, xg, hg, h, y);
}

/* Stores the same gate gradient into the input and the recurrent pre-activation rows (inside FOR_LANES). */
#define store_both(dxg, dhg, at, m, v) \
  do {                                 \
    const __m256 v_ = (v);             \
    ST((dxg) + (at), m, v_);           \
    ST((dhg) + (at), m, v_);           \
  } while (0)

static void lstm_backward(int H, const float *cache, const float *cp, const float *dhr, float *dcr, float *dxg, float *dhg, float *dhp) {
  const __m256 one = _mm256_set1_ps(1.0f);
  FOR_LANES(H, {
    const __m256 i = LD(cache + j, m), f = LD(cache + H + j, m), g = LD(cache + 2 * H + j, m);
    const __m256 o = LD(cache + 3 * H + j, m), tc = LD(cache + 4 * H + j, m);
    const __m256 dh = LD(dhr + j, m);
    const __m256 dc = _mm256_add_ps(LD(dcr + j, m), _mm256_mul_ps(_mm256_mul_ps(dh, o), _mm256_sub_ps(one, _mm256_mul_ps(tc, tc))));
    const __m256 di = _mm256_mul_ps(_mm256_mul_ps(dc, g), _mm256_mul_ps(i, _mm256_sub_ps(one, i)));
    const __m256 df = _mm256_mul_ps(_mm256_mul_ps(dc, LD(cp + j, m)), _mm256_mul_ps(f, _mm256_sub_ps(one, f)));
    const __m256 dg = _mm256_mul_ps(_mm256_mul_ps(dc, i), _mm256_sub_ps(one, _mm256_mul_ps(g, g)));
    const __m256 dO = _mm256_mul_ps(_mm256_mul_ps(dh, tc), _mm256_mul_ps(o, _mm256_sub_ps(one, o)));
    ST(dcr + j, m, _mm256_mul_ps(dc, f));
    store_both(dxg, dhg, j, m, di);
    store_both(dxg, dhg, H + j, m, df);
    store_both(dxg, dhg, 2 * H + j, m, dg);
    store_both(dxg, dhg, 3 * H + j, m, dO);
    ST(dhp + j, m, _mm256_setzero_ps());
  });
}

static void gru_backward(int H, const float *cache, const float *hp, const float *dhr, float *dxg, float *dhg, float *dhp) {
  const __m256 one = _mm256_set1_ps(1.0f);
  FOR_LANES(H, {
    const __m256 r = LD(cache + j, m), z = LD(cache + H + j, m), n = LD(cache + 2 * H + j, m), hn = LD(cache + 3 * H + j, m);
    const __m256 dh = LD(dhr + j, m);
    const __m256 dnPre = _mm256_mul_ps(_mm256_mul_ps(dh, _mm256_sub_ps(one, z)), _mm256_sub_ps(one, _mm256_mul_ps(n, n)));
    const __m256 dzPre = _mm256_mul_ps(_mm256_mul_ps(dh, _mm256_sub_ps(LD(hp + j, m), n)), _mm256_mul_ps(z, _mm256_sub_ps(one, z)));
    const __m256 drPre = _mm256_mul_ps(_mm256_mul_ps(dnPre, hn), _mm256_mul_ps(r, _mm256_sub_ps(one, r)));
    store_both(dxg, dhg, j, m, drPre);
    store_both(dxg, dhg, H + j, m, dzPre);
    ST(dxg + 2 * H + j, m, dnPre);
    ST(dhg + 2 * H + j, m, _mm256_mul_ps(dnPre, r));
    ST(dhp + j, m, _mm256_mul_ps(dh, z));
  });
}

static void rnn_backward(int relu, int H, const float *h, const float *dhr, float *dxg, float *dhg, float *dhp) {
  const __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
  FOR_LANES(H, {
    const __m256 hv = LD(h + j, m);
    const __m256 slope = relu ? _mm256_and_ps(_mm256_cmp_ps(hv, zero, _CMP_GT_OQ), one) : _mm256_sub_ps(one, _mm256_mul_ps(hv, hv));
    store_both(dxg, dhg, j, m, _mm256_mul_ps(LD(dhr + j, m), slope));
    ST(dhp + j, m, zero);
  });
}

void cell_backward(int cell, int H, const float *cache, const float *hp, const float *cp, const float *h,
                   const float *dh, float *dc, float *dxg, float *dhg, float *dhp) {
  if (cell == CELL_LSTM) lstm_backward(H, cache, cp, dh, dc, dxg, dhg, dhp);
  else if (cell == CELL_GRU) gru_backward(H, cache, hp, dh, dxg, dhg, dhp);
  else rnn_backward(cell == CELL_RNN_RELU, H, h, dh, dxg, dhg, dhp);
}
