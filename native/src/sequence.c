#include "sequence.h"
#include "cells.h"
#include "gemm.h"
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
