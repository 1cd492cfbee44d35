#!/usr/bin/python3
"""Regenerates test/fixtures/torch-onnx/: ONNX files exported by PyTorch plus reference outputs.

Run with Debian's interpreter (python3-torch): /usr/bin/python3 scripts/make-torch-onnx-fixtures.py
The tests import each .onnx into rnnkit and compare with the outputs PyTorch computed.
"""
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'torch-onnx')
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(7)


class Tagger(torch.nn.Module):
    """Recurrent stack + per-step linear head, batch-first, as users typically write it."""

    def __init__(self, kind, input_size, hidden, layers, bidirectional, classes):
        super().__init__()
        cls = {'lstm': torch.nn.LSTM, 'gru': torch.nn.GRU, 'rnn': torch.nn.RNN}[kind]
        self.rnn = cls(input_size, hidden, num_layers=layers, batch_first=True, bidirectional=bidirectional)
        self.head = torch.nn.Linear(hidden * (2 if bidirectional else 1), classes)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(y)


CASES = [
    ('lstm-bi-2layer', dict(kind='lstm', input_size=5, hidden=8, layers=2, bidirectional=True, classes=4)),
    ('gru-uni-2layer', dict(kind='gru', input_size=5, hidden=8, layers=2, bidirectional=False, classes=4)),
    ('rnn-bi-1layer', dict(kind='rnn', input_size=5, hidden=8, layers=1, bidirectional=True, classes=3)),
]

def export_with_reference(name, net, kw):
    """Exports a float32 net traced at [2, 6, in] and writes PyTorch's outputs at [3, 11, in] beside it."""
    trace_x = torch.randn(2, 6, kw['input_size'])
    path = os.path.join(OUT, name + '.onnx')
    torch.onnx.export(net, trace_x, path + '.tmp', input_names=['x'], output_names=['y'], opset_version=17,
                      dynamic_axes={'x': {0: 'batch', 1: 'time'}, 'y': {0: 'batch', 1: 'time'}})
    os.replace(path + '.tmp', path)
    # Reference at a batch size and length different from the traced ones.
    x = torch.randn(3, 11, kw['input_size'])
    with torch.no_grad():
        y = net(x)
    with open(os.path.join(OUT, name + '.json'), 'w') as f:
        json.dump({'case': kw, 'input': x.reshape(-1).tolist(), 'shape': list(x.shape),
                   'output': y.reshape(-1).tolist(), 'outputShape': list(y.shape)}, f)
    print('wrote', path)


for name, kw in CASES:
    export_with_reference(name, Tagger(**kw).eval(), kw)


# Other floating-point types (issue #16): a float64 export, and a float16 one. PyTorch cannot trace a
# half-precision GRU/LSTM on the CPU, so the float16 file is the float32 export with its weights, input
# and output converted to FLOAT16 (what onnxconverter-common's float16 conversion does). The reference
# outputs are PyTorch's float32 forward with the same half-rounded weights, so the test checks the
# conversion of the weights, not float16 arithmetic.
import onnx  # noqa: E402  (python3-onnx; only needed for this part)
from onnx import numpy_helper  # noqa: E402

TYPED_CASES = [
    ('gru-float64', 'float64', dict(kind='gru', input_size=5, hidden=8, layers=1, bidirectional=False, classes=4)),
    ('lstm-float16', 'float16', dict(kind='lstm', input_size=5, hidden=8, layers=1, bidirectional=True, classes=3)),
]


def to_float16(model_proto):
    for init in model_proto.graph.initializer:
        if init.data_type == onnx.TensorProto.FLOAT:
            init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init).astype('float16'), init.name))
    for value in list(model_proto.graph.input) + list(model_proto.graph.output):
        if value.type.tensor_type.elem_type == onnx.TensorProto.FLOAT:
            value.type.tensor_type.elem_type = onnx.TensorProto.FLOAT16
    return model_proto


for name, dtype, kw in TYPED_CASES:
    net = Tagger(**kw).eval()
    if dtype == 'float64':
        net = net.double()
    else:
        net = net.half().float()  # round the weights to float16 once; the reference runs on these
    trace_x = torch.randn(2, 6, kw['input_size'], dtype=torch.float64 if dtype == 'float64' else torch.float32)
    path = os.path.join(OUT, name + '.onnx')
    torch.onnx.export(net, trace_x, path + '.tmp', input_names=['x'], output_names=['y'], opset_version=17,
                      dynamic_axes={'x': {0: 'batch', 1: 'time'}, 'y': {0: 'batch', 1: 'time'}})
    if dtype == 'float16':
        m = to_float16(onnx.load(path + '.tmp'))
        onnx.checker.check_model(m)
        onnx.save(m, path + '.tmp')
    os.replace(path + '.tmp', path)
    x = torch.randn(3, 11, kw['input_size'], dtype=trace_x.dtype)
    with torch.no_grad():
        y = net(x)
    with open(os.path.join(OUT, name + '.json'), 'w') as f:
        json.dump({'case': kw, 'dtype': dtype, 'input': x.reshape(-1).tolist(), 'shape': list(x.shape),
                   'output': y.reshape(-1).tolist(), 'outputShape': list(y.shape)}, f)
    print('wrote', path)


class ConvTagger(torch.nn.Module):
    """A convolutional front end (Conv1d with integer 'same' padding, relu) before a GRU tagger:
    torch.onnx.export cannot write padding='same' itself (aten::_convolution_mode), so the pads are given."""

    def __init__(self, kind, input_size, hidden, layers, bidirectional, classes, filters, kernel, dilation):
        super().__init__()
        self.conv = torch.nn.Conv1d(input_size, filters, kernel, dilation=dilation, padding=dilation * (kernel - 1) // 2)
        self.tagger = Tagger(kind, filters, hidden, layers, bidirectional, classes)

    def forward(self, x):
        return self.tagger(torch.relu(self.conv(x.transpose(1, 2))).transpose(1, 2))


# Appended last, so the cases above keep their random draws.
CONV_KW = dict(kind='gru', input_size=5, hidden=6, layers=1, bidirectional=True, classes=3, filters=7, kernel=3, dilation=2)
export_with_reference('conv1d-gru', ConvTagger(**CONV_KW).eval(), CONV_KW)
