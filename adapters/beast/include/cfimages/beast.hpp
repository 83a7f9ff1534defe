#ifndef CFIMAGES_BEAST_HPP
#define CFIMAGES_BEAST_HPP

/// @file
/// `cfimages::beast::Client`: a synchronous HTTP/1.1 transport for the
/// cfimages codec, built on Boost.Beast and OpenSSL.
///
/// @code
/// cfimages::beast::Client client;                       // TLS verified, keep-alive, retries
/// cfimages::Result<cfimages::Image> img = client.send(cfimages::v1::get(cfg, "image-id"));
/// if (!img) std::cerr << img.error() << '\n';            // kind, status, code, message
/// @endcode
///
/// What it does:
/// - HTTPS through OpenSSL (TLS 1.2+, peer certificate and host name
///   verified against the system CA store by default, SNI) and plain HTTP.
/// - Keeps connections alive and reuses one per origin (scheme, host,
///   port). Before reuse, a connection the server has closed (FIN, TLS
///   close_notify) or that holds bytes nobody asked for is dropped. A
///   request that fails on a reused connection before any answer is sent
///   once more on a new one, not counted as a retry, when that is safe: it
///   is idempotent, or it was not completely written.
/// - Interim answers (100 Continue, 103 Early Hints) are skipped: a call
///   gets the final answer.
/// - A connect timeout (resolve, TCP connect and TLS handshake) and a total
///   timeout per attempt (from connect to the last body byte); a timeout
///   message names the limit that fired.
/// - A response body limit: past it the client stops reading, closes the
///   connection and reports a `transport` error; memory stays bounded
///   (about the body's size: a body of unknown length past 1 MiB reserves
///   the limit as address space at once, backed as it is written).
/// - Follows no redirect: a 3xx becomes an `api` error naming the target
///   origin, so credentials never travel to a host they were not meant for.
/// - Retries according to `RetryPolicy` (`cfimages/retry.hpp`), sleeping
///   between attempts, with jitter from its own random engine.
/// - Every failure without a response is `ErrorKind::transport`, with a
///   message saying what failed (resolve, connect, TLS handshake, write,
///   read, timeout) and where (`host:port`); never a header, a URL query
///   or any credential.
///
/// A `Client` is not thread-safe: use one per thread. It may be moved.

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#if !defined(_WIN32)
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#endif

#include <cfimages/beast/url.hpp>
#include <cfimages/config.hpp>
#include <cfimages/detail/text.hpp>
#include <cfimages/http.hpp>
#include <cfimages/models.hpp>
#include <cfimages/paging.hpp>
#include <cfimages/request.hpp>
#include <cfimages/result.hpp>
#include <cfimages/retry.hpp>

namespace cfimages {
namespace beast {

/// Settings of a `Client`; the defaults suit the Cloudflare API.
struct ClientOptions {
    /// Limit for resolving the host, connecting and the TLS handshake.
    std::chrono::milliseconds connect_timeout{10000};
    /// Limit for one attempt as a whole: connect, send the request, read
    /// the whole response. Retries each get their own.
    std::chrono::milliseconds timeout{60000};
    /// Largest response body accepted; past it the client stops reading
    /// and reports a `transport` error.
    std::uint64_t body_limit = 64u * 1024u * 1024u;
    /// Largest response header block accepted.
    std::uint32_t header_limit = 64u * 1024u;
    /// When and how long to retry (default: 2 retries, backoff 0.5 s .. 8 s).
    RetryPolicy retry;
    /// Verify the server certificate and host name. Turn off only for a
    /// local test server; never against the real API.
    bool verify_peer = true;
    /// Also trust these CA certificates (PEM, one or more), in addition to
    /// the system store (e.g. a corporate proxy CA, or a test CA).
    std::string extra_ca_pem;
    /// Keep connections open between calls and reuse them per origin.
    bool keep_alive = true;
};

namespace detail {

/// One kept-alive connection to an origin (plain or TLS).
struct Connection {
    std::unique_ptr<boost::beast::tcp_stream> plain;
    std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> secure;
    boost::beast::flat_buffer buffer;

    /// Returns the TCP layer, whichever stream is in use.
    boost::beast::tcp_stream& tcp() { return plain ? *plain : secure->next_layer(); }

    /// Returns true when bytes past the last response were already read
    /// from the socket: left in `buffer` by the parser, or decrypted and
    /// still held by OpenSSL. Such a connection is never reused: those
    /// bytes would become the next call's answer. No system call.
    bool holds_unread() {
        return buffer.size() != 0 || (secure && ::SSL_pending(secure->native_handle()) > 0);
    }

