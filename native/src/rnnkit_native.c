/*
 * N-API entry points of rnnkit's native kernels (AVX2+FMA): recurrent sequences forward (inference,
 * or training keeping the activations backward needs) and backward, general matrix products and the
 * dense product. Work is split over two threads by batch rows or output rows, so every sum is taken
 * in the same order on every run: a seeded training run is bit-identical run to run.
 * Semantics match the JS kernels (src/kernels/js.ts): PyTorch weight layouts and gate orders, padded
 * steps keep the state and leave the output at zero, the reverse direction starts at each
 * sequence's own last step.
 */
#include <math.h>
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cells.h"
#include "gemm.h"
#include "sequence.h"
#include "workers.h"

/* ---- argument reading ---- */
/* A Float32Array (or null/undefined: *data = NULL) and its length; 0 for anything else. */
static int get_f32(napi_env env, napi_value v, float **data, size_t *len) {
  napi_valuetype vt;
  napi_typeof(env, v, &vt);
  if (vt == napi_null || vt == napi_undefined) { *data = NULL; *len = 0; return 1; }
  bool is;
  napi_is_typedarray(env, v, &is);
  if (!is) return 0;
  napi_typedarray_type type;
  void *p;
  napi_get_typedarray_info(env, v, &type, len, &p, NULL, NULL);
  if (type != napi_float32_array) return 0;
  *data = (float *)p;
  return 1;
}

/* An Int32Array of exactly n values, or NULL. */
static const int32_t *get_i32(napi_env env, napi_value v, size_t n) {
  bool is;
  napi_is_typedarray(env, v, &is);
  if (!is) return NULL;
  napi_typedarray_type type;
  size_t len;
  void *p;
  napi_get_typedarray_info(env, v, &type, &len, &p, NULL, NULL);
  return type == napi_int32_array && len == n ? (const int32_t *)p : NULL;
}

static napi_value fail(napi_env env, const char *fn, const char *what) {
  char msg[160];
  snprintf(msg, sizeof msg, "rnnkit_native.%s: %s", fn, what);
  napi_throw_error(env, NULL, msg);
  return NULL;
}

/* Reads exactly `count` arguments of `fn` into a[], the first `nints` also as int32 into n[]; throws if the count differs. */
static int get_args(napi_env env, napi_callback_info info, const char *fn, size_t count, napi_value *a, int nints, int32_t *n) {
  size_t argc = count;
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  if (argc != count) {
    char msg[64];
    snprintf(msg, sizeof msg, "expected %zu arguments", count);
    fail(env, fn, msg);
    return 0;
  }
  for (int i = 0; i < nints; i++) napi_get_value_int32(env, a[i], &n[i]);
  return 1;
}

/* Reads `count` Float32Array arguments a[first..]; 0 when one is something else. */
static int get_arrays(napi_env env, napi_value *a, int first, int count, float **data, size_t *len) {
  for (int i = 0; i < count; i++)
    if (!get_f32(env, a[first + i], &data[i], &len[i])) return 0;
  return 1;
}

/* Whether array i is present with at least `need` values (or absent and not needed). */
static int fits(float *const *data, const size_t *len, int i, size_t need) {
  return need == 0 || (data[i] && len[i] >= need);
}

/*
 * Two jobs when the caller allows threads, the work has at least `min_rows` rows and enough multiply-adds
 * (about 0.1 ms) to amortise starting a thread (tens of µs, far more when the other core is busy).
 */
static int worker_count(int threads, int rows, int min_rows, double macs) {
  return threads > 1 && rows >= min_rows && macs > 8e6 ? 2 : 1;
}

/* ---- recurrent sequences ---- */
enum { FX, FWIH, FWHH, FBIH, FBHH, FHS, FCS, FCACHE, FY, F_ARRAYS };

/*
 * forward(cell, gates, cacheBlocks, B, T, I, H, reverse, threads, x, wIh, wHh, bIh, bHh, lengths, hs, cs, cache, y).
 * With cache (training) hs, cs hold every state [(T+1)·B·H], row 0 the initial one; without (inference)
 * they hold the state [B·H], updated in place. y [B·T·H] must be zero.
 */
