#ifndef CFIMAGES_BEAST_IMPL_CLIENT_IPP
#define CFIMAGES_BEAST_IMPL_CLIENT_IPP

// Definitions of <cfimages/beast.hpp>'s transport: included at the end of
// that header (header-only) or by <cfimages/beast/src.hpp> (separate
// compilation), see cfimages/detail/link.hpp.

#include <cfimages/beast.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/read_size.hpp>
#if !defined(_WIN32)
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#endif

#include <cfimages/beast/detail/connection.hpp>
#include <cfimages/beast/options.hpp>
#include <cfimages/call.hpp>
#include <cfimages/client.hpp>
#include <cfimages/http.hpp>

namespace cfimages {
namespace beast {
namespace detail {

// What the transport holds: a private io_context, one kept-alive
// connection per origin, the TLS context, the buffers reused between calls.
struct SyncTransport::State {
    explicit State(const ClientOptions& options) : options_(options) {}
    State(const State&) = delete;
    State& operator=(const State&) = delete;
    ~State() { close(); }

    /// Drops every kept-alive connection.
    void close() {
        for (auto& c : pool_) c->close();
        pool_.clear();
    }

    /// Takes back a response the caller is done with, to read the next
    /// one into: its body and header strings then need no allocation. A
    /// body larger than `ClientOptions::retain_body_bytes` (and 64 KiB) is
    /// let go instead, so the client never holds more than that between
    /// calls.
    void recycle(HttpResponse&& response) noexcept {
        const std::size_t keep = options_.retain_body_bytes > 64u * 1024u ? options_.retain_body_bytes : 64u * 1024u;
        if (response.body.capacity() <= keep && response.headers.capacity() <= 64u) spare_ = std::move(response);
    }

    /// One attempt of `call.request()`: a kept-alive or new connection,
    /// write, read. True with `out` filled, or false with `failure`.
    bool attempt(CallMachine& call, HttpResponse& out, AttemptFailure& failure) {
        const Url& url = call.url();
        const HttpRequest& request = call.request();
        const AttemptLimits& limits = call.limits();
        write_head(url, request, options_.keep_alive, head_);

        failure = AttemptFailure{};
        failure.sent = Sent::nothing;
        Connection* conn = find(url);
        if (conn != nullptr && conn->looks_alive(&ioc_)) {
            failure.reused_connection = true;
        } else {
            if (conn != nullptr) drop(conn);
            conn = open(url, limits, failure);
            if (conn == nullptr) return false;
        }

        out = std::move(spare_);
        bool keep = false;
        bool ok = false;
#if !defined(_WIN32)
        // Plain HTTP never reaches async_exchange here: TLS alone needs
        // Beast's composed read and write (see Streams).
        constexpr Streams streams = Streams::tls;
        if (conn->plain) {
            ok = exchange_plain(*conn, url, request, limits, out, keep, failure);
        } else
#else
        constexpr Streams streams = Streams::any;
#endif
        {
            ioc_.restart();
            async_exchange<streams>(*conn, url, request, head_, limits, options_, out, keep, failure,
                                    [&](bool r) { ok = r; });
            ioc_.run();
        }
        if (!ok || !keep) drop(conn);
        return ok;
    }

    Connection* find(const Url& url) {
        for (auto& c : pool_)
            if (c->serves(url)) return c.get();
        return nullptr;
    }
    void drop(Connection* conn) {
        conn->close();
        pool_.erase(std::find_if(pool_.begin(), pool_.end(), [&](const auto& c) { return c.get() == conn; }));
    }

