#!/usr/bin/python3
"""PyTorch CPU figures for `npm run bench` (called by bench/run.ts). Prints one JSON object.

  /usr/bin/python3 bench/torch_bench.py env THREADS
      how this torch is built and set up (version, threads, BLAS/LAPACK, MKL, OpenMP)
  /usr/bin/python3 bench/torch_bench.py STEPS MAX_SECONDS THREADS WORKLOAD_JSON
      ms per step of one workload, timed like bench/measure.ts (the same warm-up and time cap)
"""
import ctypes
import json
import os
import re
import sys
import time

import torch

WARMUP_STEPS = 3  # as bench/measure.ts
MIN_STEPS = 3


def environment(threads):
    torch.set_num_threads(threads)
    torch.ones(64, 64) @ torch.ones(64, 64)  # let BLAS load
    config = torch.__config__.show()
    settings = dict(re.findall(r'(\w+)=([^,\s]*)', config.split('Build settings:')[-1]))
    parallel = torch.__config__.parallel_info()
    libs = set()
    with open('/proc/self/maps') as maps:
        for line in maps:
            path = line.split()[-1]
            if re.search(r'blas|mkl|lapack', path.rsplit('/', 1)[-1]):
                libs.add(path)
    features = [line.strip('- ').strip() for line in config.splitlines() if line.startswith('  - ')]
    openblas = next((ctypes.CDLL(p) for p in sorted(libs) if 'openblas' in p.rsplit('/', 1)[-1]), None)
    return {
        'version': torch.__version__,
        'threads': torch.get_num_threads(),
        'interopThreads': torch.get_num_interop_threads(),
        'blas': settings.get('BLAS_INFO'),
        'lapack': settings.get('LAPACK_INFO'),
        'mkl': 'MKL not found' not in parallel,
        'openmp': settings.get('USE_OPENMP'),
        'mkldnn': settings.get('USE_MKLDNN'),
        'parallelBackend': (re.search(r'ATen parallel backend: (.*)', parallel) or [None, None])[1],
        'loadedLibraries': sorted(libs),
        # OpenBLAS keeps its own thread pool beside torch's OpenMP one; both spin, which hurts on a busy machine.
        'openblasThreads': openblas.openblas_get_num_threads() if openblas else None,
        'threadEnv': {k: os.environ[k] for k in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS', 'OMP_WAIT_POLICY') if k in os.environ},
        'build': [f for f in features if not f.startswith(('GCC', 'C++', 'Build settings'))],
    }


def measure(w, steps, max_seconds):
    torch.manual_seed(0)
    cls = torch.nn.LSTM if w['cell'] == 'lstm' else torch.nn.GRU
    rnn = cls(w['input'], w['hidden'], batch_first=True)
    head = torch.nn.Linear(w['hidden'], w['classes'])
    opt = torch.optim.Adam(list(rnn.parameters()) + list(head.parameters()), lr=1e-3)
    x = torch.rand(w['batch'], w['time'], w['input']) * 2 - 1
    labels = torch.arange(w['batch'] * w['time']) * 7 % w['classes']

    def step():
        t0 = time.perf_counter()
        if w['mode'] == 'train':
            opt.zero_grad()
            y, _ = rnn(x)
            torch.nn.functional.cross_entropy(head(y).reshape(-1, w['classes']), labels).backward()
            opt.step()
        else:
            with torch.no_grad():
                head(rnn(x)[0])
        return (time.perf_counter() - t0) * 1000

    budget = max_seconds * 1000
    warm = 0.0
    for _ in range(WARMUP_STEPS):
        if warm >= budget / 4:
            break
        warm += step()
    times = []
    while len(times) < steps and (len(times) < MIN_STEPS or sum(times) < budget):
        times.append(step())
    return times


if sys.argv[1] == 'env':
    print(json.dumps(environment(int(sys.argv[2]))), flush=True)
else:
    steps, max_seconds, threads, spec = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4])
    torch.set_num_threads(threads)
    print(json.dumps({'impl': 'pytorch', 'workload': spec['id'], 'times': measure(spec, steps, max_seconds)}), flush=True)
