#ifndef CFIMAGES_CALL_HPP
#define CFIMAGES_CALL_HPP

/// @file
/// `Call<T>`: everything between "send this request" and "here is the
/// answer" that is policy rather than I/O, as a pure state machine:
/// request checks, rate limiting, retries (`Retry-After`,
/// `x-should-retry`, idempotency), replacing a stale kept-alive
/// connection, refusing redirects, and the per-attempt and overall
/// deadlines. It never reads a clock, sleeps or touches a socket: the
/// caller tells it the time and what each attempt produced, and it says
/// what to do next:
///
/// - `Step::send`: perform one attempt of `request()` within `limits()`
///   and report it with `on_response` or `on_failure`;
/// - `Step::wait`: call `next` again at `wake_at()`;
/// - `Step::done`: `result()` holds the answer.
///
/// The bundled clients (Beast sync and async, curl) are drivers of this
/// machine that perform attempts; so can any HTTP stack. A transport of
/// your own gets the very same policy in a dozen lines:
///
/// @code
/// cfimages::Result<cfimages::Image> get(const cfimages::Request<cfimages::Image>& req) {
///     using clock = std::chrono::steady_clock;
///     cfimages::Call<cfimages::Image> call(req, cfimages::CallOptions{}, clock::now());
///     for (;;) switch (call.next(clock::now())) {
///     case cfimages::Step::send:
///         if (auto res = my_send(call.request(), call.limits().deadline))   // your HTTP stack
///             call.on_response(std::move(*res), clock::now());
///         else
///             call.on_failure(cfimages::AttemptFailure::after_sending("my_send failed"), clock::now());
///         break;
///     case cfimages::Step::wait: std::this_thread::sleep_until(call.wake_at()); break;
///     case cfimages::Step::done: return call.result();
///     }
/// }
/// @endcode

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <cfimages/detail/text.hpp>
#include <cfimages/http.hpp>
#include <cfimages/rate_limit.hpp>
#include <cfimages/request.hpp>
#include <cfimages/result.hpp>
#include <cfimages/retry.hpp>
#include <cfimages/url.hpp>

namespace cfimages {

/// The policy of one call. Plain values, except `limiter`.
struct CallOptions {
    /// When and how long to retry (default: 2 retries, backoff 0.5 s .. 8 s).
    RetryPolicy retry;
    /// Limit for one attempt: connect, send, read the whole answer.
    /// Zero or negative: none.
    std::chrono::milliseconds attempt_timeout{60000};
    /// Limit for the whole call, every attempt and every wait included.
    /// Zero or negative: none (each attempt still has `attempt_timeout`).
    std::chrono::milliseconds deadline{0};
    /// The latest time the call may end, whenever it starts: a budget a
    /// sequence of calls shares (a command's `--timeout`, a request
    /// handler's own deadline). Combined with `deadline`: the earlier wins
    /// (set both to one length and its end, and messages name that length).
    std::optional<CallClock::time_point> deadline_at;
    /// The rate limiter the call draws on; null: none. Not owned: it must
    /// outlive the call (the clients keep theirs in a `shared_ptr`).
    RateLimiter* limiter = nullptr;
    /// Longest wait for the rate limiter the call accepts. A longer one
    /// (say, Cloudflare blocking a credential for five minutes after a
    /// 429) ends the call at once: with the last answer when there was
    /// one, else with a `transport` error carrying `retry_after`. A bulk
    /// job that would rather wait sets more (the deadline still applies).
    std::chrono::milliseconds max_rate_limit_wait{60000};
    /// Return a 3xx answer as it came (for `send_raw`) instead of turning
    /// it into an `api` error. Redirects are never followed either way.
    bool pass_redirects = false;
    /// Seed of the retry jitter; a client gives each call a different one.
    std::uint64_t seed = 0;
    /// How messages name `attempt_timeout` (a CLI names its own option).
    std::string_view attempt_timeout_name = "ClientOptions::timeout";
    /// How messages name `deadline`.
    std::string_view deadline_name = "ClientOptions::deadline";
};

/// What the machine asks for next.
enum class Step {
    send,  ///< Perform one attempt of `request()`, then report it.
    wait,  ///< Ask again at `wake_at()`.
    done,  ///< Finished: take `result()`.
};

/// The time limit of one attempt, with what to call it in a message.
struct AttemptLimits {
    /// The attempt must be over by then (connect, send, read).
    CallClock::time_point deadline = CallClock::time_point::max();
    /// The length of the limit that set `deadline`, for messages.
    std::chrono::milliseconds length{0};
    /// The name of that limit (`ClientOptions::timeout`, `--timeout`, ...).
    std::string_view name;

