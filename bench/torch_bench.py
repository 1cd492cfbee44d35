#!/usr/bin/python3
"""PyTorch CPU figures for the `npm run bench` workloads (2 threads). Prints one JSON object per line.

Usage: /usr/bin/python3 bench/torch_bench.py STEPS WORKLOAD_JSON...   (called by bench/run.ts)
"""
import json
import statistics
import sys
import time

import torch

torch.set_num_threads(2)
torch.manual_seed(0)
steps = int(sys.argv[1])
for spec in sys.argv[2:]:
    w = json.loads(spec)
    cls = torch.nn.LSTM if w['cell'] == 'lstm' else torch.nn.GRU
    rnn = cls(w['input'], w['hidden'], batch_first=True)
    head = torch.nn.Linear(w['hidden'], w['classes'])
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    x = torch.rand(w['batch'], w['time'], w['input']) * 2 - 1
    labels = torch.arange(w['batch'] * w['time']) * 7 % w['classes']
    times = []
    for i in range(steps + 3):
        t0 = time.perf_counter()
        if w['mode'] == 'train':
            opt.zero_grad()
            y, _ = rnn(x)
            loss = torch.nn.functional.cross_entropy(head(y).reshape(-1, w['classes']), labels)
            loss.backward()
            opt.step()
        else:
            with torch.no_grad():
                head(rnn(x)[0])
        ms = (time.perf_counter() - t0) * 1000
        if i >= 3:
            times.append(ms)
    print(json.dumps({'workload': w['id'], 'msPerStep': statistics.median(times), 'steps': steps}), flush=True)
