#ifndef CFIMAGES_BEAST_DETAIL_CONNECTION_HPP
#define CFIMAGES_BEAST_DETAIL_CONNECTION_HPP

// One attempt over Boost.Beast, shared by the blocking `beast::Client`
// and the asynchronous `beast::AsyncClient`:
//
//   Connection      a plain or TLS stream to one origin, its read buffer,
//                   and the checks that decide whether it may carry the
//                   next request (closed by the server, unread bytes);
//   ResponseReader  Beast's parser writing straight into an HttpResponse;
//   async_connect   resolve, TCP connect, TLS handshake (composed op);
//   async_exchange  write the request, read the answer, skipping interim
//                   1xx answers (composed op).
//
// Both composed operations run on any executor: the AsyncClient's strand,
// or the blocking client's private io_context, which runs them to
// completion. Every failure becomes an `AttemptFailure` naming what
// failed and where, and recording how far the request got: the call state
// machine (cfimages/call.hpp) decides from that what happens next.

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#if !defined(_WIN32)
#include <sys/socket.h>
#endif

#include <cfimages/beast/options.hpp>
#include <cfimages/call.hpp>
#include <cfimages/http.hpp>
#include <cfimages/url.hpp>

namespace cfimages {
namespace beast {
namespace detail {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using error_code = boost::system::error_code;
using tcp = asio::ip::tcp;
using Clock = CallClock;
using tcp_stream = boost::beast::tcp_stream;
using ssl_stream = boost::beast::ssl_stream<tcp_stream>;
// The codec's URL parts (not the deprecated beast::Url of <cfimages/beast/url.hpp>).
using Url = cfimages::Url;

/// Returns `ec`'s message on one line.
inline std::string ec_text(const error_code& ec) {
    std::string m = ec.message();
    for (char& c : m)
        if (c == '\n' || c == '\r') c = ' ';
    return m;
}

/// Returns true for an interim answer (1xx) that precedes the final one;
/// 101 (Switching Protocols) is final: the connection then speaks another
/// protocol, and is never reused.
inline bool is_interim(int status) noexcept { return status >= 100 && status <= 199 && status != 101; }

/// Returns true for headers the transport writes itself.
inline bool is_framing_header(std::string_view name) noexcept {
    return iequals(name, "host") || iequals(name, "content-length") ||
           iequals(name, "transfer-encoding") || iequals(name, "connection");
}

/// Writes the request line and header block into `out` (reused, so no
/// allocation once warm). The call state machine has checked names and
/// values. The body is never copied into it: it goes out as a second
/// buffer (or is streamed). Framing as Beast's prepare_payload:
/// Content-Length when there is a body, or for POST and PUT even when
/// empty.
inline void write_head(const Url& url, const HttpRequest& request, bool keep_alive, std::string& out) {
    out.clear();
    out.append(to_string(request.method)).push_back(' ');
    url.append_target(out);
    out.append(" HTTP/1.1\r\nHost: ");
    url.append_host(out, true);
    out.append("\r\n");
    for (const Header& h : request.headers)
        if (!is_framing_header(h.name)) out.append(h.name).append(": ").append(h.value).append("\r\n");
    if (!keep_alive) out.append("Connection: close\r\n");
    const std::uint64_t size = request.body_size();
    if (size != 0 || request.method == Method::post || request.method == Method::put)
        out.append("Content-Length: ").append(std::to_string(size)).append("\r\n");
    out.append("\r\n");
}

/// Makes the TLS client context (TLS 1.2+, the system CA store plus
/// `extra_ca_pem`, peer verification as configured); null with `error`
/// set when that fails. Loading the system store takes a noticeable
/// fraction of a second, so clients make it on first HTTPS use.
inline std::unique_ptr<asio::ssl::context> make_tls_context(const ClientOptions& options, std::string& error) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    error_code ec;
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression, ec);
    ctx->set_default_verify_paths(ec);
    if (ec) {
        error = "TLS setup failed: cannot load the system CA store: " + ec_text(ec);
        return nullptr;
    }
    if (!options.extra_ca_pem.empty()) {
        ctx->add_certificate_authority(asio::buffer(options.extra_ca_pem), ec);
        if (ec) {
            error = "TLS setup failed: ClientOptions::extra_ca_pem is not a valid PEM certificate: " + ec_text(ec);
            return nullptr;
        }
    }
    ctx->set_verify_mode(options.verify_peer ? asio::ssl::verify_peer : asio::ssl::verify_none, ec);
    return ctx;
}

/// Fills `f` as a failure of kind `transport`.
inline void set_failure(AttemptFailure& f, std::string message, bool retryable, bool timed_out = false) {
    f.error = ApiError::make(ErrorKind::transport, std::move(message));
    f.retryable = retryable;
    f.timed_out = timed_out;
}

/// Turns a read error into the attempt's failure, so that every path
/// (plain, TLS, blocking, asynchronous) reports alike.
inline void read_failure(const error_code& ec, const Url& url, const ClientOptions& options, AttemptFailure& f) {
    const std::string where = url.host_port();
    if (ec == http::error::body_limit) {
        set_failure(f, "response body from " + where + " exceeds the limit of " + std::to_string(options.body_limit) +
                           " bytes (ClientOptions::body_limit); stopped reading",
                    false);
    } else if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
        set_failure(f, "response header from " + where + " exceeds the limit of " +
                           std::to_string(options.header_limit) + " bytes",
                    false);
    } else if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
               ec == asio::error::connection_reset || ec == http::error::partial_message) {
        set_failure(f,
                    std::string(f.response_started ? "connection closed by " + where + " in the middle of the response"
                                                   : "connection closed by " + where + " before any response") +
                        " (" + ec_text(ec) + ")",
                    true);
    } else if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
        set_failure(f, "invalid HTTP response from " + where + ": " + ec_text(ec), false);
    } else {
        set_failure(f, "cannot read the response from " + where + ": " + ec_text(ec), true);
    }
}

