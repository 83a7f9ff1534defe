#ifndef CFIMAGES_RESULT_HPP
#define CFIMAGES_RESULT_HPP

/// @file
/// `ApiError` and `Result<T>`: how every builder, parser and transport in
/// cfimages reports failure. Nothing in the library throws for bad input or
/// bad responses; `Result<T>::value()` is the only place that may throw, and
/// only when the caller asks for a value that is not there. Built without
/// exceptions (`-fno-exceptions`), `value()` on an error aborts instead, as
/// `std::expected::value()` does there.

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <new>
#include <vector>

#include <cfimages/detail/no_exceptions.hpp>

namespace cfimages {

/// Who is at fault, and so what the caller can do about it.
enum class ErrorKind {
    invalid_argument, ///< The builder refused the input; nothing was sent. Fix the call.
    transport,        ///< No HTTP answer (connect, TLS, timeout). May be retried.
    api,              ///< The server said no: non-2xx status or `success: false`.
    decode,           ///< A 2xx answer whose body does not have the documented shape.
};

/// Returns the enumerator's name (`"invalid_argument"`, `"transport"`, ...).
inline const char* to_string(ErrorKind k) noexcept {
    switch (k) {
    case ErrorKind::invalid_argument: return "invalid_argument";
    case ErrorKind::transport: return "transport";
    case ErrorKind::api: return "api";
    case ErrorKind::decode: return "decode";
    }
    return "unknown";
}

/// One entry of the envelope's `errors` or `messages` array.
struct Message {
    std::int64_t code = 0;           ///< Cloudflare error code (e.g. 5404); 0 when absent.
    std::string message;             ///< Human text as sent by the server.
    std::string documentation_url;   ///< Empty when the server gave none.
    std::string pointer;             ///< `source.pointer` (JSON pointer into the request), if any.

    /// Equal when every field is equal.
    friend bool operator==(const Message& a, const Message& b) {
        return a.code == b.code && a.message == b.message &&
               a.documentation_url == b.documentation_url && a.pointer == b.pointer;
    }
    /// Not equal when any field differs.
    friend bool operator!=(const Message& a, const Message& b) { return !(a == b); }
};

/// Everything cfimages knows about a failed call.
///
/// `message` is always a non-empty, single-line summary fit for a log or a
/// terminal; it never contains credentials.
struct ApiError {
    ErrorKind kind = ErrorKind::api;         ///< Who is at fault (see `ErrorKind`).
    int http_status = 0;                     ///< 0 when there was no response.
    std::vector<Message> errors;             ///< The envelope's `errors` (or what was recovered).
    std::vector<Message> messages;           ///< The envelope's `messages`.
    std::string message;                     ///< One-line human summary.
    /// How long the server asked us to wait (`retry-after-ms` or a
    /// delta-seconds `Retry-After`, read as `server_retry_delay` reads them:
    /// decimals allowed, capped at 100 days). HTTP-date forms need a clock
    /// and are resolved by the retry policy from the response headers instead.
    std::optional<std::chrono::milliseconds> retry_after;

    /// Returns the first error code (from `errors`), or 0 when there is none.
    std::int64_t code() const noexcept { return errors.empty() ? 0 : errors.front().code; }

    /// Builds an `invalid_argument` error: "<field>: <rule>".
    static ApiError invalid(std::string_view field, std::string_view rule) {
        ApiError e;
        e.kind = ErrorKind::invalid_argument;
        e.message.reserve(field.size() + rule.size() + 2);
        e.message.append(field).append(": ").append(rule);
        return e;
    }

    /// Builds an error of the given kind with only a message.
    static ApiError make(ErrorKind kind, std::string msg, int status = 0) {
        ApiError e;
        e.kind = kind;
        e.http_status = status;
        e.message = std::move(msg);
        return e;
    }
};

/// Writes `kind [status] code: message` for logs. Never includes secrets,
/// because `ApiError` never holds any.
inline std::ostream& operator<<(std::ostream& os, const ApiError& e) {
    os << to_string(e.kind);
    if (e.http_status != 0) os << " (HTTP " << e.http_status << ')';
    if (e.code() != 0) os << ' ' << e.code();
    return os << ": " << e.message;
}

/// Thrown only by `Result<T>::value()` when it holds an error (in a build
/// without exceptions, `value()` aborts instead).
class BadResultAccess : public std::runtime_error {
public:
    /// Carries `e`; `what()` is its message.
    explicit BadResultAccess(ApiError e)
        : std::runtime_error(e.message), error_(std::move(e)) {}
    /// Returns the error that was held instead of a value.
    const ApiError& error() const noexcept { return error_; }

private:
    ApiError error_;
};

/// Wraps an error so `Result<T>` can be built from it unambiguously,
/// like `std::unexpected`.
struct Unexpected {
    ApiError error;  ///< The error the `Result` will hold.
};

/// Returns `Unexpected{e}`; lets `return fail(e);` read naturally.
inline Unexpected fail(ApiError e) { return Unexpected{std::move(e)}; }

/// A value of type `T` or an `ApiError`; shaped like `std::expected<T, ApiError>`.
///
/// Stored as a tagged union rather than a `std::variant`: every builder and
/// parser returns one, and the variant's visitation machinery cost compile
/// time in every translation unit for no behaviour a two-state type needs.
template <class T>
class Result {
    static_assert(!std::is_same_v<T, ApiError>, "Result<ApiError> is ambiguous");
    static_assert(!std::is_reference_v<T>, "Result<T&> is not supported");

public:
    using value_type = T;         ///< The value type.
    using error_type = ApiError;  ///< The error type.

