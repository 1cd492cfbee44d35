// Fused forward pass of one recurrent direction over a whole batch of sequences:
// the input projection for all steps, then per step the recurrent product and the cell's
// pointwise math, with masking (a step at or past a sequence's length keeps its state and
// outputs zeros). Layouts match src/kernels/types.ts (ForwardBuffers) so every backward can
// use what this leaves behind. Pointers are byte offsets; sizes are in f32 elements.
import { gemm } from './gemm';
import { sigmoid4, tanh4 } from './math';

// Cell codes, gate counts (G) and cache widths (cacheBlocks) come from the host (src/layers/cells.ts).
export const RNN_TANH = 0;
export const RNN_RELU = 1;
export const LSTM = 2;
export const GRU = 3;
// Keras reset_after=False (ONNX linear_before_reset=0): n = tanh(xn + W_hn·(r ⊙ h) + b_hn), W_hn a second
// product per step. The host hands W_hh's r, z rows as whhT (forward; backward reads whh's first 2H rows)
// and W_hn apart (whnT); q and hgn ([B,H]) are scratch for r ⊙ h and W_hn·q + b_hn.
export const GRU_RESET_BEFORE = 4;

// @ts-ignore: decorator
@inline
function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

export function forward_sequence(
  cell: i32, G: i32, cacheBlocks: i32, B: i32, T: i32, I: i32, H: i32, reverse: i32,
  x: usize, wihT: usize, bih: usize, whhT: usize, bhh: usize, lengths: usize,
  xg: usize, hg: usize, hs: usize, cs: usize, cache: usize, y: usize, whnT: usize, q: usize, hgn: usize,
): void {
  const GH = G * H;
  const CW = cacheBlocks * H;
  const BH = B * H;
  const before = cell == GRU_RESET_BEFORE;
  const RG = before ? 2 * H : GH; // columns of hg's rows: the first recurrent product
  // xg[b,t,:] = b_ih + W_ih x[b,t]
  for (let r = 0; r < B * T; r++) memory.copy(at(xg, r * GH), bih, <usize>GH << 2);
  gemm(B * T, GH, I, x, I, 1, wihT, xg);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const prev = s * BH;
    const next = (s + 1) * BH;
    for (let b = 0; b < B; b++) memory.copy(at(hg, b * RG), bhh, <usize>RG << 2);
    gemm(B, RG, H, at(hs, prev), H, 1, whhT, hg);
    if (before) {
      for (let b = 0; b < B; b++) {
        resetState(H, at(xg, (b * T + t) * GH), at(hg, b * RG), at(hs, prev + b * H), at(q, b * H));
        memory.copy(at(hgn, b * H), at(bhh, RG), <usize>H << 2);
      }
      gemm(B, H, H, q, H, 1, whnT, hgn);
    }
    for (let b = 0; b < B; b++) {
      const hp = at(hs, prev + b * H);
      const hn = at(hs, next + b * H);
      if (t >= load<i32>(lengths + (<usize>b << 2))) {
        memory.copy(hn, hp, <usize>H << 2);
        if (cell == LSTM) memory.copy(at(cs, next + b * H), at(cs, prev + b * H), <usize>H << 2);
        continue;
      }
      const xr = at(xg, (b * T + t) * GH);
      const hr = at(hg, b * RG);
      const cr = at(cache, (s * B + b) * CW);
      if (cell == LSTM) lstmPointwise(H, xr, hr, at(cs, prev + b * H), at(cs, next + b * H), hn, cr);
      else if (cell == GRU || before) gruPointwise(H, xr, hr, before ? at(hgn, b * H) : hr + (<usize>(2 * H) << 2), hp, hn, cr, before);
      else rnnPointwise(H, xr, hr, hn, cell == RNN_RELU);
      memory.copy(at(y, (b * T + t) * H), hn, <usize>H << 2);
    }
  }
}