    /// Returns "timed out after <length> ms (<name>) <what>": the message
    /// a transport gives when `deadline` passes.
    std::string timed_out(std::string_view what) const {
        std::string m = "timed out after " + std::to_string(length.count()) + " ms";
        if (!name.empty()) m.append(" (").append(name).append(")");
        if (!what.empty()) m.append(" ").append(what);
        return m;
    }
};

/// Returns the limit that bounds connecting (resolve, TCP, TLS) in an
/// attempt that starts at `start`: `connect_timeout` from then, or the
/// attempt's own limit when that ends first. Equal limits (in whole
/// milliseconds) name `connect_name`, the one a user set for this phase.
/// @param attempt         the attempt's limit (`CallMachine::limits()`).
/// @param connect_timeout the transport's connect limit.
/// @param start           when connecting starts.
/// @param connect_name    how messages name `connect_timeout`.
/// @return the limit to connect within, with its name for messages.
inline AttemptLimits connect_limits(const AttemptLimits& attempt, std::chrono::milliseconds connect_timeout,
                                    CallClock::time_point start,
                                    std::string_view connect_name = "ClientOptions::connect_timeout") {
    if (attempt.deadline != CallClock::time_point::max() &&
        std::chrono::ceil<std::chrono::milliseconds>(attempt.deadline - start) < connect_timeout)
        return attempt;
    return AttemptLimits{start + connect_timeout, connect_timeout, connect_name};
}

/// How much of a request left before an attempt failed. Decides whether
/// a request that creates something may be sent again.
enum class Sent {
    nothing,     ///< Not a byte: the server cannot have seen the request.
    partly,      ///< Some bytes, not all: the server cannot have a complete request.
    completely,  ///< All of it: the server may have acted on it.
};

/// Why an attempt produced no answer; filled in by the transport.
struct AttemptFailure {
    /// What happened (`ErrorKind::transport`), one line, naming the host
    /// and the step (resolve, connect, TLS, write, read, timeout).
    ApiError error;
    /// How much of the request was written.
    Sent sent = Sent::completely;
    /// The attempt used a kept-alive connection from an earlier call.
    bool reused_connection = false;
    /// Some bytes of an answer arrived.
    bool response_started = false;
    /// A time limit ended the attempt.
    bool timed_out = false;
    /// Worth another attempt (false for TLS verification, limits,
    /// protocol violations: the same thing would happen again).
    bool retryable = true;

