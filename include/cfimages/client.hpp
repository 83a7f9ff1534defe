#ifndef CFIMAGES_CLIENT_HPP
#define CFIMAGES_CLIENT_HPP

/// @file
/// `BasicClient`: the part of a blocking client that is not I/O, written
/// once for every transport. A transport class performs one attempt (and
/// reads the clock and sleeps, which the codec never does); `BasicClient`
/// drives the call state machine (`cfimages/call.hpp`) over it and offers
/// the calls users make: `send`, `send_raw`, `for_each_image`,
/// `list_all`. `cfimages::beast::Client` and `cfimages::curl::Client` are
/// `BasicClient`s; a transport of your own can be one too:
///
/// @code
/// struct MyTransport {
///     explicit MyTransport(const cfimages::CommonClientOptions&) {}
///     // One attempt of call.request(), over by call.limits().deadline.
///     bool attempt(cfimages::CallMachine& call, cfimages::HttpResponse& out,
///                  cfimages::AttemptFailure& failure);
///     void recycle(cfimages::HttpResponse&&) {}        // keep memory, or not
///     void close() {}                                   // drop kept connections
///     static cfimages::CallClock::time_point now() { return cfimages::CallClock::now(); }
///     static void sleep_until(cfimages::CallClock::time_point t) { std::this_thread::sleep_until(t); }
/// };
/// using MyClient = cfimages::BasicClient<MyTransport, cfimages::CommonClientOptions>;
/// @endcode

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <cfimages/call.hpp>
#include <cfimages/config.hpp>
#include <cfimages/http.hpp>
#include <cfimages/models.hpp>
#include <cfimages/paging.hpp>
#include <cfimages/rate_limit.hpp>
#include <cfimages/request.hpp>
#include <cfimages/result.hpp>
#include <cfimages/retry.hpp>

