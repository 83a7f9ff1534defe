#ifndef CFIMAGES_BEAST_ASYNC_HPP
#define CFIMAGES_BEAST_ASYNC_HPP

/// @file
/// `cfimages::beast::AsyncClient`: cfimages calls on an asio executor that
/// never block a thread, many at a time, with any completion token.
///
/// @code
/// boost::asio::io_context ioc;
/// cfimages::beast::AsyncClient client(ioc.get_executor());
/// client.async_send(cfimages::v1::get(cfg, "image-id"), [](cfimages::Result<cfimages::Image> img) {
///     if (img) std::cout << img->id << '\n'; else std::cerr << img.error() << '\n';
/// });
/// ioc.run();
/// // or: auto img = co_await client.async_send(cfimages::v1::get(cfg, id), boost::asio::use_awaitable);
/// @endcode
///
/// Each call is a `cfimages::Call` (the same state machine as every other
/// transport: rate limiting, retries, redirect refusal, deadlines) whose
/// attempts go out on a pool of kept-alive connections: at most
/// `ClientOptions::max_connections` requests in flight per origin, further
/// calls waiting in the order they came. Waits (backoff, rate limits) are
/// asio timers. A kept-alive connection the server has closed is noticed
/// while idle (or before reuse) and replaced; a request that is not
/// idempotent is never sent again once its bytes may have reached the
/// server.
///
/// Completion signature: `void(cfimages::Result<T>)`. Per-operation
/// cancellation (`boost::asio::bind_cancellation_slot`, any cancellation
/// type) ends the call with a `transport` error saying it was cancelled;
/// its connection, if it was using one, is closed. Calls may be started
/// from any thread; the client's work runs on a strand of its executor.
/// Destroying the client closes its idle connections; calls in flight
/// finish normally.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <cfimages/batch_tokens.hpp>
#include <cfimages/beast/detail/connection.hpp>
#include <cfimages/beast/options.hpp>
#include <cfimages/call.hpp>
#include <cfimages/client.hpp>
#include <cfimages/models.hpp>
#include <cfimages/paging.hpp>
#include <cfimages/request.hpp>
#include <cfimages/result.hpp>

namespace cfimages {
namespace beast {
namespace detail {

/// A call waiting for a free connection slot of its origin.
struct SlotWaiter {
    explicit SlotWaiter(const asio::any_io_executor& ex) : timer(ex) {}
    asio::steady_timer timer;  ///< Waits "forever"; cancelled to wake the call.
    bool granted = false;      ///< A slot was handed over.
    bool abandoned = false;    ///< The call was cancelled while waiting.
};

/// The connections of one origin.
struct OriginPool {
    std::vector<std::shared_ptr<Connection>> idle;  ///< Kept alive, most recent last.
    std::size_t busy = 0;                           ///< Slots in use (requests in flight).
    std::deque<std::shared_ptr<SlotWaiter>> waiters;
};

/// What every call of one AsyncClient shares; lives as long as the client
/// or its last call. Touched only on `strand`.
class AsyncCore {
public:
    AsyncCore(const asio::any_io_executor& ex, ClientOptions o)
        : strand(asio::make_strand(ex)), options(std::move(o)), limiter(make_rate_limiter(options)) {
        std::random_device rd;
        seed_ = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
        if (options.max_connections == 0) options.max_connections = 1;
    }

    asio::strand<asio::any_io_executor> strand;  ///< Where all of the client's work runs.
    ClientOptions options;                       ///< As given.
    std::shared_ptr<RateLimiter> limiter;        ///< Shared by every call (may be null).

    /// Returns the policy of a new call.
    CallOptions call_options() {
        seed_ = cfimages::detail::splitmix64(seed_);
        return cfimages::call_options(options, limiter.get(), seed_);
    }

    /// Returns the TLS context, made on first use; null with `error`.
    asio::ssl::context* tls(std::string& error) {
        if (!tls_) tls_ = make_tls_context(options, error);
        return tls_.get();
    }

    /// Returns the pool of `url`'s origin.
    OriginPool& pool(const Url& url) { return pools_[url.origin()]; }

    /// Takes a slot of `pool` if one is free and nobody is queued before.
    bool try_take_slot(OriginPool& pool) {
        if (pool.busy >= options.max_connections || !pool.waiters.empty()) return false;
        ++pool.busy;
        return true;
    }

