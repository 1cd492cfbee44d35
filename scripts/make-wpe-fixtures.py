#!/usr/bin/python3
"""Reference WPE dereverberation in numpy for test/fixtures/wpe/*.json.

Implements the recipe of src/audio/dereverb.ts independently, vectorised and in float64, from the
formulas of Nakatani et al. 2010 as nara_wpe writes them (wpe_v8 with one channel):
  STFT: sqrt-Hann periodic window of 256, hop 64, frames starting at -(256 - 64) over zero padding;
  per bin, taps x~_t = [x_{t-delay}, ..., x_{t-delay-K+1}] (zeros before the first frame);
  lambda_t = max(floor, |d_t|^2), floor = max(1e-20, 1e-4 * mean |x_t|^2 of the bin), d = x at first;
  R = sum_t x~_t x~_t^H / lambda_t + 1e-6 trace(R)/K I,  P = sum_t x~_t conj(x_t) / lambda_t,
  G = R^-1 P (numpy.linalg.solve),  d_t = x_t - G^H x~_t,  `iterations` times;
  iSTFT: weighted overlap-add, divided by the summed squared windows.
Four fixtures: `reverberant.json` (0.6 s of a speech-like 8 kHz signal convolved with a synthetic room
impulse response, RT60 0.6 s) and `dry.json` (the same signal without the room), with WPE's 8 kHz settings;
`reverberant-16k.json` and `dry-16k.json`, the same made at 16 kHz, with the speech front end's settings
(FRONT_END_WPE in mfcc.ts: 512/128, and only the lowest 161 bins, 0-5 kHz, filtered; the others pass unchanged). Each holds the
settings, the input and numpy's output as base64 of little-endian float32 (the input is float32
already; the output's rounding to float32 is ~6e-8 relative, far below the test's tolerance).
Run with Debian's python3-numpy: /usr/bin/python3 scripts/make-wpe-fixtures.py
"""
import base64
import json
import os

import numpy as np

SETTINGS = {'fftSize': 256, 'hop': 64, 'taps': 10, 'delay': 3, 'iterations': 2}
FRONT_END_SETTINGS = {'fftSize': 512, 'hop': 128, 'taps': 10, 'delay': 3, 'iterations': 2, 'bins': 161}


def lcg_uniform(n, seed):
    """Deterministic uniform noise in [-0.5, 0.5) (the same LCG as make-mfcc-fixtures.py)."""
    state = seed
    out = np.empty(n)
    for i in range(n):
        state = (state * 1103515245 + 12345) % 2**32
        out[i] = state / 2**32 - 0.5
    return out


def speech_like(SR, seconds=0.6):
    """Voiced 'syllables': harmonics of a gliding pitch (110-170 Hz) under two formant-like peaks,
    with a 4 Hz syllable envelope that falls to silence between syllables, plus faint noise."""
    n = int(seconds * SR)
    t = np.arange(n) / SR
    f0 = 140 + 30 * np.sin(2 * np.pi * 1.7 * t)
    phase = 2 * np.pi * np.cumsum(f0) / SR
    formant1 = 500 + 200 * np.sin(2 * np.pi * 2.3 * t)
    formant2 = 1500 + 400 * np.cos(2 * np.pi * 1.1 * t)
    voiced = np.zeros(n)
    for h in range(1, 30):
        fh = h * f0
        gain = np.exp(-((fh - formant1) / 250) ** 2) + 0.5 * np.exp(-((fh - formant2) / 350) ** 2) + 0.02
        voiced += gain * np.sin(h * phase) * (fh < SR / 2 - 200)
    envelope = np.maximum(0, np.sin(2 * np.pi * 4 * t)) ** 1.5
    x = envelope * voiced + 0.002 * lcg_uniform(n, 777)
    return x / np.max(np.abs(x)) * 0.5


def room_impulse_response(SR, rt60=0.6):
    """A direct path, then exponentially decaying noise (-60 dB at rt60) with 0 dB direct-to-reverberant ratio."""
    n = int(rt60 * SR)
    i = np.arange(n)
    tail = lcg_uniform(n, 4242) * 10 ** (-3 * i / n)
    tail[0] = 0
    tail /= np.sqrt(np.sum(tail**2))
    tail[0] = 1
    return tail