    /// Returns true when the idle connection can carry the next request:
    /// the server has not closed it, and nothing has arrived on it since
    /// the last response (bytes nobody asked for would be taken as the
    /// next answer). One recv(MSG_PEEK) on the common path; over TLS,
    /// records that did arrive are processed without blocking (`settle`)
    /// to tell a close_notify or stray data (drop) from a session ticket
    /// (keep).
    bool looks_alive(boost::asio::io_context& ioc) {
        auto& sock = tcp().socket();
        if (!sock.is_open() || holds_unread()) return false;
#if !defined(_WIN32)
        // One recv(MSG_PEEK | MSG_DONTWAIT): toggling asio's non-blocking
        // mode instead costs two ioctls here and a third in the next
        // operation, on every call.
        char c = 0;
        const auto n = ::recv(sock.native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n == 0) return false; // end of stream
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
#else
        boost::system::error_code ec;
        sock.non_blocking(true, ec);
        if (ec) return false;
        char c = 0;
        const std::size_t n = sock.receive(boost::asio::buffer(&c, 1),
                                           boost::asio::socket_base::message_peek, ec);
        boost::system::error_code ignored;
        sock.non_blocking(false, ignored);
        if (ec && ec != boost::asio::error::would_block && ec != boost::asio::error::try_again)
            return false;              // reset, or end of stream
        if (!ec && n == 0) return false;
#endif
        const bool arrived = n > 0;
        if (!secure) return !arrived;  // plain: bytes nobody asked for
        SSL* ssl = secure->native_handle();
        // Ciphertext may also wait inside OpenSSL or Asio's BIO pair.
        if (!arrived && ::SSL_has_pending(ssl) == 0 && BIO_ctrl_pending(::SSL_get_rbio(ssl)) == 0) return true;
        return settle(ioc);
    }

    /// Closes the socket (no TLS close_notify: the connection is dropped).
    void close() {
        boost::system::error_code ignored;
        tcp().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
        tcp().socket().close(ignored);
    }

private:
    /// Lets OpenSSL process the TLS records that have arrived on an idle
    /// connection, without waiting for more; returns true when they held
    /// no application data and no end of the connection (a session ticket
    /// or key update: the connection stays usable). A close_notify, a FIN,
    /// an error, application data, or a record still incomplete: false.
    bool settle(boost::asio::io_context& ioc) {
        char byte = 0;
        bool done = false;
        boost::system::error_code ec;
        secure->async_read_some(boost::asio::buffer(&byte, 1),
                                [&](const boost::system::error_code& e, std::size_t) {
                                    ec = e;
                                    done = true;
                                });
        ioc.restart();
        ioc.poll(); // runs only what is ready: the read never waits
        if (done) return false; // data, or the end of the connection
        boost::system::error_code ignored;
        tcp().socket().cancel(ignored);
        ioc.restart();
        ioc.run(); // the cancelled read completes at once
        // Cancelled while waiting for more: what arrived was consumed
        // whole, unless a record is still incomplete.
        SSL* ssl = secure->native_handle();
        return ec == boost::asio::error::operation_aborted && ::SSL_has_pending(ssl) == 0 &&
               BIO_ctrl_pending(::SSL_get_rbio(ssl)) == 0;
    }
};

/// What one attempt did on the wire: the facts that decide whether a
/// failed attempt may go out again (see `may_resend`).
struct WireFacts {
    bool reused = false;           ///< The connection was kept alive from an earlier call.
    bool request_started = false;  ///< Some bytes of the request may have reached the server.
    bool request_complete = false; ///< The whole request was handed to the connection.
    bool response_started = false; ///< Some bytes of a response (an interim 1xx included) arrived.
};

/// Returns true when an attempt that got no response may be sent once
/// more on a new connection, without counting as a retry: it went out on
/// a reused connection (which the server may have closed while it was
/// idle), nothing came back, it did not run out of time, and the server
/// cannot have acted on it: it is idempotent, or it was not written
/// completely (a server acts only on a complete request).
inline bool may_resend(const WireFacts& wire, bool idempotent, bool timed_out) noexcept {
    return wire.reused && !wire.response_started && !timed_out && (idempotent || !wire.request_complete);
}

/// Returns true for an interim answer (1xx) that precedes the final one;
/// 101 (Switching Protocols) is final: the connection then speaks another
/// protocol.
inline bool is_interim(int status) noexcept { return status >= 100 && status <= 199 && status != 101; }

/// What went wrong in one attempt that got no response.
struct Failure {
    ApiError error;
    bool retryable = true;  ///< A connection error worth retrying (not TLS verification, limits, protocol).
    bool timed_out = false; ///< The attempt ran out of time (never replayed on a fresh connection).
    WireFacts wire;         ///< What reached the wire; `wire.request_started`: the request may have reached the server.
};

/// Returns the milliseconds of `d` for messages.
inline std::string ms_text(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

/// Returns `ec`'s message, single line.
inline std::string ec_text(const boost::system::error_code& ec) {
    std::string m = ec.message();
    for (char& c : m)
        if (c == '\n' || c == '\r') c = ' ';
    return m;
}

/// Returns true for a valid header field name (RFC 9110 token).
inline bool is_token(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        const bool ok = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
                        std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
        if (!ok) return false;
    }
    return true;
}

/// Returns true for a header value without CR, LF or NUL (no header injection).
inline bool is_safe_value(std::string_view s) noexcept {
    return !cfimages::detail::has_crlf(s);
}

/// Returns true for headers the transport writes itself.
inline bool is_framing_header(std::string_view name) noexcept {
    return iequals(name, "host") || iequals(name, "content-length") ||
           iequals(name, "transfer-encoding") || iequals(name, "connection");
}

/// Runs the io_context until its queued work is done.
inline void run_all(boost::asio::io_context& ioc) {
    ioc.restart();
    ioc.run();
}

/// Runs the io_context until its queued work is done or `deadline`
/// passes; returns true when the work finished in time. The deadline is
/// the epoll wait's own timeout, so no timer is armed and disarmed per
/// read and write (a tcp_stream expiry costs timerfd_settime calls on
/// every operation).
inline bool run_until(boost::asio::io_context& ioc, std::chrono::steady_clock::time_point deadline,
                      const bool& done) {
    ioc.restart();
    ioc.run_until(deadline);
    return done;
}

/// Reads a response straight into an `HttpResponse`: status, each header
/// once (no intermediate Beast fields container), the body appended to a
/// string reserved from Content-Length. Beast's parser still does all the
/// HTTP work (framing, chunking, limits, keep-alive).
class ResponseReader final : public boost::beast::http::basic_parser<false> {
public:
    /// `out` may be a response already used (see ClientImpl::recycle): its
    /// header strings and body are overwritten in place, so their memory
    /// is reused. `expected_headers`: room to reserve, so the header
    /// vector does not grow through 1, 2, 4, 8, 16 on every response.
    /// `limit`: the body limit (the parser enforces it).
    ResponseReader(HttpResponse& out, std::size_t expected_headers, std::uint64_t limit) : out_(out), limit_(limit) {
        out_.status = 0;
        out_.body.clear();
        out_.headers.reserve(expected_headers);
        body_limit(limit);
    }

private:
    using string_view = boost::beast::string_view;
    using error_code = boost::system::error_code;