namespace cfimages {

/// Settings every bundled client shares; `beast::ClientOptions` and
/// `curl::ClientOptions` add their transport's own. The defaults suit the
/// Cloudflare API.
struct CommonClientOptions {
    /// Limit for resolving the host, connecting and the TLS handshake.
    std::chrono::milliseconds connect_timeout{10000};
    /// Limit for one attempt as a whole: connect, send the request, read
    /// the whole response. Each retry gets its own.
    std::chrono::milliseconds timeout{60000};
    /// Limit for a whole call: every attempt and every wait between them.
    /// Zero: none (each attempt still has `timeout`).
    std::chrono::milliseconds deadline{0};
    /// The latest time any call may end: a budget every call of this
    /// client shares (a command-line tool's `--timeout` over a command of
    /// several calls). Unset: none.
    std::optional<CallClock::time_point> deadline_at;
    /// Largest response body accepted; past it the client stops reading
    /// and reports a `transport` error.
    std::uint64_t body_limit = 64u * 1024u * 1024u;
    /// Largest response body whose memory a client keeps between calls,
    /// to read the next answer into (transports that can: `beast::Client`).
    /// A 10,000-image list page is about 5 MB: kept, a program that lists
    /// again and again allocates and faults in no body memory after the
    /// first call, whatever the allocator does with freed blocks. 0 lets
    /// every body larger than 64 KiB go after its call.
    std::size_t retain_body_bytes = 16u * 1024u * 1024u;
    /// Largest response header block accepted.
    std::uint32_t header_limit = 64u * 1024u;
    /// When and how long to retry (default: 2 retries, backoff 0.5 s .. 8 s).
    RetryPolicy retry;
    /// Verify the server certificate and host name. Turn off only for a
    /// local test server; never against the real API.
    bool verify_peer = true;
    /// Keep connections open between calls and reuse them per origin.
    bool keep_alive = true;
    /// How the client paces itself (default: Cloudflare's documented
    /// limits, learned ones from `Ratelimit` headers). `enabled = false`
    /// turns pacing off.
    RateLimitOptions rate_limit;
    /// A limiter shared with other clients (several threads, each with a
    /// `Client`, drawing on one budget). Null: the client makes its own
    /// from `rate_limit`.
    std::shared_ptr<RateLimiter> rate_limiter;
    /// Longest a call waits for the rate limiter; past it the call ends
    /// at once (see `CallOptions::max_rate_limit_wait`).
    std::chrono::milliseconds rate_limit_max_wait{60000};
    /// Most requests in flight to one origin at a time (asynchronous
    /// clients; further calls wait in order). A blocking client has one.
    std::size_t max_connections = 8;
    /// How messages name `connect_timeout` (a command-line tool names its option).
    std::string_view connect_timeout_name = "ClientOptions::connect_timeout";
    /// How messages name `timeout`.
    std::string_view timeout_name = "ClientOptions::timeout";
    /// How messages name `deadline`.
    std::string_view deadline_name = "ClientOptions::deadline";
};

/// Returns the call policy `options` describe, drawing on `limiter`.
/// @param options the client's settings.
/// @param limiter the limiter to use (null: none).
/// @param seed    jitter seed for this call.
/// @return the `CallOptions` of one call.
inline CallOptions call_options(const CommonClientOptions& options, RateLimiter* limiter, std::uint64_t seed) {
    CallOptions c;
    c.retry = options.retry;
    c.attempt_timeout = options.timeout;
    c.deadline = options.deadline;
    c.deadline_at = options.deadline_at;
    c.limiter = limiter;
    c.max_rate_limit_wait = options.rate_limit_max_wait;
    c.seed = seed;
    c.attempt_timeout_name = options.timeout_name;
    c.deadline_name = options.deadline_name;
    return c;
}

/// Returns the limiter `options` ask for: the shared one, a new one from
/// `rate_limit`, or null when pacing is off.
/// @param options the client's settings.
/// @return the limiter to keep for the client's lifetime (may be null).
inline std::shared_ptr<RateLimiter> make_rate_limiter(const CommonClientOptions& options) {
    if (options.rate_limiter) return options.rate_limiter;
    if (!options.rate_limit.enabled) return nullptr;
    return std::make_shared<RateLimiter>(options.rate_limit);
}

/// A blocking client over `Transport`, with settings `Options` (derived
/// from `CommonClientOptions`). See the file comment for what a
/// `Transport` provides. Not thread-safe: one per thread (they may share
/// a `RateLimiter`); movable.
template <class Transport, class Options>
class BasicClient {
    static_assert(std::is_base_of_v<CommonClientOptions, Options>,
                  "Options must derive from cfimages::CommonClientOptions");

public:
    /// A client with the default options.
    BasicClient() : BasicClient(Options{}) {}
    /// A client with the given options.
    /// @param options the settings; kept for the client's lifetime.
    explicit BasicClient(Options options)
        : state_(std::make_unique<State>(std::move(options))) {}

    /// Returns the options the client was made with.
    const Options& options() const noexcept { return state_->options; }

    /// Sends a built request (rate-limited and retried as the options
    /// say) and parses the answer.
    /// @param request what a builder made.
    /// @return the typed value; `transport` when no response came,
    ///         `api` for a non-2xx answer (a 3xx included: redirects are
    ///         not followed) or `success: false`, `decode` for a 2xx body
    ///         of the wrong shape, `invalid_argument` for a request no
    ///         transport may send (nothing is sent then).
    template <class T>
    Result<T> send(const Request<T>& request) {
        Call<T> call(request, next_call_options(), Transport::now());
        auto& response = run(call);
        Result<T> value = call.result();
        if (response) state_->transport.recycle(std::move(*response));
        return value;
    }

    /// Sends the request a builder made, or passes the builder's error
    /// (`invalid_argument`) through untouched without sending anything.
    /// @param request what a builder returned.
    /// @return as `send(const Request<T>&)`.
    template <class T>
    Result<T> send(const Result<Request<T>>& request) {
        if (!request) return fail(request.error());
        return send(*request);
    }

