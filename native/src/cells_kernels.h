/*
 * Pointwise cell math, VL lanes at a time (simd_math.h: 8 for AVX2, 16 for AVX-512); a row's tail goes
 * through the same code with masked lanes. Included once per ISA (cells.c, cells512.c) with ISA_FN(name)
 * naming the exported functions.
 */
#include "simd_math.h"

static void lstm_forward(int H, const float *xg, const float *hg, const float *cp, float *h, float *c, float *y, float *cache) {
  FOR_LANES(H, {
    const vf i = vsigmoid(vadd(LD(xg + j, m), LD(hg + j, m)));
    const vf f = vsigmoid(vadd(LD(xg + H + j, m), LD(hg + H + j, m)));
    const vf g = vtanh(vadd(LD(xg + 2 * H + j, m), LD(hg + 2 * H + j, m)));
    const vf o = vsigmoid(vadd(LD(xg + 3 * H + j, m), LD(hg + 3 * H + j, m)));
    const vf cn = vfma(f, LD(cp + j, m), vmul(i, g));
    const vf tc = vtanh(cn);
    const vf hn = vmul(o, tc);
    ST(c + j, m, cn); ST(h + j, m, hn); ST(y + j, m, hn);
    if (cache) {
      ST(cache + j, m, i); ST(cache + H + j, m, f); ST(cache + 2 * H + j, m, g);
      ST(cache + 3 * H + j, m, o); ST(cache + 4 * H + j, m, tc);
    }
  });
}

/* before: the reset-before form, whose hg n rows already hold W_hn·(r ⊙ h) + b_hn. */
static void gru_forward(int before, int H, const float *xg, const float *hg, const float *hp, float *h, float *y, float *cache) {
  FOR_LANES(H, {
    const vf r = vsigmoid(vadd(LD(xg + j, m), LD(hg + j, m)));
    const vf z = vsigmoid(vadd(LD(xg + H + j, m), LD(hg + H + j, m)));
    const vf hnPre = LD(hg + 2 * H + j, m), hpv = LD(hp + j, m);
    const vf n = vtanh(before ? vadd(hnPre, LD(xg + 2 * H + j, m)) : vfma(r, hnPre, LD(xg + 2 * H + j, m)));
    const vf hn = vfma(z, vsub(hpv, n), n); /* (1-z)·n + z·h */
    ST(h + j, m, hn); ST(y + j, m, hn);
    if (cache) {
      ST(cache + j, m, r); ST(cache + H + j, m, z); ST(cache + 2 * H + j, m, n);
      ST(cache + 3 * H + j, m, before ? vmul(r, hpv) : hnPre);
    }
  });
}

void ISA_FN(gru_reset_state)(int H, const float *xg, const float *hg, const float *hp, float *q) {
  FOR_LANES(H, { ST(q + j, m, vmul(vsigmoid(vadd(LD(xg + j, m), LD(hg + j, m))), LD(hp + j, m))); });
}

static void rnn_forward(int relu, int H, const float *xg, const float *hg, float *h, float *y) {
  FOR_LANES(H, {
    const vf a = vadd(LD(xg + j, m), LD(hg + j, m));
    const vf hn = relu ? vmax(a, vzero()) : vtanh(a);
    ST(h + j, m, hn); ST(y + j, m, hn);
  });
}

void ISA_FN(cell_forward)(int cell, int H, const float *xg, const float *hg, const float *hp, const float *cp,
                  float *h, float *c, float *y, float *cache) {
  if (cell == CELL_LSTM) lstm_forward(H, xg, hg, cp, h, c, y, cache);
  else if (cell == CELL_GRU || cell == CELL_GRU_RESET_BEFORE) gru_forward(cell == CELL_GRU_RESET_BEFORE, H, xg, hg, hp, h, y, cache);
  else rnn_forward(cell == CELL_RNN_RELU, H, xg, hg, h, y);
}

/* Stores the same gate gradient into the input and the recurrent pre-activation rows (inside FOR_LANES). */
#define store_both(dxg, dhg, at, m, v) \
  do {                                 \
    const vf v_ = (v);             \
    ST((dxg) + (at), m, v_);           \
    ST((dhg) + (at), m, v_);           \
  } while (0)

