"""Reference timing for bench/hash.ts: NAS-Bench-101's graph hash in Python (hashlib md5), as
nasbench/lib/graph_util.py defines it, over the cells given on stdin (one JSON {matrix, ops} per
line). Prints {"cells", "seconds", "hashes"} as JSON. Measures only; the TS side checks equality."""
import hashlib
import json
import sys
import time

LABEL = {"input": -1, "conv3x3-bn-relu": 0, "conv1x1-bn-relu": 1, "maxpool3x3": 2, "output": -2}


def md5(text):
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def hash_module(matrix, ops):
    n = len(matrix)
    in_deg = [sum(matrix[w][v] for w in range(n)) for v in range(n)]
    out_deg = [sum(matrix[v]) for v in range(n)]
    hashes = [md5(str((out_deg[v], in_deg[v], LABEL[ops[v]]))) for v in range(n)]
    for _ in range(n):
        hashes = [
            md5("".join(sorted(hashes[w] for w in range(n) if matrix[w][v]))
                + "|" + "".join(sorted(hashes[w] for w in range(n) if matrix[v][w]))
                + "|" + hashes[v])
            for v in range(n)
        ]
    return md5(str(sorted(hashes)))


cells = [json.loads(line) for line in sys.stdin if line.strip()]
start = time.perf_counter()
out = [hash_module(c["matrix"], c["ops"]) for c in cells]
seconds = time.perf_counter() - start
print(json.dumps({"cells": len(cells), "seconds": seconds, "hashes": out}))