// Gate order i, f, g, o; cache i, f, g, o, tanh(c).
function lstmPointwise(H: i32, xr: usize, hr: usize, cp: usize, cn: usize, hn: usize, cr: usize): void {
  const HB = <usize>H << 2;
  for (let j: usize = 0; j < HB; j += 16) {
    const i = sigmoid4(f32x4.add(v128.load(xr + j), v128.load(hr + j)));
    const f = sigmoid4(f32x4.add(v128.load(xr + HB + j), v128.load(hr + HB + j)));
    const g = tanh4(f32x4.add(v128.load(xr + 2 * HB + j), v128.load(hr + 2 * HB + j)));
    const o = sigmoid4(f32x4.add(v128.load(xr + 3 * HB + j), v128.load(hr + 3 * HB + j)));
    const c = f32x4.add(f32x4.mul(f, v128.load(cp + j)), f32x4.mul(i, g));
    const tc = tanh4(c);
    v128.store(cn + j, c);
    v128.store(hn + j, f32x4.mul(o, tc));
    v128.store(cr + j, i);
    v128.store(cr + HB + j, f);
    v128.store(cr + 2 * HB + j, g);
    v128.store(cr + 3 * HB + j, o);
    v128.store(cr + 4 * HB + j, tc);
  }
}

// Gate order r, z, n; nr: the n row of the recurrent product. Default: the reset gate scales it
// (W_hn·h + b_hn); before: it already is W_hn·(r ⊙ h) + b_hn. Cache r, z, n, then nr (default) or r ⊙ h.
function gruPointwise(H: i32, xr: usize, hr: usize, nr: usize, hp: usize, hn: usize, cr: usize, before: bool): void {
  const HB = <usize>H << 2;
  const one = f32x4.splat(1.0);
  for (let j: usize = 0; j < HB; j += 16) {
    const r = sigmoid4(f32x4.add(v128.load(xr + j), v128.load(hr + j)));
    const z = sigmoid4(f32x4.add(v128.load(xr + HB + j), v128.load(hr + HB + j)));
    const hnPre = v128.load(nr + j);
    const h = v128.load(hp + j);
    const n = tanh4(f32x4.add(v128.load(xr + 2 * HB + j), before ? hnPre : f32x4.mul(r, hnPre)));
    v128.store(hn + j, f32x4.add(f32x4.mul(f32x4.sub(one, z), n), f32x4.mul(z, h)));
    v128.store(cr + j, r);
    v128.store(cr + HB + j, z);
    v128.store(cr + 2 * HB + j, n);
    v128.store(cr + 3 * HB + j, before ? f32x4.mul(r, h) : hnPre);
  }
}

// q = r ⊙ h_{t-1}, r from the r rows of xg and hg.
function resetState(H: i32, xr: usize, hr: usize, hp: usize, q: usize): void {
  const HB = <usize>H << 2;
  for (let j: usize = 0; j < HB; j += 16) {
    v128.store(q + j, f32x4.mul(sigmoid4(f32x4.add(v128.load(xr + j), v128.load(hr + j))), v128.load(hp + j)));
  }
}

function rnnPointwise(H: i32, xr: usize, hr: usize, hn: usize, relu: bool): void {
  const HB = <usize>H << 2;
  for (let j: usize = 0; j < HB; j += 16) {
    const a = f32x4.add(v128.load(xr + j), v128.load(hr + j));
    v128.store(hn + j, relu ? f32x4.max(a, f32x4.splat(0.0)) : tanh4(a));
  }
}