    /// Returns a kept-alive connection of `url`'s origin that can carry a
    /// request, or null. Connections found closed or dirty are dropped.
    std::shared_ptr<Connection> take_idle(OriginPool& pool) {
        while (!pool.idle.empty()) {
            auto conn = std::move(pool.idle.back());
            pool.idle.pop_back();
            if (conn->looks_alive(nullptr)) return conn;
            conn->close();
        }
        return nullptr;
    }

    /// Gives back the slot of a finished attempt (and its connection, when
    /// it may carry another request), and wakes the first waiting call.
    void release(OriginPool& pool, std::shared_ptr<Connection> conn, bool reusable) {
        if (conn) {
            if (reusable && !closed_ && pool.idle.size() < options.max_connections) keep_idle(pool, std::move(conn));
            else conn->close();
        }
        --pool.busy;
        while (!pool.waiters.empty()) {
            auto w = std::move(pool.waiters.front());
            pool.waiters.pop_front();
            if (w->abandoned) continue;
            w->granted = true;
            ++pool.busy;
            w->timer.cancel();
            break;
        }
    }

    /// Closes every idle connection; later ones are not kept.
    void close_idle() {
        for (auto& kv : pools_) {
            for (auto& c : kv.second.idle) c->close();
            kv.second.idle.clear();
        }
    }

    /// Batch tokens, when the client was asked to use them.
    std::optional<BatchTokenPool> batch;
    /// The configuration `v1::batch_token` is called with.
    Config batch_cfg;
    /// A `v1::batch_token` call is in flight.
    bool renewing = false;

    /// Stops keeping connections (the client is gone).
    void shut_down() {
        closed_ = true;
        close_idle();
    }

private:
    /// Keeps `conn` idle. It is not watched while it waits (a pending
    /// read would keep the executor's run() from returning); whether the
    /// server closed it is checked when it is taken (take_idle).
    static void keep_idle(OriginPool& pool, std::shared_ptr<Connection> conn) {
        pool.idle.push_back(std::move(conn));
    }

    std::unique_ptr<asio::ssl::context> tls_;
    std::map<std::string, OriginPool> pools_;  ///< std::map: pool references stay valid.
    std::uint64_t seed_ = 0;
    bool closed_ = false;
};

template <class T, class Token>
auto async_call(std::shared_ptr<AsyncCore> core, Request<T> request, bool pass_redirects, Token&& token,
                std::optional<ApiError> refused = std::nullopt);

/// Asks for new batch tokens while the pool wants some (defined below
/// async_call, which it uses).
inline void renew_batch_tokens(const std::shared_ptr<AsyncCore>& core);

/// Everything one asynchronous call needs that must not move while
/// handlers run. `T` is the parsed type, or `HttpResponse` for raw sends.
template <class T>
struct CallState {
    CallState(std::shared_ptr<AsyncCore> c, Request<T> r, bool raw)
        : core(std::move(c)), request(std::move(r)), timer(core->strand), pass_redirects(raw) {}

    /// Starts the call (on the strand: the core's seed is not shared).
    void start() {
        if (refused) return;
        if (core->batch && !pass_redirects) {
            if (auto token = core->batch->pick(std::chrono::system_clock::now()))
                if (batch_request(request.http, *token, core->batch->options().base_url)) batch_token = *token;
        }
        CallOptions o = core->call_options();
        o.pass_redirects = pass_redirects;
        call.emplace(request, o, CallClock::now());
    }

    std::shared_ptr<AsyncCore> core;
    Request<T> request;
    std::optional<Call<T>> call;
    asio::steady_timer timer;             ///< Backoff and rate-limit waits.
    OriginPool* pool = nullptr;           ///< The origin's pool, while a slot is held or awaited.
    bool has_slot = false;
    std::shared_ptr<SlotWaiter> waiter;
    std::shared_ptr<Connection> conn;     ///< The connection of the attempt in flight.
    std::string head;
    HttpResponse response;
    AttemptFailure failure;
    bool keep = false;
    bool ok = false;
    bool cancelled = false;
    bool pass_redirects = false;
    bool started = false;
    std::optional<ApiError> refused;  ///< The builder's error: completes with it, sends nothing.
    std::optional<std::string> batch_token;  ///< The batch token the call went out with.
    enum class Phase { idle, starting, waiting_slot, waiting_timer, connecting, exchanging } phase = Phase::idle;

