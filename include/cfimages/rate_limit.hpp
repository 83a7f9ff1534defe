#ifndef CFIMAGES_RATE_LIMIT_HPP
#define CFIMAGES_RATE_LIMIT_HPP

/// @file
/// `RateLimiter`: paces requests so that Cloudflare does not refuse them.
/// Pure: it reads no clock and sends nothing. The caller (the call state
/// machine in `cfimages/call.hpp`, and so every bundled client) asks it
/// "may this request go now?" before each attempt and tells it every
/// answer; it replies "now" or "wait this long".
///
/// What it knows:
/// - Cloudflare's documented limits by host and credential, before any
///   answer arrives (https://developers.cloudflare.com/fundamentals/api/reference/limits/):
///   1,200 requests per 5 minutes per credential on `api.cloudflare.com`
///   ("if you exceed this limit, all API calls for the next five minutes
///   will be blocked"), and 200 requests per second per batch token on
///   `batch.imagedelivery.net`. Other hosts start unlimited.
/// - What the server says (the IETF RateLimit header draft, as Cloudflare
///   sends it): `Ratelimit-Policy: "burst";q=100;w=60` replaces the known
///   quotas of that host and credential; `Ratelimit: "default";r=50;t=30`
///   allows at most `r` more requests in the next `t` seconds. Unknown
///   parameters, items and malformed values are ignored, never an error.
/// - A 429: nothing more is sent with that credential to that host until
///   `retry-after` (or the `t` of `Ratelimit`, or one second) has passed.
///
/// How it paces: for every quota of `q` requests per window `w` it keeps
/// the send times of the last `q'` requests, `q'` slightly under `q`
/// (`RateLimitOptions::headroom`), and allows a request only when fewer
/// than `q'` went out in the last `w` (a sliding window: the strictest
/// way a server may count). Within that, requests are spread out: after a
/// burst of a tenth of the quota they go one per `w / q'`, so that many
/// concurrent calls do not spend a window's quota at once and then stall.
///
/// One limiter may be shared by any number of calls and threads
/// (`std::shared_ptr<RateLimiter>`); its methods lock an internal mutex.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <cfimages/http.hpp>
#include <cfimages/retry.hpp>
#include <cfimages/url.hpp>

namespace cfimages {

/// The clock every pure timing decision is made on (calls, retries, rate
/// limits). The caller reads it and passes the readings in; a test passes
/// any time points it likes.
using CallClock = std::chrono::steady_clock;

/// A quota: at most `quota` requests in any `window`.
struct RateLimit {
    std::uint32_t quota = 0;              ///< Requests allowed per window; 0 means none known.
    std::chrono::milliseconds window{0};  ///< The window the quota applies to.

