/*
 * One recurrent direction over a batch of sequences: forward (optionally keeping what backward needs)
 * and backward. A job covers the batch rows b0..b1-1; sequences are independent, so two jobs on two
 * threads never wait for each other inside the time loop.
 */
#ifndef RNNKIT_SEQUENCE_H
#define RNNKIT_SEQUENCE_H
#include <stdint.h>

typedef struct {
  int cell, G, CW, B, T, I, H, reverse, training, b0, b1;
  const float *x, *wihP, *whhP, *bih, *bhh; /* weights packed by pack_panels */
  const int32_t *lengths;
  /*
   * Training: hs, cs are [(T+1)·B·H] with the initial state in row 0 and the state
   * after processing step s in row s+1; cache is [T·B·CW·H] in processing order.
   * Inference: hs, cs are [B·H], updated in place, and cache is NULL.
   */
  float *hs, *cs, *cache;
  float *y; /* [B·T·H], zero on entry (padded steps stay zero) */
  int failed;
  /*
   * The reset-before GRU only (else NULL): W_hn packed alone, for its second product per step;
   * whhP then holds only W_hh's r, z rows.
   */
  const float *whnP;
} ForwardJob;

typedef struct {
  int cell, G, CW, B, T, H, reverse, b0, b1;
  const float *hs, *cs, *cache, *dy; /* dy [B·T·H] may be NULL */
  const float *whhP;                  /* W_hh packed as the [H x G·H] matrix W_hhᵀ */
  const int32_t *lengths;
  float *dh, *dc;   /* in: dL/d(final state) [B·H]; out: dL/d(initial state) */
  float *dxg;       /* out: [B·T·G·H] */
  float *dhg;       /* out: [T·B·G·H], processing order */
  double *sq;       /* out: this job's Σ (dL/dh_t)² per time step t, [T] */
  float *dbih, *dbhh; /* out: this job's sums of its dxg and dhg rows [G·H], zero on entry */
  int failed;
  /* The reset-before GRU only (else NULL): W_hn packed alone (as W_hnᵀ); whhP then covers the r, z rows. */
  const float *whnP;
} BackwardJob;

void *run_forward(void *job);
void *run_backward(void *job);

#endif
