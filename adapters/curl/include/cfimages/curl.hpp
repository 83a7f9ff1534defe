#ifndef CFIMAGES_CURL_HPP
#define CFIMAGES_CURL_HPP

/// @file
/// `cfimages::curl::Client`: a synchronous HTTP transport for the cfimages
/// codec, built on libcurl's easy interface. Same `send` shape as
/// `cfimages::beast::Client`, so code written against one runs on the other.
///
/// @code
/// cfimages::curl::Client client;                         // TLS verified, keep-alive, retries
/// cfimages::Result<cfimages::Image> img = client.send(cfimages::v1::get(cfg, "image-id"));
/// if (!img) std::cerr << img.error() << '\n';             // kind, status, code, message
/// @endcode
///
/// What it does:
/// - One libcurl easy handle per client, kept between calls, so libcurl's
///   connection cache reuses connections (and TLS sessions); a cached
///   connection the server has closed is replaced by libcurl itself, and
///   one on which bytes arrived since its last answer (a stray answer, a
///   TLS close_notify) is ended before the next call instead of reused.
/// - A request that is not idempotent goes out on a new connection of its
///   own, closed after it: libcurl sends a request once more when a reused
///   connection gives no answer, which could create something twice.
/// - TLS peer and host name verification always on unless
///   `ClientOptions::verify_peer` is turned off; TLS 1.2 or newer.
/// - A connect timeout and a total timeout per attempt; a timeout message
///   names the limit that fired.
/// - A response body limit and a header limit: past them the transfer is
///   aborted and a `transport` error reported; memory stays bounded.
/// - Follows no redirect: `send` turns a 3xx into an `api` error naming the
///   target origin only; `send_raw` returns the 3xx as is.
/// - Retries according to `RetryPolicy` (`cfimages/retry.hpp`), sleeping
///   between attempts, with jitter from its own random engine.
/// - Every failure without a response is `ErrorKind::transport`, with a
///   message saying what failed and where (`host:port`); never a header,
///   the URL's path or query, or any credential.
///
/// Link libcurl (CMake `cfimages::curl`, Meson `cfimages_curl_dep`, or
/// `-lcurl`). A `Client` is not thread-safe: use one per thread. It may be
/// moved. libcurl is initialised once, on first use, in a thread-safe way.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
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

#include <curl/curl.h>
#if defined(_WIN32)
#include <winsock2.h>
#else
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include <cfimages/config.hpp>
#include <cfimages/http.hpp>
#include <cfimages/paging.hpp>
#include <cfimages/request.hpp>
#include <cfimages/result.hpp>
#include <cfimages/retry.hpp>

namespace cfimages {
namespace curl {

/// Settings of a `Client`; the defaults suit the Cloudflare API and match
/// `cfimages::beast::ClientOptions`.
struct ClientOptions {
    /// Limit for resolving the host, connecting and the TLS handshake.
    std::chrono::milliseconds connect_timeout{10000};
    /// Limit for one attempt as a whole: connect, send the request, read
    /// the whole response. Retries each get their own.
    std::chrono::milliseconds timeout{60000};
    /// Largest response body accepted; past it the transfer is aborted
    /// and a `transport` error reported.
    std::uint64_t body_limit = 64u * 1024u * 1024u;
    /// Largest response header block accepted (all header lines together).
    std::uint32_t header_limit = 64u * 1024u;
    /// When and how long to retry (default: 2 retries, backoff 0.5 s .. 8 s).
    RetryPolicy retry;
    /// Verify the server certificate and host name. Turn off only for a
    /// local test server; never against the real API.
    bool verify_peer = true;
    /// A PEM file of CA certificates to trust instead of libcurl's default
    /// store (e.g. a corporate proxy CA, or a test CA). Empty: the default.
    std::string ca_file;
    /// PEM text of CA certificates to trust instead of the default store
    /// (needs libcurl 7.77 or newer). Empty: the default.
    std::string ca_pem;
    /// Keep connections open between calls and reuse them.
    bool keep_alive = true;
    /// Honour the `http_proxy` / `https_proxy` / `no_proxy` environment
    /// variables, as libcurl does by default. Off: always connect directly.
    bool use_environment_proxy = true;
};

namespace detail {

/// Initialises libcurl once per process (thread-safe through the static).
inline bool curl_global_ready() {
    static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    return ok;
}

/// The parts of a URL that error messages may show: `scheme://host:port`
/// and `host:port`, never a path, query or user information.
struct Origin {
    bool tls = false;     ///< `https`.
    std::string host;     ///< Host as written (IPv6 literal with brackets).
    std::string port;     ///< Explicit port, or "443" / "80" by scheme.

