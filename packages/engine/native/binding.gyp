# The engine's HNSW addon: our N-API binding over usearch's C++ headers and NumKong's SIMD
# kernels, both read from the installed `usearch` npm package (resolved at build time,
# never copied here). Defines and flags follow usearch's own binding.gyp.
{
  "variables": {
    "usearch_include": "<!(node scripts/gyp-vars.cjs usearch-include)",
    "numkong_root": "<!(node scripts/gyp-vars.cjs numkong-root)",
  },
  "target_defaults": {
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
    "cflags": ["-O3", "-fexceptions", "-Wno-unknown-pragmas", "-Wno-maybe-uninitialized"],
    "cflags_cc": ["-O3", "-fexceptions", "-std=c++17", "-Wno-unknown-pragmas", "-Wno-maybe-uninitialized"],
    "xcode_settings": {
      "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
      "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
      "MACOSX_DEPLOYMENT_TARGET": "11.0",
    },
    "msvs_settings": {
      "VCCLCompilerTool": {"ExceptionHandling": 1, "AdditionalOptions": ["-std:c++17", "/Zc:preprocessor"]},
    },
  },
  "targets": [
    {
      # NumKong's dynamic-dispatch library: every kernel is compiled for every SIMD target
      # the compiler supports, and the CPU's best one is picked at run time.
      "target_name": "numkong",
      "type": "static_library",
      "sources": ["<!@(node scripts/gyp-vars.cjs numkong-sources)"],
      "include_dirs": ["<(numkong_root)/include"],
      "defines": [
        "NK_NATIVE_F16=0",
        "NK_NATIVE_BF16=0",
        "NK_DYNAMIC_DISPATCH=1",
        "<!@(node scripts/gyp-vars.cjs isa-defines)",
      ],
      # Third-party code: its warnings are not ours to fix.
      "cflags": ["-std=c11", "-w"],
      "direct_dependent_settings": {"include_dirs": ["<(numkong_root)/include"]},
    },
    {
      "target_name": "needle_hnsw",
      "sources": ["src/addon.cpp", "src/hnsw_index.cpp", "src/hnsw_search.cpp"],
      "dependencies": ["numkong"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "<(usearch_include)"],
      "defines": ["NAPI_CPP_EXCEPTIONS", "USEARCH_USE_NUMKONG=1", "NK_DYNAMIC_DISPATCH=1", "USEARCH_USE_OPENMP=0"],
    },
  ],
}
