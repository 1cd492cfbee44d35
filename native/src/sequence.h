/*
 * One recurrent direction over a batch of sequences: forward (optionally keeping what backward needs)
 * and backward. A job covers the batch rows b0..b1-1; sequences are independent, so two jobs on two
 * threads never wait for each other inside the time loop.
 */
#ifndef RNNKIT_SEQUENCE_H
#define RNNKIT_SEQUENCE_H
#include <stdatomic.h>
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

/*
 * Inference for a few sequences on two threads: each step's gates are computed in two halves of the
 * hidden units (each half streams half of W_hh), every step needing the whole state of the one before.
 * The caller's thread (the lead) runs every first half; a helper thread takes the second half of each
 * step it gets to first, and the lead runs the second halves the helper did not take. So the steps
 * split over two cores when the helper runs, and never wait on a helper the scheduler put aside (a
 * busy machine): the lead then does all the work, as one thread would.
 */
typedef struct {
  _Alignas(64) atomic_int v; /* a cache line of its own: the two threads poll these */
} SharedStep;

typedef struct {
  int u0, n;              /* hidden units u0 .. u0+n-1 */
  float *wihP, *whhP;     /* the rows of their gates, packed */
  float *bias;            /* [2·G·n]: b_ih then b_hh of those rows */
  float *xg, *hg;         /* [B·G·n] scratch */
} HalfUnits;

typedef struct {
  int cell, G, B, T, I, H, reverse;
  const float *x;
  const int32_t *lengths;
  float *c;     /* [B·H], updated in place (NULL but for the LSTM) */
  float *y;     /* [B·T·H], zero on entry */
  float *hbuf;  /* [2·B·H]: the states before and after the current step, the first holding h on entry */
  HalfUnits half[2];
  SharedStep open;     /* steps below this are complete (-1: none started) */
  SharedStep claimed;  /* the last step whose second half a thread took */
  SharedStep done;     /* the last step whose second half is complete */
} SplitForward;

typedef struct {
  SplitForward *shared;
  int lead; /* 1: the caller's thread */
} SplitJob;

/* Packs the halves' rows and biases of W_ih, W_hh (PyTorch layout); 0 when out of memory (free_split_halves then). */
int pack_split_halves(SplitForward *s, const float *wih, const float *whh, const float *bih, const float *bhh);
void free_split_halves(SplitForward *s);
void *run_forward(void *job);
void *run_forward_split(void *job);
void *run_backward(void *job);

#endif