    /// Returns `host:port`, for messages.
    std::string host_port() const { return host + ":" + port; }
};

/// Checks an absolute `http://` or `https://` URL and returns its origin.
/// @return nullopt for another scheme, an empty host, an invalid port, user
///         information (`user:pass@`, refused so credentials in URLs are
///         never sent or printed), or spaces, control characters or
///         backslashes anywhere.
inline std::optional<Origin> parse_origin(std::string_view url) {
    for (char c : url) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == '\\') return std::nullopt;
    }
    const auto sep = url.find("://");
    if (sep == std::string_view::npos) return std::nullopt;
    Origin o;
    const std::string_view scheme = url.substr(0, sep);
    if (iequals(scheme, "https")) o.tls = true;
    else if (!iequals(scheme, "http")) return std::nullopt;
    std::string_view rest = url.substr(sep + 3);
    const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
    std::string_view host = authority, port;
    if (authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos || close == 1) return std::nullopt;
        host = authority.substr(0, close + 1);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return std::nullopt;
            port = after.substr(1);
        }
    } else {
        const auto colon = authority.find(':');
        if (colon != std::string_view::npos) {
            host = authority.substr(0, colon);
            port = authority.substr(colon + 1);
        }
    }
    if (host.empty()) return std::nullopt;
    if (port.empty()) {
        o.port = o.tls ? "443" : "80";
    } else {
        if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos)
            return std::nullopt;
        const unsigned long n = std::stoul(std::string(port));
        if (n == 0 || n > 65535) return std::nullopt;
        o.port = std::to_string(n);
    }
    o.host.assign(host);
    return o;
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
    return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

/// Returns true for headers libcurl writes itself from the request.
inline bool is_framing_header(std::string_view name) noexcept {
    return iequals(name, "host") || iequals(name, "content-length") ||
           iequals(name, "transfer-encoding") || iequals(name, "connection");
}