/// Reads a response straight into an `HttpResponse`: status, each header
/// once (no intermediate Beast fields container), the body appended to a
/// string reserved from Content-Length. Beast's parser still does all the
/// HTTP work (framing, chunking, limits, keep-alive).
class ResponseReader final : public http::basic_parser<false> {
public:
    /// `out` may be a response already used: its header strings and body
    /// are overwritten in place, so their memory is reused.
    /// `expected_headers`: room to reserve, so the header vector does not
    /// grow through 1, 2, 4, 8, 16 on every response.
    ResponseReader(HttpResponse& out, std::size_t expected_headers, const ClientOptions& options)
        : out_(out), limit_(options.body_limit) {
        out_.status = 0;
        out_.body.clear();
        out_.headers.reserve(expected_headers);
        body_limit(options.body_limit);
        header_limit(options.header_limit);
    }

private:
    using string_view = boost::beast::string_view;

    void on_request_impl(http::verb, string_view, string_view, int, error_code&) override {}
    void on_response_impl(int code, string_view, int, error_code&) override { out_.status = code; }
    void on_field_impl(http::field, string_view name, string_view value, error_code&) override {
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
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
        try {
            out_.body.reserve(static_cast<std::size_t>(cap));
        } catch (const std::bad_alloc&) {
            // Not that much address space: append doubles, as before.
        }
#else
        out_.body.reserve(static_cast<std::size_t>(cap));
#endif
    }
    void on_finish_impl(error_code&) override {}

    HttpResponse& out_;
    std::uint64_t limit_;
    std::size_t fields_ = 0;
};

/// One connection to an origin (plain or TLS), kept alive between calls.
/// True when bytes past the last response were already read from the
/// socket: left in `buffer` by the parser, or decrypted and still held by
/// OpenSSL in `secure` (null for plain HTTP). No system call.
template <class SslStream>
bool holds_unread(const boost::beast::flat_buffer& buffer, SslStream* secure) {
    return buffer.size() != 0 || (secure && ::SSL_pending(secure->native_handle()) > 0);
}

