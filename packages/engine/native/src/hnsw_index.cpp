#include "hnsw_index.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace needle {

using namespace unum::usearch;

namespace {

using key_t = HnswIndex::index_t::vector_key_t;

/** Error codes the JS wrapper maps onto engine errors. */
constexpr char const* bad_argument_k = "NEEDLE_BAD_ARGUMENT";
constexpr char const* key_exists_k = "NEEDLE_KEY_EXISTS";
constexpr char const* closed_k = "NEEDLE_CLOSED";
constexpr char const* incompatible_k = "NEEDLE_INCOMPATIBLE_FILE";
constexpr char const* failure_k = "NEEDLE_NATIVE_FAILURE";

/** i8 dot products come back in units of 127², the scale of usearch's i8 cast. */
constexpr float i8_dot_scale_k = 1.0f / (127.0f * 127.0f);

[[noreturn]] void fail(Napi::Env env, char const* code, std::string const& message) {
    Napi::Error error = Napi::Error::New(env, message);
    error.Value().Set("code", Napi::String::New(env, code));
    throw error;
}

/** A typed array's data and length, read with one N-API call and type-checked. */
template <typename scalar_at> struct view_t {
    scalar_at* data = nullptr;
    std::size_t length = 0;
};

template <typename scalar_at>
view_t<scalar_at> view(Napi::Env env, napi_value value, napi_typedarray_type type, char const* what) {
    napi_typedarray_type actual;
    view_t<scalar_at> result;
    void* data = nullptr;
    if (napi_get_typedarray_info(env, value, &actual, &result.length, &data, nullptr, nullptr) != napi_ok ||
        actual != type) {
        // Clear the pending exception of a failed call before raising ours.
        napi_value ignored;
        bool pending = false;
        if (napi_is_exception_pending(env, &pending) == napi_ok && pending)
            napi_get_and_clear_last_exception(env, &ignored);
        fail(env, bad_argument_k, std::string(what) + " has the wrong type");
    }
    result.data = static_cast<scalar_at*>(data);
    return result;
}

std::size_t size_arg(Napi::Value value) {
    return static_cast<std::size_t>(value.As<Napi::Number>().Int64Value());
}

std::size_t default_threads() { return (std::max)(1u, std::thread::hardware_concurrency()); }

/** Collects the first error raised on any thread of a parallel section. */
struct first_error_t {
    std::mutex mutex;
    std::string message;
    std::atomic<bool> failed{false};

    void set(char const* text) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!failed.exchange(true))
            message = text ? text : "unknown failure";
    }
};

} // namespace

Napi::Function HnswIndex::Define(Napi::Env env) {
    return DefineClass(env, "HnswIndex",
                       {
                           InstanceMethod("add", &HnswIndex::Add),
                           InstanceMethod("remove", &HnswIndex::Remove),
                           InstanceMethod("contains", &HnswIndex::Contains),
                           InstanceMethod("get", &HnswIndex::Get),
                           InstanceMethod("search", &HnswIndex::Search),
                           InstanceMethod("searchBatch", &HnswIndex::SearchBatch),
                           InstanceMethod("searchSubset", &HnswIndex::SearchSubset),
                           InstanceMethod("size", &HnswIndex::Size),
                           InstanceMethod("capacity", &HnswIndex::Capacity),
                           InstanceMethod("memoryUsage", &HnswIndex::MemoryUsage),
                           InstanceMethod("isa", &HnswIndex::Isa),
                           InstanceMethod("save", &HnswIndex::Save),
                           InstanceMethod("load", &HnswIndex::Load),
                           InstanceMethod("close", &HnswIndex::Close),
                       });
}

/**
 * new HnswIndex(dimensions, metric, quantization, connectivity, expansionAdd,
 *               expansionSearch, capacity, stats: Float64Array(2))
 */
HnswIndex::HnswIndex(Napi::CallbackInfo const& info) : Napi::ObjectWrap<HnswIndex>(info) {
    Napi::Env env = info.Env();
    if (info.Length() != 8)
        fail(env, bad_argument_k, "HnswIndex expects 8 arguments");

    dimensions_ = size_arg(info[0]);
    std::string metric_name = info[1].As<Napi::String>().Utf8Value();
    std::string scalar_name = info[2].As<Napi::String>().Utf8Value();
    std::size_t connectivity = size_arg(info[3]);
    std::size_t expansion_add = size_arg(info[4]);
    expansion_search_ = size_arg(info[5]);
    std::size_t capacity = size_arg(info[6]);
    view_t<double> stats = view<double>(env, info[7], napi_float64_array, "stats");
    if (stats.length < 2)
        fail(env, bad_argument_k, "stats needs two slots");

    if (metric_name == "l2sq")
        metric_kind_ = metric_kind_t::l2sq_k;
    else if (metric_name == "ip")
        metric_kind_ = metric_kind_t::ip_k;
    else
        fail(env, bad_argument_k, "unknown metric " + metric_name);
    if (scalar_name == "f32")
        scalar_kind_ = scalar_kind_t::f32_k;
    else if (scalar_name == "f16")
        scalar_kind_ = scalar_kind_t::f16_k;
    else if (scalar_name == "i8")
        scalar_kind_ = scalar_kind_t::i8_k;
    else
        fail(env, bad_argument_k, "unknown quantization " + scalar_name);
    if (dimensions_ == 0)
        fail(env, bad_argument_k, "dimensions must be positive");

    metric_punned_t metric(dimensions_, metric_kind_, scalar_kind_);
    if (metric.missing())
        fail(env, failure_k, "usearch has no kernel for this metric and quantization");

    threads_ = default_threads();
    index_dense_config_t config(connectivity, expansion_add, expansion_search_);
    auto made = index_t::make(metric, config, default_free_value<key_t>(), index_limits_t(capacity, threads_));
    if (!made)
        fail(env, failure_k, made.error.release());
    index_.reset(new index_t(std::move(made.index)));

    stats_ = stats.data;
    stats_ref_ = Napi::Persistent(info[7].As<Napi::Float64Array>());
}

