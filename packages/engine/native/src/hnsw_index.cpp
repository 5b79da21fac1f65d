/** HnswIndex: construction, reservation, mutation, persistence (searches: hnsw_search.cpp). */
#include "hnsw_index.hpp"

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "napi_helpers.hpp"

namespace needle {

using namespace unum::usearch;

namespace {

using index_key_t = HnswIndex::index_t::vector_key_t;

std::size_t default_threads() { return (std::max)(1u, std::thread::hardware_concurrency()); }

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
                           InstanceMethod("serializedLength", &HnswIndex::SerializedLength),
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
    rescale_i8_dot_ = scalar_kind_ == scalar_kind_t::i8_k && metric_kind_ == metric_kind_t::ip_k;

    threads_ = default_threads();
    index_dense_config_t config(connectivity, expansion_add, expansion_search_);
    auto made = index_t::make(metric, config, default_free_value<index_key_t>(), index_limits_t(capacity, threads_ + 1));
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
    if (!index.try_reserve(index_limits_t(members, threads + 1)))
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
    // A second pass catches nodes whose first re-insertion was itself cut off by a later one.
    if (threads > 1 && relink_unreached(env, keys.data, vectors.data, count) != 0)
        relink_unreached(env, keys.data, vectors.data, count);
    return env.Undefined();
}

/**
 * Finds the new nodes of a batch that no search can reach and re-inserts them one at a
 * time; returns how many. Parallel insertion leaves about twice as many such nodes as
 * sequential insertion (nodes inserted at once do not see each other, and pruning of
 * their shared neighbours' reverse links may keep only some of them): measured on
 * 20 000 clustered 128-d vectors, 26 after a 2-thread build against 13 sequentially, and
 * 9 for either after this pass. A few remain because usearch's neighbour heuristic
 * prunes their in-links again; that residue is inherent to the graph.
 *
 * A new node counts as reached when a pre-existing node (or, in an empty index, the first
 * node), or a reached new node, links to it. In-links come from the new nodes' own
 * neighbours (reverse links) or from other new nodes, so only those lists are read.
 */
std::size_t HnswIndex::relink_unreached(Napi::Env env, std::uint32_t const* keys, float const* vectors,
                                        std::size_t count) {
    index_t& index = *index_;
    if (index.size() < 2)
        return 0;
    std::unordered_map<index_key_t, std::size_t> task_of;
    task_of.reserve(count);
    for (std::size_t task = 0; task != count; ++task)
        task_of.emplace(keys[task], task);

    std::vector<char> reached(count, 0);
    std::vector<std::size_t> frontier;
    std::unordered_set<index_key_t> scanned;
    // Marks the new nodes that `from` (a reached node) links to.
    auto visit_links_of = [&](index_key_t from) {
        for (auto member : index.neighbors(from, 0)) {
            auto found = task_of.find(static_cast<index_key_t>(member.key));
            if (found != task_of.end() && !reached[found->second]) {
                reached[found->second] = 1;
                frontier.push_back(found->second);
            }
        }
    };
    // A batch into an empty index starts from its first node, the graph's first entry point.
    if (index.size() == count) {
        auto first = task_of.find(static_cast<index_key_t>(index.cbegin().key()));
        if (first != task_of.end()) {
            reached[first->second] = 1;
            frontier.push_back(first->second);
        }
    }
    // Pre-existing neighbours of new nodes are reachable: their links seed the search.
    for (std::size_t task = 0; task != count; ++task)
        for (auto member : index.neighbors(keys[task], 0)) {
            auto neighbour = static_cast<index_key_t>(member.key);
            if (task_of.find(neighbour) == task_of.end() && scanned.insert(neighbour).second)
                visit_links_of(neighbour);
        }
    while (!frontier.empty()) {
        std::size_t task = frontier.back();
        frontier.pop_back();
        visit_links_of(keys[task]);
    }

    std::size_t relinked = 0;
    for (std::size_t task = 0; task != count; ++task) {
        if (reached[task])
            continue;
        ++relinked;
        auto removed = index.remove(keys[task]);
        if (!removed)
            fail(env, failure_k, removed.error.release());
        auto added = index.add(keys[task], vectors + task * dimensions_, 0);
        if (!added)
            fail(env, failure_k, added.error.release());
    }
    return relinked;
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

Napi::Value HnswIndex::Size(Napi::CallbackInfo const& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(live(info.Env()).size()));
}

Napi::Value HnswIndex::Capacity(Napi::CallbackInfo const& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(live(info.Env()).capacity()));
}

Napi::Value HnswIndex::MemoryUsage(Napi::CallbackInfo const& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(live(info.Env()).memory_usage()));
}

// The bytes the graph and vectors take when written out: what the index holds, without
// the allocator's reserve that memory_usage() also counts.
Napi::Value HnswIndex::SerializedLength(Napi::CallbackInfo const& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(live(info.Env()).serialized_length()));
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
    if (!loaded->try_reserve(index_limits_t(members, threads_ + 1)))
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
