"""Executes one notebook headless on its kernel ("rnnkit" unless its metadata names another),
failing on the first cell error.

Usage: /usr/bin/python3 scripts/execute-notebook.py IN.ipynb OUT.ipynb [--timeout SECONDS]
The kernel's working directory is the folder of IN.ipynb (as in Jupyter).
"""
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main() -> int:
    args = sys.argv[1:]
    timeout = 1200
    if "--timeout" in args:
        i = args.index("--timeout")
        timeout = int(args[i + 1])
        del args[i : i + 2]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    src, dst = args
    nb = nbformat.read(src, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=nb.metadata.get("kernelspec", {}).get("name", "rnnkit"),
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(src))}},
    )
    t0 = time.time()
    try:
        client.execute()
    except CellExecutionError as e:
        # tslab reports compile errors on stderr, not in the error message.
        streams = [o.get("text", "") for c in nb.cells if c.get("cell_type") == "code" for o in c.get("outputs", []) if o.get("name") == "stderr"]
        print(f"{src}: a cell failed\n{e}\n{''.join(streams[-3:])}", file=sys.stderr)
        return 1
    finally:
        # Keep what ran, so the failing cell's output can be inspected.
        nbformat.write(nb, dst)
    print(f"{src}: executed in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