    void on_request_impl(boost::beast::http::verb, string_view, string_view, int, error_code&) override {}
    void on_response_impl(int code, string_view, int, error_code&) override { out_.status = code; }
    void on_field_impl(boost::beast::http::field, string_view name, string_view value, error_code&) override {
        if (fields_ < out_.headers.size()) {
            Header& h = out_.headers[fields_];
            h.name.assign(name.data(), name.size());
            h.value.assign(value.data(), value.size());
        } else {
            out_.headers.push_back(Header{std::string(name.data(), name.size()), std::string(value.data(), value.size())});
        }
        ++fields_;
    }
    // Drops what a previous response left past this one's fields (trailer
    // fields, if any, are appended after).
    void on_header_impl(error_code&) override {
        out_.headers.erase(out_.headers.begin() + static_cast<std::ptrdiff_t>(fields_), out_.headers.end());
    }
    void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
        // The parser has already refused a length over the body limit.
        if (length && *length <= static_cast<std::uint64_t>(out_.body.max_size()))
            out_.body.reserve(static_cast<std::size_t>(*length));
    }
    std::size_t on_body_impl(string_view body, error_code&) override {
        append(body);
        return body.size();
    }
    void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override {
        append(body);
        return body.size();
    }
    void append(string_view bytes) {
        if (out_.body.capacity() - out_.body.size() < bytes.size()) make_room(bytes.size());
        out_.body.append(bytes.data(), bytes.size());
    }
    // A body of unknown length (chunked, or up to the end of the
    // connection) grows by doubling while small. Past 1 MiB, room for the
    // whole body limit is reserved at once, so the body is never copied
    // again: each copy to a larger buffer holds the old and the new one at
    // the same time, up to twice the body at the last one. The reservation
    // is address space; the system backs its pages as they are written.
    // Bodies with a Content-Length were reserved exactly (on_body_init_impl).
    void make_room(std::size_t more) {
        constexpr std::size_t doubling_up_to = std::size_t{1} << 20;
        const std::size_t need = out_.body.size() + more;
        if (need <= doubling_up_to) return; // append doubles
        const std::uint64_t cap = std::min<std::uint64_t>(limit_, out_.body.max_size());
        if (need > cap) return;
        try {
            out_.body.reserve(static_cast<std::size_t>(cap));
        } catch (const std::bad_alloc&) {
            // Not that much address space: append doubles, as before.
        }
    }
    void on_finish_impl(error_code&) override {}

    HttpResponse& out_;
    std::uint64_t limit_;
    std::size_t fields_ = 0;
};

/// The client's state (behind a pointer so that `Client` can move).
class ClientImpl {
public:
    explicit ClientImpl(ClientOptions options)
        : options_(std::move(options)), rng_(std::random_device{}()) {}

    ClientImpl(const ClientImpl&) = delete;
    ClientImpl& operator=(const ClientImpl&) = delete;
    ~ClientImpl() { close_all(); }

    const ClientOptions& options() const noexcept { return options_; }

    void close_all() {
        for (auto& kv : pool_) kv.second->close();
        pool_.clear();
    }

    /// Takes back a response the caller is done with, to read the next
    /// one into (ResponseReader): its body and header strings then need no
    /// allocation. One that is large (a listing page) is let go instead,
    /// so a client never holds more than this between calls.
    void recycle(HttpResponse&& response) noexcept {
        if (response.body.capacity() <= 64u * 1024u && response.headers.capacity() <= 64u)
            spare_ = std::move(response);
    }