// Backward pass of one direction over the whole sequence, the counterpart of forward_sequence:
// per step (in reverse processing order) the cell's pointwise derivatives and dL/dh_{t-1} via
// W_hh. Writes dL/d(input pre-activations) [B,T,GH], dL/d(recurrent pre-activations) [T,B,GH]
// (processing order, for the dW_hh product done by the host), ||dL/dh_t|| per time step, and
// leaves dL/dh_0, dL/dc_0 in dh, dc. The bias gradients are summed on the way into dbih, dbhh.
// dxg, dhg, dbih and dbhh must be zeroed by the caller; dy may be 0.
export function backward_sequence(
  cell: i32, G: i32, cacheBlocks: i32, B: i32, T: i32, H: i32, reverse: i32,
  hs: usize, cs: usize, cache: usize, dy: usize, lengths: usize, whh: usize,
  dh: usize, dc: usize, dhPrev: usize, dxg: usize, dhg: usize, norms: usize, dbih: usize, dbhh: usize, dq: usize,
): void {
  const GH = G * H;
  const CW = cacheBlocks * H;
  const BH = B * H;
  const HB = <usize>H << 2;
  const before = cell == GRU_RESET_BEFORE;
  const RG = before ? 2 * H : GH; // rows of W_hh that multiply h_{t-1}
  let cur = dh;
  let other = dhPrev;
  for (let s = T - 1; s >= 0; s--) {
    const t = reverse ? T - 1 - s : s;
    const prev = s * BH;
    const next = (s + 1) * BH;
    let sq: f64 = 0;
    for (let b = 0; b < B; b++) {
      const d = at(cur, b * H);
      const dp = at(other, b * H);
      if (t >= load<i32>(lengths + (<usize>b << 2))) {
        memory.copy(dp, d, HB); // padded step: the state passed through, so does its gradient
        continue;
      }
      if (dy) {
        const yr = at(dy, (b * T + t) * H);
        for (let j: usize = 0; j < HB; j += 16) v128.store(d + j, f32x4.add(v128.load(d + j), v128.load(yr + j)));
      }
      for (let j: usize = 0; j < HB; j += 4) {
        const v = <f64>load<f32>(d + j);
        sq += v * v;
      }
      const xr = at(dxg, (b * T + t) * GH);
      const hr = at(dhg, (s * B + b) * GH);
      const cr = at(cache, (s * B + b) * CW);
      if (cell == LSTM) lstmBackward(H, cr, at(cs, prev + b * H), d, at(dc, b * H), xr, hr, dp);
      else if (cell == GRU || before) gruBackward(H, cr, at(hs, prev + b * H), d, xr, hr, dp, before);
      else rnnBackward(H, at(hs, next + b * H), d, xr, hr, dp, cell == RNN_RELU);
      if (before) continue; // the r rows and the bias sums follow in resetBackwardStep
      addRow(dbih, xr, GH);
      addRow(dbhh, hr, GH);
    }
    store<f32>(norms + (<usize>t << 2), <f32>Math.sqrt(sq));
    if (before) resetBackwardStep(B, T, H, s, t, hs, cache, lengths, whh, dxg, dhg, dbih, dbhh, dq, other);
    gemm(B, H, RG, at(dhg, s * B * GH), GH, 1, whh, other);
    const swap = cur;
    cur = other;
    other = swap;
  }
  if (cur != dh) memory.copy(dh, cur, <usize>BH << 2);
}

function addRow(acc: usize, row: usize, n: i32): void {
  const bytes = <usize>n << 2;
  for (let j: usize = 0; j < bytes; j += 16) v128.store(acc + j, f32x4.add(v128.load(acc + j), v128.load(row + j)));
}

function lstmBackward(H: i32, cr: usize, cp: usize, dhr: usize, dcr: usize, xr: usize, hr: usize, dp: usize): void {
  const HB = <usize>H << 2;
  const one = f32x4.splat(1.0);
  for (let j: usize = 0; j < HB; j += 16) {
    const i = v128.load(cr + j), f = v128.load(cr + HB + j), g = v128.load(cr + 2 * HB + j);
    const o = v128.load(cr + 3 * HB + j), tc = v128.load(cr + 4 * HB + j);
    const dh = v128.load(dhr + j);
    const dc = f32x4.add(v128.load(dcr + j), f32x4.mul(f32x4.mul(dh, o), f32x4.sub(one, f32x4.mul(tc, tc))));
    const di = f32x4.mul(f32x4.mul(dc, g), f32x4.mul(i, f32x4.sub(one, i)));
    const df = f32x4.mul(f32x4.mul(dc, v128.load(cp + j)), f32x4.mul(f, f32x4.sub(one, f)));
    const dg = f32x4.mul(f32x4.mul(dc, i), f32x4.sub(one, f32x4.mul(g, g)));
    const dO = f32x4.mul(f32x4.mul(dh, tc), f32x4.mul(o, f32x4.sub(one, o)));
    v128.store(dcr + j, f32x4.mul(dc, f));
    v128.store(xr + j, di); v128.store(xr + HB + j, df); v128.store(xr + 2 * HB + j, dg); v128.store(xr + 3 * HB + j, dO);
    v128.store(hr + j, di); v128.store(hr + HB + j, df); v128.store(hr + 2 * HB + j, dg); v128.store(hr + 3 * HB + j, dO);
    v128.store(dp + j, f32x4.splat(0.0));
  }
}

