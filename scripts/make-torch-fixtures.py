#!/usr/bin/python3
"""Regenerates test/fixtures/torch/*.json: reference outputs and gradients from PyTorch.

Run with Debian's interpreter, which has python3-torch:  /usr/bin/python3 scripts/make-torch-fixtures.py
Everything is float64 and seeded, so reruns give the same values; not always the same bytes: torch may sum
in another order (threads), moving a value by ~1e-16, far inside every test's tolerance. npm test only reads them.
"""
import json
import os

import torch

torch.manual_seed(1234)
torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'torch')
os.makedirs(OUT, exist_ok=True)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def write(name, payload):
    path = os.path.join(OUT, name + '.json')
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(payload, f)
    os.replace(tmp, path)
    print('wrote', path)


def recurrent_case(kind, bidirectional, num_layers=2, input_size=3, hidden=4, batch=4, time=6,
                   lengths=(6, 4, 1, 5), nonlinearity='tanh'):
    cls = {'rnn': torch.nn.RNN, 'lstm': torch.nn.LSTM, 'gru': torch.nn.GRU}[kind]
    kwargs = dict(input_size=input_size, hidden_size=hidden, num_layers=num_layers,
                  batch_first=True, bidirectional=bidirectional)
    if kind == 'rnn':
        kwargs['nonlinearity'] = nonlinearity
    net = cls(**kwargs)
    D = 2 if bidirectional else 1
    x = torch.randn(batch, time, input_size, requires_grad=True)
    h0 = torch.randn(num_layers * D, batch, hidden, requires_grad=True)
    c0 = torch.randn(num_layers * D, batch, hidden, requires_grad=True) if kind == 'lstm' else None
    packed = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), batch_first=True,
                                                     enforce_sorted=False)
    out_packed, state = net(packed, (h0, c0) if kind == 'lstm' else h0)
    out, _ = torch.nn.utils.rnn.pad_packed_sequence(out_packed, batch_first=True, total_length=time)
    h_n, c_n = state if kind == 'lstm' else (state, None)
    # A loss that touches every output and every final state with random weights.
    R = torch.randn_like(out)
    S = torch.randn_like(h_n)
    loss = (out * R).sum() + (h_n * S).sum()
    Sc = None
    if kind == 'lstm':
        Sc = torch.randn_like(c_n)
        loss = loss + (c_n * Sc).sum()
    loss.backward()
    name = f"{kind}{'-' + nonlinearity if kind == 'rnn' else ''}-{'bi' if bidirectional else 'uni'}-{num_layers}layer"
    payload = {
        'case': dict(type=kind, activation=nonlinearity, bidirectional=bidirectional, numLayers=num_layers,
                     inputSize=input_size, hiddenSize=hidden, batch=batch, time=time, lengths=list(lengths)),
        'params': {n: flat(p) for n, p in net.named_parameters()},
        'grads': {n: flat(p.grad) for n, p in net.named_parameters()},
        'input': flat(x), 'inputGrad': flat(x.grad),
        'h0': flat(h0), 'h0Grad': flat(h0.grad),
        'output': flat(out), 'hN': flat(h_n), 'outputWeights': flat(R), 'hNWeights': flat(S),
        'loss': float(loss),
    }
    if kind == 'lstm':
        payload.update({'c0': flat(c0), 'c0Grad': flat(c0.grad), 'cN': flat(c_n), 'cNWeights': flat(Sc)})
    write(name, payload)


def optimizer_case():
    """A few steps of each optimizer on fixed gradients, to pin the update rules."""
    p0 = torch.randn(7)
    grads = [torch.randn(7) for _ in range(5)]
    configs = {
        'sgd': (torch.optim.SGD, dict(lr=0.1, momentum=0.9)),
        'sgd-nesterov': (torch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
        'adam': (torch.optim.Adam, dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8)),
        'adam-wd': (torch.optim.Adam, dict(lr=0.01, weight_decay=0.1)),
        'rmsprop': (torch.optim.RMSprop, dict(lr=0.01, alpha=0.99, eps=1e-8)),
        'rmsprop-momentum': (torch.optim.RMSprop, dict(lr=0.01, alpha=0.9, momentum=0.5)),
    }
    result = {'initial': flat(p0), 'grads': [flat(g) for g in grads], 'runs': {}}
    for name, (cls, kw) in configs.items():
        p = torch.nn.Parameter(p0.clone())
        opt = cls([p], **kw)
        steps = []
        for g in grads:
            p.grad = g.clone()
            opt.step()
            steps.append(flat(p))
        result['runs'][name] = {'options': {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()},
                                'steps': steps}
    write('optimizers', result)