def window(n):
    return np.sqrt(0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n))


def stft(x, size, hop):
    pad = size - hop
    frames = -(-(len(x) + pad) // hop)
    padded = np.concatenate([np.zeros(pad), x, np.zeros(frames * hop + size)])
    idx = np.arange(frames)[:, None] * hop + np.arange(size)[None, :]
    return np.fft.rfft(padded[idx] * window(size), axis=1).T  # [bins, frames]


def istft(spec, length, size, hop):
    pad = size - hop
    frames = spec.shape[1]
    w = window(size)
    chunks = np.fft.irfft(spec.T, n=size, axis=1) * w
    total = frames * hop + size
    acc = np.zeros(total)
    norm = np.zeros(total)
    idx = np.arange(frames)[:, None] * hop + np.arange(size)[None, :]
    np.add.at(acc, idx, chunks)
    np.add.at(norm, idx, np.broadcast_to(w * w, chunks.shape))
    acc, norm = acc[pad: pad + length], norm[pad: pad + length]
    return np.where(norm > 1e-9, acc / np.where(norm > 1e-9, norm, 1), 0)


def delayed_taps(X, taps, delay):
    """[bins, frames, taps]: entry k of frame t is X[:, t - delay - k], zero before the first frame."""
    F, T = X.shape
    padded = np.concatenate([np.zeros((F, delay + taps - 1), complex), X], axis=1)
    return np.stack([padded[:, taps - 1 - k: taps - 1 - k + T] for k in range(taps)], axis=2)


def wpe(X, taps, delay, iterations):
    Xt = delayed_taps(X, taps, delay)
    floor = np.maximum(1e-20, 1e-4 * np.mean(np.abs(X) ** 2, axis=1, keepdims=True))
    D = X.copy()
    for _ in range(iterations):
        inv_power = 1 / np.maximum(floor, np.abs(D) ** 2)
        R = np.einsum('ftk,ftl,ft->fkl', Xt, Xt.conj(), inv_power)
        P = np.einsum('ftk,ft,ft->fk', Xt, X.conj(), inv_power)
        load = 1e-6 * np.trace(R, axis1=1, axis2=2).real / taps
        R = R + load[:, None, None] * np.eye(taps)
        G = np.linalg.solve(R, P[:, :, None])[:, :, 0]
        D = X - np.einsum('fk,ftk->ft', G.conj(), Xt)
    return D


def dereverberate(x, s):
    X = stft(x.astype(np.float64), s['fftSize'], s['hop'])
    bins = s.get('bins', X.shape[0])
    D = np.concatenate([wpe(X[:bins], s['taps'], s['delay'], s['iterations']), X[bins:]])
    return istft(D, len(x), s['fftSize'], s['hop'])


def f32_base64(v):
    return base64.b64encode(np.asarray(v, dtype='<f4').tobytes()).decode('ascii')


if __name__ == '__main__':
    folder = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'wpe')
    os.makedirs(folder, exist_ok=True)
    for SR, settings, suffix in ((8000, SETTINGS, ''), (16000, FRONT_END_SETTINGS, '-16k')):
        dry = speech_like(SR).astype(np.float32)
        reverberant = np.convolve(dry.astype(np.float64), room_impulse_response(SR))[: len(dry)]
        reverberant = (reverberant / np.max(np.abs(reverberant)) * 0.5).astype(np.float32)
        for name, signal in (('reverberant', reverberant), ('dry', dry)):
            out = dereverberate(signal, settings)
            path = os.path.join(folder, name + suffix + '.json')
            with open(path + '.tmp', 'w') as f:
                json.dump({'sampleRate': SR, 'settings': settings, 'length': len(signal),
                           'input': f32_base64(signal), 'output': f32_base64(out)}, f)
            os.replace(path + '.tmp', path)
            print('wrote', path, len(signal), 'samples, output peak %.4f' % np.max(np.abs(out)))