    /// Connects a new connection to `url`'s origin; null with `failure`.
    Connection* open(const Url& url, const AttemptLimits& limits, AttemptFailure& failure) {
        // From here: setting up TLS (loading the CA store) counts too.
        const auto connect_within = connect_limits(limits, options_, CallClock::now());
        if (url.tls && !tls_) {
            std::string error;
            tls_ = make_tls_context(options_, error);
            if (!tls_) {
                failure = AttemptFailure::before_sending(std::move(error), false);
                return nullptr;
            }
        }
        auto conn = std::make_unique<Connection>(ioc_.get_executor(), url, tls_.get(), options_);
        bool ok = false;
        ioc_.restart();
        async_connect(*conn, url, connect_within, options_, failure, [&](bool r) { ok = r; });
        ioc_.run();
        if (!ok) return nullptr;
        pool_.push_back(std::move(conn));
        return pool_.back().get();
    }

#if !defined(_WIN32)
    /// Waits until `fd` is ready for `events` or `deadline` passes;
    /// returns false on expiry. Errors and hang-ups count as ready: the
    /// next send or recv reports them.
    static bool wait_for(int fd, short events, CallClock::time_point deadline) {
        for (;;) {
            const auto left = deadline == CallClock::time_point::max()
                                  ? std::chrono::milliseconds(1 << 30)
                                  : std::chrono::ceil<std::chrono::milliseconds>(deadline - CallClock::now());
            if (left.count() <= 0) return false;
            pollfd p{fd, events, 0};
            const int n = ::poll(&p, 1, static_cast<int>(std::min<std::chrono::milliseconds::rep>(left.count(), 1 << 30)));
            if (n > 0) return true;
            if (n < 0 && errno != EINTR) return true;
        }
    }

    /// Sends `iov` completely on the non-blocking socket `fd` (sendmsg,
    /// poll only when it is full); an empty string on success, else what
    /// failed ("timeout" for the deadline).
    static std::string send_all(int fd, iovec* iov, std::size_t count, CallClock::time_point deadline, bool& any) {
        msghdr msg{};
        msg.msg_iov = iov;
        msg.msg_iovlen = count;
        while (msg.msg_iovlen > 0 && msg.msg_iov->iov_len == 0) {
            ++msg.msg_iov;
            --msg.msg_iovlen;
        }
        while (msg.msg_iovlen > 0) {
            const ssize_t n = ::sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0) {
                const int err = errno;
                if (err == EINTR) continue;
                if (err == EAGAIN || err == EWOULDBLOCK) {
                    if (!wait_for(fd, POLLOUT, deadline)) return "timeout";
                    continue;
                }
                return ec_text(error_code(err, asio::error::get_system_category()));
            }
            any = true;
            auto sent = static_cast<std::size_t>(n);
            while (msg.msg_iovlen > 0 && sent >= msg.msg_iov->iov_len) {
                sent -= msg.msg_iov->iov_len;
                ++msg.msg_iov;
                --msg.msg_iovlen;
            }
            if (msg.msg_iovlen > 0) {
                msg.msg_iov->iov_base = static_cast<char*>(msg.msg_iov->iov_base) + sent;
                msg.msg_iov->iov_len -= sent;
            }
        }
        return {};
    }

    /// The plain-HTTP exchange with direct non-blocking syscalls on the
    /// socket: sendmsg, then recv into the buffer and Beast's parser, with
    /// poll only when the socket is not ready. Same results and messages
    /// as `async_exchange`; asio's scheduler (reactor, composed
    /// operations, executor dispatch) cost more CPU than the rest of a
    /// small call, and sendmsg, poll, recv do the work of sendmsg, three
    /// epoll_waits and recvmsg.
    bool exchange_plain(Connection& conn, const Url& url, const HttpRequest& request, const AttemptLimits& limits,
                        HttpResponse& out, bool& keep, AttemptFailure& failure) {
        const int fd = conn.plain->socket().native_handle();
        const auto deadline = limits.deadline;
        // Messages name host:port; built only when one is needed.
        auto send_failed = [&](const std::string& what) {
            conn.close();
            if (what == "timeout") set_failure(failure, limits.timed_out("sending the request to " + url.host_port()), true, true);
            else set_failure(failure, "cannot send the request to " + url.host_port() + ": " + what, true);
            return false;
        };

        bool any = false;
        std::array<iovec, 2> iov{iovec{head_.data(), head_.size()},
                                 iovec{const_cast<char*>(request.body.data()), request.body_source ? 0 : request.body.size()}};
        std::string err = send_all(fd, iov.data(), iov.size(), deadline, any);
        if (any) failure.sent = Sent::partly;
        if (!err.empty()) return send_failed(err);
        if (request.body_source) {
            // Streamed body: one bounded chunk at a time.
            const BodySource& src = *request.body_source;
            std::vector<char> chunk(static_cast<std::size_t>(std::min<std::uint64_t>(64u * 1024u, src.size())));
            for (std::uint64_t offset = 0; offset < src.size();) {
                const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), src.size() - offset));
                auto got = src.read(offset, chunk.data(), n);
                if (!got || *got == 0 || *got > n) {
                    conn.close();
                    failure.error = got ? ApiError::make(ErrorKind::transport, "the request body source ended before its size")
                                        : got.error();
                    failure.retryable = false;
                    return false;
                }
                iovec piece{chunk.data(), *got};
                err = send_all(fd, &piece, 1, deadline, any);
                if (!err.empty()) return send_failed(err);
                offset += *got;
            }
        }
        failure.sent = Sent::completely;

