#ifndef CFIMAGES_BEAST_HPP
#define CFIMAGES_BEAST_HPP

/// @file
/// `cfimages::beast::Client`: a blocking HTTP/1.1 transport for the
/// cfimages codec, built on Boost.Beast and OpenSSL. (The asynchronous
/// one, `beast::AsyncClient`, is in `<cfimages/beast/async.hpp>`.)
///
/// @code
/// cfimages::beast::Client client;                       // TLS verified, keep-alive, retries
/// cfimages::Result<cfimages::Image> img = client.send(cfimages::v1::get(cfg, "image-id"));
/// if (!img) std::cerr << img.error() << '\n';            // kind, status, code, message
/// @endcode
///
/// The client performs attempts; what to send, when to wait and when to
/// give up is the call state machine's (`cfimages/call.hpp`), as for
/// every transport. What an attempt does:
/// - HTTPS through OpenSSL (TLS 1.2+, peer certificate and host name
///   verified against the system CA store by default, SNI) and plain HTTP.
/// - Keeps connections alive and reuses one per origin (scheme, host,
///   port). Before reuse, a connection the server has closed (FIN, TLS
///   close_notify) or that holds bytes nobody asked for is dropped. The
///   state machine sends a request that failed on a reused connection
///   before any answer once more on a new one, not counted as a retry,
///   when that is safe: it is idempotent, or it was not completely written.
/// - Interim answers (100 Continue, 103 Early Hints) are skipped: a call
///   gets the final answer.
/// - A connect timeout (resolve, TCP connect and TLS handshake) and the
///   attempt's limit (`timeout`, or what is left of `deadline`); a timeout
///   message names the limit that fired.
/// - A response body limit: past it the client stops reading, closes the
///   connection and reports a `transport` error; memory stays bounded
///   (about the body's size: a body of unknown length past 1 MiB reserves
///   the limit as address space at once, backed as it is written).
/// - Streamed request bodies (`HttpRequest::body_source`) go out in
///   chunks of 64 KiB; the body is never held whole.
/// - Every failure without a response is `ErrorKind::transport`, with a
///   message saying what failed (resolve, connect, TLS handshake, write,
///   read, timeout) and where (`host:port`); never a header, a URL query
///   or any credential.
///
/// A `Client` is not thread-safe: use one per thread (they may share a
/// `RateLimiter` through `ClientOptions::rate_limiter`). It may be moved.

#include <cstdint>
#include <memory>

#include <cfimages/beast/options.hpp>
#include <cfimages/call.hpp>
#include <cfimages/client.hpp>
#include <cfimages/detail/link.hpp>
#include <cfimages/http.hpp>

namespace cfimages {
namespace beast {
namespace detail {

/// The blocking transport: one attempt at a time on a private
/// io_context, one kept-alive connection per origin. Its state and code
/// live in `cfimages/beast/impl/client.ipp`, so that a translation unit in
/// separate-compilation mode sees no Beast or asio header.
class SyncTransport {
public:
    /// Keeps a reference to the client's options (they outlive it).
    explicit SyncTransport(const ClientOptions& options);
    SyncTransport(const SyncTransport&) = delete;
    SyncTransport& operator=(const SyncTransport&) = delete;
    ~SyncTransport();

    /// Reads the clock the state machine is timed with.
    static CallClock::time_point now() { return CallClock::now(); }
    /// Blocks until `t` (between retries, and while rate limited).
    static void sleep_until(CallClock::time_point t);
    /// A seed for the retry jitter.
    static std::uint64_t seed();

    /// Drops every kept-alive connection.
    void close();

    /// Takes back a response the caller is done with, to read the next
    /// one into: its body and header strings then need no allocation. A
    /// body larger than `ClientOptions::retain_body_bytes` (and 64 KiB) is
    /// let go instead, so the client never holds more than that between
    /// calls.
    void recycle(HttpResponse&& response) noexcept;

    /// One attempt of `call.request()`: a kept-alive or new connection,
    /// write, read. True with `out` filled, or false with `failure`.
    bool attempt(CallMachine& call, HttpResponse& out, AttemptFailure& failure);

private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace detail

/// A blocking HTTP(S) client for cfimages requests: `send`, `send_raw`,
/// `for_each_image` and `list_all` (see `cfimages::BasicClient`), over
/// Boost.Beast. Not thread-safe: use one per thread. Movable.
class Client : public BasicClient<detail::SyncTransport, ClientOptions> {
public:
    /// A client with the default options (TLS verified, keep-alive,
    /// 10 s connect / 60 s per attempt, 64 MiB body limit, 2 retries,
    /// Cloudflare's rate limits).
    Client() : BasicClient(ClientOptions{}) {}
    /// A client with the given options.
    /// @param options the settings.
    explicit Client(ClientOptions options) : BasicClient(std::move(options)) {}
};

} // namespace beast
} // namespace cfimages

#define CFIMAGES_IMPL_FILE <cfimages/beast/impl/client.ipp>
#include <cfimages/detail/bodies.hpp>

#endif // CFIMAGES_BEAST_HPP