HnswIndex::index_t& HnswIndex::live(Napi::Env env) {
    if (!index_)
        fail(env, closed_k, "the index is closed");
    return *index_;
}

void HnswIndex::reserve(Napi::Env env, std::size_t members, std::size_t threads) {
    index_t& index = live(env);
    members = (std::max)(members, index.capacity());
    threads = (std::max)(threads, threads_);
    if (!index.try_reserve(index_limits_t(members, threads)))
        fail(env, failure_k, "out of memory while reserving the index");
    threads_ = threads;
}

void HnswIndex::ensure_room(Napi::Env env, std::size_t more) {
    index_t& index = live(env);
    // Freed slots are reused first, so `size + more` slots always suffice.
    std::size_t needed = index.size() + more;
    if (needed > index.capacity())
        reserve(env, (std::max)(needed, index.capacity() * 2), threads_);
}

float HnswIndex::rescale(float distance) const noexcept {
    if (scalar_kind_ == scalar_kind_t::i8_k && metric_kind_ == metric_kind_t::ip_k)
        return 1.0f - (1.0f - distance) * i8_dot_scale_k;
    return distance;
}

/** add(keys: Uint32Array, vectors: Float32Array, threads: number): void */
Napi::Value HnswIndex::Add(Napi::CallbackInfo const& info) {
    Napi::Env env = info.Env();
    index_t& index = live(env);
    view_t<std::uint32_t> keys = view<std::uint32_t>(env, info[0], napi_uint32_array, "keys");
    view_t<float> vectors = view<float>(env, info[1], napi_float32_array, "vectors");
    std::size_t threads = (std::max<std::size_t>)(1, size_arg(info[2]));
    std::size_t const count = keys.length;
    if (vectors.length != count * dimensions_)
        fail(env, bad_argument_k, "vectors.length must be keys.length × dimensions");

    // Check everything before touching the graph, so a rejected batch changes nothing.
    std::vector<std::uint32_t> sorted(keys.data, keys.data + count);
    std::sort(sorted.begin(), sorted.end());
    auto repeated = std::adjacent_find(sorted.begin(), sorted.end());
    if (repeated != sorted.end())
        fail(env, key_exists_k, "key " + std::to_string(*repeated) + " appears twice in the batch");
    for (std::uint32_t key : sorted)
        if (index.contains(key))
            fail(env, key_exists_k, "key " + std::to_string(key) + " is already in the index");

    ensure_room(env, count);
    threads = (std::min)(threads, count);
    if (threads > 1)
        reserve(env, index.capacity(), threads);

    first_error_t error;
    std::atomic<std::size_t> next{0};
    auto job = [&](std::size_t thread) {
        for (std::size_t task = next++; task < count && !error.failed; task = next++) {
            auto added = index.add(keys.data[task], vectors.data + task * dimensions_, thread);
            if (!added)
                error.set(added.error.release());
        }
    };
    if (threads > 1)
        env.GetInstanceData<addon_state_t>()->pool.run(threads, job);
    else
        job(0);
    if (error.failed)
        fail(env, failure_k, error.message);
    return env.Undefined();
}

/** remove(keys: Uint32Array): number — how many were present. */
Napi::Value HnswIndex::Remove(Napi::CallbackInfo const& info) {
    Napi::Env env = info.Env();
    index_t& index = live(env);
    view_t<std::uint32_t> keys = view<std::uint32_t>(env, info[0], napi_uint32_array, "keys");
    std::size_t removed = 0;
    for (std::size_t i = 0; i != keys.length; ++i) {
        auto result = index.remove(keys.data[i]);
        if (!result)
            fail(env, failure_k, result.error.release());
        removed += result.completed;
    }
    return Napi::Number::New(env, static_cast<double>(removed));
}

/** contains(key: number): boolean */
Napi::Value HnswIndex::Contains(Napi::CallbackInfo const& info) {
    Napi::Env env = info.Env();
    return Napi::Boolean::New(env, live(env).contains(info[0].As<Napi::Number>().Uint32Value()));
}