    /// Equal when both fields are equal.
    friend bool operator==(const RateLimit& a, const RateLimit& b) {
        return a.quota == b.quota && a.window == b.window;
    }
    /// Not equal when a field differs.
    friend bool operator!=(const RateLimit& a, const RateLimit& b) { return !(a == b); }
};

/// A quota known in advance for one host (per credential on that host).
struct RateLimitRule {
    std::string host;  ///< Lower-case host name the rule applies to.
    RateLimit limit;   ///< Its quota per credential.
};

/// Returns Cloudflare's documented limits: 1,200 requests per 300 s per
/// credential on `api.cloudflare.com`, 200 per second per batch token on
/// `batch.imagedelivery.net`.
inline std::vector<RateLimitRule> cloudflare_rate_limits() {
    return {RateLimitRule{"api.cloudflare.com", RateLimit{1200, std::chrono::seconds(300)}},
            RateLimitRule{"batch.imagedelivery.net", RateLimit{200, std::chrono::seconds(1)}}};
}

/// Settings of a `RateLimiter`.
struct RateLimitOptions {
    /// Pace at all. Off: `acquire` always answers "now" (429s are still
    /// retried by the retry policy).
    bool enabled = true;
    /// Quotas known before any answer (default: Cloudflare's documented ones).
    std::vector<RateLimitRule> rules = cloudflare_rate_limits();
    /// Learn quotas and remaining budgets from `Ratelimit-Policy` and
    /// `Ratelimit` response headers.
    bool learn_from_headers = true;
    /// Fraction of each quota to use, in (0, 1]: the rest absorbs requests
    /// the server counted that this limiter did not see (another process,
    /// the dashboard) and clock differences. At least one request per
    /// window is always allowed.
    double headroom = 0.95;
    /// Fraction of a quota that may go out at once before requests are
    /// spread evenly over the window, in (0, 1].
    double burst = 0.1;
};

/// Which budget a request draws on: its host and credential, as a
/// fingerprint (never the credential itself).
struct RateKey {
    /// The host, as in the request URL; read only while the key is used
    /// for the first time (to find the host's known quotas).
    std::string_view host;
    std::uint64_t id = 0;  ///< Fingerprint of the lower-case host and the credential headers.
};

namespace detail {

/// FNV-1a, 64-bit: a fingerprint, not a secret-keeping hash; it only
/// tells credentials apart inside one process.
inline std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 1469598103934665603ull) noexcept {
    for (char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    return h;
}

/// One structured-field item of a `Ratelimit` / `Ratelimit-Policy` value
/// with the integer parameters cfimages reads (absent ones are nullopt).
struct RateItem {
    std::optional<std::int64_t> q, w, r, t;
};

/// Parses a non-negative integer parameter value (an sf-integer; a
/// decimal is cut to its integer part); nullopt when malformed.
inline std::optional<std::int64_t> rate_param_value(std::string_view v) noexcept {
    std::int64_t n = 0;
    std::size_t i = 0;
    for (; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i) {
        if (n > 1'000'000'000'000LL) return std::nullopt;
        n = n * 10 + (v[i] - '0');
    }
    if (i == 0) return std::nullopt;
    if (i < v.size()) {
        if (v[i] != '.') return std::nullopt;
        for (++i; i < v.size(); ++i)
            if (v[i] < '0' || v[i] > '9') return std::nullopt;
    }
    return n;
}

/// Splits a header value into items at commas outside quoted strings and
/// reads each item's `q`, `w`, `r` and `t` parameters. Anything it does
/// not understand is skipped.
inline std::vector<RateItem> parse_rate_items(std::string_view value) {
    std::vector<RateItem> items;
    std::size_t i = 0;
    while (i < value.size()) {
        // One item: up to the next comma outside quotes.
        std::size_t end = i;
        bool quoted = false;
        for (; end < value.size(); ++end) {
            const char c = value[end];
            if (quoted && c == '\\' && end + 1 < value.size()) { ++end; continue; }
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) break;
        }
        std::string_view item = value.substr(i, end - i);
        i = end + 1;
        // Parameters follow the first ';' outside quotes.
        RateItem out;
        bool any = false;
        std::size_t p = 0;
        quoted = false;
        for (; p < item.size(); ++p) {
            if (item[p] == '"') quoted = !quoted;
            else if (item[p] == ';' && !quoted) break;
        }
        while (p < item.size()) {
            std::size_t next = item.find(';', p + 1);
            std::string_view param = item.substr(p + 1, next == std::string_view::npos ? std::string_view::npos
                                                                                       : next - p - 1);
            p = next == std::string_view::npos ? item.size() : next;
            while (!param.empty() && (param.front() == ' ' || param.front() == '\t')) param.remove_prefix(1);
            while (!param.empty() && (param.back() == ' ' || param.back() == '\t')) param.remove_suffix(1);
            const auto eq = param.find('=');
            if (eq != 1) continue; // the parameters cfimages reads are one letter
            const auto v = rate_param_value(param.substr(2));
            if (!v) continue;
            switch (param[0]) {
            case 'q': out.q = v; any = true; break;
            case 'w': out.w = v; any = true; break;
            case 'r': out.r = v; any = true; break;
            case 't': out.t = v; any = true; break;
            default: break;
            }
        }
        if (any) items.push_back(out);
    }
    return items;
}

} // namespace detail

