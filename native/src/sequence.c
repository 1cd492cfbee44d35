#include "sequence.h"
#include "cells.h"
#include "gemm.h"
#include "workers.h"
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

/* rows × width buffer whose rows all start as a copy of `bias`. */
static void fill_rows(float *dst, int rows, int width, const float *bias) {
  for (int r = 0; r < rows; r++) memcpy(dst + (size_t)r * width, bias, sizeof(float) * width);
}

/*
 * The input projection is done step by step (not for all steps up front) so that its buffer stays
 * in L1 instead of streaming megabytes through L3.
 */
void *run_forward(void *arg) {
  ForwardJob *j = (ForwardJob *)arg;
  const int nb = j->b1 - j->b0, T = j->T, I = j->I, H = j->H, GH = j->G * j->H, CW = j->CW * j->H;
  if (nb <= 0) return NULL;
  float *xg = malloc(sizeof(float) * (size_t)nb * GH);
  float *hg = malloc(sizeof(float) * (size_t)nb * GH);
  float *q = j->whnP ? malloc(sizeof(float) * (size_t)nb * H) : NULL; /* r ⊙ h of the reset-before GRU */
  if (!xg || !hg || (j->whnP && !q)) { free(xg); free(hg); free(q); j->failed = 1; return NULL; }
  const int recGH = j->whnP ? 2 * H : GH; /* columns of hg the first recurrent product fills */
  const size_t BH = (size_t)j->B * H;
  const size_t stride = j->training ? BH : 0; /* training keeps every state, inference one */
  const float *x = j->x + (size_t)j->b0 * T * I;
  for (int s = 0; s < T; s++) {
    const int t = j->reverse ? T - 1 - s : s;
    float *hp = j->hs + s * stride + (size_t)j->b0 * H, *hn = hp + stride;
    float *cp = j->cs ? j->cs + s * stride + (size_t)j->b0 * H : NULL, *cn = cp ? cp + stride : NULL;
    fill_rows(xg, nb, GH, j->bih);
    fill_rows(hg, nb, GH, j->bhh);
    gemm_acc(nb, GH, I, x + (size_t)t * I, T * I, j->wihP, xg, GH);
    gemm_acc(nb, recGH, H, hp, H, j->whhP, hg, GH);
    if (q) { /* hg's n rows still hold b_hn: add W_hn·(r ⊙ h) */
      for (int b = 0; b < nb; b++) gru_reset_state(H, xg + (size_t)b * GH, hg + (size_t)b * GH, hp + (size_t)b * H, q + (size_t)b * H);
      gemm_acc(nb, H, H, q, H, j->whnP, hg + recGH, GH);
    }
    for (int b = 0; b < nb; b++) {
      const size_t o = (size_t)b * H;
      if (t >= j->lengths[j->b0 + b]) {
        /* padded: the state passes through, the output stays zero */
        if (stride) {
          memcpy(hn + o, hp + o, sizeof(float) * H);
          if (cp) memcpy(cn + o, cp + o, sizeof(float) * H);
        }
        continue;
      }
      float *cache = j->cache ? j->cache + ((size_t)s * j->B + j->b0 + b) * CW : NULL;
      cell_forward(j->cell, H, xg + (size_t)b * GH, hg + (size_t)b * GH, hp + o, cp ? cp + o : NULL,
                   hn + o, cn ? cn + o : NULL, j->y + ((size_t)(j->b0 + b) * T + t) * H, cache);
    }
  }
  free(xg);
  free(hg);
  free(q);
  return NULL;
}

/* Copies rows g·H + u0 .. g·H + u0 + n - 1 of every gate g of the [G·H x K] matrix w into one [G·n x K] block. */
static void gather_unit_rows(float *dst, const float *w, int G, int H, int K, int u0, int n) {
  for (int g = 0; g < G; g++) memcpy(dst + (size_t)g * n * K, w + ((size_t)g * H + u0) * K, sizeof(float) * (size_t)n * K);
}

/* The rows of the gates of units u0 .. u0+n-1 of w, packed (NULL when out of memory). */
static float *pack_unit_rows(const float *w, int G, int H, int K, int u0, int n) {
  float *rows = malloc(sizeof(float) * (size_t)G * n * K);
  if (!rows) return NULL;
  gather_unit_rows(rows, w, G, H, K, u0, n);
  float *p = pack_panels(rows, G * n, K, K, 1);
  free(rows);
  return p;
}

