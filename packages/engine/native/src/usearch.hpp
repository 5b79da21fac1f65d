/**
 * usearch's dense index, as the addon compiles it: include this instead of
 * <usearch/index_dense.hpp> in every source file, so all of them see the same key hash.
 *
 * The one customisation is that hash. usearch hashes keys with `std::hash`, the identity
 * for integers in libstdc++, into a linear-probing table whose `equal_range` scans to the
 * end of a run of occupied slots. The engine's keys are dense and sequential, so they fill
 * one contiguous run and every `remove` (and `neighbors` lookup) costs O(n): measured
 * 0.94 ms per removed key at 80 000 vectors, with the stock binding alike. A 64-bit mixer
 * spreads the keys and keeps runs short. Saved files do not contain the table (it is
 * rebuilt on load), so they stay readable by any usearch build.
 */
#pragma once

#include <cstddef>
#include <cstdint>

#include <usearch/index.hpp>

namespace unum {
namespace usearch {

template <> struct hash_gt<std::uint64_t> {
    /** MurmurHash3's 64-bit finaliser: every input bit affects the low bits the table uses. */
    std::size_t operator()(std::uint64_t key) const noexcept {
        key ^= key >> 33;
        key *= 0xff51afd7ed558ccdull;
        key ^= key >> 33;
        key *= 0xc4ceb9fe1a85ec53ull;
        key ^= key >> 33;
        return static_cast<std::size_t>(key);
    }
};

} // namespace usearch
} // namespace unum

#include <usearch/index_dense.hpp>