    /// Sends with retries.
    Result<HttpResponse> send_with_retries(const HttpRequest& request, bool idempotent) {
        const Url* url = parse_url(request.url);
        if (url == nullptr)
            return ApiError::make(ErrorKind::invalid_argument,
                                  "url: not an absolute http(s) URL with a valid host and port "
                                  "(user information is refused)");
        // The target goes into the request line verbatim: no space or
        // control character may split it.
        for (char c : url->target)
            if (static_cast<unsigned char>(c) <= 0x20 || c == '\x7f')
                return ApiError::make(ErrorKind::invalid_argument,
                                      "url: the path or query contains a space or control character");
        for (const Header& h : request.headers) {
            if (!is_token(h.name))
                return ApiError::make(ErrorKind::invalid_argument, "header name is not a valid token");
            if (!is_safe_value(h.value))
                return ApiError::make(ErrorKind::invalid_argument,
                                      "header " + h.name + ": value contains CR, LF or NUL");
        }

        std::uniform_real_distribution<double> jitter(0.0, 1.0);
        for (int attempt = 0;; ++attempt) {
            Failure failure;
            auto response = attempt_once(*url, request, idempotent, failure);
            RetryDecision decision;
            if (response) {
                // decide_retry never repeats a 2xx: skip the clock reading
                // and the jitter draw it would be given.
                if (response->status >= 200 && response->status <= 299) return std::move(*response);
                decision = decide_retry(options_.retry, *response, attempt, idempotent,
                                        std::chrono::system_clock::now(), jitter(rng_));
                if (!decision.retry) return std::move(*response);
            } else {
                // Nothing can have been created when the request never left.
                if (failure.retryable)
                    decision = decide_retry(options_.retry, failure.error, attempt,
                                            idempotent || !failure.wire.request_started, jitter(rng_));
                if (!decision.retry) {
                    if (attempt > 0)
                        failure.error.message += " (gave up after " + std::to_string(attempt + 1) + " attempts)";
                    return failure.error;
                }
            }
            if (decision.delay.count() > 0) std::this_thread::sleep_for(decision.delay);
        }
    }

private:
    using Clock = std::chrono::steady_clock;

    /// Returns the TLS context, set up on first use (loading the system CA
    /// store takes a noticeable fraction of a second, which plain-HTTP
    /// clients need not pay); nullptr with `error` set when setup failed.
    boost::asio::ssl::context* tls_context(std::string& error) {
        if (ssl_) return ssl_.get();
        auto ctx = std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_client);
        boost::system::error_code ec;
        SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
        ctx->set_options(boost::asio::ssl::context::default_workarounds |
                             boost::asio::ssl::context::no_compression,
                         ec);
        ctx->set_default_verify_paths(ec);
        if (ec) {
            error = "TLS setup failed: cannot load the system CA store: " + ec_text(ec);
            return nullptr;
        }
        if (!options_.extra_ca_pem.empty()) {
            ctx->add_certificate_authority(boost::asio::buffer(options_.extra_ca_pem), ec);
            if (ec) {
                error = "TLS setup failed: ClientOptions::extra_ca_pem is not a valid PEM certificate: " +
                        ec_text(ec);
                return nullptr;
            }
        }
        ctx->set_verify_mode(options_.verify_peer ? boost::asio::ssl::verify_peer
                                                  : boost::asio::ssl::verify_none,
                             ec);
        ssl_ = std::move(ctx);
        return ssl_.get();
    }

    /// Returns `split_url(text)`, or nullptr where it returns nullopt. The
    /// parts are kept and reused while requests go to the same scheme and
    /// authority (only the target is taken apart again): splitting,
    /// building the pool key and the Host value allocated five strings on
    /// every call. The whole URL is checked as split_url checks it.
    const Url* parse_url(std::string_view text) {
        auto& p = parsed_;
        const std::size_t n = p.prefix.size();
        if (n != 0 && text.size() >= n && text.compare(0, n, p.prefix) == 0 &&
            (text.size() == n || text[n] == '/' || text[n] == '?' || text[n] == '#')) {
            // The prefix passed these checks when it was cached.
            std::string_view path = text.substr(n);
            for (char c : path) {
                const auto u = static_cast<unsigned char>(c);
                if (u <= 0x20 || u == 0x7f || c == '\\') return nullptr;
            }
            path = path.substr(0, path.find('#'));
            if (path.empty() || path.front() == '?') p.url.target.assign(1, '/').append(path);
            else p.url.target.assign(path);
            return &p.url;
        }
        auto url = split_url(text);
        p.prefix.clear();
        if (!url) return nullptr;
        p.url = std::move(*url);
        p.origin = p.url.origin();
        p.host_header = p.url.host_header();
        // split_url accepted it, so "://" is there and the authority ends
        // at the first '/', '?' or '#' after it (or at the end).
        const std::size_t authority = text.find("://") + 3;
        p.prefix.assign(text.substr(0, std::min(text.find_first_of("/?#", authority), text.size())));
        return &p.url;
    }