static napi_value forward(napi_env env, napi_callback_info info) {
  napi_value a[19];
  int32_t n[9];
  if (!get_args(env, info, "forward", 19, a, 9, n)) return NULL;
  const int cell = n[0], G = n[1], CB = n[2], B = n[3], T = n[4], I = n[5], H = n[6], reverse = n[7], threads = n[8];
  float *d[F_ARRAYS];
  size_t len[F_ARRAYS];
  if (!get_arrays(env, a, 9, 5, d, len) || !get_arrays(env, a, 15, 4, d + FHS, len + FHS))
    return fail(env, "forward", "arrays must be Float32Array");
  if (!cell_layout_ok(cell, G, CB)) return fail(env, "forward", "gates and cacheBlocks do not match the cell");
  const int32_t *lengths = get_i32(env, a[14], (size_t)(B > 0 ? B : 0));
  napi_valuetype cache_type;
  napi_typeof(env, a[17], &cache_type);
  const int training = cache_type != napi_null && cache_type != napi_undefined; /* an RNN's cache is empty but present */
  const size_t GH = (size_t)G * H, BH = (size_t)B * H, states = training ? (size_t)(T + 1) * BH : BH;
  if (B <= 0 || T <= 0 || I <= 0 || H <= 0 || !lengths || !fits(d, len, FX, (size_t)B * T * I) || !fits(d, len, FWIH, GH * I) ||
      !fits(d, len, FWHH, GH * H) || !fits(d, len, FBIH, GH) || !fits(d, len, FBHH, GH) || !fits(d, len, FHS, states) ||
      !fits(d, len, FCS, cell == CELL_LSTM ? states : 0) || !fits(d, len, FY, (size_t)B * T * H) ||
      (training && !fits(d, len, FCACHE, (size_t)T * B * CB * H)))
    return fail(env, "forward", "array sizes do not match the shapes");
  float *wihP = pack_panels(d[FWIH], (int)GH, I, I, 1), *whhP = pack_panels(d[FWHH], (int)GH, H, H, 1);
  if (!wihP || !whhP) { free(wihP); free(whhP); return fail(env, "forward", "out of memory"); }
  const int workers = worker_count(threads, B, 2, (double)B * T * GH * (I + H));
  ForwardJob jobs[2];
  for (int w = 0; w < workers; w++) {
    jobs[w] = (ForwardJob){cell, G, CB, B, T, I, H, reverse, training, B * w / workers, B * (w + 1) / workers,
                           d[FX], wihP, whhP, d[FBIH], d[FBHH], lengths,
                           d[FHS], cell == CELL_LSTM ? d[FCS] : NULL, training ? d[FCACHE] : NULL, d[FY], 0};
  }
  run_workers(run_forward, &jobs[0], workers == 2 ? &jobs[1] : NULL);
  free(wihP);
  free(whhP);
  if (jobs[0].failed || (workers == 2 && jobs[1].failed)) return fail(env, "forward", "out of memory");
  return NULL;
}

enum { BHS, BCS, BCACHE, BDY, BWHH, BDH, BDC, BDXG, BDHG, BNORMS, BDBIH, BDBHH, B_ARRAYS };

/*
 * backward(cell, gates, cacheBlocks, B, T, H, reverse, threads, hs, cs, cache, dy, lengths, wHh, dh, dc,
 *          dxg, dhg, norms, dbIh, dbHh): the counterpart of a training forward. dh, dc: in dL/d(final
 * state), out dL/d(initial state). Writes dxg [B·T·G·H], dhg [T·B·G·H] (processing order), norms [T]
 * (||dL/dh_t|| over the batch) and adds the bias gradients to dbIh, dbHh.
 */
