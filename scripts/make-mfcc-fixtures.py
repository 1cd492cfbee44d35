#!/usr/bin/python3
"""Reference MFCCs in numpy for test/fixtures/mfcc/reference.json.

Implements the same recipe as src/audio/mfcc.ts + Meyda independently, in float64:
Hamming window (200 samples at 8 kHz) -> zero-pad to 256 -> |rfft| -> power -> Meyda's 26-band mel bank
(bins floor((N+1) f / sr), Nyquist bin unused) -> log(1 + energy) -> DCT-II with scale 2 -> 13 coefficients.
Run with Debian's python3-numpy: /usr/bin/python3 scripts/make-mfcc-fixtures.py
"""
import json
import os

import numpy as np

SR, WIN, HOP, NFFT, BANDS, NCOEF, SCALE = 8000, 200, 80, 256, 26, 13, 32768.0


def test_signal():
    """0.5 s: a rising chirp, a steady 300 Hz tone and deterministic noise, stored as float32."""
    t = np.arange(SR // 2) / SR
    chirp = 0.4 * np.sin(2 * np.pi * (200 * t + 1500 * t * t))
    tone = 0.2 * np.sin(2 * np.pi * 300 * t)
    state = 12345
    noise = np.empty(SR // 2)
    for i in range(SR // 2):
        state = (state * 1103515245 + 12345) % 2**32
        noise[i] = state / 2**32 - 0.5
    return (chirp + tone + 0.05 * noise).astype(np.float32)


def mel(f):
    return 1125 * np.log(1 + f / 700)


def mel_to_hz(m):
    return 700 * (np.exp(m / 1125) - 1)


def filter_bank():
    mels = np.arange(BANDS + 2) * (mel(SR / 2) - mel(0)) / (BANDS + 1)
    bins = np.floor((NFFT + 1) * mel_to_hz(mels) / SR).astype(int)
    bank = np.zeros((BANDS, NFFT // 2 + 1))
    for j in range(BANDS):
        for i in range(bins[j], bins[j + 1]):
            bank[j, i] = (i - bins[j]) / (bins[j + 1] - bins[j])
        for i in range(bins[j + 1], bins[j + 2]):
            bank[j, i] = (bins[j + 2] - i) / (bins[j + 2] - bins[j + 1])
    return bank


def mfcc(signal):
    window = 0.54 - 0.46 * np.cos(2 * np.pi * np.arange(WIN) / (WIN - 1))
    bank = filter_bank()[:, : NFFT // 2]
    n = np.arange(BANDS)
    dct = 2 * np.cos(np.pi / BANDS * (n[None, :] + 0.5) * np.arange(BANDS)[:, None])
    frames = 1 + (len(signal) - WIN) // HOP
    out = []
    for f in range(frames):
        buf = np.zeros(NFFT)
        buf[:WIN] = signal[f * HOP: f * HOP + WIN].astype(np.float64) * window * SCALE
        power = np.abs(np.fft.rfft(buf))[: NFFT // 2] ** 2
        logmel = np.log(bank @ power + 1)
        out.append((dct @ logmel)[:NCOEF])
    return np.array(out)


if __name__ == '__main__':
    sig = test_signal()
    ref = mfcc(sig)
    path = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'mfcc', 'reference.json')
    with open(path + '.tmp', 'w') as f:
        json.dump({'signal': sig.tolist(), 'frames': ref.shape[0], 'mfcc': ref.reshape(-1).tolist()}, f)
    os.replace(path + '.tmp', path)
    print('wrote', path, ref.shape)