/// Returns the budget `request` (going to `url`) draws on: the host, and a
/// fingerprint of its `Authorization` or `X-Auth-Email` + `X-Auth-Key`
/// headers. Allocates nothing.
inline RateKey rate_key(const Url& url, const HttpRequest& request) noexcept {
    std::uint64_t h = 1469598103934665603ull;
    for (char c : url.host) {
        h ^= static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
        h *= 1099511628211ull;
    }
    for (const Header& header : request.headers) {
        if (iequals(header.name, "authorization") || iequals(header.name, "x-auth-key") ||
            iequals(header.name, "x-auth-email")) {
            h = detail::fnv1a(header.name, h ^ 0x9e3779b97f4a7c15ull);
            h = detail::fnv1a(header.value, h);
        }
    }
    return RateKey{url.host, h};
}

/// Paces requests per host and credential; see the file comment.
class RateLimiter {
public:
    /// A limiter with Cloudflare's documented limits.
    RateLimiter() : RateLimiter(RateLimitOptions{}) {}
    /// A limiter with the given settings.
    explicit RateLimiter(RateLimitOptions options) : options_(std::move(options)) {
        if (!(options_.headroom > 0.0) || options_.headroom > 1.0) options_.headroom = 0.95;
        if (!(options_.burst > 0.0) || options_.burst > 1.0) options_.burst = 0.1;
        for (auto& rule : options_.rules)
            for (char& c : rule.host)
                if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    RateLimiter(const RateLimiter&) = delete;            ///< Shared, not copied.
    RateLimiter& operator=(const RateLimiter&) = delete; ///< Shared, not copied.

    /// Returns the settings.
    const RateLimitOptions& options() const noexcept { return options_; }

    /// Asks whether a request drawing on `key` may be sent at `now`.
    /// @return zero: send it now (the request is counted); otherwise how
    ///         long to wait before asking again (nothing is counted).
    CallClock::duration acquire(const RateKey& key, CallClock::time_point now) {
        if (!options_.enabled) return CallClock::duration::zero();
        std::lock_guard<std::mutex> lock(mutex_);
        Bucket& b = bucket(key);
        CallClock::duration wait = CallClock::duration::zero();
        if (now < b.blocked_until) wait = b.blocked_until - now;
        if (b.budget && now < b.budget_reset && b.budget_used >= *b.budget) {
            // r = 0: the server has nothing left until the reset. r > 0
            // used up by requests still in flight: their answers will say
            // more, so ask again soon rather than sleep to the reset.
            const auto to_reset = b.budget_reset - now;
            wait = std::max<CallClock::duration>(
                wait, *b.budget == 0 ? to_reset : std::min<CallClock::duration>(to_reset, b.recheck_after()));
        }
        for (const Quota& q : b.quotas) wait = std::max(wait, b.wait(q, now));
        if (wait > CallClock::duration::zero()) return wait;
        b.record(now);
        if (b.budget && now < b.budget_reset) ++b.budget_used;
        return CallClock::duration::zero();
    }

    /// Learns from an answer to a request that drew on `key`: its
    /// `Ratelimit-Policy` and `Ratelimit` headers, and a 429's
    /// `retry-after`. Never fails; what it cannot read it ignores.
    /// @param key      the budget the request drew on.
    /// @param response the answer.
    /// @param now      when it arrived.
    /// @param sent_at  when the request was sent: the `r` of `Ratelimit`
    ///                 counts what the server had seen by then, so requests
    ///                 sent after it are taken off; an answer older than
    ///                 the one already read does not replace it. Default:
    ///                 `now` (nothing in flight is taken off).
    void observe(const RateKey& key, const HttpResponse& response, CallClock::time_point now,
                 std::optional<CallClock::time_point> sent_at = std::nullopt) {
        const CallClock::time_point sent = sent_at.value_or(now);
        if (!options_.enabled) return;
        std::lock_guard<std::mutex> lock(mutex_);
        Bucket& b = bucket(key);
        std::optional<std::int64_t> reset_seconds;
        if (options_.learn_from_headers) {
            if (auto policy = response.header("ratelimit-policy")) {
                std::vector<RateLimit> learned;
                for (const auto& item : detail::parse_rate_items(*policy))
                    if (item.q && item.w && *item.q > 0 && *item.w > 0)
                        learned.push_back(RateLimit{static_cast<std::uint32_t>(std::min<std::int64_t>(*item.q, 1'000'000)),
                                                    std::chrono::seconds(std::min<std::int64_t>(*item.w, 86'400))});
                if (!learned.empty()) set_quotas(b, learned, now);
            }
            if (auto limit = response.header("ratelimit")) {
                // The most restrictive item decides.
                std::optional<std::int64_t> r;
                for (const auto& item : detail::parse_rate_items(*limit)) {
                    if (!item.r || !item.t) continue;
                    if (!r || *item.r < *r) {
                        r = item.r;
                        reset_seconds = std::min<std::int64_t>(*item.t, 86'400);
                    }
                }
                if (r && (!b.budget || sent >= b.budget_sent_at)) {
                    b.budget = static_cast<std::uint64_t>(*r);
                    b.budget_reset = now + std::chrono::seconds(*reset_seconds);
                    b.budget_sent_at = sent;
                    b.budget_used = b.sends_after(sent);
                }
            }
        }
        if (response.status == 429) {
            std::chrono::milliseconds delay{1000};
            const auto date = response.header("date");
            const auto server_now = date ? parse_http_date(*date) : std::nullopt;
            if (auto hint = server_retry_delay(response, server_now)) delay = *hint;
            else if (reset_seconds) delay = std::chrono::seconds(*reset_seconds);
            b.blocked_until = std::max(b.blocked_until, now + delay);
        }
    }

    /// Returns the quotas currently applied to `key` (the rules', or what
    /// the server announced), for tests and diagnostics.
    std::vector<RateLimit> quotas(const RateKey& key) {
        std::lock_guard<std::mutex> lock(mutex_);
        std::vector<RateLimit> out;
        for (const Quota& q : bucket(key).quotas) out.push_back(q.limit);
        return out;
    }

private:
    /// Send times kept per budget: enough for the largest quota (a larger
    /// quota is scaled down together with its window).
    static constexpr std::size_t max_log = 4096;

    /// One quota: how many sends its window allows, and its even pacing.
    struct Quota {
        RateLimit limit;                       ///< As announced or configured.
        std::size_t allowed = 1;               ///< Sends allowed per window (with headroom).
        CallClock::duration window{0};         ///< The window `allowed` applies to.
        CallClock::duration interval{0};       ///< Even spacing: window / allowed.
        CallClock::duration tolerance{0};      ///< How far ahead of even spacing a burst may run.
        CallClock::time_point tat{};           ///< When the next send is due if evenly spaced (GCRA).

        Quota(RateLimit l, double headroom, double burst, CallClock::time_point start) : limit(l), tat(start) {
            const double q = static_cast<double>(l.quota) * headroom;
            allowed = q < 1.0 ? 1 : static_cast<std::size_t>(q);
            window = l.window;
            if (allowed > max_log) {
                window = std::chrono::duration_cast<CallClock::duration>(
                    window * (static_cast<double>(max_log) / static_cast<double>(allowed)));
                allowed = max_log;
            }
            interval = window / static_cast<CallClock::rep>(allowed);
            const auto burst_n = std::max<std::size_t>(
                1, static_cast<std::size_t>(static_cast<double>(allowed) * burst));
            tolerance = interval * static_cast<CallClock::rep>(burst_n - 1);
        }
    };

    /// What one host and credential may still send.
    struct Bucket {
        std::vector<Quota> quotas;
        std::vector<CallClock::time_point> sends;  ///< Ring of the last send times (max_log).
        std::size_t next = 0;                      ///< Where the next send time goes.
        std::size_t count = 0;                     ///< Send times held (up to max_log).
        CallClock::time_point blocked_until{};
        std::optional<std::uint64_t> budget;   ///< `r` of the last `Ratelimit`.
        CallClock::time_point budget_reset{};  ///< When that budget ends.
        CallClock::time_point budget_sent_at{};  ///< When the request it answered was sent.
        std::uint64_t budget_used = 0;         ///< Sends since then.

        /// How soon to ask again while a budget with `r > 0` is used up
        /// by requests in flight: one pacing interval, at least 20 ms.
        CallClock::duration recheck_after() const {
            CallClock::duration d = std::chrono::milliseconds(20);
            for (const Quota& q : quotas) d = std::max(d, q.interval);
            return d;
        }

        /// How many of the recorded sends are later than `t`.
        std::uint64_t sends_after(CallClock::time_point t) const {
            std::uint64_t n = 0;
            for (std::size_t k = 1; k <= count && recent(k) > t; ++k) ++n;
            return n;
        }

        /// The k-th most recent send (1 = the last one); k <= count.
        CallClock::time_point recent(std::size_t k) const {
            return sends[(next + max_log - k) % max_log];
        }
        CallClock::duration wait(const Quota& q, CallClock::time_point now) const {
            CallClock::duration w = CallClock::duration::zero();
            // Sliding window: the send `allowed` back must have left it,
            // one pacing interval ago. The server counts a request when it
            // arrives, a little after it was allowed here (a connection to
            // open, the wire): freed slots refilled at the very instant
            // they free would meet their predecessors still counted there,
            // and a full window answers `r=0`, which stops every call until
            // the reset (a whole second when `t` is rounded up).
            if (count >= q.allowed) {
                const auto free_at = recent(q.allowed) + q.window + q.interval;
                if (free_at > now) w = free_at - now;
            }
            const auto pace_at = q.tat - q.tolerance;
            if (pace_at > now) w = std::max<CallClock::duration>(w, pace_at - now);
            return w;
        }
        void record(CallClock::time_point now) {
            if (sends.empty()) sends.resize(max_log);
            sends[next] = now;
            next = (next + 1) % max_log;
            if (count < max_log) ++count;
            for (Quota& q : quotas) q.tat = std::max(q.tat, now) + q.interval;
        }
    };

    Bucket& bucket(const RateKey& key) {
        auto it = buckets_.find(key.id);
        if (it != buckets_.end()) return it->second;
        Bucket& b = buckets_[key.id];
        for (const auto& rule : options_.rules)
            if (iequals(rule.host, key.host) && rule.limit.quota > 0 && rule.limit.window.count() > 0)
                b.quotas.emplace_back(rule.limit, options_.headroom, options_.burst, CallClock::time_point{});
        return b;
    }

    /// Replaces the quotas of `b` with what the server announced; the
    /// send history stays, so a quota learned late still counts the
    /// requests already made.
    void set_quotas(Bucket& b, const std::vector<RateLimit>& learned, CallClock::time_point now) {
        bool same = learned.size() == b.quotas.size();
        for (std::size_t i = 0; same && i < learned.size(); ++i) same = learned[i] == b.quotas[i].limit;
        if (same) return;
        std::vector<Quota> next;
        for (const RateLimit& l : learned) {
            auto it = std::find_if(b.quotas.begin(), b.quotas.end(), [&](const Quota& q) { return q.limit == l; });
            if (it != b.quotas.end()) next.push_back(*it);
            else next.emplace_back(l, options_.headroom, options_.burst, now);
        }
        b.quotas = std::move(next);
    }

    RateLimitOptions options_;
    std::mutex mutex_;
    std::unordered_map<std::uint64_t, Bucket> buckets_;
};

} // namespace cfimages

#endif // CFIMAGES_RATE_LIMIT_HPP
