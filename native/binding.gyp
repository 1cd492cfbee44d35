{
  "targets": [
    {
      "target_name": "rnnkit_native",
      "sources": ["src/rnnkit_native.c", "src/sequence.c", "src/cells.c", "src/gemm.c", "src/workers.c"],
      "cflags": ["-O3", "-std=c11", "-mavx2", "-mfma", "-fno-math-errno", "-Wall"],
      "libraries": ["-lpthread"]
    }
  ]
}
