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

#include "thread_pool.hpp"
#include "usearch.hpp"

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
    Napi::Value SerializedLength(Napi::CallbackInfo const& info);
    Napi::Value Isa(Napi::CallbackInfo const& info);
    Napi::Value Save(Napi::CallbackInfo const& info);
    Napi::Value Load(Napi::CallbackInfo const& info);
    Napi::Value Close(Napi::CallbackInfo const& info);

    index_t& live(Napi::Env env);
    void reserve(Napi::Env env, std::size_t members, std::size_t threads);
    void ensure_room(Napi::Env env, std::size_t more);
    std::size_t relink_unreached(Napi::Env env, std::uint32_t const* keys, float const* vectors, std::size_t count);
    /**
     * The context for searches that may visit much of the graph (large `ef` or `count`, or
     * a filter). usearch's per-context visited set only grows and is cleared in full on
     * every search, so one exhaustive search would slow every later narrow search on that
     * context (measured: −20% QPS at 100 000 vectors); wide searches get their own.
     */
    std::size_t wide_slot() const noexcept { return threads_; }

    /** i8 dot products come back in units of 127² (usearch's i8 cast): map to `1 − dot`. */
    float rescale(float distance) const noexcept {
        return rescale_i8_dot_ ? 1.0f - (1.0f - distance) * (1.0f / (127.0f * 127.0f)) : distance;
    }

    std::unique_ptr<index_t> index_;
    std::size_t dimensions_ = 0;
    /**
     * Thread contexts 0..threads_-1 serve adds, single searches and batch threads; one more,
     * `threads_`, serves wide searches (see `wide_slot`).
     */
    std::size_t threads_ = 1;
    std::size_t expansion_search_ = 0;
    unum::usearch::metric_kind_t metric_kind_{};
    unum::usearch::scalar_kind_t scalar_kind_{};
    bool rescale_i8_dot_ = false;
    /** [visited, computed] of the last `search`/`searchSubset`, read by the JS wrapper. */
    double* stats_ = nullptr;
    Napi::Reference<Napi::Float64Array> stats_ref_;
};

} // namespace needle