/// Returns the milliseconds of `d` for messages.
inline std::string ms_text(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

/// Owns a `curl_slist`.
struct SlistDeleter {
    /// Frees the list.
    void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

/// Owns a `CURL` easy handle.
struct EasyDeleter {
    /// Cleans the handle up (closing its cached connections).
    void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
};

/// What one transfer collects through libcurl's callbacks.
struct Transfer {
    HttpResponse response;
    CURL* handle = nullptr;
    std::uint64_t body_limit = 0;
    std::uint32_t header_limit = 0;
    std::uint64_t header_bytes = 0;
    bool body_over = false;    ///< Aborted: the body passed `body_limit`.
    bool header_over = false;  ///< Aborted: the headers passed `header_limit`.
};

/// Makes room in `t.response.body` for `more` bytes. A body with a
/// Content-Length is reserved exactly. One of unknown length (chunked, or
/// up to the end of the connection) grows by doubling while small; past
/// 1 MiB, room for the whole body limit is reserved at once, so the body
/// is never copied again: each copy to a larger buffer holds the old and
/// the new one at the same time, up to twice the body at the last one.
/// The reservation is address space; the system backs its pages as they
/// are written.
inline void make_room(Transfer& t, std::size_t more) {
    std::string& body = t.response.body;
    const std::uint64_t cap = std::min<std::uint64_t>(t.body_limit, body.max_size());
    try {
        if (body.empty()) {
            curl_off_t length = -1;
            if (curl_easy_getinfo(t.handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK &&
                length > 0 && static_cast<std::uint64_t>(length) <= cap) {
                body.reserve(static_cast<std::size_t>(length));
                return;
            }
        }
        constexpr std::size_t doubling_up_to = std::size_t{1} << 20;
        const std::size_t need = body.size() + more;
        if (need > doubling_up_to && need <= cap) body.reserve(static_cast<std::size_t>(cap));
    } catch (const std::bad_alloc&) {
        // Not that much address space: append doubles.
    }
}

/// `CURLOPT_WRITEFUNCTION`: appends body bytes, aborting past the limit.
inline std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t n = size * count;
    if (t->response.body.size() + n > t->body_limit) {
        t->body_over = true;
        return 0; // makes libcurl fail with CURLE_WRITE_ERROR
    }
    if (t->response.body.capacity() - t->response.body.size() < n) make_room(*t, n);
    t->response.body.append(data, n);
    return n;
}

/// `CURLOPT_HEADERFUNCTION`: collects header lines. A status line starts a
/// new response (interim 1xx answers are dropped with their headers).
inline std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t n = size * count;
    t->header_bytes += n;
    if (t->header_bytes > t->header_limit) {
        t->header_over = true;
        return 0;
    }
    std::string_view line(data, n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.size() >= 5 && line.substr(0, 5) == "HTTP/") {
        t->response.headers.clear();
        return n;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return n; // blank line ends the block
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    t->response.headers.push_back(Header{std::string(line.substr(0, colon)), std::string(value)});
    return n;
}

/// What one attempt did on the wire, as far as libcurl tells: the facts
/// that decide whether a failed attempt may go out again. libcurl itself
/// sends a request once more on a new connection when a reused one gives
/// nothing back; these describe the last connection it tried.
struct WireFacts {
    bool reused = false;           ///< The connection was kept alive from an earlier call.
    bool request_started = false;  ///< Some bytes of the request may have reached the server.
    bool response_started = false; ///< Some bytes of a response (an interim 1xx included) arrived.
};

/// What went wrong in one attempt that got no response.
struct Failure {
    ApiError error;
    bool retryable = true;  ///< A connection error worth retrying (not TLS verification, limits, protocol).
    WireFacts wire;         ///< What reached the wire; `wire.request_started`: the request may have reached the server.
};

/// The client's state (behind a pointer so that `Client` can move while
/// libcurl keeps pointers into it during a transfer).
class ClientImpl {
public:
    /// Keeps the options; the handle is made on first use.
    explicit ClientImpl(ClientOptions options)
        : options_(std::move(options)), rng_(std::random_device{}()) {}

    ClientImpl(const ClientImpl&) = delete;
    ClientImpl& operator=(const ClientImpl&) = delete;
    /// Closes the cached connections while `sockets_` still exists (their
    /// close callback points here).
    ~ClientImpl() { close(); }

    /// Returns the options the client was made with.
    const ClientOptions& options() const noexcept { return options_; }

    /// Drops the handle and with it every cached connection.
    void close() {
        easy_.reset();
        sockets_.clear();
    }

    /// Sends with retries.
    Result<HttpResponse> send_with_retries(const HttpRequest& request, bool idempotent) {
        const auto origin = parse_origin(request.url);
        if (!origin)
            return ApiError::make(ErrorKind::invalid_argument,
                                  "url: not an absolute http(s) URL with a valid host and port "
                                  "(user information is refused)");
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
            auto response = attempt_once(*origin, request, idempotent, failure);
            RetryDecision decision;
            if (response) {
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
                        failure.error.message +=
                            " (gave up after " + std::to_string(attempt + 1) + " attempts)";
                    return failure.error;
                }
            }
            if (decision.delay.count() > 0) std::this_thread::sleep_for(decision.delay);
        }
    }

private:
    /// One transfer on the kept handle. A request that is not idempotent
    /// gets a new connection of its own (see below).
    std::optional<HttpResponse> attempt_once(const Origin& origin, const HttpRequest& request, bool idempotent,
                                             Failure& failure) {
        const std::string where = origin.host_port();
        if (!curl_global_ready()) {
            failure.error = ApiError::make(ErrorKind::transport, "libcurl initialisation failed");
            failure.retryable = false;
            return std::nullopt;
        }
        if (!easy_) easy_.reset(curl_easy_init());
        if (!easy_) {
            failure.error = ApiError::make(ErrorKind::transport, "cannot create a libcurl handle");
            failure.retryable = false;
            return std::nullopt;
        }
        CURL* h = easy_.get();
        // Reset keeps the connection cache, the DNS cache and TLS sessions.
        curl_easy_reset(h);
        drop_connections_with_unread_bytes();

        std::unique_ptr<curl_slist, SlistDeleter> headers;
        bool has_content_type = false;
        auto add_header = [&](const std::string& line) {
            curl_slist* next = curl_slist_append(headers.get(), line.c_str());
            if (next == nullptr) return false;
            (void)headers.release();
            headers.reset(next);
            return true;
        };
        bool ok = true;
        for (const Header& hd : request.headers) {
            if (is_framing_header(hd.name)) continue;
            if (iequals(hd.name, "content-type")) has_content_type = true;
            // "Name;" is libcurl's way to send a header with an empty value.
            ok = ok && add_header(hd.value.empty() ? hd.name + ";" : hd.name + ": " + hd.value);
        }
        const bool with_body = !request.body.empty() || request.method == Method::post ||
                               request.method == Method::put || request.method == Method::patch;
        // libcurl would add its own form content type and `Expect: 100-continue`.
        if (with_body && !has_content_type) ok = ok && add_header("Content-Type:");
        ok = ok && add_header("Expect:");
        if (!options_.keep_alive) ok = ok && add_header("Connection: close");
        if (!ok) {
            failure.error = ApiError::make(ErrorKind::transport, "out of memory building the request headers");
            failure.retryable = false;
            return std::nullopt;
        }

        Transfer t;
        t.handle = h;
        t.body_limit = options_.body_limit;
        t.header_limit = options_.header_limit;
        errbuf_[0] = '\0';

        CURLcode set = CURLE_OK;
        auto opt = [&](CURLoption o, auto value) {
            if (set == CURLE_OK) set = curl_easy_setopt(h, o, value);
        };
        opt(CURLOPT_URL, request.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
        opt(CURLOPT_PROTOCOLS_STR, "http,https");
#else
        opt(CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
        opt(CURLOPT_NOSIGNAL, 1L);
        opt(CURLOPT_ERRORBUFFER, errbuf_);
        opt(CURLOPT_FOLLOWLOCATION, 0L);
        opt(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
        opt(CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
        opt(CURLOPT_SSL_VERIFYPEER, options_.verify_peer ? 1L : 0L);
        opt(CURLOPT_SSL_VERIFYHOST, options_.verify_peer ? 2L : 0L);
        opt(CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
        if (!options_.ca_file.empty()) opt(CURLOPT_CAINFO, options_.ca_file.c_str());
#if LIBCURL_VERSION_NUM >= 0x074d00
        curl_blob blob{const_cast<char*>(options_.ca_pem.data()), options_.ca_pem.size(), CURL_BLOB_NOCOPY};
        if (!options_.ca_pem.empty()) opt(CURLOPT_CAINFO_BLOB, &blob);
#else
        if (!options_.ca_pem.empty()) {
            failure.error = ApiError::make(ErrorKind::transport,
                                           "ClientOptions::ca_pem needs libcurl 7.77 or newer; use ca_file");
            failure.retryable = false;
            return std::nullopt;
        }
#endif
        if (!options_.use_environment_proxy) opt(CURLOPT_PROXY, "");
        // libcurl sends a request again, on a new connection, when a
        // reused one gives nothing back (Curl_retry_request), whatever the
        // method: a POST the server read and then dropped without an
        // answer went out twice, even with max_retries = 0. It does so
        // only for a reused connection, so a request that is not
        // idempotent gets a new connection of its own, closed after it
        // (no idle connection piles up per upload); a fresh connection
        // also cannot be one the server closed while it was idle.
        opt(CURLOPT_FRESH_CONNECT, idempotent ? 0L : 1L);
        opt(CURLOPT_FORBID_REUSE, options_.keep_alive && idempotent ? 0L : 1L);
        // Every connection made from here on reports its socket's closing
        // (see drop_connections_with_unread_bytes).
        opt(CURLOPT_CLOSESOCKETFUNCTION, &ClientImpl::on_close_socket);
        opt(CURLOPT_CLOSESOCKETDATA, static_cast<void*>(this));
        opt(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options_.body_limit));
        opt(CURLOPT_WRITEFUNCTION, &on_body);
        opt(CURLOPT_WRITEDATA, static_cast<void*>(&t));
        opt(CURLOPT_HEADERFUNCTION, &on_header);
        opt(CURLOPT_HEADERDATA, static_cast<void*>(&t));
        opt(CURLOPT_HTTPHEADER, headers.get());
        switch (request.method) {
        case Method::get: opt(CURLOPT_HTTPGET, 1L); break;
        case Method::post: opt(CURLOPT_POST, 1L); break;
        default: break;
        }
        if (request.method != Method::get && request.method != Method::post)
            opt(CURLOPT_CUSTOMREQUEST, to_string(request.method));
        if (with_body) {
            if (request.method == Method::get) opt(CURLOPT_CUSTOMREQUEST, "GET");
            opt(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
            opt(CURLOPT_POSTFIELDS, request.body.data());
        }
        if (set != CURLE_OK) {
            failure.error = ApiError::make(ErrorKind::transport,
                                           std::string("libcurl refused an option: ") + curl_easy_strerror(set));
            failure.retryable = false;
            return std::nullopt;
        }

        const CURLcode rc = curl_easy_perform(h);
        // Whether anything reached the server decides if a non-idempotent
        // request may be repeated.
        long request_size = 0;
        long header_size = 0;
        long connects = 0;
        curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &request_size);
        curl_easy_getinfo(h, CURLINFO_HEADER_SIZE, &header_size);
        curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &connects);
        failure.wire.request_started = request_size > 0;
        failure.wire.response_started = header_size > 0 || !t.response.body.empty();
        failure.wire.reused = failure.wire.request_started && connects == 0;
        if (rc == CURLE_OK) {
            long status = 0;
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
            t.response.status = static_cast<int>(status);
            remember_connection(h);
            return std::move(t.response);
        }
        describe(rc, origin, t, failure);
        // A broken transfer may leave a half-read connection: start afresh.
        if (rc != CURLE_COULDNT_RESOLVE_HOST && rc != CURLE_COULDNT_CONNECT) close();
        return std::nullopt;
    }

    /// `CURLOPT_CLOSESOCKETFUNCTION`: closes a connection's socket for
    /// libcurl and forgets it. libcurl keeps this callback per connection,
    /// so it runs also after the options were reset.
    static int on_close_socket(void* user, curl_socket_t fd) {
        auto& sockets = static_cast<ClientImpl*>(user)->sockets_;
        sockets.erase(std::remove(sockets.begin(), sockets.end(), fd), sockets.end());
#if defined(_WIN32)
        return ::closesocket(fd);
#else
        return ::close(fd);
#endif
    }

    /// Notes the socket of the connection libcurl keeps after a transfer.
    void remember_connection(CURL* h) {
        curl_socket_t fd = CURL_SOCKET_BAD;
        if (curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK || fd == CURL_SOCKET_BAD) return;
        if (std::find(sockets_.begin(), sockets_.end(), fd) == sockets_.end()) sockets_.push_back(fd);
    }

    /// Ends every cached connection on which bytes have arrived since its
    /// last answer. libcurl 7.88 reuses such a connection (bytes waiting
    /// count as "alive", plain and TLS), and then takes those bytes (an
    /// extra answer a server sent, or a TLS close_notify) as the start of
    /// the next answer. The bytes are read off (up to 64 KiB; a socket
    /// shut down for reading still returns what was queued) and the socket
    /// is shut down, so that libcurl's own check sees an end of stream and
    /// drops the connection (closing it through on_close_socket). The
    /// sockets are those libcurl kept after a transfer and has not closed
    /// since, so a descriptor here is never someone else's. One ioctl per
    /// cached connection.
    void drop_connections_with_unread_bytes() {
        for (curl_socket_t fd : sockets_) {
            if (waiting_bytes(fd) == 0) continue;
            char scratch[4096];
            for (int i = 0; i < 16 && waiting_bytes(fd) > 0; ++i) {
#if defined(_WIN32)
                if (::recv(fd, scratch, static_cast<int>(sizeof scratch), 0) <= 0) break;
#else
                if (::recv(fd, scratch, sizeof scratch, 0) <= 0) break;
#endif
            }
#if defined(_WIN32)
            ::shutdown(fd, SD_BOTH);
#else
            ::shutdown(fd, SHUT_RDWR);
#endif
        }
    }

    /// Returns how many bytes can be read from `fd` without waiting (0 on
    /// error: libcurl's own check deals with a broken socket).
    static unsigned long waiting_bytes(curl_socket_t fd) {
#if defined(_WIN32)
        u_long n = 0;
        return ::ioctlsocket(fd, FIONREAD, &n) == 0 ? n : 0;
#else
        int n = 0;
        return ::ioctl(fd, FIONREAD, &n) == 0 && n > 0 ? static_cast<unsigned long>(n) : 0;
#endif
    }

    /// Says which limit cut the transfer, and in which phase. Until the
    /// connection is ready (resolved, connected, TLS handshake done: libcurl
    /// 7.88 does not tell these steps apart after a timeout) libcurl
    /// applies both limits, from the start of the transfer, so the smaller
    /// one fired (connect_timeout when they are equal); after that only
    /// `timeout` applies.
    std::string timeout_text(const Origin& origin) const {
        CURL* h = easy_.get();
        curl_off_t ready = 0;
        long request_size = 0;
        curl_easy_getinfo(h, CURLINFO_PRETRANSFER_TIME_T, &ready);
        curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &request_size);
        const bool connecting = ready == 0;
        const bool overall = !connecting || options_.timeout < options_.connect_timeout;
        return "timed out after " +
               (overall ? ms_text(options_.timeout) + " (ClientOptions::timeout) "
                        : ms_text(options_.connect_timeout) + " (ClientOptions::connect_timeout) ") +
               (connecting             ? "connecting to "
                : request_size > 0     ? "reading the response from "
                                       : "sending the request to ") +
               origin.host_port();
    }

    /// Turns a libcurl error into a one-line `transport` message.
    void describe(CURLcode rc, const Origin& origin, const Transfer& t, Failure& failure) const {
        const std::string where = origin.host_port();
        std::string detail_text = errbuf_[0] != '\0' ? std::string(errbuf_) : std::string(curl_easy_strerror(rc));
        for (char& c : detail_text)
            if (c == '\n' || c == '\r') c = ' ';
        while (!detail_text.empty() && detail_text.back() == ' ') detail_text.pop_back();
        std::string msg;
        bool retryable = true;
        if (t.body_over || rc == CURLE_FILESIZE_EXCEEDED) {
            msg = "response body from " + where + " exceeds the limit of " +
                  std::to_string(options_.body_limit) + " bytes (ClientOptions::body_limit); stopped reading";
            retryable = false;
        } else if (t.header_over) {
            msg = "response header from " + where + " exceeds the limit of " +
                  std::to_string(options_.header_limit) + " bytes";
            retryable = false;
        } else {
            switch (rc) {
            case CURLE_COULDNT_RESOLVE_HOST:
            case CURLE_COULDNT_RESOLVE_PROXY:
                msg = "cannot resolve " + where + ": " + detail_text;
                break;
            case CURLE_COULDNT_CONNECT:
                msg = "cannot connect to " + where + ": " + detail_text;
                break;
            case CURLE_OPERATION_TIMEDOUT:
                msg = timeout_text(origin);
                break;
            case CURLE_PEER_FAILED_VERIFICATION:
            case CURLE_SSL_CACERT_BADFILE:
            case CURLE_SSL_CERTPROBLEM:
            case CURLE_SSL_ISSUER_ERROR:
                msg = "TLS certificate verification failed for " + where + ": " + detail_text;
                retryable = false;
                break;
            case CURLE_SSL_CONNECT_ERROR:
                msg = "TLS handshake with " + where + " failed: " + detail_text;
                break;
            case CURLE_SEND_ERROR:
                msg = "cannot send the request to " + where + ": " + detail_text;
                break;
            case CURLE_RECV_ERROR:
                msg = "cannot read the response from " + where + ": " + detail_text;
                break;
            case CURLE_GOT_NOTHING:
                msg = "connection closed by " + where + " before any response";
                break;
            case CURLE_PARTIAL_FILE:
                msg = "connection closed by " + where + " in the middle of the response";
                break;
            case CURLE_WEIRD_SERVER_REPLY:
            case CURLE_HTTP2:
            case CURLE_HTTP2_STREAM:
                msg = "invalid HTTP response from " + where + ": " + detail_text;
                retryable = false;
                break;
            default:
                msg = "request to " + where + " failed: " + detail_text;
                retryable = false;
                break;
            }
        }
        failure.error = ApiError::make(ErrorKind::transport, std::move(msg));
        failure.retryable = retryable;
    }

    ClientOptions options_;
    /// Sockets of the connections in libcurl's cache (see
    /// drop_connections_with_unread_bytes).
    std::vector<curl_socket_t> sockets_;
    std::unique_ptr<CURL, EasyDeleter> easy_;
    std::mt19937_64 rng_;
    char errbuf_[CURL_ERROR_SIZE] = {};
};

/// Returns the `scheme://host:port` of a redirect target for messages
/// (never its path or query, which may carry tokens), or "another location".
inline std::string redirect_origin(const HttpResponse& response) {
    if (auto loc = response.header("location"))
        if (auto o = parse_origin(*loc)) return std::string(o->tls ? "https://" : "http://") + o->host_port();
    return "another location";
}

} // namespace detail

/// A synchronous HTTP(S) transport for cfimages requests, on libcurl.
class Client {
public:
    /// A client with the default options (TLS verified, keep-alive,
    /// 10 s connect / 60 s total timeout, 64 MiB body limit, 2 retries).
    Client() : Client(ClientOptions{}) {}
    /// A client with the given options.
    explicit Client(ClientOptions options)
        : impl_(std::make_unique<detail::ClientImpl>(std::move(options))) {}

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
        return request.parse(*response);
    }

    /// Sends the request a builder made, or passes the builder's error
    /// (`invalid_argument`) through untouched without sending anything.
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
    /// @return the number of images on the page, or the error `send`
    ///         would give; on error `page` is left empty.
    /// A builder's error is passed through without sending anything.
    /// `request`: a `Request<Page>` or the builder's `Result<Request<Page>>`.
    template <class Req, class Page>
    Result<std::size_t> send(const Req& request, Page& page) {
        return cfimages::send_into([this](const HttpRequest& r) { return send_checked(r, true); }, request, page);
    }

    /// Sends any request and returns the raw answer, whatever its status
    /// (a 3xx is returned as is, never followed). POST is taken as not
    /// idempotent (retried only when it never left), everything else as
    /// idempotent.
    /// @return the response, `transport` when none came, or
    ///         `invalid_argument` for a URL or header the client refuses.
    Result<HttpResponse> send_raw(const HttpRequest& request) {
        return impl_->send_with_retries(request, request.method != Method::post);
    }
    /// Same as `send_raw(const HttpRequest&)` with an explicit idempotency flag.
    /// @return as `send_raw(const HttpRequest&)`.
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
        return cfimages::for_each_image([this](const HttpRequest& r) { return send_checked(r, true); },
                                        cfg, params, std::forward<OnImage>(on_image));
    }

    /// Collects every image of a listing (see `for_each_image`).
    /// @return all images in order, or the first error.
    template <class Params>
    Result<std::vector<Image>> list_all(const Config& cfg, const Params& params) {
        return cfimages::list_all_images([this](const HttpRequest& r) { return send_checked(r, true); },
                                         cfg, params);
    }

    /// Closes every kept-alive connection (the next call opens a new one).
    void close() { impl_->close(); }

private:
    /// Sends, and turns a 3xx into an `api` error (redirects are not followed).
    Result<HttpResponse> send_checked(const HttpRequest& request, bool idempotent) {
        auto response = impl_->send_with_retries(request, idempotent);
        if (response && response->status >= 300 && response->status <= 399)
            return ApiError::make(ErrorKind::api,
                                  "HTTP " + std::to_string(response->status) + " redirect to " +
                                      detail::redirect_origin(*response) +
                                      " not followed (cfimages follows no redirects, so "
                                      "credentials stay with the host they were meant for)",
                                  response->status);
        return response;
    }

    std::unique_ptr<detail::ClientImpl> impl_;
};

} // namespace curl
} // namespace cfimages

#endif // CFIMAGES_CURL_HPP