int pack_split_halves(SplitForward *s, const float *wih, const float *whh, const float *bih, const float *bhh) {
  /* Halves on a 16-unit boundary, so that each half's rows start on a whole vector. */
  const int mid = (s->H / 2 + 15) / 16 * 16;
  int ok = 1;
  for (int k = 0; k < 2; k++) {
    HalfUnits *h = &s->half[k];
    h->u0 = k ? mid : 0;
    h->n = k ? s->H - mid : mid;
    const size_t GN = (size_t)s->G * h->n;
    h->wihP = pack_unit_rows(wih, s->G, s->H, s->I, h->u0, h->n);
    h->whhP = pack_unit_rows(whh, s->G, s->H, s->H, h->u0, h->n);
    h->bias = malloc(sizeof(float) * 2 * GN);
    h->xg = malloc(sizeof(float) * s->B * GN);
    h->hg = malloc(sizeof(float) * s->B * GN);
    if (!h->wihP || !h->whhP || !h->bias || !h->xg || !h->hg) { ok = 0; continue; }
    gather_unit_rows(h->bias, bih, s->G, s->H, 1, h->u0, h->n);
    gather_unit_rows(h->bias + GN, bhh, s->G, s->H, 1, h->u0, h->n);
  }
  return ok;
}

void free_split_halves(SplitForward *s) {
  for (int k = 0; k < 2; k++) {
    HalfUnits *h = &s->half[k];
    free(h->wihP); free(h->whhP); free(h->bias); free(h->xg); free(h->hg);
  }
}

/* One half of the units through step st: hbuf[st & 1] holds the state before it; their part of hbuf[(st + 1) & 1] gets the state after. */
static void run_half(const SplitForward *s, const HalfUnits *hu, int st) {
  const int B = s->B, T = s->T, H = s->H, GN = s->G * hu->n;
  const int t = s->reverse ? T - 1 - st : st;
  const size_t BH = (size_t)B * H;
  const float *hp = s->hbuf + (size_t)(st & 1) * BH;
  float *hn = s->hbuf + (size_t)((st + 1) & 1) * BH;
  fill_rows(hu->xg, B, GN, hu->bias);
  fill_rows(hu->hg, B, GN, hu->bias + GN);
  gemm_acc(B, GN, s->I, s->x + (size_t)t * s->I, T * s->I, hu->wihP, hu->xg, GN);
  gemm_acc(B, GN, H, hp, H, hu->whhP, hu->hg, GN);
  for (int b = 0; b < B; b++) {
    const size_t o = (size_t)b * H + hu->u0;
    if (t >= s->lengths[b]) { memcpy(hn + o, hp + o, sizeof(float) * hu->n); continue; } /* padded: the state passes through */
    float *c = s->c ? s->c + o : NULL;
    cell_forward(s->cell, hu->n, hu->xg + (size_t)b * GN, hu->hg + (size_t)b * GN, hp + o, c, hn + o, c, s->y + ((size_t)b * T + t) * H + hu->u0, NULL);
  }
}

/* Whoever moves `claimed` from st - 1 to st runs the second half of step st. */
static int claim_second_half(SplitForward *s, int st) {
  int expected = st - 1;
  return atomic_compare_exchange_strong_explicit(&s->claimed.v, &expected, st, memory_order_acq_rel, memory_order_acquire);
}

static void lead(SplitForward *s) {
  for (int st = 0; st < s->T; st++) {
    run_half(s, &s->half[0], st);
    if (claim_second_half(s, st)) run_half(s, &s->half[1], st);
    else
      for (int spins = 0; atomic_load_explicit(&s->done.v, memory_order_acquire) < st;) spin_pause(&spins);
    atomic_store_explicit(&s->open.v, st + 1, memory_order_release);
  }
}

/*
 * Polls for open steps; gives up after ~13 µs without one (pauses of ~65 ns): the lead is then not running
 * (descheduled, or queued behind this thread on its core), and runs the rest alone.
 */
#define FOLLOW_PATIENCE 200

static void follow(SplitForward *s) {
  for (int last = -1, idle = 0; idle < FOLLOW_PATIENCE; idle++) {
    const int st = atomic_load_explicit(&s->open.v, memory_order_acquire);
    if (st >= s->T) return;
    if (st == last) { _mm_pause(); continue; }
    last = st; /* whether or not the claim succeeds, step st is taken */
    idle = 0;
    if (claim_second_half(s, st)) {
      run_half(s, &s->half[1], st);
      atomic_store_explicit(&s->done.v, st, memory_order_release);
    }
  }
}

void *run_forward_split(void *arg) {
  SplitJob *j = (SplitJob *)arg;
  if (j->lead) lead(j->shared);
  else follow(j->shared);
  return NULL;
}