// before: the reset-before form; its r rows come from resetBackwardStep once dL/d(r ⊙ h) is known.
function gruBackward(H: i32, cr: usize, hp: usize, dhr: usize, xr: usize, hr: usize, dp: usize, before: bool): void {
  const HB = <usize>H << 2;
  const one = f32x4.splat(1.0);
  for (let j: usize = 0; j < HB; j += 16) {
    const r = v128.load(cr + j), z = v128.load(cr + HB + j), n = v128.load(cr + 2 * HB + j), hn = v128.load(cr + 3 * HB + j);
    const dh = v128.load(dhr + j);
    const dnPre = f32x4.mul(f32x4.mul(dh, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
    const dzPre = f32x4.mul(f32x4.mul(dh, f32x4.sub(v128.load(hp + j), n)), f32x4.mul(z, f32x4.sub(one, z)));
    if (!before) {
      const drPre = f32x4.mul(f32x4.mul(dnPre, hn), f32x4.mul(r, f32x4.sub(one, r)));
      v128.store(xr + j, drPre); v128.store(hr + j, drPre);
    }
    v128.store(xr + HB + j, dzPre); v128.store(xr + 2 * HB + j, dnPre);
    v128.store(hr + HB + j, dzPre); v128.store(hr + 2 * HB + j, before ? dnPre : f32x4.mul(dnPre, r));
    v128.store(dp + j, f32x4.mul(dh, z));
  }
}

// The reset-before GRU at step s: dq = dhg_n·W_hn (padded rows' dhg is zero), then per live sequence the
// reset gate's gradients, dL/dh_{t-1} += dq ⊙ r, and the bias sums.
function resetBackwardStep(
  B: i32, T: i32, H: i32, s: i32, t: i32, hs: usize, cache: usize, lengths: usize, whh: usize,
  dxg: usize, dhg: usize, dbih: usize, dbhh: usize, dq: usize, dhPrev: usize,
): void {
  const GH = 3 * H;
  const HB = <usize>H << 2;
  const one = f32x4.splat(1.0);
  memory.fill(dq, 0, <usize>(B * H) << 2);
  gemm(B, H, H, at(dhg, s * B * GH + 2 * H), GH, 1, at(whh, 2 * H * H), dq);
  for (let b = 0; b < B; b++) {
    if (t >= load<i32>(lengths + (<usize>b << 2))) continue;
    const cr = at(cache, (s * B + b) * 4 * H), hp = at(hs, s * B * H + b * H), d = at(dq, b * H), dp = at(dhPrev, b * H);
    const xr = at(dxg, (b * T + t) * GH), hr = at(dhg, (s * B + b) * GH);
    for (let j: usize = 0; j < HB; j += 16) {
      const r = v128.load(cr + j), dqv = v128.load(d + j);
      const drPre = f32x4.mul(f32x4.mul(dqv, v128.load(hp + j)), f32x4.mul(r, f32x4.sub(one, r)));
      v128.store(xr + j, drPre); v128.store(hr + j, drPre);
      v128.store(dp + j, f32x4.add(v128.load(dp + j), f32x4.mul(dqv, r)));
    }
    addRow(dbih, xr, GH);
    addRow(dbhh, hr, GH);
  }
}

function rnnBackward(H: i32, hn: usize, dhr: usize, xr: usize, hr: usize, dp: usize, relu: bool): void {
  const HB = <usize>H << 2;
  const one = f32x4.splat(1.0);
  const zero = f32x4.splat(0.0);
  for (let j: usize = 0; j < HB; j += 16) {
    const h = v128.load(hn + j);
    const slope = relu ? v128.and(f32x4.gt(h, zero), one) : f32x4.sub(one, f32x4.mul(h, h));
    const d = f32x4.mul(v128.load(dhr + j), slope);
    v128.store(xr + j, d);
    v128.store(hr + j, d);
    v128.store(dp + j, zero);
  }
}
