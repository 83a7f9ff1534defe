#ifndef CFIMAGES_RETRY_HPP
#define CFIMAGES_RETRY_HPP

/// @file
/// `RetryPolicy` and `decide_retry`: whether a failed attempt should be
/// repeated, and after how long. Pure: the caller supplies the clock
/// reading (for HTTP-date `Retry-After`) and the jitter (a number in
/// [0, 1) from its own random source), so the same inputs always give the
/// same decision and any transport can share the rules.
///
/// How a decision is made, in order:
///  1. Out of attempts (`attempt >= max_retries`) or a non-idempotent
///     request without `retry_non_idempotent`: no retry.
///  2. A transport error (`ErrorKind::transport`, i.e. a connection error):
///     retry after the backoff delay. Any other error kind: no retry.
///  3. A response carrying `x-should-retry: true` / `false`: that decides.
///  4. Otherwise status 408, 409, 429 and 5xx are retried, nothing else.
///  5. The delay: `retry-after-ms` (milliseconds), else `retry-after`
///     (delta seconds, or an IMF-fixdate HTTP date taken relative to
///     `now`), each capped at `max_delay`; when neither is present or
///     valid, jittered exponential backoff:
///     `min(base_delay * 2^attempt, max_delay) * (1 - jitter_ratio * jitter)`.
///
/// These are the rules of the official Cloudflare SDKs
/// (https://github.com/cloudflare/cloudflare-typescript#retries), with the
/// server's wait capped by the policy rather than ignored past 60 s.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include <cfimages/detail/text.hpp>
#include <cfimages/http.hpp>
#include <cfimages/result.hpp>

namespace cfimages {

/// How many times, and how patiently, a failed call is repeated.
struct RetryPolicy {
    /// Retries after the first attempt (so at most `max_retries + 1`
    /// attempts). 0 disables retrying.
    int max_retries = 2;
    /// Backoff before the first retry; doubles on every further retry.
    std::chrono::milliseconds base_delay{500};
    /// Upper bound for every delay, the server-requested ones included.
    std::chrono::milliseconds max_delay{8000};
    /// Fraction of the backoff that jitter may take off: with 0.25 the
    /// delay lies in (0.75 * backoff, backoff]. Clamped to [0, 1].
    double jitter_ratio = 0.25;
    /// Also retry requests that create something (upload, direct upload,
    /// variant create). Off by default: a retry after a lost answer could
    /// create the thing twice.
    bool retry_non_idempotent = false;
};

/// The outcome of `decide_retry`.
struct RetryDecision {
    bool retry = false;                   ///< Repeat the request.
    std::chrono::milliseconds delay{0};   ///< Wait this long first (0 when `!retry`).

