/** HnswIndex's searches: single (optionally filtered), batched on the pool, exact subset. */
#include <algorithm>
#include <atomic>
#include <cstring>
#include <utility>
#include <vector>

#include "hnsw_index.hpp"
#include "napi_helpers.hpp"

namespace needle {

using namespace unum::usearch;

namespace {

using index_key_t = HnswIndex::index_t::vector_key_t;

/** Searches asking for at least this many results or this `ef` count as wide. */
constexpr std::size_t wide_search_k = 1024;

} // namespace

/**
 * search(query: Float32Array, count: number, ef: number, allowed: Uint8Array | undefined,
 *        keys: Uint32Array, distances: Float32Array): number
 * Writes the `n ≤ count` matches into `keys` and `distances` (each at least `count` long,
 * reused by the caller from call to call, so a search allocates nothing) and returns `n`;
 * stats get [visited, computed].
 */
Napi::Value HnswIndex::Search(Napi::CallbackInfo const& info) {
    Napi::Env env = info.Env();
    index_t& index = live(env);
    view_t<float> query = view<float>(env, info[0], napi_float32_array, "query");
    std::size_t count = size_arg(info[1]);
    std::size_t expansion = size_arg(info[2]);
    view_t<std::uint32_t> keys = view<std::uint32_t>(env, info[4], napi_uint32_array, "keys");
    view_t<float> distances = view<float>(env, info[5], napi_float32_array, "distances");
    if (query.length != dimensions_)
        fail(env, bad_argument_k, "query.length must equal the dimensions");
    if (count == 0)
        fail(env, bad_argument_k, "count must be positive");
    if (keys.length < count || distances.length < count)
        fail(env, bad_argument_k, "keys and distances must hold count results");

    index.change_expansion_search(expansion ? expansion : expansion_search_);
    bool const filtered = !info[3].IsUndefined() && !info[3].IsNull();
    std::size_t const slot = filtered || count >= wide_search_k || expansion >= wide_search_k ? wide_slot() : 0;
    auto result = [&] {
        if (!filtered)
            return index.search(query.data, count, slot);
        view_t<std::uint8_t> allowed = view<std::uint8_t>(env, info[3], napi_uint8_array, "allowed");
        auto predicate = [allowed](index_key_t key) noexcept { return key < allowed.length && allowed.data[key] != 0; };
        return index.filtered_search(query.data, count, predicate, slot);
    }();
    if (!result)
        fail(env, failure_k, result.error.release());

    std::size_t const found = result.count;
    stats_[0] = static_cast<double>(result.visited_members);
    stats_[1] = static_cast<double>(result.computed_distances);
    for (std::size_t i = 0; i != found; ++i) {
        auto match = result[i];
        keys.data[i] = static_cast<std::uint32_t>(static_cast<index_key_t>(match.member.key));
        distances.data[i] = rescale(match.distance);
    }
    return Napi::Number::New(env, static_cast<double>(found));
}

/**
 * searchBatch(queries: Float32Array, count: number, ef: number, threads: number): ArrayBuffer
 * Layout for q queries: f64 [visited, computed] × q, u32 found × q, u32 keys × q·count,
 * f32 distances × q·count (each query's rows start at query × count).
 */
Napi::Value HnswIndex::SearchBatch(Napi::CallbackInfo const& info) {
    Napi::Env env = info.Env();
    index_t& index = live(env);
    view_t<float> queries = view<float>(env, info[0], napi_float32_array, "queries");
    std::size_t count = size_arg(info[1]);
    std::size_t expansion = size_arg(info[2]);
    std::size_t threads = (std::max<std::size_t>)(1, size_arg(info[3]));
    if (queries.length % dimensions_ != 0)
        fail(env, bad_argument_k, "queries.length must be a multiple of the dimensions");
    if (count == 0)
        fail(env, bad_argument_k, "count must be positive");

    std::size_t const total = queries.length / dimensions_;
    threads = (std::min)(threads, (std::max<std::size_t>)(1, total));
    if (threads > threads_)
        reserve(env, index.capacity(), threads);
    index.change_expansion_search(expansion ? expansion : expansion_search_);

    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, total * (16 + 4 + 8 * count));
    auto* stats = static_cast<double*>(buffer.Data());
    auto* found = reinterpret_cast<std::uint32_t*>(stats + 2 * total);
    std::uint32_t* keys = found + total;
    auto* distances = reinterpret_cast<float*>(keys + total * count);