def loss_case():
    """Cross-entropy and MSE values and gradients on random logits."""
    logits = torch.randn(3, 4, 5, requires_grad=True)
    labels = torch.randint(0, 5, (3, 4))
    ce = torch.nn.functional.cross_entropy(logits.reshape(-1, 5), labels.reshape(-1))
    ce.backward()
    pred = torch.randn(3, 4, 2, requires_grad=True)
    target = torch.randn(3, 4, 2)
    m = torch.nn.functional.mse_loss(pred, target)
    m.backward()
    write('losses', {'logits': flat(logits), 'labels': labels.reshape(-1).tolist(), 'ce': float(ce),
                     'ceGrad': flat(logits.grad), 'pred': flat(pred), 'target': flat(target), 'mse': float(m),
                     'mseGrad': flat(pred.grad)})


def ctc_case():
    """CTC loss (blank 0) with ragged input and label lengths, including repeated labels."""
    B, T, C = 3, 12, 6
    logits = torch.randn(B, T, C, requires_grad=True)
    labels = [[1, 2, 2, 3], [4, 4], [5, 1, 3, 1, 2]]
    input_lengths = [12, 7, 10]
    flat_targets = torch.tensor([v for seq in labels for v in seq])
    loss = torch.nn.functional.ctc_loss(logits.log_softmax(-1).transpose(0, 1), flat_targets, torch.tensor(input_lengths),
                                        torch.tensor([len(x) for x in labels]), blank=0, reduction='sum') / B
    loss.backward()
    write('ctc', {'logits': flat(logits), 'batch': B, 'time': T, 'classes': C, 'labels': labels,
                  'inputLengths': input_lengths, 'loss': float(loss), 'grad': flat(logits.grad)})


def conv1d_case(name, kernel_size, dilation, padding, activation, in_channels=3, filters=4, batch=2, time=9):
    """torch.nn.Conv1d over [batch, channels, time]; 'causal' is padding 0 after a left pad of dilation*(k-1).
    Arrays are written batch-first [batch, time, channels] as rnnkit lays them out."""
    conv = torch.nn.Conv1d(in_channels, filters, kernel_size, dilation=dilation,
                           padding='same' if padding == 'same' else 0)
    x = torch.randn(batch, time, in_channels, requires_grad=True)
    xc = x.transpose(1, 2)
    if padding == 'causal':
        xc = torch.nn.functional.pad(xc, (dilation * (kernel_size - 1), 0))
    act = {'linear': lambda v: v, 'relu': torch.relu, 'tanh': torch.tanh}[activation]
    out = act(conv(xc)).transpose(1, 2)
    R = torch.randn_like(out)
    loss = (out * R).sum()
    loss.backward()
    write(name, {
        'case': dict(filters=filters, kernelSize=kernel_size, dilation=dilation, padding=padding, activation=activation,
                     inputSize=in_channels, batch=batch, time=time),
        'weight': flat(conv.weight), 'bias': flat(conv.bias),
        'weightGrad': flat(conv.weight.grad), 'biasGrad': flat(conv.bias.grad),
        'input': flat(x), 'inputGrad': flat(x.grad), 'output': flat(out), 'outputWeights': flat(R),
    })


if __name__ == '__main__':
    for kind in ('rnn', 'lstm', 'gru'):
        for bidirectional in (False, True):
            recurrent_case(kind, bidirectional)
    recurrent_case('rnn', True, nonlinearity='relu')
    recurrent_case('lstm', False, num_layers=1, lengths=(6, 6, 6, 6))
    optimizer_case()
    loss_case()
    ctc_case()
    # New cases go last: the seeded generator then leaves every earlier fixture as it was.
    conv1d_case('conv1d-same-dilated', 3, 2, 'same', 'linear')
    conv1d_case('conv1d-same-even-tanh', 4, 1, 'same', 'tanh')
    conv1d_case('conv1d-causal-relu', 3, 2, 'causal', 'relu')