    /// Equal when every field is equal.
    friend bool operator==(const RetryDecision& a, const RetryDecision& b) {
        return a.retry == b.retry && a.delay == b.delay;
    }
    /// Not equal when any field differs.
    friend bool operator!=(const RetryDecision& a, const RetryDecision& b) { return !(a == b); }
};

namespace detail {

/// Parses a non-negative decimal number of units (`"1"`, `"0.5"`) into
/// milliseconds given `ms_per_unit`; nullopt for anything else. Values are
/// saturated at about 100 days so absurd headers cannot overflow.
inline std::optional<std::chrono::milliseconds> parse_decimal_ms(std::string_view s,
                                                                  std::int64_t ms_per_unit) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    if (s.empty()) return std::nullopt;
    constexpr std::int64_t saturate = 100LL * 24 * 3600 * 1000;
    std::int64_t whole = 0;
    std::size_t i = 0;
    bool digits = false;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
        digits = true;
        if (whole < saturate) whole = whole * 10 + (s[i] - '0');
    }
    // Fractional part, to millisecond precision of the result.
    std::int64_t frac_num = 0;
    std::int64_t frac_den = 1;
    if (i < s.size() && s[i] == '.') {
        ++i;
        for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
            digits = true;
            if (frac_den < 1000000) {
                frac_num = frac_num * 10 + (s[i] - '0');
                frac_den *= 10;
            }
        }
    }
    if (!digits || i != s.size()) return std::nullopt;
    std::int64_t ms = whole >= saturate / ms_per_unit ? saturate : whole * ms_per_unit;
    ms += frac_num * ms_per_unit / frac_den;
    if (ms > saturate) ms = saturate;
    return std::chrono::milliseconds(ms);
}

} // namespace detail

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110
/// section 5.6.7), the HTTP date form servers send in `Retry-After`.
/// @return the instant, or nullopt when `s` is not an IMF-fixdate
///         (the obsolete RFC 850 and asctime forms are not accepted).
inline std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view s) noexcept {
    // "Sun, 06 Nov 1994 08:49:37 GMT": fixed positions, 29 characters.
    if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
        s[16] != ' ' || s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT")
        return std::nullopt;
    static constexpr std::string_view days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    bool day_ok = false;
    for (std::string_view d : days) day_ok = day_ok || s.substr(0, 3) == d;
    if (!day_ok) return std::nullopt;
    static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    unsigned month = 0;
    for (unsigned m = 0; m < 12; ++m)
        if (s.substr(8, 3) == months[m]) month = m + 1;
    if (month == 0) return std::nullopt;
    auto num = [&](std::size_t pos, std::size_t len, unsigned& out) {
        out = 0;
        for (std::size_t k = pos; k < pos + len; ++k) {
            if (s[k] < '0' || s[k] > '9') return false;
            out = out * 10 + static_cast<unsigned>(s[k] - '0');
        }
        return true;
    };
    unsigned day = 0, year = 0, hh = 0, mm = 0, ss = 0;
    if (!num(5, 2, day) || !num(12, 4, year) || !num(17, 2, hh) || !num(20, 2, mm) ||
        !num(23, 2, ss))
        return std::nullopt;
    static constexpr unsigned month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    // Leap seconds (ss == 60) are allowed by the grammar.
    if (day < 1 || day > month_days[month - 1] || hh > 23 || mm > 59 || ss > 60)
        return std::nullopt;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month == 2 && day == 29 && !leap) return std::nullopt;
    const std::int64_t secs = detail::days_from_civil(year, month, day) * 86400 +
                              std::int64_t{hh} * 3600 + std::int64_t{mm} * 60 + std::int64_t{ss};
    // A year system_clock cannot hold (with 64-bit nanoseconds, before 1678
    // or after 2261) is refused rather than overflowing.
    using Dur = std::chrono::system_clock::duration;
    constexpr std::int64_t max_secs = std::chrono::duration_cast<std::chrono::seconds>(Dur::max()).count() - 1;
    constexpr std::int64_t min_secs = std::chrono::duration_cast<std::chrono::seconds>(Dur::min()).count() + 1;
    if (secs > max_secs || secs < min_secs) return std::nullopt;
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::seconds(secs)));
}

/// Returns the wait the server asked for in `retry-after-ms`, or else in
/// `retry-after` (delta seconds, or an IMF-fixdate taken relative to
/// `now`; a date in the past means no wait), uncapped; nullopt when
/// neither header is present and valid, or when the header is a date and
/// `now` is nullopt. This is the one reading of these headers in cfimages
/// (`ApiError::retry_after` and the retry policy both use it).
inline std::optional<std::chrono::milliseconds>
server_retry_delay(const HttpResponse& response,
                   std::optional<std::chrono::system_clock::time_point> now) noexcept {
    if (auto ms = response.header("retry-after-ms"))
        if (auto v = detail::parse_decimal_ms(*ms, 1)) return v;
    if (auto ra = response.header("retry-after")) {
        if (auto v = detail::parse_decimal_ms(*ra, 1000)) return v;
        if (!now) return std::nullopt;
        if (auto when = parse_http_date(*ra)) {
            if (*when <= *now) return std::chrono::milliseconds(0);
            return std::chrono::ceil<std::chrono::milliseconds>(*when - *now);
        }
    }
    return std::nullopt;
}

/// Same as above with a known current time.
/// @return as above.
inline std::optional<std::chrono::milliseconds>
server_retry_delay(const HttpResponse& response, std::chrono::system_clock::time_point now) noexcept {
    return server_retry_delay(response, std::optional<std::chrono::system_clock::time_point>(now));
}

/// Returns true for the statuses worth repeating: 408 (timeout), 409
/// (conflict, often a lock), 429 (rate limited) and every 5xx.
constexpr bool is_retryable_status(int status) noexcept {
    return status == 408 || status == 409 || status == 429 || (status >= 500 && status <= 599);
}