    first_error_t error;
    std::atomic<std::size_t> next{0};
    auto job = [&](std::size_t thread) {
        for (std::size_t task = next++; task < total && !error.failed; task = next++) {
            auto result = index.search(queries.data + task * dimensions_, count, thread);
            if (!result) {
                error.set(result.error.release());
                return;
            }
            stats[2 * task] = static_cast<double>(result.visited_members);
            stats[2 * task + 1] = static_cast<double>(result.computed_distances);
            found[task] = static_cast<std::uint32_t>(result.count);
            for (std::size_t i = 0; i != result.count; ++i) {
                auto match = result[i];
                keys[task * count + i] = static_cast<std::uint32_t>(static_cast<index_key_t>(match.member.key));
                distances[task * count + i] = rescale(match.distance);
            }
        }
    };
    env.GetInstanceData<addon_state_t>()->pool.run(threads, job);
    if (error.failed)
        fail(env, failure_k, error.message);
    return buffer;
}

/**
 * searchSubset(query: Float32Array, keys: Uint32Array, count: number): ArrayBuffer
 * Exact search among `keys` with the index's own (SIMD) metric over its stored vectors.
 * Same buffer layout as `search`; stats get [scanned, scanned].
 */
Napi::Value HnswIndex::SearchSubset(Napi::CallbackInfo const& info) {
    Napi::Env env = info.Env();
    index_t& index = live(env);
    view_t<float> query = view<float>(env, info[0], napi_float32_array, "query");
    view_t<std::uint32_t> keys = view<std::uint32_t>(env, info[1], napi_uint32_array, "keys");
    std::size_t count = size_arg(info[2]);
    if (query.length != dimensions_)
        fail(env, bad_argument_k, "query.length must equal the dimensions");

    // Cast the query once into the stored scalar type; `get` into that same type is a copy.
    std::size_t const bytes = index.bytes_per_vector();
    std::vector<byte_t> cast_query(bytes), stored(bytes);
    auto const* query_bytes = reinterpret_cast<byte_t const*>(query.data);
    casts_punned_t casts = casts_punned_t::make(scalar_kind_);
    if (!casts.from.f32(query_bytes, dimensions_, cast_query.data()))
        std::memcpy(cast_query.data(), query_bytes, bytes);

    metric_punned_t const& metric = index.metric();
    std::vector<std::pair<float, std::uint32_t>> scored;
    scored.reserve(keys.length);
    for (std::size_t i = 0; i != keys.length; ++i) {
        std::uint32_t key = keys.data[i];
        std::size_t got = 0;
        switch (scalar_kind_) {
        case scalar_kind_t::f16_k: got = index.get(key, reinterpret_cast<f16_t*>(stored.data())); break;
        case scalar_kind_t::i8_k: got = index.get(key, reinterpret_cast<i8_t*>(stored.data())); break;
        default: got = index.get(key, reinterpret_cast<f32_t*>(stored.data())); break;
        }
        if (got)
            scored.emplace_back(rescale(metric(stored.data(), cast_query.data())), key);
    }

    std::size_t const found = (std::min)(count, scored.size());
    std::partial_sort(scored.begin(), scored.begin() + found, scored.end());
    stats_[0] = static_cast<double>(scored.size());
    stats_[1] = static_cast<double>(scored.size());
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, found * 8);
    auto* out_keys = static_cast<std::uint32_t*>(buffer.Data());
    auto* out_distances = reinterpret_cast<float*>(out_keys + found);
    for (std::size_t i = 0; i != found; ++i) {
        out_keys[i] = scored[i].second;
        out_distances[i] = scored[i].first;
    }
    return buffer;
}

} // namespace needle