static napi_value backward(napi_env env, napi_callback_info info) {
  napi_value a[21];
  int32_t n[8];
  if (!get_args(env, info, "backward", 21, a, 8, n)) return NULL;
  const int cell = n[0], G = n[1], CB = n[2], B = n[3], T = n[4], H = n[5], reverse = n[6], threads = n[7];
  float *d[B_ARRAYS];
  size_t len[B_ARRAYS];
  if (!get_arrays(env, a, 8, 4, d, len) || !get_arrays(env, a, 13, 8, d + BWHH, len + BWHH))
    return fail(env, "backward", "arrays must be Float32Array");
  if (!cell_layout_ok(cell, G, CB)) return fail(env, "backward", "gates and cacheBlocks do not match the cell");
  const int32_t *lengths = get_i32(env, a[12], (size_t)(B > 0 ? B : 0));
  const int lstm = cell == CELL_LSTM;
  const size_t GH = (size_t)G * H, BH = (size_t)B * H, states = (size_t)(T + 1) * BH;
  if (B <= 0 || T <= 0 || H <= 0 || !lengths || !fits(d, len, BHS, states) || !fits(d, len, BCS, lstm ? states : 0) ||
      !fits(d, len, BCACHE, (size_t)T * B * CB * H) || (d[BDY] && len[BDY] < (size_t)B * T * H) || !fits(d, len, BWHH, GH * H) ||
      !fits(d, len, BDH, BH) || !fits(d, len, BDC, lstm ? BH : 0) || !fits(d, len, BDXG, (size_t)B * T * GH) ||
      !fits(d, len, BDHG, (size_t)T * B * GH) || !fits(d, len, BNORMS, (size_t)T) || !fits(d, len, BDBIH, GH) || !fits(d, len, BDBHH, GH))
    return fail(env, "backward", "array sizes do not match the shapes");
  /* dL/dh_{t-1} += dhg·W_hh: the packed operand is W_hhᵀ, element (n, k) = W_hh[k·H + n]. */
  float *whhP = pack_panels(d[BWHH], H, (int)GH, 1, H);
  const int workers = worker_count(threads, B, 2, (double)B * T * GH * H);
  double *sq = calloc((size_t)workers * T, sizeof(double));
  float *bias = calloc((size_t)workers * 2 * GH, sizeof(float)); /* per job: dbIh, dbHh parts */
  if (!whhP || !sq || !bias) { free(whhP); free(sq); free(bias); return fail(env, "backward", "out of memory"); }
  BackwardJob jobs[2];
  for (int w = 0; w < workers; w++) {
    float *part = bias + (size_t)w * 2 * GH;
    jobs[w] = (BackwardJob){cell, G, CB, B, T, H, reverse, B * w / workers, B * (w + 1) / workers,
                            d[BHS], lstm ? d[BCS] : NULL, d[BCACHE], d[BDY], whhP, lengths,
                            d[BDH], lstm ? d[BDC] : NULL, d[BDXG], d[BDHG], sq + (size_t)w * T, part, part + GH, 0};
  }
  run_workers(run_backward, &jobs[0], workers == 2 ? &jobs[1] : NULL);
  free(whhP);
  const int failed = jobs[0].failed || (workers == 2 && jobs[1].failed);
  /* The jobs' partial sums are combined in job order, the same on every run. */
  for (int t = 0; t < T && !failed; t++) d[BNORMS][t] = (float)sqrt(workers == 2 ? sq[t] + sq[T + t] : sq[t]);
  for (int w = 0; w < workers && !failed; w++)
    for (size_t k = 0; k < GH; k++) {
      d[BDBIH][k] += bias[(size_t)w * 2 * GH + k];
      d[BDBHH][k] += bias[(size_t)w * 2 * GH + GH + k];
    }
  free(sq);
  free(bias);
  return failed ? fail(env, "backward", "out of memory") : NULL;
}

/* ---- matrix products ---- */
typedef struct {
  int N, K, m0, m1;
  const float *A;
  long ars, acs;
  const float *Wp;
  float *C;
  int ldc, failed;
} GemmJob;

static void *run_gemm(void *arg) {
  GemmJob *j = (GemmJob *)arg;
  if (j->m1 > j->m0 && !gemm_rows(j->N, j->K, j->A, j->ars, j->acs, j->Wp, j->C, j->ldc, j->m0, j->m1)) j->failed = 1;
  return NULL;
}

/* Whether every index off + (rows-1)·rs + (cols-1)·cs lies inside an array of len values (strides ≥ 0). */
static int inside(size_t len, int64_t off, int rows, int64_t rs, int cols, int64_t cs) {
  if (off < 0 || rs < 0 || cs < 0) return 0;
  return off + (int64_t)(rows - 1) * rs + (int64_t)(cols - 1) * cs < (int64_t)len;
}

/*
 * C[M x N] (row stride ldc) += op(A)·Wᵀ, W packed: two threads take disjoint rows of C when the product is
 * big enough to amortise starting one (split at a 6-row tile); each sums over k in the same fixed order.
 * Returns 0 when out of memory.
 */
static int product(int M, int N, int K, int threads, const float *A, long ars, long acs, const float *Wp, float *C, int ldc) {
  const int workers = worker_count(threads, M, 12, (double)M * N * K);
  const int mid = workers == 2 ? (M / 2 + 5) / 6 * 6 : M;
  GemmJob jobs[2];
  for (int w = 0; w < workers; w++) jobs[w] = (GemmJob){N, K, w ? mid : 0, w ? M : mid, A, ars, acs, Wp, C, ldc, 0};
  run_workers(run_gemm, &jobs[0], workers == 2 ? &jobs[1] : NULL);
  return !jobs[0].failed && !(workers == 2 && jobs[1].failed);
}