    /// Cancellation, on the strand: end whatever is pending.
    void cancel() {
        if (cancelled) return;
        cancelled = true;
        timer.cancel();
        if (waiter) waiter->timer.cancel();
        if (conn) conn->close();
    }

    /// The call's outcome, typed.
    Result<T> result() {
        if (refused) return fail(std::move(*refused));
        if constexpr (std::is_same_v<T, HttpResponse>) return std::move(call->response());
        else return call->result();
    }
};

/// The composed operation of one asynchronous call: a loop over the call
/// state machine, on the core's strand.
template <class T>
struct CallOp {
    std::shared_ptr<CallState<T>> st;

    template <class Self>
    void operator()(Self& self) {
        auto& s = *st;
        if (!s.started) {
            // First entry: on the caller's thread. Any cancellation type
            // ends the call; then hop to the strand.
            s.started = true;
            self.reset_cancellation_state(asio::enable_total_cancellation());
            s.phase = CallState<T>::Phase::starting;
            asio::post(s.core->strand, std::move(self));
            return;
        }
        // composed_op clears the slot on every entry: listen again.
        auto slot = self.get_cancellation_state().slot();
        if (slot.is_connected()) {
            std::weak_ptr<CallState<T>> weak = st;
            auto strand = s.core->strand;
            slot.assign([weak, strand](asio::cancellation_type) {
                asio::post(strand, [weak] {
                    if (auto p = weak.lock()) p->cancel();
                });
            });
        }
        run(self);
    }

    template <class Self>
    void run(Self& self) {
        auto& s = *st;
        using Phase = typename CallState<T>::Phase;
        // Coming back from something that was pending.
        switch (s.phase) {
        case Phase::starting:
            s.phase = Phase::idle;
            s.start();
            if (s.core->batch) renew_batch_tokens(s.core);
            break;
        case Phase::waiting_slot:
            s.phase = Phase::idle;
            if (s.waiter->granted) s.has_slot = true; // release() counted it
            s.waiter.reset();
            if (s.cancelled) break;
            return attempt(self);
        case Phase::connecting:
            s.phase = Phase::idle;
            if (!s.ok) return report(self);
            return exchange(self);
        case Phase::exchanging:
            s.phase = Phase::idle;
            return report(self);
        default:
            s.phase = Phase::idle;
            break;
        }
        loop(self);
    }

    /// Asks the state machine what to do, and does it.
    template <class Self>
    void loop(Self& self) {
        auto& s = *st;
        if (s.refused) return finish(self);
        if (s.cancelled) s.call->cancel("cancelled: the caller cancelled the operation");
        if (s.call->finished()) return finish(self);
        // A connection slot first, then the machine: the rate limiter's
        // "now" and the attempt's time limit start when the request can
        // really go out, not while it queues. No slot is held across a
        // wait.
        if (!s.has_slot) {
            s.pool = &s.core->pool(s.call->url());
            if (!s.core->try_take_slot(*s.pool)) {
                s.waiter = std::make_shared<SlotWaiter>(s.core->strand);
                s.pool->waiters.push_back(s.waiter);
                s.waiter->timer.expires_at(asio::steady_timer::time_point::max());
                s.phase = CallState<T>::Phase::waiting_slot;
                auto w = s.waiter;
                s.waiter->timer.async_wait([self = std::move(self), w](const error_code&) mutable {
                    if (!w->granted) w->abandoned = true;
                    self();
                });
                return;
            }
            s.has_slot = true;
        }
        attempt(self);
    }

    /// With a slot held: asks the machine; sends, waits or finishes.
    template <class Self>
    void attempt(Self& self) {
        auto& s = *st;
        if (s.cancelled) {
            give_back_slot(false);
            return loop(self);
        }
        switch (s.call->next(CallClock::now())) {
        case Step::done:
            give_back_slot(false);
            return finish(self);
        case Step::wait: {
            give_back_slot(false);
            s.timer.expires_at(s.call->wake_at());
            s.phase = CallState<T>::Phase::waiting_timer;
            s.timer.async_wait([self = std::move(self)](const error_code&) mutable { self(); });
            return;
        }
        case Step::send: break;
        }
        const Url& url = s.call->url();
        s.failure = AttemptFailure{};
        s.failure.sent = Sent::nothing;
        s.conn = s.core->take_idle(*s.pool);
        if (s.conn) {
            s.failure.reused_connection = true;
            return exchange(self);
        }
        asio::ssl::context* tls = nullptr;
        if (url.tls) {
            std::string error;
            tls = s.core->tls(error);
            if (tls == nullptr) {
                s.failure = AttemptFailure::before_sending(std::move(error), false);
                s.ok = false;
                return report(self);
            }
        }
        s.conn = std::make_shared<Connection>(s.core->strand, url, tls, s.core->options);
        s.phase = CallState<T>::Phase::connecting;
        auto keep_alive = st;
        async_connect(*s.conn, url, connect_limits(s.call->limits(), s.core->options, CallClock::now()),
                      s.core->options, s.failure, [self = std::move(self), keep_alive](bool r) mutable {
                          keep_alive->ok = r;
                          self();
                      });
    }