/* acc[j] += row[j] */
static void add_row(float *acc, const float *row, int n) {
  for (int j = 0; j < n; j++) acc[j] += row[j];
}

static double sum_squares(const float *v, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += (double)v[i] * v[i];
  return s;
}

/*
 * The reset-before GRU's second product at step s (time t): dq = dhg_n·W_hn for the job's rows (padded
 * rows' dhg is zero), then per live row the reset gate's gradients, dhp += dq ⊙ r, and the bias sums.
 */
static void reset_backward(const BackwardJob *j, int s, int t, float *dq, float *dhp) {
  const int nb = j->b1 - j->b0, H = j->H, GH = j->G * H, CW = j->CW * H;
  const size_t BH = (size_t)j->B * H;
  memset(dq, 0, sizeof(float) * (size_t)nb * H);
  gemm_acc(nb, H, H, j->dhg + ((size_t)s * j->B + j->b0) * GH + 2 * H, GH, j->whnP, dq, H);
  for (int b = 0; b < nb; b++) {
    const size_t row = (size_t)(j->b0 + b);
    if (t >= j->lengths[row]) continue;
    float *dxg = j->dxg + (row * j->T + t) * GH, *dhg = j->dhg + ((size_t)s * j->B + row) * GH;
    gru_reset_backward(H, j->cache + ((size_t)s * j->B + row) * CW, j->hs + s * BH + row * H, dq + (size_t)b * H, dxg, dhg, dhp + (size_t)b * H);
    add_row(j->dbih, dxg, GH);
    add_row(j->dbhh, dhg, GH);
  }
}

/* Per step in reverse processing order: the cell's derivatives, then dL/dh_{t-1} += dhg·W_hh. */
void *run_backward(void *arg) {
  BackwardJob *j = (BackwardJob *)arg;
  const int nb = j->b1 - j->b0, T = j->T, H = j->H, GH = j->G * j->H, CW = j->CW * j->H;
  if (nb <= 0) return NULL;
  const size_t BH = (size_t)j->B * H;
  float *mine = j->dh + (size_t)j->b0 * H;
  float *spare = malloc(sizeof(float) * (size_t)nb * H);
  float *dq = j->whnP ? malloc(sizeof(float) * (size_t)nb * H) : NULL; /* dL/d(r ⊙ h), reset-before GRU */
  if (!spare || (j->whnP && !dq)) { free(spare); free(dq); j->failed = 1; return NULL; }
  const int recGH = j->whnP ? 2 * H : GH; /* rows of W_hh that multiply h_{t-1} */
  float *cur = mine, *other = spare;
  float *dc = j->dc ? j->dc + (size_t)j->b0 * H : NULL;
  for (int s = T - 1; s >= 0; s--) {
    const int t = j->reverse ? T - 1 - s : s;
    double sq = 0;
    for (int b = 0; b < nb; b++) {
      const size_t o = (size_t)b * H, row = (size_t)(j->b0 + b);
      float *dxg = j->dxg + (row * T + t) * GH;
      float *dhg = j->dhg + ((size_t)s * j->B + row) * GH;
      if (t >= j->lengths[row]) {
        /* padded: the state passed through, so does its gradient; no pre-activation gradients */
        memcpy(other + o, cur + o, sizeof(float) * H);
        memset(dxg, 0, sizeof(float) * GH);
        memset(dhg, 0, sizeof(float) * GH);
        continue;
      }
      if (j->dy) {
        const float *dy = j->dy + (row * T + t) * H;
        for (int k = 0; k < H; k++) cur[o + k] += dy[k];
      }
      sq += sum_squares(cur + o, H);
      const size_t prev = s * BH + row * H, next = prev + BH;
      cell_backward(j->cell, H, j->cache ? j->cache + ((size_t)s * j->B + row) * CW : NULL, j->hs + prev,
                    j->cs ? j->cs + prev : NULL, j->hs + next, cur + o, dc ? dc + o : NULL, dxg, dhg, other + o);
      if (dq) continue; /* its r rows and bias sums follow below */
      add_row(j->dbih, dxg, GH); /* bias gradients while the rows are in L1 */
      add_row(j->dbhh, dhg, GH);
    }
    j->sq[t] = sq;
    if (dq) reset_backward(j, s, t, dq, other);
    gemm_acc(nb, H, recGH, j->dhg + ((size_t)s * j->B + j->b0) * GH, GH, j->whhP, other, H);
    float *swap = cur;
    cur = other;
    other = swap;
  }
  if (cur != mine) memcpy(mine, cur, sizeof(float) * (size_t)nb * H);
  free(spare);
  free(dq);
  return NULL;
}