/// Returns the jittered exponential backoff before retry number
/// `attempt + 1`: `min(base_delay * 2^attempt, max_delay)`, shortened by
/// up to `jitter_ratio` of itself as `jitter` goes from 0 towards 1.
inline std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int attempt,
                                               double jitter) noexcept {
    const std::int64_t cap = policy.max_delay.count() > 0 ? policy.max_delay.count() : 0;
    std::int64_t d = policy.base_delay.count() > 0 ? policy.base_delay.count() : 0;
    for (int i = 0; i < attempt && d < cap; ++i) d *= 2;
    if (d > cap) d = cap;
    double ratio = policy.jitter_ratio;
    if (!(ratio >= 0.0)) ratio = 0.0; // also catches NaN
    if (ratio > 1.0) ratio = 1.0;
    if (!(jitter >= 0.0)) jitter = 0.0;
    if (jitter >= 1.0) jitter = 0.999999;
    const double scaled = static_cast<double>(d) * (1.0 - ratio * jitter);
    return std::chrono::milliseconds(static_cast<std::int64_t>(scaled));
}

/// Decides whether to repeat a request that got `response`.
///
/// @param policy     the limits.
/// @param response   the answer the last attempt got (any status; a 2xx
///                   is never retried).
/// @param attempt    retries already made for this call (0 after the
///                   first attempt).
/// @param idempotent `Request<T>::idempotent` of the call.
/// @param now        the current time, to resolve an HTTP-date
///                   `Retry-After`; nullopt to ignore that form (backoff then).
/// @param jitter     a random number in [0, 1) from the caller's source.
/// @return `{true, delay}` to wait `delay` and try again, else `{false, 0}`.
inline RetryDecision decide_retry(const RetryPolicy& policy, const HttpResponse& response,
                                  int attempt, bool idempotent,
                                  std::optional<std::chrono::system_clock::time_point> now,
                                  double jitter) noexcept {
    if (attempt < 0 || attempt >= policy.max_retries) return {};
    if (!idempotent && !policy.retry_non_idempotent) return {};
    if (response.status >= 200 && response.status <= 299) return {};
    bool retry = is_retryable_status(response.status);
    if (auto hint = response.header("x-should-retry")) {
        if (iequals(*hint, "true")) retry = true;
        else if (iequals(*hint, "false")) retry = false;
    }
    if (!retry) return {};
    if (auto wait = server_retry_delay(response, now)) {
        const auto cap = policy.max_delay.count() > 0 ? policy.max_delay : std::chrono::milliseconds(0);
        return {true, *wait < cap ? *wait : cap};
    }
    return {true, backoff_delay(policy, attempt, jitter)};
}

/// Same as above with a known current time.
/// @return as above.
inline RetryDecision decide_retry(const RetryPolicy& policy, const HttpResponse& response,
                                  int attempt, bool idempotent,
                                  std::chrono::system_clock::time_point now, double jitter) noexcept {
    return decide_retry(policy, response, attempt, idempotent,
                        std::optional<std::chrono::system_clock::time_point>(now), jitter);
}

/// Decides whether to repeat a request whose attempt failed without a
/// response. Only `ErrorKind::transport` errors (connection refused or
/// reset, timeouts) are retried; a transport that knows the request never
/// left (resolve or connect failed) may pass `idempotent = true` for any
/// request, since nothing can have been created.
///
/// @param policy     the limits.
/// @param error      why the attempt failed.
/// @param attempt    retries already made for this call (0 after the first attempt).
/// @param idempotent `Request<T>::idempotent` of the call.
/// @param jitter     a random number in [0, 1) from the caller's source.
/// @return `{true, delay}` to wait `delay` and try again, else `{false, 0}`.
inline RetryDecision decide_retry(const RetryPolicy& policy, const ApiError& error, int attempt,
                                  bool idempotent, double jitter) noexcept {
    if (attempt < 0 || attempt >= policy.max_retries) return {};
    if (!idempotent && !policy.retry_non_idempotent) return {};
    if (error.kind != ErrorKind::transport) return {};
    return {true, backoff_delay(policy, attempt, jitter)};
}

} // namespace cfimages

#endif // CFIMAGES_RETRY_HPP