struct Connection {
    /// A new, unconnected connection to `url`'s origin; `tls` is the
    /// context for https (ignored for http).
    Connection(const asio::any_io_executor& ex, const Url& url, asio::ssl::context* tls, const ClientOptions& options)
        : host(url.host), port(url.port), secure_origin(url.tls) {
        for (char& c : host)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        if (url.tls) secure = std::make_unique<ssl_stream>(ex, *tls);
        else plain = std::make_unique<tcp_stream>(ex);
        buffer.max_size(static_cast<std::size_t>(options.header_limit) + 64u * 1024u);
        // Read 64 KiB at a time: the parser moves body bytes out of the
        // buffer as they come, so it never grows by itself and Beast would
        // read 512 bytes per recv (9,400 reads for a 4.8 MB list).
        buffer.reserve(std::min<std::size_t>(64u * 1024u, buffer.max_size()));
    }

    std::unique_ptr<tcp_stream> plain;   ///< For http.
    std::unique_ptr<ssl_stream> secure;  ///< For https.
    boost::beast::flat_buffer buffer;    ///< Bytes read and not yet parsed.
    std::string host;                    ///< Lower-case host (no brackets).
    std::uint16_t port = 0;              ///< Port.
    bool secure_origin = false;          ///< https.
    bool connected = false;              ///< Connected (and handshaken): may carry requests.
    std::size_t header_hint = 8;         ///< The most headers an answer had (up to 64).

    /// Returns true when this connection goes to `url`'s origin.
    bool serves(const Url& url) const noexcept {
        return secure_origin == url.tls && port == url.port && iequals(host, url.host);
    }

    /// Returns the TCP layer, whichever stream is in use.
    tcp_stream& tcp() { return plain ? *plain : secure->next_layer(); }
    /// The I/O object async_exchange runs on (its executor).
    tcp_stream& io() { return tcp(); }
    /// Bounds the next operations by `deadline` (async_exchange's hook).
    void arm(Clock::time_point deadline) { tcp().expires_at(deadline); }
    /// Lifts the bound set by `arm`.
    void disarm() { tcp().expires_never(); }

    /// Returns true when bytes past the last response were already read
    /// from the socket: left in `buffer` by the parser, or decrypted and
    /// still held by OpenSSL. Such a connection is never reused: those
    /// bytes would become the next call's answer. No system call.
    bool holds_unread() { return detail::holds_unread(buffer, secure.get()); }

    /// Returns true when the idle connection can carry the next request:
    /// the server has not closed it, and nothing has arrived on it since
    /// the last response (bytes nobody asked for would be taken as the
    /// next answer). One recv(MSG_PEEK) on the common path. Over TLS,
    /// records that did arrive are processed without blocking on `ioc`
    /// (the connection's own io_context) to tell a close_notify or stray
    /// data (drop) from a session ticket (keep); without `ioc` (an
    /// asynchronous client) such a connection is dropped.
    bool looks_alive(asio::io_context* ioc) {
        if (!connected) return false;
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
        error_code ec;
        sock.non_blocking(true, ec);
        if (ec) return false;
        char c = 0;
        const std::size_t n = sock.receive(asio::buffer(&c, 1), asio::socket_base::message_peek, ec);
        error_code ignored;
        sock.non_blocking(false, ignored);
        if (ec && ec != asio::error::would_block && ec != asio::error::try_again) return false;
        if (!ec && n == 0) return false;
#endif
        const bool arrived = n > 0;
        if (!secure) return !arrived; // plain: bytes nobody asked for
        SSL* ssl = secure->native_handle();
        // Ciphertext may also wait inside OpenSSL or Asio's BIO pair.
        if (!arrived && ::SSL_has_pending(ssl) == 0 && BIO_ctrl_pending(::SSL_get_rbio(ssl)) == 0) return true;
        return ioc != nullptr && settle(*ioc);
    }