    /// A failure after which the request may have reached the server
    /// (the conservative choice when a transport cannot tell).
    /// @param message the one-line description.
    /// @return a retryable failure with `sent == Sent::completely`.
    static AttemptFailure after_sending(std::string message) {
        AttemptFailure f;
        f.error = ApiError::make(ErrorKind::transport, std::move(message));
        return f;
    }
    /// A failure before any byte of the request left (resolve, connect,
    /// TLS handshake): safe to repeat for any request.
    /// @param message the one-line description.
    /// @param retryable whether another attempt may succeed.
    /// @return a failure with `sent == Sent::nothing`.
    static AttemptFailure before_sending(std::string message, bool retryable = true) {
        AttemptFailure f;
        f.error = ApiError::make(ErrorKind::transport, std::move(message));
        f.sent = Sent::nothing;
        f.retryable = retryable;
        return f;
    }
};

namespace detail {

/// The characters of an RFC 9110 token, one table lookup per byte.
struct TokenChars {
    bool ok[256] = {};
    constexpr TokenChars() {
        for (int c = '0'; c <= '9'; ++c) ok[c] = true;
        for (int c = 'a'; c <= 'z'; ++c) ok[c] = ok[c - 32] = true;
        for (char c : {'!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~'})
            ok[static_cast<unsigned char>(c)] = true;
    }
};
inline constexpr TokenChars token_chars{};

/// Returns true for a valid header field name (an RFC 9110 token).
inline bool is_token(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (char c : s)
        if (!token_chars.ok[static_cast<unsigned char>(c)]) return false;
    return true;
}

/// Returns the `invalid_argument` error for the first header no
/// transport may send (a name that is not a token, a value with CR, LF or
/// NUL), or nullopt.
inline std::optional<ApiError> check_headers(const Headers& headers) {
    for (const Header& h : headers) {
        if (!is_token(h.name)) return ApiError::make(ErrorKind::invalid_argument, "header name is not a valid token");
        if (has_crlf(h.value))
            return ApiError::make(ErrorKind::invalid_argument, "header " + h.name + ": value contains CR, LF or NUL");
    }
    return std::nullopt;
}

/// The error for a URL split_url refuses.
inline ApiError bad_url_error() {
    return ApiError::make(ErrorKind::invalid_argument,
                          "url: not an absolute http(s) URL with a valid host and port, without "
                          "spaces or control characters (user information is refused)");
}

/// splitmix64: a small, good mixing step for per-call jitter.
inline std::uint64_t splitmix64(std::uint64_t x) noexcept {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

} // namespace detail

/// Checks what any transport must refuse to send: a URL that is not an
/// absolute http(s) URL with a valid host and port (user information
/// refused), and header names that are not tokens or values with CR, LF
/// or NUL (header injection).
/// @param request the request about to be sent.
/// @return nullopt when it may be sent, else the `invalid_argument` error.
inline std::optional<ApiError> check_request(const HttpRequest& request) {
    if (!split_url(request.url)) return detail::bad_url_error();
    return detail::check_headers(request.headers);
}

/// Returns the `api` error for a redirect cfimages does not follow: it
/// names the target's origin only (never its path or query), so that
/// nothing secret a `Location` may carry reaches a log.
/// @param response the 3xx answer.
/// @return an `api` error with the response's status.
inline ApiError redirect_error(const HttpResponse& response) {
    const auto location = response.header("location");
    return ApiError::make(ErrorKind::api,
                          "HTTP " + std::to_string(response.status) + " redirect to " +
                              (location ? url_origin_for_message(*location) : std::string("another location")) +
                              " not followed (cfimages follows no redirects, so credentials stay "
                              "with the host they were meant for)",
                          response.status);
}

/// The state machine of one call at the HTTP level (see the file
/// comment); `Call<T>` adds the typed parse. The request is referenced,
/// not copied: it must outlive the machine.
class CallMachine {
public:
    /// Starts a call of `request` at `now`. A request no transport may
    /// send (see `check_request`) finishes at once with `invalid_argument`.
    /// @param request    what to send; referenced, must outlive the machine.
    /// @param idempotent whether repeating it is harmless (`Request<T>::idempotent`).
    /// @param options    the policy; copied, except the limiter it points to.
    /// @param now        the current time.
    CallMachine(const HttpRequest& request, bool idempotent, const CallOptions& options,
                CallClock::time_point now)
        : request_(&request), options_(options), idempotent_(idempotent) {
        if (options_.deadline.count() > 0) deadline_ = now + options_.deadline;
        if (options_.deadline_at && *options_.deadline_at < deadline_) {
            deadline_ = *options_.deadline_at;
            // Messages give the limit's length as set (`deadline`, the
            // budget's whole length when both are set), else what was left.
            if (options_.deadline.count() <= 0)
                deadline_length_ = std::chrono::ceil<std::chrono::milliseconds>(*options_.deadline_at - now);
        }
        auto url = split_url(request.url);
        if (!url) {
            finish(detail::bad_url_error());
            return;
        }
        if (auto bad = detail::check_headers(request.headers)) {
            finish(std::move(*bad));
            return;
        }
        url_ = *url;
        if (options_.limiter != nullptr) key_ = rate_key(url_, request);
    }

    /// Says what to do at `now`: send, wait or take the result. Call it
    /// first, and again after each report and each wait.
    /// @param now the current time.
    /// @return the next step.
    Step next(CallClock::time_point now) {
        switch (state_) {
        case State::done: return Step::done;
        case State::sending: return Step::send;
        case State::waiting:
            if (now < wake_at_) return Step::wait;
            state_ = State::ready;
            break;
        case State::ready: break;
        }
        if (now >= deadline_) {
            finish(ApiError::make(ErrorKind::transport,
                                  AttemptLimits{deadline_, deadline_length(), options_.deadline_name}.timed_out(
                                      "before attempt " + std::to_string(attempts_ + 1) + " to " + url_.host_port())));
            return Step::done;
        }
        if (options_.limiter != nullptr && !skip_limiter_) {
            const auto wait = options_.limiter->acquire(key_, now);
            if (wait > CallClock::duration::zero()) {
                const bool too_long = wait > options_.max_rate_limit_wait;
                if (too_long || now + wait >= deadline_) {
                    finish_rate_limited(wait, too_long);
                    return Step::done;
                }
                wake_at_ = now + wait;
                state_ = State::waiting;
                return Step::wait;
            }
        }
        skip_limiter_ = false;
        limits_ = AttemptLimits{deadline_, deadline_length(), options_.deadline_name};
        if (options_.attempt_timeout.count() > 0 && now + options_.attempt_timeout < deadline_)
            limits_ = AttemptLimits{now + options_.attempt_timeout, options_.attempt_timeout,
                                    options_.attempt_timeout_name};
        ++attempts_;
        sent_at_ = now;
        state_ = State::sending;
        return Step::send;
    }