    /// Holds a value.
    Result(const T& v) : ok_(true) { ::new (static_cast<void*>(&value_)) T(v); }
    /// Holds a value.
    Result(T&& v) : ok_(true) { ::new (static_cast<void*>(&value_)) T(std::move(v)); }
    /// Holds an error.
    Result(ApiError e) : ok_(false) { ::new (static_cast<void*>(&error_)) ApiError(std::move(e)); }
    /// Holds an error.
    Result(Unexpected u) : ok_(false) { ::new (static_cast<void*>(&error_)) ApiError(std::move(u.error)); }
    /// Builds the value in place.
    template <class... A>
    explicit Result(std::in_place_t, A&&... a) : ok_(true) {
        ::new (static_cast<void*>(&value_)) T(std::forward<A>(a)...);
    }
    /// Copies the value or the error.
    Result(const Result& o) : ok_(o.ok_) {
        if (ok_) ::new (static_cast<void*>(&value_)) T(o.value_);
        else ::new (static_cast<void*>(&error_)) ApiError(o.error_);
    }
    /// Moves the value or the error.
    Result(Result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) : ok_(o.ok_) {
        if (ok_) ::new (static_cast<void*>(&value_)) T(std::move(o.value_));
        else ::new (static_cast<void*>(&error_)) ApiError(std::move(o.error_));
    }
    /// Copies the value or the error (strong guarantee: copies first).
    Result& operator=(const Result& o) {
        if (this != &o) {
            Result copy(o);
            *this = std::move(copy);
        }
        return *this;
    }
    /// Moves the value or the error.
    Result& operator=(Result&& o) noexcept(std::is_nothrow_move_constructible_v<T>) {
        if (this != &o) {
            destroy();
            ok_ = o.ok_;
            if (ok_) ::new (static_cast<void*>(&value_)) T(std::move(o.value_));
            else ::new (static_cast<void*>(&error_)) ApiError(std::move(o.error_));
        }
        return *this;
    }
    /// Destroys whichever is held.
    ~Result() { destroy(); }

    /// Returns true when a value is held.
    bool has_value() const noexcept { return ok_; }
    /// Returns true when a value is held.
    explicit operator bool() const noexcept { return ok_; }

    /// Returns the value; throws `BadResultAccess` when an error is held
    /// (aborts instead when built without exceptions).
    T& value() & { check(); return value_; }
    /// Returns the value; throws `BadResultAccess` when an error is held
    /// (aborts instead when built without exceptions).
    const T& value() const& { check(); return value_; }
    /// Returns the value; throws `BadResultAccess` when an error is held
    /// (aborts instead when built without exceptions).
    T&& value() && { check(); return std::move(value_); }

    /// Returns the error. Precondition: `!has_value()`.
    const ApiError& error() const& { return error_; }
    /// Returns the error. Precondition: `!has_value()`.
    ApiError& error() & { return error_; }
    /// Returns the error. Precondition: `!has_value()`.
    ApiError&& error() && { return std::move(error_); }

    /// Returns the value. Precondition: `has_value()`.
    T& operator*() & { return value_; }
    /// Returns the value. Precondition: `has_value()`.
    const T& operator*() const& { return value_; }
    /// Returns the value. Precondition: `has_value()`.
    T&& operator*() && { return std::move(value_); }
    /// Accesses the value. Precondition: `has_value()`.
    T* operator->() { return &value_; }
    /// Accesses the value. Precondition: `has_value()`.
    const T* operator->() const { return &value_; }

    /// Returns the value, or `fallback` when an error is held.
    template <class U>
    T value_or(U&& fallback) const& {
        return ok_ ? value_ : static_cast<T>(std::forward<U>(fallback));
    }

private:
    void check() const {
        if (ok_) return;
#if defined(CFIMAGES_NO_EXCEPTIONS)
        detail::fatal("Result<T>::value() called on an error: ", error_.message);
#else
        throw BadResultAccess(error_);
#endif
    }
    void destroy() noexcept {
        if (ok_) value_.~T();
        else error_.~ApiError();
    }

    union {
        T value_;
        ApiError error_;
    };
    bool ok_;
};

} // namespace cfimages

#endif // CFIMAGES_RESULT_HPP
