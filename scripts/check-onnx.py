#!/usr/bin/python3
"""Validates ONNX files with the reference checker: onnx.checker.check_model(full_check=True).

Usage: /usr/bin/python3 scripts/check-onnx.py FILE.onnx [...]   (Debian package python3-onnx)
Exits non-zero naming the first file that fails.
"""
import sys

import onnx

failed = 0
for path in sys.argv[1:]:
    model = onnx.load(path)
    try:
        onnx.checker.check_model(model, full_check=True)
        print(f'ok   {path} (ir_version {model.ir_version}, opset {model.opset_import[0].version})')
    except Exception as err:  # the checker raises several exception types
        failed += 1
        print(f'FAIL {path}: {err}')
if not sys.argv[1:]:
    print('no files given', file=sys.stderr)
    sys.exit(2)
sys.exit(1 if failed else 0)
