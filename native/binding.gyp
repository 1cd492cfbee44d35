{
  "targets": [
    {
      "target_name": "rnnkit_native",
      "sources": ["src/rnnkit_native.c"],
      "cflags": ["-O3", "-std=c11", "-mavx2", "-mfma", "-fno-math-errno"],
      "libraries": ["-lpthread"]
    }
  ]
}