    /// One attempt: a pooled or new connection, write, read. A reused
    /// connection that fails as a connection the server had closed while
    /// idle would (`may_resend`) is replaced once. `failure.wire` holds
    /// what the last connection tried saw.
    std::optional<HttpResponse> attempt_once(const Url& url, const HttpRequest& request,
                                             bool idempotent, Failure& failure) {
        const auto deadline = Clock::now() + options_.timeout;
        const std::string& key = parsed_.origin;

        make_head(url, request, head_);
        for (int pass = 0; pass < 2; ++pass) {
            failure = Failure{};
            auto it = pool_.find(key);
            if (it != pool_.end()) {
                if (it->second->looks_alive(ioc_)) {
                    failure.wire.reused = true;
                } else {
                    it->second->close();
                    pool_.erase(it);
                    it = pool_.end();
                }
            }
            if (it == pool_.end()) {
                auto conn = connect(url, deadline, failure);
                if (!conn) return std::nullopt;
                it = pool_.emplace(key, std::move(conn)).first;
            }
            Connection& conn = *it->second;

#if !defined(_WIN32)
            auto response = conn.plain ? exchange_plain(conn, url, request, deadline, failure)
                                       : exchange(*conn.secure, conn, url, request, deadline, failure);
#else
            auto response = conn.plain ? exchange(*conn.plain, conn, url, request, deadline, failure)
                                       : exchange(*conn.secure, conn, url, request, deadline, failure);
#endif
            if (response) {
                if (!options_.keep_alive || !keep_) {
                    conn.close();
                    pool_.erase(key);
                }
                return response;
            }
            conn.close();
            pool_.erase(key);
            if (pass > 0 || !may_resend(failure.wire, idempotent, failure.timed_out)) return std::nullopt;
        }
        return std::nullopt;
    }

    /// Writes the request line and header block into `out` (reused, so
    /// no allocation once warm). Names and values were checked by
    /// send_with_retries; the target comes from split_url. The body is
    /// never copied: it goes out as a second buffer straight from
    /// `HttpRequest::body` (Beast's serializer over a message cost more
    /// CPU than the rest of a small call, and a string_body copied it).
    /// Framing as Beast's prepare_payload: Content-Length when there is a
    /// body, or for POST and PUT even when empty.
    void make_head(const Url& url, const HttpRequest& request, std::string& out) const {
        out.clear();
        out.append(to_string(request.method)).append(" ").append(url.target).append(" HTTP/1.1\r\nHost: ");
        out.append(parsed_.host_header).append("\r\n");
        for (const Header& h : request.headers)
            if (!is_framing_header(h.name)) out.append(h.name).append(": ").append(h.value).append("\r\n");
        if (!options_.keep_alive) out.append("Connection: close\r\n");
        if (!request.body.empty() || request.method == Method::post || request.method == Method::put)
            out.append("Content-Length: ").append(std::to_string(request.body.size())).append("\r\n");
        out.append("\r\n");
    }

    /// Resolves, connects and (for https) handshakes, within
    /// `connect_timeout` from now and the attempt's `attempt_deadline`,
    /// whichever comes first; a timeout names the one that did.
    std::unique_ptr<Connection> connect(const Url& url, Clock::time_point attempt_deadline, Failure& failure) {
        namespace asio = boost::asio;
        using tcp = asio::ip::tcp;
        const std::string where = url.host_port();
        const auto now = Clock::now();
        const auto deadline = std::min(attempt_deadline, now + options_.connect_timeout);
        // In whole milliseconds, so that equal limits name connect_timeout.
        const bool overall =
            std::chrono::ceil<std::chrono::milliseconds>(attempt_deadline - now) < options_.connect_timeout;
        const auto timed_out = [&](const std::string& what) {
            return fail_with(failure,
                             "timed out after " +
                                 (overall ? ms_text(options_.timeout) + " (ClientOptions::timeout) "
                                          : ms_text(options_.connect_timeout) + " (ClientOptions::connect_timeout) ") +
                                 what,
                             true, true);
        };

        // Resolve (a literal needs no lookup).
        std::vector<tcp::endpoint> endpoints;
        boost::system::error_code ec;
        if (url.ip_literal) {
            const auto addr = asio::ip::make_address(url.host, ec);
            if (ec) return fail_with(failure, "cannot parse the address of " + where, false);
            endpoints.emplace_back(addr, static_cast<unsigned short>(std::stoul(url.port)));
        } else {
            tcp::resolver resolver(ioc_);
            bool done = false;
            tcp::resolver::results_type results;
            resolver.async_resolve(url.host, url.port,
                                   [&](const boost::system::error_code& e, tcp::resolver::results_type r) {
                                       ec = e;
                                       results = std::move(r);
                                       done = true;
                                   });
            ioc_.restart();
            ioc_.run_until(deadline);
            if (!done) {
                resolver.cancel();
                run_all(ioc_);
                return timed_out("resolving " + where);
            }
            if (ec) return fail_with(failure, "cannot resolve " + where + ": " + ec_text(ec), true);
            for (const auto& entry : results) endpoints.push_back(entry.endpoint());
        }

        auto conn = std::make_unique<Connection>();
        if (url.tls) {
            std::string error;
            auto* ctx = tls_context(error);
            if (ctx == nullptr) return fail_with(failure, std::move(error), false);
            conn->secure = std::make_unique<boost::beast::ssl_stream<boost::beast::tcp_stream>>(ioc_, *ctx);
        } else conn->plain = std::make_unique<boost::beast::tcp_stream>(ioc_);
        conn->buffer.max_size(static_cast<std::size_t>(options_.header_limit) + 64u * 1024u);
        // Read 64 KiB at a time: the parser moves body bytes out of the
        // buffer as they come, so it never grows by itself and Beast would
        // read 512 bytes per recv (9,400 reads for a 4.8 MB list).
        conn->buffer.reserve(std::min<std::size_t>(64u * 1024u, conn->buffer.max_size()));

        auto& tcp_layer = conn->tcp();
        tcp_layer.expires_at(deadline);
        tcp_layer.async_connect(endpoints, [&](const boost::system::error_code& e, const tcp::endpoint&) { ec = e; });
        run_all(ioc_);
        if (ec == boost::beast::error::timeout)
            return timed_out("connecting to " + where);
        if (ec) return fail_with(failure, "cannot connect to " + where + ": " + ec_text(ec), true);
        // Requests go out in one write; never hold a segment back (Nagle).
        tcp_layer.socket().set_option(tcp::no_delay(true), ec);

        if (url.tls) {
            SSL* ssl = conn->secure->native_handle();
            // SNI for names; certificate checked against the name or address.
            if (!url.ip_literal) SSL_set_tlsext_host_name(ssl, url.host.c_str());
            if (options_.verify_peer) {
                X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
                if (url.ip_literal) X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str());
                else SSL_set1_host(ssl, url.host.c_str());
            }
            conn->secure->async_handshake(boost::asio::ssl::stream_base::client,
                                          [&](const boost::system::error_code& e) { ec = e; });
            run_all(ioc_);
            if (ec == boost::beast::error::timeout)
                return timed_out("in the TLS handshake with " + where);
            if (ec) {
                const long verify = SSL_get_verify_result(ssl);
                if (options_.verify_peer && verify != X509_V_OK)
                    return fail_with(failure, "TLS certificate verification failed for " + where + ": " +
                                                  X509_verify_cert_error_string(verify), false);
                return fail_with(failure, "TLS handshake with " + where + " failed: " + ec_text(ec), true);
            }
        }
        // The timer bounded connect and handshake; exchanges enforce their
        // deadline themselves (plain ones poll with it, TLS ones run the
        // io_context until it), so none is left pending.
        tcp_layer.expires_never();
        return conn;
    }

