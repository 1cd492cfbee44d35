{
  "targets": [
    {
      "target_name": "rnnkit_native",
      "sources": ["src/rnnkit_native.c", "src/sequence.c", "src/cells.c", "src/gemm.c", "src/workers.c", "src/isa.c", "src/softmax.c"],
      "cflags": ["-O3", "-std=c11", "-mavx2", "-mfma", "-fno-math-errno", "-Wall"],
      "dependencies": ["rnnkit_avx512"],
      "libraries": ["-lpthread"]
    },
    {
      "target_name": "rnnkit_avx512",
      "type": "static_library",
      "sources": ["src/gemm512.c", "src/cells512.c"],
      "cflags": ["-O3", "-std=c11", "-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl", "-mfma", "-fno-math-errno", "-Wall", "-fPIC"]
    }
  ]
}