    /// Closes the socket (no TLS close_notify: the connection is dropped).
    void close() {
        error_code ignored;
        connected = false;
        tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
        tcp().socket().close(ignored);
    }

private:
    /// Lets OpenSSL process the TLS records that have arrived on an idle
    /// connection, without waiting for more; returns true when they held
    /// no application data and no end of the connection (a session ticket
    /// or key update: the connection stays usable). A close_notify, a FIN,
    /// an error, application data, or a record still incomplete: false.
    bool settle(asio::io_context& ioc) {
        char byte = 0;
        bool done = false;
        error_code ec;
        secure->async_read_some(asio::buffer(&byte, 1), [&](const error_code& e, std::size_t) {
            ec = e;
            done = true;
        });
        ioc.restart();
        ioc.poll(); // runs only what is ready: the read never waits
        if (done) return false; // data, or the end of the connection
        error_code ignored;
        tcp().socket().cancel(ignored);
        ioc.restart();
        ioc.run(); // the cancelled read completes at once
        // Cancelled while waiting for more: what arrived was consumed
        // whole, unless a record is still incomplete.
        SSL* ssl = secure->native_handle();
        return ec == asio::error::operation_aborted && ::SSL_has_pending(ssl) == 0 &&
               BIO_ctrl_pending(::SSL_get_rbio(ssl)) == 0;
    }
};

/// The limit that bounds connecting (see cfimages::connect_limits).
inline AttemptLimits connect_limits(const AttemptLimits& attempt, const ClientOptions& options, Clock::time_point start) {
    return cfimages::connect_limits(attempt, options.connect_timeout, start, options.connect_timeout_name);
}

/// State of async_connect that must not move while handlers run.
struct ConnectState {
    std::unique_ptr<tcp::resolver> resolver;
    std::unique_ptr<asio::steady_timer> timer;
    std::vector<tcp::endpoint> endpoints;
    bool resolve_done = false;
    bool resolve_timed_out = false;
    error_code resolve_ec;
};
/// The composed operation of async_connect.
struct ConnectOp {
    Connection& conn;
    const Url& url;
    AttemptLimits limits;
    const ClientOptions& options;
    AttemptFailure& failure;
    std::shared_ptr<ConnectState> state;
    int step = 0;

    std::string where() const { return url.host_port(); }
    template <class Self>
    void fail(Self& self, std::string message, bool retryable, bool timed_out = false) {
        failure.sent = Sent::nothing;
        set_failure(failure, std::move(message), retryable, timed_out);
        conn.close();
        self.complete(false);
    }

    template <class Self>
    void operator()(Self& self, error_code ec = {}) {
        switch (step) {
        case 0: {
            failure.sent = Sent::nothing;
            if (url.ip_literal) {
                const auto addr = asio::ip::make_address(std::string(url.host), ec);
                if (ec) return fail(self, "cannot parse the address of " + where(), false);
                state->endpoints.emplace_back(addr, url.port);
                step = 2;
                return (*this)(self);
            }
            // Resolve, racing a timer: a resolver cannot be made to
            // give up in time by itself. Everything the handlers need
            // is taken before `self` (and this object in it) moves.
            step = 1;
            auto st = state;
            auto ex = conn.tcp().get_executor();
            st->resolver = std::make_unique<tcp::resolver>(ex);
            st->timer = std::make_unique<asio::steady_timer>(ex);
            st->timer->expires_at(limits.deadline);
            std::string host(url.host), service = std::to_string(url.port);
            auto shared_self = std::make_shared<std::optional<Self>>(std::move(self));
            st->resolver->async_resolve(
                host, service, [st, shared_self](const error_code& e, tcp::resolver::results_type results) {
                    if (st->resolve_done) return;
                    st->resolve_done = true;
                    st->resolve_ec = e;
                    for (const auto& entry : results) st->endpoints.push_back(entry.endpoint());
                    st->timer->cancel();
                    auto s = std::move(**shared_self);
                    shared_self->reset();
                    s();
                });
            st->timer->async_wait([st, shared_self](const error_code& e) {
                if (e || st->resolve_done) return;
                st->resolve_done = true;
                st->resolve_timed_out = true;
                st->resolver->cancel();
                auto s = std::move(**shared_self);
                shared_self->reset();
                s();
            });
            return;
        }
        case 1:
            if (state->resolve_timed_out) return fail(self, limits.timed_out("resolving " + where()), true, true);
            if (state->resolve_ec)
                return fail(self, "cannot resolve " + where() + ": " + ec_text(state->resolve_ec), true);
            step = 2;
            [[fallthrough]];
        case 2: {
            step = 3;
            auto st = state; // keeps the endpoints where this object cannot move them
            conn.tcp().expires_at(limits.deadline);
            conn.tcp().async_connect(st->endpoints, std::move(self));
            return;
        }
        case 3: {
            if (ec == boost::beast::error::timeout)
                return fail(self, limits.timed_out("connecting to " + where()), true, true);
            if (ec) return fail(self, "cannot connect to " + where() + ": " + ec_text(ec), true);
            // Requests go out in one write; never hold a segment back (Nagle).
            conn.tcp().socket().set_option(tcp::no_delay(true), ec);
            if (!conn.secure) return done(self);
            SSL* ssl = conn.secure->native_handle();
            // SNI for names; the certificate is checked against the name or address.
            if (!url.ip_literal) SSL_set_tlsext_host_name(ssl, conn.host.c_str());
            if (options.verify_peer) {
                X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
                if (url.ip_literal) X509_VERIFY_PARAM_set1_ip_asc(param, conn.host.c_str());
                else SSL_set1_host(ssl, conn.host.c_str());
            }
            step = 4;
            conn.secure->async_handshake(asio::ssl::stream_base::client, std::move(self));
            return;
        }
        case 4: {
            if (ec == boost::beast::error::timeout)
                return fail(self, limits.timed_out("in the TLS handshake with " + where()), true, true);
            if (ec) {
                const long verify = SSL_get_verify_result(conn.secure->native_handle());
                if (options.verify_peer && verify != X509_V_OK)
                    return fail(self, "TLS certificate verification failed for " + where() + ": " +
                                          X509_verify_cert_error_string(verify),
                                false);
                return fail(self, "TLS handshake with " + where() + " failed: " + ec_text(ec), true);
            }
            return done(self);
        }
        default: return;
        }
    }