    template <class Self>
    void exchange(Self& self) {
        auto& s = *st;
        if (s.cancelled) {
            s.ok = false;
            set_failure(s.failure, "cancelled", false);
            return report(self);
        }
        write_head(s.call->url(), s.call->request(), s.core->options.keep_alive, s.head);
        s.phase = CallState<T>::Phase::exchanging;
        s.response = HttpResponse{};
        s.keep = false;
        auto keep_alive = st;
        async_exchange(*s.conn, s.call->url(), s.call->request(), s.head, s.call->limits(), s.core->options,
                       s.response, s.keep, s.failure, [self = std::move(self), keep_alive](bool r) mutable {
                           keep_alive->ok = r;
                           self();
                       });
    }

    /// Tells the machine what the attempt produced and gives the slot back.
    template <class Self>
    void report(Self& self) {
        auto& s = *st;
        const bool reusable = s.ok && s.keep && !s.cancelled;
        give_back_slot(reusable);
        if (s.cancelled) return loop(self);
        // A batch token the batch host refuses is not handed out again.
        if (s.ok && s.batch_token && (s.response.status == 401 || s.response.status == 403) && s.core->batch)
            s.core->batch->drop(*s.batch_token);
        if (s.ok) s.call->on_response(std::move(s.response), CallClock::now());
        else s.call->on_failure(std::move(s.failure), CallClock::now());
        loop(self);
    }

    void give_back_slot(bool reusable) {
        auto& s = *st;
        if (!s.has_slot) return;
        s.has_slot = false;
        s.core->release(*s.pool, std::move(s.conn), reusable);
        s.conn.reset();
    }

    template <class Self>
    void finish(Self& self) {
        auto& s = *st;
        give_back_slot(false);
        auto result = s.result();
        auto keep_alive = st; // the state outlives the completion
        self.complete(std::move(result));
    }
};

/// Starts an asynchronous call of `request` on `core`; with `refused`
/// set, completes with that error instead (nothing is sent).
template <class T, class Token>
auto async_call(std::shared_ptr<AsyncCore> core, Request<T> request, bool pass_redirects, Token&& token,
                std::optional<ApiError> refused) {
    auto strand = core->strand;
    auto state = std::make_shared<CallState<T>>(std::move(core), std::move(request), pass_redirects);
    state->refused = std::move(refused);
    return asio::async_compose<Token, void(Result<T>)>(CallOp<T>{std::move(state)}, token, strand);
}

/// Asks for new batch tokens while the pool wants some (one
/// `v1::batch_token` call at a time, on the global API). On the strand.
inline void renew_batch_tokens(const std::shared_ptr<AsyncCore>& core) {
    if (!core->batch || core->renewing || core->batch->wanted(std::chrono::system_clock::now()) == 0) return;
    auto request = v1::batch_token(core->batch_cfg);
    if (!request) return;
    core->renewing = true;
    async_call<v1::BatchTokenGrant>(core, std::move(*request), false, [core](Result<v1::BatchTokenGrant> grant) {
        core->renewing = false;
        if (!grant || !core->batch) return; // calls go to the global API meanwhile
        core->batch->add(std::move(*grant));
        renew_batch_tokens(core);
    });
}

/// State of an asynchronous walk over a listing.
template <class Params, class OnImage>
struct WalkState {
    WalkState(std::shared_ptr<AsyncCore> c, Config cfg, Params first, OnImage f)
        : core(std::move(c)), walk(std::move(cfg), std::move(first)), on_image(std::move(f)) {}
    std::shared_ptr<AsyncCore> core;
    ListWalk<Params> walk;
    OnImage on_image;
    std::size_t visited = 0;
    bool started = false;
    bool cancelled = false;
    asio::cancellation_signal inner;  ///< Cancels the page call in flight.
    std::optional<Result<typename ListWalk<Params>::Page>> page;  ///< The page that just arrived.
};

/// The composed operation of `AsyncClient::async_for_each_image`: one
/// call per page through the client, the rules of `ListWalk`.
template <class Params, class OnImage>
struct WalkOp {
    using Page = typename ListWalk<Params>::Page;
    std::shared_ptr<WalkState<Params, OnImage>> st;

