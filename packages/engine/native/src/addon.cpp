/**
 * Entry point of `needle_hnsw.node`. Exports the `HnswIndex` class and a description of
 * the build, so the engine can report which SIMD kernels it is running.
 */
#include <napi.h>

#include "hnsw_index.hpp"
#include "usearch.hpp"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
    // Owned by the environment: its destructor joins the pool's threads at teardown.
    auto* state = new needle::addon_state_t();
    Napi::Function constructor = needle::HnswIndex::Define(env);
    state->constructor = Napi::Persistent(constructor);
    env.SetInstanceData<needle::addon_state_t>(state);

    exports.Set("HnswIndex", constructor);
    exports.Set("usearchVersion", Napi::String::New(env, std::to_string(USEARCH_VERSION_MAJOR) + "." +
                                                           std::to_string(USEARCH_VERSION_MINOR) + "." +
                                                           std::to_string(USEARCH_VERSION_PATCH)));
    exports.Set("isaCompiled", Napi::String::New(env, unum::usearch::hardware_acceleration_compiled()));
    exports.Set("isaAvailable", Napi::String::New(env, unum::usearch::hardware_acceleration_available()));
    return exports;
}

} // namespace

NODE_API_MODULE(needle_hnsw, Init)