    /// The completion of async_connect on the endpoints.
    template <class Self>
    void operator()(Self& self, error_code ec, const tcp::endpoint&) {
        (*this)(self, ec);
    }

    template <class Self>
    void done(Self& self) {
        conn.tcp().expires_never();
        conn.connected = true;
        self.complete(true);
    }
};
/// Resolves, connects and (for https) handshakes `conn`, within
/// `limits` (see connect_limits). Completes with `void(bool)`: true when
/// connected, false with `failure` filled (nothing of the request was
/// sent). `conn`, `url`, `failure` and `tls_error` must outlive it.
template <class Token>
auto async_connect(Connection& conn, const Url& url, AttemptLimits limits, const ClientOptions& options,
                   AttemptFailure& failure, Token&& token) {
    return asio::async_compose<Token, void(bool)>(
        ConnectOp{conn, url, limits, options, failure, std::make_shared<ConnectState>()}, token, conn.tcp());
}

/// The streams an exchange may run on: plain or TLS (`any`), or TLS
/// alone, for a caller that sends plain HTTP another way (the blocking
/// client on POSIX, see its exchange_plain). With `tls`, Beast's read and
/// write are instantiated for one stream type instead of two: about 7% of
/// the compile time of a translation unit that sends a call with the
/// blocking client in header-only mode (1.64x to 1.52x of raw Beast).
enum class Streams { any, tls };

/// State of async_exchange that must not move while handlers run.
struct ExchangeState {
    std::optional<ResponseReader> parser;
    std::vector<char> chunk;
    std::uint64_t offset = 0;
};
/// The composed operation of async_exchange. `Conn` is `Connection`, or
/// in tests a connection over in-memory streams with the same members
/// (`plain`, `secure`, `buffer`, `header_hint`, `close`, `holds_unread`,
/// `arm`, `disarm`, `io`). With `Streams::tls`, `conn.secure` is set.
template <class Conn, Streams S>
struct ExchangeOp {
    Conn& conn;
    const Url& url;
    const HttpRequest& request;
    const std::string& head;
    AttemptLimits limits;
    const ClientOptions& options;
    HttpResponse& out;
    bool& keep;
    AttemptFailure& failure;
    std::unique_ptr<ExchangeState> state;
    int step = 0;

