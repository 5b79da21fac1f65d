/**
 * Small N-API helpers shared by the addon's sources: coded errors for the JS wrapper,
 * one-call typed-array views, and first-error capture for parallel sections.
 */
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>

#include <napi.h>

namespace needle {

/** Error codes the JS wrapper (src/ann/native-addon.ts) maps onto engine errors. */
constexpr char const* bad_argument_k = "NEEDLE_BAD_ARGUMENT";
constexpr char const* key_exists_k = "NEEDLE_KEY_EXISTS";
constexpr char const* closed_k = "NEEDLE_CLOSED";
constexpr char const* incompatible_k = "NEEDLE_INCOMPATIBLE_FILE";
constexpr char const* failure_k = "NEEDLE_NATIVE_FAILURE";

/** Throws a JS Error carrying `code`. */
[[noreturn]] inline void fail(Napi::Env env, char const* code, std::string const& message) {
    Napi::Error error = Napi::Error::New(env, message);
    error.Value().Set("code", Napi::String::New(env, code));
    throw error;
}

/** A typed array's data and length. */
template <typename scalar_at> struct view_t {
    scalar_at* data = nullptr;
    std::size_t length = 0;
};

/** Reads a typed array with one N-API call, failing unless it is of `type`. */
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

/** A non-negative integer argument (the JS wrapper has validated it). */
inline std::size_t size_arg(Napi::Value value) {
    return static_cast<std::size_t>(value.As<Napi::Number>().Int64Value());
}

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

} // namespace needle
