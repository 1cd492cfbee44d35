/*
 * Native inference kernel for rnnkit: one direction of an RNN/LSTM/GRU layer over a whole
 * batch of sequences, with AVX2+FMA GEMMs and vectorised gate math. The batch is split between
 * two threads (sequences are independent, so no per-step synchronisation is needed).
 * Semantics match src/layers/recurrent-direction.ts: PyTorch weight layouts and gate orders,
 * padded steps keep the state and leave the output at zero, the reverse direction starts at
 * each sequence's own last step.
 */
#include <immintrin.h>
#include <math.h>
#include <node_api.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CELL_RNN_TANH = 0, CELL_RNN_RELU = 1, CELL_LSTM = 2, CELL_GRU = 3 };

/* ---- vectorised tanh / sigmoid (absolute error < 3e-7) ---- */
/* 1/d by the approximate reciprocal plus one Newton step (~23 bits; a division costs several times more). */
static inline __m256 recip256(__m256 d) {
  const __m256 r = _mm256_rcp_ps(d);
  return _mm256_mul_ps(r, _mm256_fnmadd_ps(d, r, _mm256_set1_ps(2.0f)));
}
/* Eigen's float tanh: an odd 13/6 rational fit on [-8, 8] (tanh is ±1 in float beyond), cheaper than exp. */
static inline __m256 tanh256(__m256 x) {
  const __m256 lim = _mm256_set1_ps(7.99881172180175781f);
  x = _mm256_min_ps(_mm256_max_ps(x, _mm256_sub_ps(_mm256_setzero_ps(), lim)), lim);
  const __m256 x2 = _mm256_mul_ps(x, x);
  __m256 p = _mm256_fmadd_ps(x2, _mm256_set1_ps(-2.76076847742355e-16f), _mm256_set1_ps(2.00018790482477e-13f));
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(-8.60467152213735e-11f));
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(5.12229709037114e-08f));
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(1.48572235717979e-05f));
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(6.37261928875436e-04f));
  p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(4.89352455891786e-03f));
  p = _mm256_mul_ps(p, x);
  __m256 q = _mm256_fmadd_ps(x2, _mm256_set1_ps(1.19825839466702e-06f), _mm256_set1_ps(1.18534705686654e-04f));
  q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(2.26843463243900e-03f));
  q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(4.89352518554385e-03f));
  return _mm256_mul_ps(p, recip256(q));
}
/* sigmoid(x) = (1 + tanh(x/2)) / 2 */
static inline __m256 sigmoid256(__m256 x) {
  const __m256 half = _mm256_set1_ps(0.5f);
  return _mm256_fmadd_ps(half, tanh256(_mm256_mul_ps(half, x)), half);
}
static inline float sigmoidf_(float v) { return 1.0f / (1.0f + expf(-v)); }

/*
 * Packed right operand: W [N x K] row-major (PyTorch layout) stored as panels of 16 columns of
 * W^T, [ceil(N/16)][K][16], so that every k-step of a kernel reads 64 contiguous bytes.
 * Columns past N in the last panel are zero.
 */
#define PANEL 16
static float *pack_panels(const float *w, int N, int K) {
  const int panels = (N + PANEL - 1) / PANEL;
  float *p = aligned_alloc(32, sizeof(float) * (size_t)panels * K * PANEL);
  if (!p) return NULL;
  memset(p, 0, sizeof(float) * (size_t)panels * K * PANEL);
  for (int n = 0; n < N; n++) {
    float *col = p + (size_t)(n / PANEL) * K * PANEL + (n % PANEL);
    const float *row = w + (size_t)n * K;
    for (int k = 0; k < K; k++) col[(size_t)k * PANEL] = row[k];
  }
  return p;
}

/*
 * R rows x one 16-column panel: 2R accumulators (R = 6 leaves 3 of the 16 ymm registers free).
 * The r-loops are unrolled explicitly: left rolled, gcc keeps acc[][] in memory and stores all
 * twelve accumulators at every k, which halves the kernel's speed.
 */