/* C[M x N] += op(A)·op(B), op(B)[k,j] = B[j·bns + k·bks] packed whole. Returns 0 when out of memory. */
static int strided_product(int M, int N, int K, int threads, const float *A, long ars, long acs, const float *B, long bns, long bks, float *C, int ldc) {
  float *Wp = pack_panels(B, N, K, bns, bks);
  const int ok = Wp && product(M, N, K, threads, A, ars, acs, Wp, C, ldc);
  free(Wp);
  return ok;
}

/*
 * The same for few rows and many columns (e.g. a dense head's dW): packing the wide op(B) would cost more
 * than the arithmetic, so Cᵀ = op(B)ᵀ·op(A)ᵀ is formed in a scratch buffer with the small op(A) packed,
 * then added to C.
 */
static int transposed_product(int M, int N, int K, int threads, const float *A, long ars, long acs, const float *B, long bns, long bks, float *C, int ldc) {
  float *Ct = calloc((size_t)N * M, sizeof(float));
  const int ok = Ct && strided_product(N, M, K, threads, B, bns, bks, A, ars, acs, Ct, M);
  if (ok)
    for (int i = 0; i < M; i++)
      for (int j = 0; j < N; j++) C[(size_t)i * ldc + j] += Ct[(size_t)j * M + i];
  free(Ct);
  return ok;
}

/*
 * gemm(M, N, K, threads, aOff, ars, acs, bOff, bns, bks, cOff, ldc, A, B, C):
 * C[cOff + i·ldc + j] += Σ_k A[aOff + i·ars + k·acs] · B[bOff + j·bns + k·bks].
 */
static napi_value gemm(napi_env env, napi_callback_info info) {
  napi_value a[15];
  int32_t n[12];
  if (!get_args(env, info, "gemm", 15, a, 12, n)) return NULL;
  const int M = n[0], N = n[1], K = n[2], threads = n[3];
  float *d[3];
  size_t len[3];
  if (!get_arrays(env, a, 12, 3, d, len) || !d[0] || !d[1] || !d[2]) return fail(env, "gemm", "arrays must be Float32Array");
  if (M < 0 || N < 0 || K < 0) return fail(env, "gemm", "sizes must not be negative");
  if (M == 0 || N == 0 || K == 0) return NULL;
  if (!inside(len[0], n[4], M, n[5], K, n[6]) || !inside(len[1], n[7], N, n[8], K, n[9]) || n[11] < N || !inside(len[2], n[10], M, n[11], N, 1))
    return fail(env, "gemm", "offsets and strides reach outside the arrays");
  const int ok = M < PANEL && N > 2 * M ? transposed_product(M, N, K, threads, d[0] + n[4], n[5], n[6], d[1] + n[7], n[8], n[9], d[2] + n[10], n[11])
                                       : strided_product(M, N, K, threads, d[0] + n[4], n[5], n[6], d[1] + n[7], n[8], n[9], d[2] + n[10], n[11]);
  return ok ? NULL : fail(env, "gemm", "out of memory");
}

/* linear(M, N, K, threads, x, w, b, y): y[M x N] = x[M x K]·wᵀ + b, w [N x K] as torch.nn.Linear. */
static napi_value linear(napi_env env, napi_callback_info info) {
  napi_value a[8];
  int32_t n[4];
  if (!get_args(env, info, "linear", 8, a, 4, n)) return NULL;
  const int M = n[0], N = n[1], K = n[2], threads = n[3];
  float *d[4];
  size_t len[4];
  if (!get_arrays(env, a, 4, 4, d, len)) return fail(env, "linear", "arrays must be Float32Array");
  if (M < 0 || N <= 0 || K <= 0 || len[0] != (size_t)M * K || len[1] != (size_t)N * K || len[2] != (size_t)N || len[3] != (size_t)M * N)
    return fail(env, "linear", "array sizes do not match the shapes");
  for (int r = 0; r < M; r++) memcpy(d[3] + (size_t)r * N, d[2], sizeof(float) * N);
  float *wT = pack_panels(d[1], N, K, K, 1);
  const int ok = wT && product(M, N, K, threads, d[0], K, 1, wT, d[3], N);
  free(wT);
  return ok ? NULL : fail(env, "linear", "out of memory");
}

static napi_value supported(napi_env env, napi_callback_info info) {
  (void)info;
  __builtin_cpu_init();
  napi_value r;
  napi_get_boolean(env, __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"), &r);
  return r;
}

static napi_value init(napi_env env, napi_value exports) {
  const struct { const char *name; napi_callback fn; } fns[] = {
    {"forward", forward}, {"backward", backward}, {"gemm", gemm}, {"linear", linear}, {"supported", supported},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