        // As http::async_read drives the parser (read_some_op): parse what
        // is buffered, read at most 64 KiB more when it needs more, turn a
        // clean end of stream into put_eof or end_of_stream. One message
        // after another while they are interim answers.
        auto& buffer = conn.buffer;
        error_code ec;
        // The answer is rarely there the moment the request is out: wait
        // first instead of paying for a recv that fails with EAGAIN.
        bool readable = false;
        for (;;) {
            ResponseReader parser(out, conn.header_hint, options_);
            parser.eager(true);
            bool fresh = true; // the buffer holds bytes the parser has not been given
            bool in_time = true;
            for (;;) {
                if (fresh && buffer.size() > 0) {
                    const std::size_t used = parser.put(buffer.data(), ec);
                    buffer.consume(used);
                    if (ec == http::error::need_more) ec = {};
                    else if (ec || parser.is_done()) break;
                    else if (used > 0) continue;
                }
                fresh = false;
                // Never more than max_size() - size(), so prepare() cannot throw.
                const std::size_t size = boost::beast::read_size(buffer, 65536);
                if (size == 0) {
                    ec = http::error::buffer_overflow;
                    break;
                }
                // A server that never lets the socket run dry still meets the deadline.
                if (readable ? CallClock::now() >= deadline : !wait_for(fd, POLLIN, deadline)) {
                    in_time = false;
                    break;
                }
                const auto mb = buffer.prepare(size);
                const ssize_t n = ::recv(fd, mb.data(), mb.size(), MSG_DONTWAIT);
                readable = fresh = n > 0;
                if (n > 0) {
                    buffer.commit(static_cast<std::size_t>(n));
                    continue;
                }
                if (n == 0) {
                    if (parser.got_some()) parser.put_eof(ec);
                    else ec = http::error::end_of_stream;
                    break;
                }
                const int e = errno;
                if (e == EINTR || e == EAGAIN || e == EWOULDBLOCK) continue;
                ec.assign(e, asio::error::get_system_category());
                break;
            }
            failure.response_started = failure.response_started || parser.got_some();
            if (!in_time) {
                conn.close();
                set_failure(failure, limits.timed_out("reading the response from " + url.host_port()), true, true);
                return false;
            }
            if (ec) {
                conn.close();
                read_failure(ec, url, options_, failure);
                return false;
            }
            if (is_interim(out.status)) continue;
            // Bytes past the answer already in the buffer: never reused
            // (bytes still in the socket are seen by looks_alive's peek).
            keep = options_.keep_alive && parser.keep_alive() && !parser.need_eof() && out.status != 101 &&
                   buffer.size() == 0;
            conn.header_hint = std::min<std::size_t>(std::max(conn.header_hint, out.headers.size()), 64);
            return true;
        }
    }
#endif

    const ClientOptions& options_;
    asio::io_context ioc_;
    std::unique_ptr<asio::ssl::context> tls_;
    std::vector<std::unique_ptr<Connection>> pool_;
    HttpResponse spare_;  ///< See recycle.
    std::string head_;    ///< The request head being sent (reused between calls).
};

CFIMAGES_DECL SyncTransport::SyncTransport(const ClientOptions& options) : state_(std::make_unique<State>(options)) {}

CFIMAGES_DECL SyncTransport::~SyncTransport() = default;

CFIMAGES_DECL void SyncTransport::sleep_until(CallClock::time_point t) { std::this_thread::sleep_until(t); }

CFIMAGES_DECL std::uint64_t SyncTransport::seed() {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

CFIMAGES_DECL void SyncTransport::close() { state_->close(); }

CFIMAGES_DECL void SyncTransport::recycle(HttpResponse&& response) noexcept { state_->recycle(std::move(response)); }

CFIMAGES_DECL bool SyncTransport::attempt(CallMachine& call, HttpResponse& out, AttemptFailure& failure) {
    return state_->attempt(call, out, failure);
}

} // namespace detail
} // namespace beast
} // namespace cfimages

#endif // CFIMAGES_BEAST_IMPL_CLIENT_IPP