static inline __attribute__((always_inline)) void panel_rows(const int R, int N, int K, const float *a, int lda, const float *b, float *C, int ldc, int n0) {
  __m256 acc[6][2];
#pragma GCC unroll 6
  for (int r = 0; r < R; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
  for (int k = 0; k < K; k++) {
    const __m256 b0 = _mm256_load_ps(b + (size_t)k * PANEL);
    const __m256 b1 = _mm256_load_ps(b + (size_t)k * PANEL + 8);
#pragma GCC unroll 6
    for (int r = 0; r < R; r++) {
      const __m256 av = _mm256_broadcast_ss(a + (size_t)r * lda + k);
      acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
    }
  }
  const int w = N - n0 < PANEL ? N - n0 : PANEL;
#pragma GCC unroll 6
  for (int r = 0; r < R; r++) {
    float *c = C + (size_t)r * ldc + n0;
    if (w == PANEL) {
      _mm256_storeu_ps(c, _mm256_add_ps(_mm256_loadu_ps(c), acc[r][0]));
      _mm256_storeu_ps(c + 8, _mm256_add_ps(_mm256_loadu_ps(c + 8), acc[r][1]));
    } else {
      float tmp[PANEL];
      _mm256_storeu_ps(tmp, acc[r][0]);
      _mm256_storeu_ps(tmp + 8, acc[r][1]);
      for (int j = 0; j < w; j++) c[j] += tmp[j];
    }
  }
}

/* C[M x N] (row stride ldc) += A[M x K] (row stride lda) · W^T, W packed by pack_panels. */
static void gemm_acc(int M, int N, int K, const float *A, int lda, const float *Wp, float *C, int ldc) {
  const int panels = (N + PANEL - 1) / PANEL;
  int m = 0;
  for (; m + 6 <= M; m += 6)
    for (int p = 0; p < panels; p++)
      panel_rows(6, N, K, A + (size_t)m * lda, lda, Wp + (size_t)p * K * PANEL, C + (size_t)m * ldc, ldc, p * PANEL);
  for (; m + 4 <= M; m += 4)
    for (int p = 0; p < panels; p++)
      panel_rows(4, N, K, A + (size_t)m * lda, lda, Wp + (size_t)p * K * PANEL, C + (size_t)m * ldc, ldc, p * PANEL);
  for (; m < M; m++) {
    /* One row (batch 1 is a matrix-vector product): two panels at a time, 4 accumulators. */
    const float *a = A + (size_t)m * lda;
    for (int p = 0; p < panels; p += 2) {
      const int two = p + 1 < panels;
      const float *b = Wp + (size_t)p * K * PANEL;
      const float *b2 = two ? b + (size_t)K * PANEL : b;
      __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
      for (int k = 0; k < K; k++) {
        const __m256 av = _mm256_broadcast_ss(a + k);
        s0 = _mm256_fmadd_ps(av, _mm256_load_ps(b + (size_t)k * PANEL), s0);
        s1 = _mm256_fmadd_ps(av, _mm256_load_ps(b + (size_t)k * PANEL + 8), s1);
        s2 = _mm256_fmadd_ps(av, _mm256_load_ps(b2 + (size_t)k * PANEL), s2);
        s3 = _mm256_fmadd_ps(av, _mm256_load_ps(b2 + (size_t)k * PANEL + 8), s3);
      }
      float tmp[2 * PANEL];
      _mm256_storeu_ps(tmp, s0); _mm256_storeu_ps(tmp + 8, s1); _mm256_storeu_ps(tmp + 16, s2); _mm256_storeu_ps(tmp + 24, s3);
      const int n0 = p * PANEL, w = N - n0 < (two ? 2 * PANEL : PANEL) ? N - n0 : (two ? 2 * PANEL : PANEL);
      float *c = C + (size_t)m * ldc + n0;
      for (int j = 0; j < w; j++) c[j] += tmp[j];
    }
  }
}

/* ---- gate math for one sequence at one step: hg holds W_hh·h + b_hh, xg holds W_ih·x + b_ih ---- */
static void step_cell(int cell, int H, const float *xg, const float *hg, float *h, float *c, float *y) {
  int j = 0;
  if (cell == CELL_LSTM) {
    for (; j + 8 <= H; j += 8) {
      const __m256 i = sigmoid256(_mm256_add_ps(_mm256_loadu_ps(xg + j), _mm256_loadu_ps(hg + j)));
      const __m256 f = sigmoid256(_mm256_add_ps(_mm256_loadu_ps(xg + H + j), _mm256_loadu_ps(hg + H + j)));
      const __m256 g = tanh256(_mm256_add_ps(_mm256_loadu_ps(xg + 2 * H + j), _mm256_loadu_ps(hg + 2 * H + j)));
      const __m256 o = sigmoid256(_mm256_add_ps(_mm256_loadu_ps(xg + 3 * H + j), _mm256_loadu_ps(hg + 3 * H + j)));
      const __m256 cn = _mm256_fmadd_ps(f, _mm256_loadu_ps(c + j), _mm256_mul_ps(i, g));
      const __m256 hn = _mm256_mul_ps(o, tanh256(cn));
      _mm256_storeu_ps(c + j, cn); _mm256_storeu_ps(h + j, hn); _mm256_storeu_ps(y + j, hn);
    }
    for (; j < H; j++) {
      const float i = sigmoidf_(xg[j] + hg[j]), f = sigmoidf_(xg[H + j] + hg[H + j]);
      const float g = tanhf(xg[2 * H + j] + hg[2 * H + j]), o = sigmoidf_(xg[3 * H + j] + hg[3 * H + j]);
      c[j] = f * c[j] + i * g; h[j] = y[j] = o * tanhf(c[j]);
    }
  } else if (cell == CELL_GRU) {
    for (; j + 8 <= H; j += 8) {
      const __m256 r = sigmoid256(_mm256_add_ps(_mm256_loadu_ps(xg + j), _mm256_loadu_ps(hg + j)));
      const __m256 z = sigmoid256(_mm256_add_ps(_mm256_loadu_ps(xg + H + j), _mm256_loadu_ps(hg + H + j)));
      const __m256 n = tanh256(_mm256_fmadd_ps(r, _mm256_loadu_ps(hg + 2 * H + j), _mm256_loadu_ps(xg + 2 * H + j)));
      const __m256 hp = _mm256_loadu_ps(h + j);
      const __m256 hn = _mm256_fmadd_ps(z, _mm256_sub_ps(hp, n), n); /* (1-z)·n + z·h */
      _mm256_storeu_ps(h + j, hn); _mm256_storeu_ps(y + j, hn);
    }
    for (; j < H; j++) {
      const float r = sigmoidf_(xg[j] + hg[j]), z = sigmoidf_(xg[H + j] + hg[H + j]);
      const float n = tanhf(xg[2 * H + j] + r * hg[2 * H + j]);
      h[j] = y[j] = (1 - z) * n + z * h[j];
    }
  } else {
    for (; j + 8 <= H; j += 8) {
      const __m256 a = _mm256_add_ps(_mm256_loadu_ps(xg + j), _mm256_loadu_ps(hg + j));
      const __m256 hn = cell == CELL_RNN_RELU ? _mm256_max_ps(a, _mm256_setzero_ps()) : tanh256(a);
      _mm256_storeu_ps(h + j, hn); _mm256_storeu_ps(y + j, hn);
    }
    for (; j < H; j++) {
      const float a = xg[j] + hg[j];
      h[j] = y[j] = cell == CELL_RNN_RELU ? (a > 0 ? a : 0) : tanhf(a);
    }
  }
}

typedef struct {
  int cell, B, T, I, H, G, reverse, b0, b1;
  const float *x, *wihT, *whhT, *bih, *bhh;
  const int32_t *lengths;
  float *h, *c, *y;
  int failed;
} Job;

/* rows × width buffer whose rows all start as a copy of `bias`. */
static void fill_rows(float *dst, int rows, int width, const float *bias) {
  for (int r = 0; r < rows; r++) memcpy(dst + (size_t)r * width, bias, sizeof(float) * width);
}

/*
 * Runs sequences b0..b1-1 through all steps. The input projection is done step by step (not for
 * all steps up front) so that its buffer stays in L1 instead of streaming megabytes through L3.
 */
static void *run_job(void *arg) {
  Job *j = (Job *)arg;
  const int nb = j->b1 - j->b0, T = j->T, I = j->I, H = j->H, GH = j->G * j->H;
  if (nb <= 0) return NULL;
  float *xg = malloc(sizeof(float) * (size_t)nb * GH);
  float *hg = malloc(sizeof(float) * (size_t)nb * GH);
  if (!xg || !hg) { free(xg); free(hg); j->failed = 1; return NULL; }
  const float *x = j->x + (size_t)j->b0 * T * I;
  float *h = j->h + (size_t)j->b0 * H;
  float *c = j->c ? j->c + (size_t)j->b0 * H : NULL;
  for (int s = 0; s < T; s++) {
    const int t = j->reverse ? T - 1 - s : s;
    fill_rows(xg, nb, GH, j->bih);
    fill_rows(hg, nb, GH, j->bhh);
    gemm_acc(nb, GH, I, x + (size_t)t * I, T * I, j->wihT, xg, GH);
    gemm_acc(nb, GH, H, h, H, j->whhT, hg, GH);
    for (int b = 0; b < nb; b++) {
      if (t >= j->lengths[j->b0 + b]) continue; /* padded: state kept, output stays zero */
      step_cell(j->cell, H, xg + (size_t)b * GH, hg + (size_t)b * GH, h + (size_t)b * H,
                c ? c + (size_t)b * H : NULL, j->y + ((size_t)(j->b0 + b) * T + t) * H);
    }
  }
  free(xg);
  free(hg);
  return NULL;
}

typedef struct {
  int N, K, r0, r1;
  const float *x, *wT, *bias;
  float *y;
} LinearJob;

/* Rows r0..r1-1 of y = x·Wᵀ + b. */
static void *run_linear(void *arg) {
  LinearJob *j = (LinearJob *)arg;
  const int rows = j->r1 - j->r0;
  if (rows <= 0) return NULL;
  float *y = j->y + (size_t)j->r0 * j->N;
  fill_rows(y, rows, j->N, j->bias);
  gemm_acc(rows, j->N, j->K, j->x + (size_t)j->r0 * j->K, j->K, j->wT, y, j->N);
  return NULL;
}

/* Runs fn on one job, or on two with the second on its own thread (here, when none can be started). */
static void run_workers(void *(*fn)(void *), void *first, void *second) {
  if (!second) { fn(first); return; }
  pthread_t thread;
  const int spawned = pthread_create(&thread, NULL, fn, second) == 0;
  fn(first);
  if (spawned) pthread_join(thread, NULL);
  else fn(second);
}

/* ---- N-API glue ---- */
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

static napi_value fail(napi_env env, const char *msg) {
  napi_throw_error(env, NULL, msg);
  return NULL;
}

/* Reads exactly `count` arguments of `fn` into a[], the first `nints` also as int32 into n[]; throws if the count differs. */
static int get_args(napi_env env, napi_callback_info info, const char *fn, size_t count, napi_value *a, int nints, int32_t *n) {
  size_t argc = count;
  napi_get_cb_info(env, info, &argc, a, NULL, NULL);
  if (argc != count) {
    char msg[96];
    snprintf(msg, sizeof msg, "rnnkit_native.%s: expected %zu arguments", fn, count);
    napi_throw_error(env, NULL, msg);
    return 0;
  }
  for (int i = 0; i < nints; i++) napi_get_value_int32(env, a[i], &n[i]);
  return 1;
}

/* forward(cell, B, T, I, H, reverse, threads, x, wIh, wHh, bIh, bHh, lengths, h, c, y) */
static napi_value forward(napi_env env, napi_callback_info info) {
  napi_value a[16];
  int32_t n[7];
  if (!get_args(env, info, "forward", 16, a, 7, n)) return NULL;
  const int cell = n[0], B = n[1], T = n[2], I = n[3], H = n[4], reverse = n[5], threads = n[6];
  const int G = cell == CELL_LSTM ? 4 : cell == CELL_GRU ? 3 : 1;
  float *x, *wih, *whh, *bih, *bhh, *h, *c, *y;
  size_t lx, lwih, lwhh, lbih, lbhh, lh, lc, ly;
  if (!get_f32(env, a[7], &x, &lx) || !get_f32(env, a[8], &wih, &lwih) || !get_f32(env, a[9], &whh, &lwhh) ||
      !get_f32(env, a[10], &bih, &lbih) || !get_f32(env, a[11], &bhh, &lbhh) || !get_f32(env, a[13], &h, &lh) ||
      !get_f32(env, a[14], &c, &lc) || !get_f32(env, a[15], &y, &ly))
    return fail(env, "rnnkit_native.forward: arrays must be Float32Array");
  bool is;
  napi_is_typedarray(env, a[12], &is);
  if (!is) return fail(env, "rnnkit_native.forward: lengths must be an Int32Array");
  napi_typedarray_type lt;
  size_t ll;
  void *lp;
  napi_get_typedarray_info(env, a[12], &lt, &ll, &lp, NULL, NULL);
  const size_t GH = (size_t)G * H;
  if (lt != napi_int32_array || ll != (size_t)B || lx != (size_t)B * T * I || lwih != GH * I || lwhh != GH * H ||
      lbih != GH || lbhh != GH || lh != (size_t)B * H || ly != (size_t)B * T * H || (cell == CELL_LSTM && lc != (size_t)B * H))
    return fail(env, "rnnkit_native.forward: array sizes do not match the shapes");
  float *wihT = pack_panels(wih, (int)GH, I), *whhT = pack_panels(whh, (int)GH, H);
  if (!wihT || !whhT) { free(wihT); free(whhT); return fail(env, "rnnkit_native.forward: out of memory"); }
  const int workers = threads > 1 && B > 1 ? 2 : 1;
  Job jobs[2];
  for (int w = 0; w < workers; w++) {
    jobs[w] = (Job){cell, B, T, I, H, G, reverse, B * w / workers, B * (w + 1) / workers,
                    x, wihT, whhT, bih, bhh, (const int32_t *)lp, h, cell == CELL_LSTM ? c : NULL, y, 0};
  }
  run_workers(run_job, &jobs[0], workers == 2 ? &jobs[1] : NULL);
  free(wihT);
  free(whhT);
  if (jobs[0].failed || (workers == 2 && jobs[1].failed)) return fail(env, "rnnkit_native.forward: out of memory");
  return NULL;
}

/* linear(M, N, K, threads, x, w, b, y): y[M x N] = x[M x K]·wᵀ + b, w [N x K] as torch.nn.Linear. */
static napi_value linear(napi_env env, napi_callback_info info) {
  napi_value a[8];
  int32_t n[4];
  if (!get_args(env, info, "linear", 8, a, 4, n)) return NULL;
  const int M = n[0], N = n[1], K = n[2], threads = n[3];
  float *x, *w, *b, *y;
  size_t lx, lw, lb, ly;
  if (!get_f32(env, a[4], &x, &lx) || !get_f32(env, a[5], &w, &lw) || !get_f32(env, a[6], &b, &lb) || !get_f32(env, a[7], &y, &ly))
    return fail(env, "rnnkit_native.linear: arrays must be Float32Array");
  if (M < 0 || N <= 0 || K <= 0 || lx != (size_t)M * K || lw != (size_t)N * K || lb != (size_t)N || ly != (size_t)M * N)
    return fail(env, "rnnkit_native.linear: array sizes do not match the shapes");
  float *wT = pack_panels(w, N, K);
  if (!wT) return fail(env, "rnnkit_native.linear: out of memory");
  /* A second thread pays only for a product big enough to amortise starting it. */
  const int workers = threads > 1 && (double)M * N * K > 1e6 ? 2 : 1;
  LinearJob jobs[2];
  for (int i = 0; i < workers; i++) jobs[i] = (LinearJob){N, K, M * i / workers, M * (i + 1) / workers, x, wT, b, y};
  run_workers(run_linear, &jobs[0], workers == 2 ? &jobs[1] : NULL);
  free(wT);
  return NULL;
}

static napi_value supported(napi_env env, napi_callback_info info) {
  (void)info;
  __builtin_cpu_init();
  napi_value r;
  napi_get_boolean(env, __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"), &r);
  return r;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value f;
  napi_create_function(env, "forward", NAPI_AUTO_LENGTH, forward, NULL, &f);
  napi_set_named_property(env, exports, "forward", f);
  napi_create_function(env, "linear", NAPI_AUTO_LENGTH, linear, NULL, &f);
  napi_set_named_property(env, exports, "linear", f);
  napi_create_function(env, "supported", NAPI_AUTO_LENGTH, supported, NULL, &f);
  napi_set_named_property(env, exports, "supported", f);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