    /// Reports the answer of the attempt `next` asked for.
    /// @param response the answer, whatever its status.
    /// @param now      the time it was complete.
    void on_response(HttpResponse response, CallClock::time_point now) {
        if (state_ != State::sending) return;
        if (options_.limiter != nullptr) options_.limiter->observe(key_, response, now, sent_at_);
        const int status = response.status;
        if (status >= 200 && status <= 299) return finish(std::move(response));
        if (status >= 300 && status <= 399 && !options_.pass_redirects) return finish(redirect_error(response));
        const auto date = response.header("date");
        const auto decision = decide_retry(options_.retry, response, retries_, idempotent_,
                                           date ? parse_http_date(*date) : std::nullopt, jitter());
        if (!decision.retry || now + decision.delay >= deadline_) return finish(std::move(response));
        // Kept: if the rate limiter will not let the retry go in time, this
        // answer is the call's outcome.
        last_response_ = std::move(response);
        wait(now + decision.delay);
    }

    /// Reports that the attempt `next` asked for produced no answer.
    /// @param failure what happened, and how far the request got.
    /// @param now     the time it ended.
    void on_failure(AttemptFailure failure, CallClock::time_point now) {
        if (state_ != State::sending) return;
        failure.error.kind = ErrorKind::transport;
        // A kept-alive connection the server had closed: the request never
        // got a hearing. Once per call, at once, not counted as a retry,
        // unless it may have been acted on.
        if (failure.reused_connection && !failure.response_started && !failure.timed_out && failure.retryable &&
            (idempotent_ || failure.sent != Sent::completely) && !stale_retry_used_) {
            stale_retry_used_ = true;
            skip_limiter_ = true; // its slot was taken and not used by the server
            state_ = State::ready;
            return;
        }
        if (failure.retryable) {
            const auto decision = decide_retry(options_.retry, failure.error, retries_,
                                               idempotent_ || failure.sent == Sent::nothing, jitter());
            if (decision.retry) {
                if (now + decision.delay < deadline_) return wait(now + decision.delay);
                // (Said only when the deadline did not end this attempt itself.)
                if (!(failure.timed_out && limits_.deadline == deadline_))
                    failure.error.message += " (the deadline leaves no time for another attempt)";
            }
        }
        if (attempts_ > 1)
            failure.error.message += " (gave up after " + std::to_string(attempts_) + " attempts)";
        finish(std::move(failure.error));
    }

    /// Ends the call now with a `transport` error saying it was cancelled
    /// (`why`); nothing more is sent. No effect on a finished call.
    /// @param why e.g. "cancelled by the caller".
    void cancel(std::string_view why = "cancelled") {
        if (state_ == State::done) return;
        finish(ApiError::make(ErrorKind::transport, std::string(why)));
    }

    /// Returns the request to send (for `Step::send`).
    const HttpRequest& request() const noexcept { return *request_; }
    /// Returns the request's URL taken apart (valid unless the request was refused).
    const Url& url() const noexcept { return url_; }
    /// Returns the time limit of the attempt `next` asked for.
    const AttemptLimits& limits() const noexcept { return limits_; }
    /// Returns when to call `next` again (for `Step::wait`).
    CallClock::time_point wake_at() const noexcept { return wake_at_; }
    /// Returns the attempts started so far.
    int attempts() const noexcept { return attempts_; }
    /// Returns true once the call is finished.
    bool finished() const noexcept { return state_ == State::done; }
    /// Returns whether the request is idempotent (as given).
    bool idempotent() const noexcept { return idempotent_; }