    template <class Self>
    void operator()(Self& self) {
        auto& s = *st;
        if (!s.started) {
            s.started = true;
            self.reset_cancellation_state(asio::enable_total_cancellation());
            asio::post(s.core->strand, std::move(self));
            return;
        }
        // Forward a cancellation to the page call in flight (on the strand:
        // a cancellation_signal is not thread-safe).
        auto slot = self.get_cancellation_state().slot();
        if (slot.is_connected()) {
            std::weak_ptr<WalkState<Params, OnImage>> weak = st;
            auto strand = s.core->strand;
            slot.assign([weak, strand](asio::cancellation_type) {
                asio::post(strand, [weak] {
                    if (auto p = weak.lock()) {
                        p->cancelled = true;
                        p->inner.emit(asio::cancellation_type::terminal);
                    }
                });
            });
        }
        if (s.page) {
            auto page = std::move(*s.page);
            s.page.reset();
            if (!page) return self.complete(Result<std::size_t>(fail(std::move(page).error())));
            auto fresh = s.walk.advance(*page);
            if (!fresh) return self.complete(Result<std::size_t>(fail(std::move(fresh).error())));
            for (const Image& image : page->images) {
                ++s.visited;
                if constexpr (std::is_same_v<std::invoke_result_t<OnImage&, const Image&>, bool>) {
                    if (!s.on_image(image)) return self.complete(Result<std::size_t>(s.visited));
                } else {
                    s.on_image(image);
                }
            }
        }
        if (s.walk.finished()) return self.complete(Result<std::size_t>(s.visited));
        if (s.cancelled)
            return self.complete(Result<std::size_t>(
                fail(ApiError::make(ErrorKind::transport, "cancelled: the caller cancelled the operation"))));
        auto request = s.walk.request();
        if (!request) return self.complete(Result<std::size_t>(fail(std::move(request).error())));
        auto keep = st;
        async_call<Page>(s.core, std::move(*request), false,
                         asio::bind_cancellation_slot(s.inner.slot(),
                                                      [self = std::move(self), keep](Result<Page> r) mutable {
                                                          keep->page.emplace(std::move(r));
                                                          self();
                                                      }));
    }
};

} // namespace detail

/// An asynchronous HTTP(S) client for cfimages requests on Boost.Beast,
/// with a connection pool per origin; see the file comment.
class AsyncClient {
public:
    /// The executor the client's work runs on (through a strand).
    using executor_type = boost::asio::any_io_executor;

    /// A client on `ex` with the given options (see `ClientOptions`;
    /// `max_connections` bounds the requests in flight per origin).
    /// @param ex      the executor (an io_context's, a thread pool's, ...).
    /// @param options the settings.
    explicit AsyncClient(executor_type ex, ClientOptions options = ClientOptions{})
        : core_(std::make_shared<detail::AsyncCore>(ex, std::move(options))) {}

    AsyncClient(const AsyncClient&) = delete;
    AsyncClient& operator=(const AsyncClient&) = delete;
    /// Moves the client; the moved-from one may only be destroyed.
    AsyncClient(AsyncClient&&) noexcept = default;
    /// Moves the client; the moved-from one may only be destroyed.
    AsyncClient& operator=(AsyncClient&&) noexcept = default;
    /// Closes idle connections; calls in flight finish normally.
    ~AsyncClient() {
        if (!core_) return;
        auto core = core_;
        boost::asio::post(core->strand, [core] { core->shut_down(); });
    }

    /// Returns the executor given at construction.
    executor_type get_executor() const noexcept { return core_->strand.get_inner_executor(); }
    /// Returns the options the client was made with.
    const ClientOptions& options() const noexcept { return core_->options; }
    /// Returns the limiter every call draws on (null when pacing is off).
    const std::shared_ptr<RateLimiter>& rate_limiter() const noexcept { return core_->limiter; }