    /// Writes the request and reads the response on an open connection
    /// (TLS, and plain HTTP on Windows), skipping interim 1xx answers.
    template <class Stream>
    std::optional<HttpResponse> exchange(Stream& stream, Connection& conn, const Url& url, const HttpRequest& request,
                                         Clock::time_point deadline, Failure& failure) {
        namespace http = boost::beast::http;
        boost::system::error_code ec;
        bool done = false;
        // The deadline is enforced by run_until (no per-operation timer);
        // on expiry the socket is closed and the aborted handlers drained.
        conn.tcp().expires_never();
        // Over TLS, how much of the request reached the socket is not
        // known once a write has begun.
        failure.wire.request_started = true;
        const std::array<boost::asio::const_buffer, 2> wire{boost::asio::buffer(head_),
                                                           boost::asio::buffer(request.body)};
        boost::asio::async_write(stream, wire, [&](const boost::system::error_code& e, std::size_t) {
            ec = e;
            done = true;
        });
        if (!run_until(ioc_, deadline, done)) {
            conn.close();
            run_all(ioc_);
            return timeout_failure(failure, "sending the request to " + url.host_port());
        }
        if (ec) {
            fail_with(failure, "cannot send the request to " + url.host_port() + ": " + ec_text(ec), true);
            return std::nullopt;
        }
        failure.wire.request_complete = true;

        // Read 64 KiB at a time straight into the response (ResponseReader),
        // one message after another while they are interim answers.
        HttpResponse out = std::move(spare_);
        for (;;) {
            ResponseReader parser(out, header_hint_, options_.body_limit);
            parser.header_limit(options_.header_limit);
            done = false;
            http::async_read(stream, conn.buffer, parser, [&](const boost::system::error_code& e, std::size_t) {
                ec = e;
                done = true;
            });
            const bool in_time = run_until(ioc_, deadline, done);
            if (!in_time) {
                conn.close();
                run_all(ioc_);
            }
            failure.wire.response_started = failure.wire.response_started || parser.got_some();
            if (!in_time) return timeout_failure(failure, "reading the response from " + url.host_port());
            if (ec) {
                read_failure(ec, failure.wire.response_started, url, failure);
                return std::nullopt;
            }
            if (is_interim(out.status)) continue;
            keep_ = parser.keep_alive() && !parser.need_eof() && out.status != 101 && !conn.holds_unread();
            header_hint_ = std::min<std::size_t>(std::max(header_hint_, out.headers.size()), 64);
            return out;
        }
    }

#if !defined(_WIN32)
    /// Waits until `fd` is ready for `events` or `deadline` passes;
    /// returns false on expiry. Errors and hang-ups count as ready: the
    /// next send or recv reports them.
    static bool wait_for(int fd, short events, Clock::time_point deadline) {
        for (;;) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) return false;
            pollfd p{fd, events, 0};
            const int n = ::poll(&p, 1, static_cast<int>(std::min<std::chrono::milliseconds::rep>(left.count(), 1 << 30)));
            if (n > 0) return true;
            if (n < 0 && errno != EINTR) return true;
        }
    }

    /// The plain-HTTP exchange with direct non-blocking syscalls on the
    /// socket: sendmsg, then recv into the buffer and Beast's parser, with
    /// poll only when the socket is not ready. Same results and messages
    /// as `exchange`; asio's scheduler (reactor, composed operations,
    /// executor dispatch) cost more CPU than the rest of a small call, and
    /// sendmsg, poll, recv do the work of sendmsg, three epoll_waits and
    /// recvmsg.
    std::optional<HttpResponse> exchange_plain(Connection& conn, const Url& url, const HttpRequest& request,
                                               Clock::time_point deadline, Failure& failure) {
        namespace http = boost::beast::http;
        const int fd = conn.plain->socket().native_handle();

        std::array<iovec, 2> iov{iovec{head_.data(), head_.size()},
                                 iovec{const_cast<char*>(request.body.data()), request.body.size()}};
        msghdr msg{};
        msg.msg_iov = iov.data();
        msg.msg_iovlen = request.body.empty() ? 1 : 2;
        while (msg.msg_iovlen > 0) {
            const ssize_t n = ::sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0) {
                const int err = errno;
                if (err == EINTR) continue;
                if (err == EAGAIN || err == EWOULDBLOCK) {
                    if (!wait_for(fd, POLLOUT, deadline)) {
                        conn.close();
                        return timeout_failure(failure, "sending the request to " + url.host_port());
                    }
                    continue;
                }
                fail_with(failure, "cannot send the request to " + url.host_port() + ": " +
                                       ec_text(boost::system::error_code(err, boost::asio::error::get_system_category())),
                          true);
                return std::nullopt;
            }
            failure.wire.request_started = true;
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
        failure.wire.request_complete = true;

        // As http::async_read drives the parser (read_some_op): parse what
        // is buffered, read at most 64 KiB more when it needs more, turn a
        // clean end of stream into put_eof or end_of_stream. One message
        // after another while they are interim answers.
        HttpResponse out = std::move(spare_);
        auto& buffer = conn.buffer;
        boost::system::error_code ec;
        // The answer is rarely there the moment the request is out: wait
        // first instead of paying for a recv that fails with EAGAIN.
        bool readable = false;
        for (;;) {
            ResponseReader parser(out, header_hint_, options_.body_limit);
            parser.header_limit(options_.header_limit);
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
                if (readable ? Clock::now() >= deadline : !wait_for(fd, POLLIN, deadline)) {
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
                const int err = errno;
                if (err == EINTR || err == EAGAIN || err == EWOULDBLOCK) continue;
                ec.assign(err, boost::asio::error::get_system_category());
                break;
            }
            failure.wire.response_started = failure.wire.response_started || parser.got_some();
            if (!in_time) {
                conn.close();
                return timeout_failure(failure, "reading the response from " + url.host_port());
            }
            if (ec) {
                read_failure(ec, failure.wire.response_started, url, failure);
                return std::nullopt;
            }
            if (is_interim(out.status)) continue;
            // Bytes past the answer already in the buffer: never reused
            // (bytes still in the socket are seen by looks_alive's peek).
            keep_ = parser.keep_alive() && !parser.need_eof() && out.status != 101 && buffer.size() == 0;
            header_hint_ = std::min<std::size_t>(std::max(header_hint_, out.headers.size()), 64);
            return out;
        }
    }
