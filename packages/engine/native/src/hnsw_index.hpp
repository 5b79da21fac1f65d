/**
 * `HnswIndex`: a JS class over usearch's `index_dense_t` that exposes what the stock
 * binding hides: traversal statistics, in-traversal filtering, per-query expansion,
 * vector retrieval, batch search on a thread pool and exact search over a key subset.
 *
 * Every method is synchronous and must be called from the JS thread that owns the object;
 * native threads only run inside `add` and `searchBatch`, which join them before
 * returning. That single-caller rule is what makes changing the search expansion per
 * call and growing the reservation in place safe.
 */
#pragma once

#include <cstddef>
#include <memory>

#include <napi.h>
#include <usearch/index_dense.hpp>

#include "thread_pool.hpp"

namespace needle {

/** Per-environment state: the class constructor and the shared thread pool. */
struct addon_state_t {
    Napi::FunctionReference constructor;
    thread_pool_t pool;
};

class HnswIndex : public Napi::ObjectWrap<HnswIndex> {
  public:
    using index_t = unum::usearch::index_dense_t;

    static Napi::Function Define(Napi::Env env);
    explicit HnswIndex(Napi::CallbackInfo const& info);

  private:
    Napi::Value Add(Napi::CallbackInfo const& info);
    Napi::Value Remove(Napi::CallbackInfo const& info);
    Napi::Value Contains(Napi::CallbackInfo const& info);
    Napi::Value Get(Napi::CallbackInfo const& info);
    Napi::Value Search(Napi::CallbackInfo const& info);
    Napi::Value SearchBatch(Napi::CallbackInfo const& info);
    Napi::Value SearchSubset(Napi::CallbackInfo const& info);
    Napi::Value Size(Napi::CallbackInfo const& info);
    Napi::Value Capacity(Napi::CallbackInfo const& info);
    Napi::Value MemoryUsage(Napi::CallbackInfo const& info);
    Napi::Value Isa(Napi::CallbackInfo const& info);
    Napi::Value Save(Napi::CallbackInfo const& info);
    Napi::Value Load(Napi::CallbackInfo const& info);
    Napi::Value Close(Napi::CallbackInfo const& info);

    index_t& live(Napi::Env env);
    void reserve(Napi::Env env, std::size_t members, std::size_t threads);
    void ensure_room(Napi::Env env, std::size_t more);
    float rescale(float distance) const noexcept;

    std::unique_ptr<index_t> index_;
    std::size_t dimensions_ = 0;
    std::size_t threads_ = 1;
    std::size_t expansion_search_ = 0;
    unum::usearch::metric_kind_t metric_kind_{};
    unum::usearch::scalar_kind_t scalar_kind_{};
    /** [visited, computed] of the last `search`/`searchSubset`, read by the JS wrapper. */
    double* stats_ = nullptr;
    Napi::Reference<Napi::Float64Array> stats_ref_;
};

} // namespace needle