static void lstm_backward(int H, const float *cache, const float *cp, const float *dhr, float *dcr, float *dxg, float *dhg, float *dhp) {
  const vf one = vset1(1.0f);
  FOR_LANES(H, {
    const vf i = LD(cache + j, m), f = LD(cache + H + j, m), g = LD(cache + 2 * H + j, m);
    const vf o = LD(cache + 3 * H + j, m), tc = LD(cache + 4 * H + j, m);
    const vf dh = LD(dhr + j, m);
    const vf dc = vadd(LD(dcr + j, m), vmul(vmul(dh, o), vsub(one, vmul(tc, tc))));
    const vf di = vmul(vmul(dc, g), vmul(i, vsub(one, i)));
    const vf df = vmul(vmul(dc, LD(cp + j, m)), vmul(f, vsub(one, f)));
    const vf dg = vmul(vmul(dc, i), vsub(one, vmul(g, g)));
    const vf dO = vmul(vmul(dh, tc), vmul(o, vsub(one, o)));
    ST(dcr + j, m, vmul(dc, f));
    store_both(dxg, dhg, j, m, di);
    store_both(dxg, dhg, H + j, m, df);
    store_both(dxg, dhg, 2 * H + j, m, dg);
    store_both(dxg, dhg, 3 * H + j, m, dO);
    ST(dhp + j, m, vzero());
  });
}

/* before: the reset-before form; its r rows come from gru_reset_backward once dq is known. */
static void gru_backward(int before, int H, const float *cache, const float *hp, const float *dhr, float *dxg, float *dhg, float *dhp) {
  const vf one = vset1(1.0f);
  FOR_LANES(H, {
    const vf r = LD(cache + j, m), z = LD(cache + H + j, m), n = LD(cache + 2 * H + j, m), hn = LD(cache + 3 * H + j, m);
    const vf dh = LD(dhr + j, m);
    const vf dnPre = vmul(vmul(dh, vsub(one, z)), vsub(one, vmul(n, n)));
    const vf dzPre = vmul(vmul(dh, vsub(LD(hp + j, m), n)), vmul(z, vsub(one, z)));
    if (!before) store_both(dxg, dhg, j, m, vmul(vmul(dnPre, hn), vmul(r, vsub(one, r))));
    store_both(dxg, dhg, H + j, m, dzPre);
    ST(dxg + 2 * H + j, m, dnPre);
    ST(dhg + 2 * H + j, m, before ? dnPre : vmul(dnPre, r));
    ST(dhp + j, m, vmul(dh, z));
  });
}

void ISA_FN(gru_reset_backward)(int H, const float *cache, const float *hp, const float *dq, float *dxg, float *dhg, float *dhp) {
  const vf one = vset1(1.0f);
  FOR_LANES(H, {
    const vf r = LD(cache + j, m), d = LD(dq + j, m);
    store_both(dxg, dhg, j, m, vmul(vmul(d, LD(hp + j, m)), vmul(r, vsub(one, r))));
    ST(dhp + j, m, vfma(d, r, LD(dhp + j, m)));
  });
}

static void rnn_backward(int relu, int H, const float *h, const float *dhr, float *dxg, float *dhg, float *dhp) {
  const vf one = vset1(1.0f), zero = vzero();
  FOR_LANES(H, {
    const vf hv = LD(h + j, m);
    const vf slope = relu ? vstep(hv) : vsub(one, vmul(hv, hv));
    store_both(dxg, dhg, j, m, vmul(LD(dhr + j, m), slope));
    ST(dhp + j, m, zero);
  });
}

void ISA_FN(cell_backward)(int cell, int H, const float *cache, const float *hp, const float *cp, const float *h,
                   const float *dh, float *dc, float *dxg, float *dhg, float *dhp) {
  if (cell == CELL_LSTM) lstm_backward(H, cache, cp, dh, dc, dxg, dhg, dhp);
  else if (cell == CELL_GRU || cell == CELL_GRU_RESET_BEFORE) gru_backward(cell == CELL_GRU_RESET_BEFORE, H, cache, hp, dh, dxg, dhg, dhp);
  else rnn_backward(cell == CELL_RNN_RELU, H, h, dh, dxg, dhg, dhp);
}