#endif

    /// Turns a read error into the attempt's failure (both exchanges use it,
    /// so plain and TLS connections report alike).
    void read_failure(const boost::system::error_code& ec, bool response_started, const Url& url,
                      Failure& failure) const {
        namespace http = boost::beast::http;
        const std::string where = url.host_port();
        if (ec == http::error::body_limit) {
            fail_with(failure, "response body from " + where + " exceeds the limit of " +
                                   std::to_string(options_.body_limit) +
                                   " bytes (ClientOptions::body_limit); stopped reading", false);
            return;
        }
        if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
            fail_with(failure, "response header from " + where + " exceeds the limit of " +
                                   std::to_string(options_.header_limit) + " bytes", false);
            return;
        }
        if (ec == http::error::end_of_stream || ec == boost::asio::error::eof ||
            ec == boost::asio::ssl::error::stream_truncated || ec == boost::asio::error::connection_reset ||
            ec == http::error::partial_message) {
            fail_with(failure, std::string(response_started ? "connection closed by " + where + " in the middle of the response"
                                                    : "connection closed by " + where + " before any response") +
                                   " (" + ec_text(ec) + ")", true);
            return;
        }
        if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
            fail_with(failure, "invalid HTTP response from " + where + ": " + ec_text(ec), false);
            return;
        }
        fail_with(failure, "cannot read the response from " + where + ": " + ec_text(ec), true);
    }

    std::optional<HttpResponse> timeout_failure(Failure& failure, const std::string& what) {
        fail_with(failure, "timed out after " + ms_text(options_.timeout) + " (ClientOptions::timeout) " + what,
                  true, true);
        return std::nullopt;
    }

    static std::unique_ptr<Connection> fail_with(Failure& failure, std::string message, bool retryable,
                                                 bool timed_out = false) {
        failure.error = ApiError::make(ErrorKind::transport, std::move(message));
        failure.retryable = retryable;
        failure.timed_out = timed_out;
        return nullptr;
    }

    ClientOptions options_;
    boost::asio::io_context ioc_;
    std::unique_ptr<boost::asio::ssl::context> ssl_;
    std::map<std::string, std::unique_ptr<Connection>> pool_;
    std::mt19937_64 rng_;
    bool keep_ = false;
    HttpResponse spare_;          ///< See recycle.
    std::size_t header_hint_ = 8; ///< The most headers a response had (up to 64), reserved for the next.
    std::string head_; ///< The request head being sent (reused between calls).
    /// The last URL's parts (see parse_url).
    struct {
        std::string prefix; ///< `scheme://authority` as written; empty when nothing is cached.
        Url url;
        std::string origin;      ///< The pool key.
        std::string host_header; ///< The Host value.
    } parsed_;
};

