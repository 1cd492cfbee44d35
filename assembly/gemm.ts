// WebAssembly SIMD matrix kernel for rnnkit, compiled by AssemblyScript (npm run build:wasm).
// One routine serves every product the engine needs: C[M,N] += op(A)[M,K] · B[K,N], where
// op(A)[i,k] = A[i*rs + k*cs] (rs, cs in elements) and B, C are contiguous row-major f32.
// The host lays the operands out in linear memory (transposing B when needed) and calls it.

// @ts-ignore: decorator
@inline
function splatA(a: usize, i: i32, k: i32, rs: i32, cs: i32): v128 {
  return f32x4.splat(load<f32>(a + (<usize>(i * rs + k * cs) << 2)));
}

// Depth of one pass over K: a KC x N panel of B and the matching part of A stay in L2 cache
// while every tile of C is updated, instead of streaming all of K from memory per tile.
const KC = 512;

export function gemm(M: i32, N: i32, K: i32, a: usize, rs: i32, cs: i32, b: usize, c: usize): void {
  for (let k0 = 0; k0 < K; k0 += KC) gemmPanel(M, N, k0, min(K, k0 + KC), a, rs, cs, b, c);
}

/** C += op(A)[:, k0:k1] · B[k0:k1, :]. */
function gemmPanel(M: i32, N: i32, k0: i32, K: i32, a: usize, rs: i32, cs: i32, b: usize, c: usize): void {
  let i = 0;
  // 4 rows x 8 columns of C live in eight SIMD registers while k runs over all of K.
  for (; i + 4 <= M; i += 4) {
    const c0 = c + (<usize>(i * N) << 2);
    const c1 = c0 + (<usize>N << 2);
    const c2 = c1 + (<usize>N << 2);
    const c3 = c2 + (<usize>N << 2);
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      const o = <usize>j << 2;
      let r00 = v128.load(c0 + o), r01 = v128.load(c0 + o, 16);
      let r10 = v128.load(c1 + o), r11 = v128.load(c1 + o, 16);
      let r20 = v128.load(c2 + o), r21 = v128.load(c2 + o, 16);
      let r30 = v128.load(c3 + o), r31 = v128.load(c3 + o, 16);
      for (let k = k0; k < K; k++) {
        const bp = b + (<usize>(k * N + j) << 2);
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        const x0 = splatA(a, i, k, rs, cs);
        const x1 = splatA(a, i + 1, k, rs, cs);
        const x2 = splatA(a, i + 2, k, rs, cs);
        const x3 = splatA(a, i + 3, k, rs, cs);
        r00 = f32x4.add(r00, f32x4.mul(x0, b0)); r01 = f32x4.add(r01, f32x4.mul(x0, b1));
        r10 = f32x4.add(r10, f32x4.mul(x1, b0)); r11 = f32x4.add(r11, f32x4.mul(x1, b1));
        r20 = f32x4.add(r20, f32x4.mul(x2, b0)); r21 = f32x4.add(r21, f32x4.mul(x2, b1));
        r30 = f32x4.add(r30, f32x4.mul(x3, b0)); r31 = f32x4.add(r31, f32x4.mul(x3, b1));
      }
      v128.store(c0 + o, r00); v128.store(c0 + o, r01, 16);
      v128.store(c1 + o, r10); v128.store(c1 + o, r11, 16);
      v128.store(c2 + o, r20); v128.store(c2 + o, r21, 16);
      v128.store(c3 + o, r30); v128.store(c3 + o, r31, 16);
    }
    for (; j + 4 <= N; j += 4) {
      const o = <usize>j << 2;
      let r0 = v128.load(c0 + o), r1 = v128.load(c1 + o), r2 = v128.load(c2 + o), r3 = v128.load(c3 + o);
      for (let k = k0; k < K; k++) {
        const b0 = v128.load(b + (<usize>(k * N + j) << 2));
        r0 = f32x4.add(r0, f32x4.mul(splatA(a, i, k, rs, cs), b0));
        r1 = f32x4.add(r1, f32x4.mul(splatA(a, i + 1, k, rs, cs), b0));
        r2 = f32x4.add(r2, f32x4.mul(splatA(a, i + 2, k, rs, cs), b0));
        r3 = f32x4.add(r3, f32x4.mul(splatA(a, i + 3, k, rs, cs), b0));
      }
      v128.store(c0 + o, r0); v128.store(c1 + o, r1); v128.store(c2 + o, r2); v128.store(c3 + o, r3);
    }
    for (; j < N; j++) {
      for (let r = 0; r < 4; r++) {
        let s: f32 = 0;
        for (let k = k0; k < K; k++) {
          s += load<f32>(a + (<usize>((i + r) * rs + k * cs) << 2)) * load<f32>(b + (<usize>(k * N + j) << 2));
        }
        const p = c + (<usize>((i + r) * N + j) << 2);
        store<f32>(p, load<f32>(p) + s);
      }
    }
  }
  // Remaining rows, one at a time.
  for (; i < M; i++) {
    const ci = c + (<usize>(i * N) << 2);
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      const o = <usize>j << 2;
      let r0 = v128.load(ci + o), r1 = v128.load(ci + o, 16);
      for (let k = k0; k < K; k++) {
        const bp = b + (<usize>(k * N + j) << 2);
        const x = splatA(a, i, k, rs, cs);
        r0 = f32x4.add(r0, f32x4.mul(x, v128.load(bp)));
        r1 = f32x4.add(r1, f32x4.mul(x, v128.load(bp, 16)));
      }
      v128.store(ci + o, r0); v128.store(ci + o, r1, 16);
    }
    for (; j < N; j++) {
      let s: f32 = 0;
      for (let k = k0; k < K; k++) s += load<f32>(a + (<usize>(i * rs + k * cs) << 2)) * load<f32>(b + (<usize>(k * N + j) << 2));
      const p = ci + (<usize>j << 2);
      store<f32>(p, load<f32>(p) + s);
    }
  }
}
