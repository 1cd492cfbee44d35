/*
 * Pointwise math of the recurrent cells for one sequence at one step, PyTorch's gate orders.
 * Cell codes, gate counts and cache widths come from the caller (src/kernels/cell-layout.ts).
 */
#ifndef RNNKIT_CELLS_H
#define RNNKIT_CELLS_H

/* CELL_GRU_RESET_BEFORE: Keras reset_after=False (ONNX linear_before_reset=0), n = tanh(xn + W_hn·(r ⊙ h) + b_hn). */
enum { CELL_RNN_TANH = 0, CELL_RNN_RELU = 1, CELL_LSTM = 2, CELL_GRU = 3, CELL_GRU_RESET_BEFORE = 4 };

/* Whether (gates, cacheBlocks) is the layout this cell's math reads and writes. */
int cell_layout_ok(int cell, int gates, int cache_blocks);

/*
 * xg = W_ih·x + b_ih, hg = W_hh·h_prev + b_hh (G·H each). Writes h (and c), y, and when cache is not
 * NULL what backward needs: LSTM i, f, g, o, tanh(c); GRU r, z, n, W_hn·h + b_hn. h may alias hp, c cp.
 * The reset-before GRU's hg n rows hold W_hn·(r ⊙ h) + b_hn (see gru_reset_state); its cache r, z, n, r ⊙ h.
 */
void cell_forward(int cell, int H, const float *xg, const float *hg, const float *hp, const float *cp,
                  float *h, float *c, float *y, float *cache);

/*
 * From dL/dh_t (dh) and dL/dc_t (dc, overwritten with dL/dc_{t-1}): the pre-activation gradients of
 * the input (dxg) and recurrent (dhg) products, and the direct part of dL/dh_{t-1} (dhp).
 * hp/cp: the state before the step, h: after it.
 */
void cell_backward(int cell, int H, const float *cache, const float *hp, const float *cp, const float *h,
                   const float *dh, float *dc, float *dxg, float *dhg, float *dhp);

/*
 * The reset-before GRU's two steps around its second product per step. Forward: q = r ⊙ hp from the r rows
 * of xg and hg (hg's r, z rows filled by the first product), before hg's n rows get W_hn·q. Backward, after
 * cell_backward (which leaves the r rows of dxg, dhg to this) and dq = dhg_n·W_hn: the r rows, and
 * dhp += dq ⊙ r.
 */
void gru_reset_state(int H, const float *xg, const float *hg, const float *hp, float *q);
void gru_reset_backward(int H, const float *cache, const float *hp, const float *dq, float *dxg, float *dhg, float *dhp);

#endif