    template <class Self>
    void write(Self& self, const std::array<asio::const_buffer, 2>& buffers) {
        if constexpr (S == Streams::any) {
            if (!conn.secure) return asio::async_write(*conn.plain, buffers, std::move(self));
        }
        asio::async_write(*conn.secure, buffers, std::move(self));
    }
    template <class Self>
    void read(Self& self) {
        state->parser.emplace(out, conn.header_hint, options);
        if constexpr (S == Streams::any) {
            if (!conn.secure) return http::async_read(*conn.plain, conn.buffer, *state->parser, std::move(self));
        }
        http::async_read(*conn.secure, conn.buffer, *state->parser, std::move(self));
    }
    template <class Self>
    void fail(Self& self, std::string message, bool retryable, bool timed_out = false) {
        set_failure(failure, std::move(message), retryable, timed_out);
        conn.close();
        self.complete(false);
    }

    template <class Self>
    void operator()(Self& self, error_code ec = {}, std::size_t = 0) {
        const std::string where = url.host_port();
        switch (step) {
        case 0:
            conn.arm(limits.deadline);
            // Over TLS, how much of the request reached the socket is
            // not known once a write has begun.
            failure.sent = Sent::partly;
            step = 1;
            return write(self, {asio::buffer(head), request.body_source ? asio::const_buffer()
                                                                        : asio::buffer(request.body)});
        case 1:
            if (ec == boost::beast::error::timeout)
                return fail(self, limits.timed_out("sending the request to " + where), true, true);
            if (ec) return fail(self, "cannot send the request to " + where + ": " + ec_text(ec), true);
            if (request.body_source && state->offset < request.body_source->size()) {
                // Streamed body: one bounded chunk at a time.
                const auto& src = *request.body_source;
                const std::size_t n = static_cast<std::size_t>(
                    std::min<std::uint64_t>(64u * 1024u, src.size() - state->offset));
                state->chunk.resize(n);
                auto got = src.read(state->offset, state->chunk.data(), n);
                if (!got || *got == 0 || *got > n) {
                    failure.error = got ? ApiError::make(ErrorKind::transport,
                                                         "the request body source ended before its size")
                                        : got.error();
                    failure.retryable = false;
                    conn.close();
                    return self.complete(false);
                }
                state->offset += *got;
                return write(self, {asio::buffer(state->chunk.data(), *got), asio::const_buffer()});
            }
            failure.sent = Sent::completely;
            step = 2;
            return read(self);
        case 2: {
            failure.response_started = failure.response_started || state->parser->got_some();
            if (ec == boost::beast::error::timeout)
                return fail(self, limits.timed_out("reading the response from " + where), true, true);
            if (ec) {
                read_failure(ec, url, options, failure);
                conn.close();
                return self.complete(false);
            }
            if (is_interim(out.status)) return read(self);
            conn.disarm();
            keep = options.keep_alive && state->parser->keep_alive() && !state->parser->need_eof() &&
                   out.status != 101 && !conn.holds_unread();
            conn.header_hint = std::min<std::size_t>(std::max(conn.header_hint, out.headers.size()), 64);
            return self.complete(true);
        }
        default: return;
        }
    }
};
/// Writes `head` and the body of `request` on the connected `conn` and
/// reads the answer into `out`, skipping interim 1xx answers, all within
/// `limits`. Completes with `void(bool)`: true with `out` filled (and
/// `keep` saying whether the connection may carry another request), false
/// with `failure` filled. Everything passed by reference must outlive it.
/// `S` says which streams `conn` may be (see Streams).
template <Streams S = Streams::any, class Conn, class Token>
auto async_exchange(Conn& conn, const Url& url, const HttpRequest& request, const std::string& head,
                    AttemptLimits limits, const ClientOptions& options, HttpResponse& out, bool& keep,
                    AttemptFailure& failure, Token&& token) {
    return asio::async_compose<Token, void(bool)>(
        ExchangeOp<Conn, S>{conn, url, request, head, limits, options, out, keep, failure,
                            std::make_unique<ExchangeState>()},
        token, conn.io());
}

} // namespace detail
} // namespace beast
} // namespace cfimages

#endif // CFIMAGES_BEAST_DETAIL_CONNECTION_HPP