/// Returns the `scheme://host:port` of a redirect target for messages
/// (never its path or query, which may carry tokens), or "another location".
inline std::string redirect_origin(const HttpResponse& response) {
    if (auto loc = response.header("location"))
        if (auto u = split_url(*loc)) return u->origin();
    return "another location";
}

} // namespace detail

/// A synchronous HTTP(S) transport for cfimages requests.
class Client {
public:
    /// A client with the default options (TLS verified, keep-alive,
    /// 10 s connect / 60 s total timeout, 64 MiB body limit, 2 retries).
    Client() : Client(ClientOptions{}) {}
    /// A client with the given options.
    explicit Client(ClientOptions options) : impl_(std::make_unique<detail::ClientImpl>(std::move(options))) {}

    /// Returns the options the client was made with.
    const ClientOptions& options() const noexcept { return impl_->options(); }

    /// Sends a built request (retrying as `options().retry` allows) and
    /// parses the answer.
    /// @return the typed value; `transport` when no response came,
    ///         `api` for a non-2xx answer (a 3xx included: redirects are
    ///         not followed) or `success: false`, `decode` for a 2xx body
    ///         of the wrong shape.
    template <class T>
    Result<T> send(const Request<T>& request) {
        auto response = send_checked(request.http, request.idempotent);
        if (!response) return fail(std::move(response).error());
        Result<T> value = request.parse(*response);
        impl_->recycle(std::move(*response));
        return value;
    }

    /// Sends the request a builder made, or passes the builder's error
    /// (`invalid_argument`) through untouched without sending anything.
    template <class T>
    Result<T> send(const Result<Request<T>>& request) {
        if (!request) return fail(request.error());
        return send(*request);
    }

    /// Sends a list request (`v1::list`, `v2::list`) and decodes the answer
    /// into `page`, overwriting the images it already holds so their
    /// memory is reused (`cfimages::parse_into`): the way to fetch page
    /// after page, or the same listing again and again.
    /// @return the number of images on the page, or the error `send`
    ///         would give; on error `page` is left empty.
    /// A builder's error is passed through without sending anything.
    /// `request`: a `Request<Page>` or the builder's `Result<Request<Page>>`.
    template <class Req, class Page>
    Result<std::size_t> send(const Req& request, Page& page) {
        return cfimages::send_into([this](const HttpRequest& r) { return send_checked(r, true); }, request, page);
    }

    /// Sends any request and returns the raw answer, whatever its status
    /// (a 3xx is returned as is, never followed). Every method but POST is
    /// treated as idempotent for retries.
    /// @param request the request to send as is.
    /// @return the response, `transport` when none came, or
    ///         `invalid_argument` for a URL or header the client refuses.
    Result<HttpResponse> send_raw(const HttpRequest& request) {
        return impl_->send_with_retries(request, request.method != Method::post);
    }
    /// Same as `send_raw(request)` with an explicit idempotency flag.
    /// @param request the request to send as is.
    /// @param idempotent whether the request may be repeated safely.
    /// @return as `send_raw(request)`.
    Result<HttpResponse> send_raw(const HttpRequest& request, bool idempotent) {
        return impl_->send_with_retries(request, idempotent);
    }

    /// Visits every image of a listing (`v2::ListParams` pages on
    /// continuation tokens, `v1::ListParams` on page numbers); see
    /// `cfimages::for_each_image`. `on_image(const Image&)` may return
    /// `false` to stop.
    /// @return the number of images visited, or the first error.
    template <class Params, class OnImage>
    Result<std::size_t> for_each_image(const Config& cfg, const Params& params, OnImage&& on_image) {
        return cfimages::for_each_image([this](const HttpRequest& r) { return send_checked(r, true); }, cfg,
                                        params, std::forward<OnImage>(on_image));
    }

    /// Collects every image of a listing (see `for_each_image`).
    /// @return all images in order, or the first error.
    template <class Params>
    Result<std::vector<Image>> list_all(const Config& cfg, const Params& params) {
        return cfimages::list_all_images([this](const HttpRequest& r) { return send_checked(r, true); }, cfg,
                                         params);
    }

    /// Closes every kept-alive connection.
    void close() { impl_->close_all(); }

private:
    /// Sends, and turns a 3xx into an `api` error (redirects are not followed).
    Result<HttpResponse> send_checked(const HttpRequest& request, bool idempotent) {
        auto response = impl_->send_with_retries(request, idempotent);
        if (response && response->status >= 300 && response->status <= 399) {
            ApiError e = ApiError::make(ErrorKind::api,
                                        "HTTP " + std::to_string(response->status) + " redirect to " +
                                            detail::redirect_origin(*response) +
                                            " not followed (cfimages follows no redirects, so "
                                            "credentials stay with the host they were meant for)",
                                        response->status);
            return e;
        }
        return response;
    }

    std::unique_ptr<detail::ClientImpl> impl_;
};

} // namespace beast
} // namespace cfimages

#endif // CFIMAGES_BEAST_HPP
