/*
 * N-API entry points of rnnkit's native kernels (AVX2+FMA, AVX-512 products where the CPU has it): recurrent sequences forward (inference,
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
#include "isa.h"
#include "sequence.h"
#include "softmax.h"
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

/* One call's arguments: ints first, then typed arrays (Float32Array or null), then anything else. */
typedef struct {
  napi_value a[24];
  int32_t n[16];
  float *d[16];
  size_t len[16];
} Call;

/*
 * Reads a call of `fn` with `count` arguments: `nints` int32 into c->n, then `narrays` Float32Array (or
 * null) into c->d, c->len; throws and returns 0 when the count or a type is wrong.
 */
static int read_call(napi_env env, napi_callback_info info, const char *fn, size_t count, int nints, int narrays, Call *c) {
  if (!get_args(env, info, fn, count, c->a, nints, c->n)) return 0;
  if (get_arrays(env, c->a, nints, narrays, c->d, c->len)) return 1;
  fail(env, fn, "arrays must be Float32Array");
  return 0;
}

/* Whether array i is present with at least `need` values (or absent and not needed). */
static int fits(const Call *c, int i, size_t need) {
  return need == 0 || (c->d[i] && c->len[i] >= need);
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
 * Whether inference should split the hidden units over the two threads (run_forward_split) rather than the
 * batch rows: for fewer sequences than a register tile has rows, when a step has enough multiply-adds
 * (~1 µs) to hide the per-step wait and the call enough to hide waking the helper thread.
 */
static int split_pays(int B, int G, int I, int H, int T) {
  const double step = (double)B * G * H * (I + H);
  return B < 4 && H >= 32 && step >= 32768 && step * T >= 1e6;
}

/* Inference split by hidden units (run_forward_split); 0 when out of memory. */
static int forward_split(int cell, int G, int B, int T, int I, int H, int reverse, const Call *c, const int32_t *lengths) {
  const size_t BH = (size_t)B * H;
  SplitForward s = {cell, G, B, T, I, H, reverse, c->d[FX], lengths, cell == CELL_LSTM ? c->d[FCS] : NULL, c->d[FY],
                    malloc(sizeof(float) * 2 * BH)};
  atomic_init(&s.open.v, 0);
  atomic_init(&s.claimed.v, -1);
  atomic_init(&s.done.v, -1);
  const int ok = s.hbuf && pack_split_halves(&s, c->d[FWIH], c->d[FWHH], c->d[FBIH], c->d[FBHH]);
  if (ok) {
    memcpy(s.hbuf, c->d[FHS], sizeof(float) * BH);
    SplitJob jobs[2] = {{&s, 1}, {&s, 0}};
    /* Without a second thread the lead runs every half itself. */
    if (!run_concurrently(run_forward_split, &jobs[0], &jobs[1])) run_forward_split(&jobs[0]);
    memcpy(c->d[FHS], s.hbuf + (size_t)(T & 1) * BH, sizeof(float) * BH);
  }
  free_split_halves(&s);
  free(s.hbuf);
  return ok;
}

/*
 * forward(cell, gates, cacheBlocks, B, T, I, H, reverse, threads, x, wIh, wHh, bIh, bHh, hs, cs, cache, y, lengths).
 * With cache (training) hs, cs hold every state [(T+1)·B·H], row 0 the initial one; without (inference)
 * they hold the state [B·H], updated in place. y [B·T·H] must be zero.
 */
static napi_value forward(napi_env env, napi_callback_info info) {
  Call c;
  if (!read_call(env, info, "forward", 19, 9, F_ARRAYS, &c)) return NULL;
  const int cell = c.n[0], G = c.n[1], CB = c.n[2], B = c.n[3], T = c.n[4], I = c.n[5], H = c.n[6], reverse = c.n[7], threads = c.n[8];
  if (!cell_layout_ok(cell, G, CB)) return fail(env, "forward", "gates and cacheBlocks do not match the cell");
  const int32_t *lengths = get_i32(env, c.a[18], (size_t)(B > 0 ? B : 0));
  napi_valuetype cache_type;
  napi_typeof(env, c.a[16], &cache_type);
  const int training = cache_type != napi_null && cache_type != napi_undefined; /* an RNN's cache is empty but present */
  const size_t GH = (size_t)G * H, BH = (size_t)B * H, states = training ? (size_t)(T + 1) * BH : BH;
  if (B <= 0 || T <= 0 || I <= 0 || H <= 0 || !lengths || !fits(&c, FX, (size_t)B * T * I) || !fits(&c, FWIH, GH * I) ||
      !fits(&c, FWHH, GH * H) || !fits(&c, FBIH, GH) || !fits(&c, FBHH, GH) || !fits(&c, FHS, states) ||
      !fits(&c, FCS, cell == CELL_LSTM ? states : 0) || !fits(&c, FY, (size_t)B * T * H) ||
      (training && !fits(&c, FCACHE, (size_t)T * B * CB * H)))
    return fail(env, "forward", "array sizes do not match the shapes");
  /* The split's halves run the cells whose recurrent product is one per step (not the reset-before GRU). */
  if (!training && threads > 1 && cell != CELL_GRU_RESET_BEFORE && split_pays(B, G, I, H, T)) {
    return forward_split(cell, G, B, T, I, H, reverse, &c, lengths) ? NULL : fail(env, "forward", "out of memory");
  }
  /* The reset-before GRU multiplies W_hh's r, z rows by h and its n rows by r ⊙ h: two packed operands. */
  const int before = cell == CELL_GRU_RESET_BEFORE, recGH = before ? 2 * H : (int)GH;
  float *wihP = pack_panels(c.d[FWIH], (int)GH, I, I, 1), *whhP = pack_panels(c.d[FWHH], recGH, H, H, 1);
  float *whnP = before ? pack_panels(c.d[FWHH] + (size_t)recGH * H, H, H, H, 1) : NULL;
  if (!wihP || !whhP || (before && !whnP)) { free(wihP); free(whhP); free(whnP); return fail(env, "forward", "out of memory"); }
  const int workers = worker_count(threads, B, 2, (double)B * T * GH * (I + H));
  ForwardJob jobs[2];
  for (int w = 0; w < workers; w++) {
    jobs[w] = (ForwardJob){cell, G, CB, B, T, I, H, reverse, training, B * w / workers, B * (w + 1) / workers,
                           c.d[FX], wihP, whhP, c.d[FBIH], c.d[FBHH], lengths,
                           c.d[FHS], cell == CELL_LSTM ? c.d[FCS] : NULL, training ? c.d[FCACHE] : NULL, c.d[FY], 0, whnP};
  }
  run_workers(run_forward, &jobs[0], workers == 2 ? &jobs[1] : NULL);
  free(wihP);
  free(whhP);
  free(whnP);
  if (jobs[0].failed || (workers == 2 && jobs[1].failed)) return fail(env, "forward", "out of memory");
  return NULL;
}

enum { BHS, BCS, BCACHE, BDY, BWHH, BDH, BDC, BDXG, BDHG, BNORMS, BDBIH, BDBHH, B_ARRAYS };

/*
 * backward(cell, gates, cacheBlocks, B, T, H, reverse, threads, hs, cs, cache, dy, wHh, dh, dc, dxg, dhg,
 *          norms, dbIh, dbHh, lengths): the counterpart of a training forward. dh, dc: in dL/d(final
 * state), out dL/d(initial state). Writes dxg [B·T·G·H], dhg [T·B·G·H] (processing order), norms [T]
 * (||dL/dh_t|| over the batch) and adds the bias gradients to dbIh, dbHh.
 */
static napi_value backward(napi_env env, napi_callback_info info) {
  Call c;
  if (!read_call(env, info, "backward", 21, 8, B_ARRAYS, &c)) return NULL;
  const int cell = c.n[0], G = c.n[1], CB = c.n[2], B = c.n[3], T = c.n[4], H = c.n[5], reverse = c.n[6], threads = c.n[7];
  if (!cell_layout_ok(cell, G, CB)) return fail(env, "backward", "gates and cacheBlocks do not match the cell");
  const int32_t *lengths = get_i32(env, c.a[20], (size_t)(B > 0 ? B : 0));
  const int lstm = cell == CELL_LSTM;
  const size_t GH = (size_t)G * H, BH = (size_t)B * H, states = (size_t)(T + 1) * BH;
  if (B <= 0 || T <= 0 || H <= 0 || !lengths || !fits(&c, BHS, states) || !fits(&c, BCS, lstm ? states : 0) ||
      !fits(&c, BCACHE, (size_t)T * B * CB * H) || (c.d[BDY] && c.len[BDY] < (size_t)B * T * H) || !fits(&c, BWHH, GH * H) ||
      !fits(&c, BDH, BH) || !fits(&c, BDC, lstm ? BH : 0) || !fits(&c, BDXG, (size_t)B * T * GH) ||
      !fits(&c, BDHG, (size_t)T * B * GH) || !fits(&c, BNORMS, (size_t)T) || !fits(&c, BDBIH, GH) || !fits(&c, BDBHH, GH))
    return fail(env, "backward", "array sizes do not match the shapes");
  /*
   * dL/dh_{t-1} += dhg·W_hh: the packed operand is W_hhᵀ, element (n, k) = W_hh[k·H + n]. The reset-before
   * GRU's n rows are a separate operand (dL/d(r ⊙ h) = dhg_n·W_hn).
   */
  const int before = cell == CELL_GRU_RESET_BEFORE, recGH = before ? 2 * H : (int)GH;
  float *whhP = pack_panels(c.d[BWHH], H, recGH, 1, H);
  float *whnP = before ? pack_panels(c.d[BWHH] + (size_t)recGH * H, H, H, 1, H) : NULL;
  const int workers = worker_count(threads, B, 2, (double)B * T * GH * H);
  double *sq = calloc((size_t)workers * T, sizeof(double));
  float *bias = calloc((size_t)workers * 2 * GH, sizeof(float)); /* per job: dbIh, dbHh parts */
  if (!whhP || (before && !whnP) || !sq || !bias) { free(whhP); free(whnP); free(sq); free(bias); return fail(env, "backward", "out of memory"); }
  BackwardJob jobs[2];
  for (int w = 0; w < workers; w++) {
    float *part = bias + (size_t)w * 2 * GH;
    jobs[w] = (BackwardJob){cell, G, CB, B, T, H, reverse, B * w / workers, B * (w + 1) / workers,
                            c.d[BHS], lstm ? c.d[BCS] : NULL, c.d[BCACHE], c.d[BDY], whhP, lengths,
                            c.d[BDH], lstm ? c.d[BDC] : NULL, c.d[BDXG], c.d[BDHG], sq + (size_t)w * T, part, part + GH, 0, whnP};
  }
  run_workers(run_backward, &jobs[0], workers == 2 ? &jobs[1] : NULL);
  free(whhP);
  free(whnP);
  const int failed = jobs[0].failed || (workers == 2 && jobs[1].failed);
  /* The jobs' partial sums are combined in job order, the same on every run. */
  for (int t = 0; t < T && !failed; t++) c.d[BNORMS][t] = (float)sqrt(workers == 2 ? sq[t] + sq[T + t] : sq[t]);
  for (int w = 0; w < workers && !failed; w++)
    for (size_t k = 0; k < GH; k++) {
      c.d[BDBIH][k] += bias[(size_t)w * 2 * GH + k];
      c.d[BDBHH][k] += bias[(size_t)w * 2 * GH + GH + k];
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
  Call c;
  if (!read_call(env, info, "gemm", 15, 12, 3, &c)) return NULL;
  const int M = c.n[0], N = c.n[1], K = c.n[2], threads = c.n[3];
  if (!c.d[0] || !c.d[1] || !c.d[2]) return fail(env, "gemm", "arrays must be Float32Array");
  if (M < 0 || N < 0 || K < 0) return fail(env, "gemm", "sizes must not be negative");
  if (M == 0 || N == 0 || K == 0) return NULL;
  if (!inside(c.len[0], c.n[4], M, c.n[5], K, c.n[6]) || !inside(c.len[1], c.n[7], N, c.n[8], K, c.n[9]) || c.n[11] < N || !inside(c.len[2], c.n[10], M, c.n[11], N, 1))
    return fail(env, "gemm", "offsets and strides reach outside the arrays");
  const int ok = M < 16 && N > 2 * M ? transposed_product(M, N, K, threads, c.d[0] + c.n[4], c.n[5], c.n[6], c.d[1] + c.n[7], c.n[8], c.n[9], c.d[2] + c.n[10], c.n[11])
                                       : strided_product(M, N, K, threads, c.d[0] + c.n[4], c.n[5], c.n[6], c.d[1] + c.n[7], c.n[8], c.n[9], c.d[2] + c.n[10], c.n[11]);
  return ok ? NULL : fail(env, "gemm", "out of memory");
}

/* linear(M, N, K, threads, x, w, b, y): y[M x N] = x[M x K]·wᵀ + b, w [N x K] as torch.nn.Linear. */
static napi_value linear(napi_env env, napi_callback_info info) {
  Call c;
  if (!read_call(env, info, "linear", 8, 4, 4, &c)) return NULL;
  const int M = c.n[0], N = c.n[1], K = c.n[2], threads = c.n[3];
  if (M < 0 || N <= 0 || K <= 0 || c.len[0] != (size_t)M * K || c.len[1] != (size_t)N * K || c.len[2] != (size_t)N || c.len[3] != (size_t)M * N)
    return fail(env, "linear", "array sizes do not match the shapes");
  for (int r = 0; r < M; r++) memcpy(c.d[3] + (size_t)r * N, c.d[2], sizeof(float) * N);
  float *wT = pack_panels(c.d[1], N, K, K, 1);
  const int ok = wT && product(M, N, K, threads, c.d[0], K, 1, wT, c.d[3], N);
  free(wT);
  return ok ? NULL : fail(env, "linear", "out of memory");
}

/* softmax(R, C, x, y, logZ, scale): y = scale · softmax of each row of x, logZ its log-sum-exp. */
static napi_value softmax(napi_env env, napi_callback_info info) {
  Call c;
  if (!read_call(env, info, "softmax", 6, 2, 3, &c)) return NULL;
  const int R = c.n[0], C = c.n[1];
  double scale;
  if (napi_get_value_double(env, c.a[5], &scale) != napi_ok) return fail(env, "softmax", "scale must be a number");
  if (R < 0 || C <= 0 || c.len[0] != (size_t)R * C || c.len[1] != (size_t)R * C || c.len[2] != (size_t)R)
    return fail(env, "softmax", "array sizes do not match the shapes");
  softmax_rows(R, C, c.d[0], (float)scale, c.d[1], c.d[2]);
  return NULL;
}

static napi_value supported(napi_env env, napi_callback_info info) {
  (void)info;
  __builtin_cpu_init();
  napi_value r;
  napi_get_boolean(env, __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"), &r);
  return r;
}

/* "avx512" or "avx2": which kernels this process runs (RNNKIT_NATIVE_ISA=avx2 forces the AVX2 ones). */
static napi_value isa(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  napi_create_string_utf8(env, isa_name(), NAPI_AUTO_LENGTH, &r);
  return r;
}

static napi_value init(napi_env env, napi_value exports) {
  isa_avx512(); /* decide now, before any worker thread */
  const struct { const char *name; napi_callback fn; } fns[] = {
    {"forward", forward}, {"backward", backward}, {"gemm", gemm}, {"linear", linear}, {"supported", supported},
    {"isa", isa}, {"softmax", softmax},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