    /// Sends what a builder returned and parses the answer, without
    /// blocking. A refused build completes with that error (nothing sent).
    /// @param request what `v1::get(...)` etc. returned.
    /// @param token   any completion token: a callback
    ///                `void(cfimages::Result<T>)`, `boost::asio::use_future`,
    ///                `boost::asio::use_awaitable`, `boost::asio::deferred`...
    /// @return what the token makes of `void(Result<T>)`. The result is as
    ///         `Client::send` gives it, or a `transport` error when the
    ///         operation was cancelled.
    template <class T, class CompletionToken>
    auto async_send(Result<Request<T>> request, CompletionToken&& token) {
        if (!request)
            return detail::async_call<T>(core_, Request<T>{}, false, std::forward<CompletionToken>(token),
                                         request.error());
        return detail::async_call<T>(core_, std::move(*request), false, std::forward<CompletionToken>(token));
    }

    /// Sends a built request and parses the answer, without blocking.
    /// @param request the request; taken by value (it lives in the call).
    /// @param token   any completion token (see above).
    /// @return what the token makes of `void(Result<T>)`.
    template <class T, class CompletionToken>
    auto async_send(Request<T> request, CompletionToken&& token) {
        return detail::async_call<T>(core_, std::move(request), false, std::forward<CompletionToken>(token));
    }

    /// Sends any request and completes with the raw answer, whatever its
    /// status (a 3xx as is, never followed).
    /// @param request    the request to send as is.
    /// @param idempotent whether the request may be repeated safely.
    /// @param token      any completion token for `void(Result<HttpResponse>)`.
    /// @return what the token makes of it.
    template <class CompletionToken>
    auto async_send_raw(HttpRequest request, bool idempotent, CompletionToken&& token) {
        Request<HttpResponse> r;
        r.http = std::move(request);
        r.idempotent = idempotent;
        return detail::async_call<HttpResponse>(core_, std::move(r), true, std::forward<CompletionToken>(token));
    }

    /// Visits every image of a listing, page after page, without
    /// blocking: one call per page through this client (its pool, rate
    /// limiter and retries), with the rules of `cfimages::ListWalk`.
    /// @param cfg      account and credentials (copied).
    /// @param params   the first page's parameters (`v2::ListParams` or
    ///                 `v1::ListParams`).
    /// @param on_image called on the client's strand for every image, in
    ///                 order, as `on_image(const Image&)`; it may return
    ///                 `bool`, and `false` ends the walk.
    /// @param token    any completion token for `void(Result<std::size_t>)`.
    /// @return what the token makes of it: the images visited, or the
    ///         first error (a cancelled walk: `transport`).
    template <class Params, class OnImage, class CompletionToken>
    auto async_for_each_image(Config cfg, Params params, OnImage on_image, CompletionToken&& token) {
        auto strand = core_->strand;
        return boost::asio::async_compose<CompletionToken, void(Result<std::size_t>)>(
            detail::WalkOp<Params, OnImage>{std::make_shared<detail::WalkState<Params, OnImage>>(
                core_, std::move(cfg), std::move(params), std::move(on_image))},
            token, strand);
    }

    /// Sends the calls the batch host takes (upload, get, edit, delete,
    /// list v2, direct upload) there, with batch tokens from a pool of
    /// `options.size`, each renewed before it expires through
    /// `v1::batch_token(cfg)` on the global API (see
    /// `cfimages::BatchTokenPool`). Until the first token arrives, and
    /// for every other call, requests go where they were built for. Each
    /// token has its own rate-limit budget (200 requests per second on
    /// the batch host).
    /// @param cfg     the account and API credentials to ask for tokens with.
    /// @param options how many tokens, when to renew, the batch host's root.
    void use_batch_tokens(Config cfg, BatchTokenOptions options = {}) {
        auto core = core_;
        boost::asio::post(core->strand, [core, cfg = std::move(cfg), options = std::move(options)]() mutable {
            core->batch_cfg = std::move(cfg);
            core->batch.emplace(std::move(options));
            detail::renew_batch_tokens(core);
        });
    }

    /// Closes every idle connection (calls in flight keep theirs).
    void close() {
        auto core = core_;
        boost::asio::post(core->strand, [core] { core->close_idle(); });
    }

private:
    std::shared_ptr<detail::AsyncCore> core_;
};

} // namespace beast
} // namespace cfimages

#endif // CFIMAGES_BEAST_ASYNC_HPP