    /// Sends a list request (`v1::list`, `v2::list`) and decodes the answer
    /// into `page`, overwriting the images it already holds so their
    /// memory is reused (`cfimages::parse_into`): the way to fetch page
    /// after page, or the same listing again and again.
    /// @param request a `Request<Page>` or the builder's `Result<Request<Page>>`
    ///                (whose error is passed through without sending anything).
    /// @param page    decoded into.
    /// @return the number of images on the page, or the error `send`
    ///         would give; on error `page` is left empty.
    template <class Req, class Page>
    Result<std::size_t> send(const Req& request, Page& page) {
        return cfimages::send_into([this](const HttpRequest& r) { return send_checked(r, true); }, request, page);
    }

    /// Sends any request and returns the raw answer, whatever its status
    /// (a 3xx is returned as is, never followed). Every method but POST is
    /// treated as idempotent for retries.
    /// @param request the request to send as is.
    /// @return the response, `transport` when none came, or
    ///         `invalid_argument` for a URL or header no transport may send.
    Result<HttpResponse> send_raw(const HttpRequest& request) {
        return send_raw(request, request.method != Method::post);
    }
    /// Same as `send_raw(request)` with an explicit idempotency flag.
    /// @param request    the request to send as is.
    /// @param idempotent whether the request may be repeated safely.
    /// @return as `send_raw(request)`.
    Result<HttpResponse> send_raw(const HttpRequest& request, bool idempotent) {
        CallOptions o = next_call_options();
        o.pass_redirects = true;
        CallMachine call(request, idempotent, o, Transport::now());
        return std::move(run(call));
    }

    /// Visits every image of a listing (`v2::ListParams` pages on
    /// continuation tokens, `v1::ListParams` on page numbers); see
    /// `cfimages::for_each_image`. `on_image(const Image&)` may return
    /// `false` to stop.
    /// @param cfg      account and credentials.
    /// @param params   the first page's parameters.
    /// @param on_image called for every image, in order.
    /// @return the number of images visited, or the first error.
    template <class Params, class OnImage>
    Result<std::size_t> for_each_image(const Config& cfg, const Params& params, OnImage&& on_image) {
        return cfimages::for_each_image([this](const HttpRequest& r) { return send_checked(r, true); }, cfg,
                                        params, std::forward<OnImage>(on_image));
    }

    /// Collects every image of a listing (see `for_each_image`).
    /// @param cfg    account and credentials.
    /// @param params the first page's parameters.
    /// @return all images in order, or the first error.
    template <class Params>
    Result<std::vector<Image>> list_all(const Config& cfg, const Params& params) {
        return cfimages::list_all_images([this](const HttpRequest& r) { return send_checked(r, true); }, cfg,
                                         params);
    }

    /// Closes every kept-alive connection (the next call opens a new one).
    void close() { state_->transport.close(); }

    /// Returns the limiter the client draws on (null when pacing is off).
    const std::shared_ptr<RateLimiter>& rate_limiter() const noexcept { return state_->limiter; }

protected:
    /// Returns the transport, for adapters that expose more of it.
    Transport& transport() noexcept { return state_->transport; }

private:
    struct State {
        explicit State(Options o)
            : options(std::move(o)), limiter(make_rate_limiter(options)), transport(options),
              seed(Transport::seed()) {}
        Options options;
        std::shared_ptr<RateLimiter> limiter;
        Transport transport;
        std::uint64_t seed;
    };

    CallOptions next_call_options() {
        state_->seed = detail::splitmix64(state_->seed);
        return call_options(state_->options, state_->limiter.get(), state_->seed);
    }

    Result<HttpResponse>& run(CallMachine& call) {
        Transport& t = state_->transport;
        return drive(
            call, [&t](CallMachine& c, HttpResponse& out, AttemptFailure& f) { return t.attempt(c, out, f); },
            [] { return Transport::now(); }, [](CallClock::time_point when) { Transport::sleep_until(when); });
    }

    /// Sends with redirects refused, for the pagers.
    Result<HttpResponse> send_checked(const HttpRequest& request, bool idempotent) {
        CallMachine call(request, idempotent, next_call_options(), Transport::now());
        return std::move(run(call));
    }

    std::unique_ptr<State> state_;
};

} // namespace cfimages

#endif // CFIMAGES_CLIENT_HPP