    /// Returns the outcome (for `Step::done`): the final answer, or why
    /// there is none (`invalid_argument`, `transport`, or `api` for a
    /// refused redirect). Before the call is finished: a `transport`
    /// error saying so.
    Result<HttpResponse>& response() {
        if (!result_) result_.emplace(fail(ApiError::make(ErrorKind::transport, "the call has not finished")));
        return *result_;
    }

private:
    enum class State { ready, sending, waiting, done };

    void wait(CallClock::time_point until) {
        ++retries_;
        wake_at_ = until;
        state_ = State::waiting;
    }
    void finish(Result<HttpResponse> r) {
        result_.emplace(std::move(r));
        state_ = State::done;
    }
    void finish(ApiError e) { finish(Result<HttpResponse>(fail(std::move(e)))); }

    /// Ends a call the rate limiter would hold longer than it may wait.
    void finish_rate_limited(CallClock::duration wait, bool too_long) {
        if (last_response_) return finish(std::move(*last_response_));
        const auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait);
        ApiError e = ApiError::make(
            ErrorKind::transport,
            "rate limited: the next request to " + url_.host_port() + " may go in " + std::to_string(ms.count()) +
                " ms, " +
                (too_long ? "longer than the call waits (CallOptions::max_rate_limit_wait)"
                          : "after the deadline (" + std::string(options_.deadline_name) + ")") +
                "; not sent");
        e.retry_after = ms;
        finish(std::move(e));
    }
    void finish(HttpResponse r) { finish(Result<HttpResponse>(std::move(r))); }

    /// The length of the overall limit, for messages.
    std::chrono::milliseconds deadline_length() const noexcept {
        return deadline_length_ ? *deadline_length_ : options_.deadline;
    }

    double jitter() const noexcept {
        const std::uint64_t x = detail::splitmix64(options_.seed + static_cast<std::uint64_t>(retries_) + 1);
        return static_cast<double>(x >> 11) * (1.0 / 9007199254740992.0);
    }

    const HttpRequest* request_;
    CallOptions options_;
    bool idempotent_;
    Url url_;
    RateKey key_;
    CallClock::time_point deadline_ = CallClock::time_point::max();
    std::optional<std::chrono::milliseconds> deadline_length_;
    AttemptLimits limits_;
    CallClock::time_point wake_at_{};
    CallClock::time_point sent_at_{};
    State state_ = State::ready;
    int attempts_ = 0;
    int retries_ = 0;
    bool stale_retry_used_ = false;
    bool skip_limiter_ = false;
    std::optional<Result<HttpResponse>> result_;
    std::optional<HttpResponse> last_response_;
};

/// A call of a built `Request<T>`: `CallMachine` plus the typed parse.
/// The request is referenced, not copied: it must outlive the call.
template <class T>
class Call : public CallMachine {
public:
    /// Starts a call of `request` at `now` (see `CallMachine`).
    /// @param request what to send and how to parse its answer.
    /// @param options the policy.
    /// @param now     the current time.
    Call(const Request<T>& request, const CallOptions& options, CallClock::time_point now)
        : CallMachine(request.http, request.idempotent, options, now), parse_(&request) {}

    /// Returns the typed outcome (for `Step::done`): the parsed value, or
    /// the error of the call or of the parse.
    Result<T> result() {
        auto& r = response();
        if (!r) return fail(r.error());
        return parse_->parse(*r);
    }

private:
    const Request<T>* parse_;
};

/// Runs `call` to the end with a blocking transport: the loop every
/// synchronous client is.
/// @param call     the machine.
/// @param attempt  `bool(CallMachine&, HttpResponse& out, AttemptFailure& failure)`:
///                 performs one attempt of `call.request()` within
///                 `call.limits()`; true with `out` filled, or false with
///                 `failure` filled.
/// @param now      `CallClock::time_point()`: reads the clock.
/// @param sleep_until `void(CallClock::time_point)`: blocks until then.
/// @return the outcome, as `CallMachine::response()`.
template <class Attempt, class Now, class SleepUntil>
Result<HttpResponse>& drive(CallMachine& call, Attempt&& attempt, Now&& now, SleepUntil&& sleep_until) {
    for (;;) {
        switch (call.next(now())) {
        case Step::send: {
            HttpResponse response;
            AttemptFailure failure;
            if (attempt(call, response, failure)) call.on_response(std::move(response), now());
            else call.on_failure(std::move(failure), now());
            break;
        }
        case Step::wait: sleep_until(call.wake_at()); break;
        case Step::done: return call.response();
        }
    }
}

} // namespace cfimages

#endif // CFIMAGES_CALL_HPP