/** get(key: number, out: Float32Array): boolean */
Napi::Value HnswIndex::Get(Napi::CallbackInfo const& info) {
    Napi::Env env = info.Env();
    index_t& index = live(env);
    std::uint32_t key = info[0].As<Napi::Number>().Uint32Value();
    view_t<float> out = view<float>(env, info[1], napi_float32_array, "out");
    if (out.length < dimensions_)
        fail(env, bad_argument_k, "out is shorter than the dimensions");
    return Napi::Boolean::New(env, index.get(key, out.data) != 0);
}

/**
 * search(query: Float32Array, count: number, ef: number, allowed?: Uint8Array): ArrayBuffer
 * The buffer holds `n` u32 keys then `n` f32 distances; stats get [visited, computed].
 */
Napi::Value HnswIndex::Search(Napi::CallbackInfo const& info) {
    Napi::Env env = info.Env();
    index_t& index = live(env);
    view_t<float> query = view<float>(env, info[0], napi_float32_array, "query");
    std::size_t count = size_arg(info[1]);
    std::size_t expansion = size_arg(info[2]);
    if (query.length != dimensions_)
        fail(env, bad_argument_k, "query.length must equal the dimensions");
    if (count == 0)
        fail(env, bad_argument_k, "count must be positive");

    index.change_expansion_search(expansion ? expansion : expansion_search_);
    auto result = [&] {
        if (info.Length() < 4 || info[3].IsUndefined() || info[3].IsNull())
            return index.search(query.data, count, 0);
        view_t<std::uint8_t> allowed = view<std::uint8_t>(env, info[3], napi_uint8_array, "allowed");
        auto predicate = [allowed](key_t key) noexcept { return key < allowed.length && allowed.data[key] != 0; };
        return index.filtered_search(query.data, count, predicate, 0);
    }();
    if (!result)
        fail(env, failure_k, result.error.release());

    std::size_t const found = result.count;
    stats_[0] = static_cast<double>(result.visited_members);
    stats_[1] = static_cast<double>(result.computed_distances);
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, found * 8);
    auto* keys = static_cast<std::uint32_t*>(buffer.Data());
    auto* distances = reinterpret_cast<float*>(keys + found);
    for (std::size_t i = 0; i != found; ++i) {
        auto match = result[i];
        keys[i] = static_cast<std::uint32_t>(static_cast<key_t>(match.member.key));
        distances[i] = rescale(match.distance);
    }
    return buffer;
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
                keys[task * count + i] = static_cast<std::uint32_t>(static_cast<key_t>(match.member.key));
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

Napi::Value HnswIndex::Size(Napi::CallbackInfo const& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(live(info.Env()).size()));
}

Napi::Value HnswIndex::Capacity(Napi::CallbackInfo const& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(live(info.Env()).capacity()));
}

Napi::Value HnswIndex::MemoryUsage(Napi::CallbackInfo const& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(live(info.Env()).memory_usage()));
}

/** isa(): the SIMD target the distance kernel runs on, e.g. "skylake" or "serial". */
Napi::Value HnswIndex::Isa(Napi::CallbackInfo const& info) {
    return Napi::String::New(info.Env(), live(info.Env()).metric().isa_name());
}

/** save(path: string): void — usearch's own file format, readable by the stock binding. */
Napi::Value HnswIndex::Save(Napi::CallbackInfo const& info) {
    Napi::Env env = info.Env();
    index_t& index = live(env);
    std::string path = info[0].As<Napi::String>().Utf8Value();
    auto saved = index.save(path.c_str());
    if (!saved)
        fail(env, failure_k, std::string("saving the index failed: ") + saved.error.release());
    return env.Undefined();
}

/**
 * load(path: string): void — replaces the contents with a saved index. The file must match
 * this index's dimensions, metric and quantization; on any failure the index is unchanged.
 */
Napi::Value HnswIndex::Load(Napi::CallbackInfo const& info) {
    Napi::Env env = info.Env();
    index_t& index = live(env);
    std::string path = info[0].As<Napi::String>().Utf8Value();

    auto loaded = std::make_unique<index_t>();
    auto result = loaded->load(path.c_str());
    if (!result)
        fail(env, incompatible_k, std::string("loading the index failed: ") + result.error.release());
    if (loaded->dimensions() != dimensions_ || loaded->metric_kind() != metric_kind_ ||
        loaded->scalar_kind() != scalar_kind_ || loaded->multi())
        fail(env, incompatible_k, "the saved index has other dimensions, metric or quantization");

    loaded->change_expansion_add(index.expansion_add());
    loaded->change_expansion_search(expansion_search_);
    std::size_t members = (std::max)(loaded->capacity(), loaded->size());
    if (!loaded->try_reserve(index_limits_t(members, threads_)))
        fail(env, failure_k, "out of memory while reserving the loaded index");
    index_ = std::move(loaded);
    return env.Undefined();
}

/** close(): frees the native memory now instead of at garbage collection. */
Napi::Value HnswIndex::Close(Napi::CallbackInfo const& info) {
    index_.reset();
    return info.Env().Undefined();
}

} // namespace needle
