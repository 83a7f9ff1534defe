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
/// - A connect timeout and the attempt's limit (`timeout`, or what is
///   left of `deadline`); a timeout message names the limit that fired.
/// - A response body limit and a header limit: past them the transfer is
///   aborted and a `transport` error reported; memory stays bounded.
/// - Streamed request bodies (`HttpRequest::body_source`) are read in
///   chunks of at most 64 KiB as libcurl sends them (from offset 0 again
///   on each attempt, or when libcurl rewinds); the body is never held
///   whole.
/// - What to send, when to wait and when to give up (retries, rate limits,
///   redirect refusal, deadlines) is the call state machine's
///   (`cfimages/call.hpp`), as for every transport: this client performs
///   attempts.
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
#include <cstdio>
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

#include <cfimages/call.hpp>
#include <cfimages/client.hpp>
#include <cfimages/http.hpp>
#include <cfimages/result.hpp>
#include <cfimages/url.hpp>

namespace cfimages {
namespace curl {

/// Settings of a `Client`: everything in `CommonClientOptions`
/// (timeouts, limits, retries, rate limiting), plus libcurl's CA and
/// proxy settings. The defaults suit the Cloudflare API.
struct ClientOptions : CommonClientOptions {
    /// A PEM file of CA certificates to trust instead of libcurl's default
    /// store (e.g. a corporate proxy CA, or a test CA). Empty: the default.
    std::string ca_file;
    /// PEM text of CA certificates to trust instead of the default store
    /// (needs libcurl 7.77 or newer). Empty: the default.
    std::string ca_pem;
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

/// Returns true for headers libcurl writes itself from the request.
inline bool is_framing_header(std::string_view name) noexcept {
    return iequals(name, "host") || iequals(name, "content-length") ||
           iequals(name, "transfer-encoding") || iequals(name, "connection");
}

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

/// `CURLOPT_READFUNCTION` state for a streamed body.
struct Upload {
    const BodySource* source = nullptr;
    std::uint64_t offset = 0;
    std::optional<ApiError> error;  ///< Why the source could not be read.
};

/// `CURLOPT_READFUNCTION`: the next chunk of a streamed body.
inline std::size_t on_read(char* out, std::size_t size, std::size_t count, void* user) {
    auto* u = static_cast<Upload*>(user);
    const std::uint64_t total = u->source->size();
    if (u->offset >= total) return 0;
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(size * count, total - u->offset));
    auto got = u->source->read(u->offset, out, n);
    if (!got || *got == 0 || *got > n) {
        u->error = got ? ApiError::make(ErrorKind::transport, "the request body source ended before its size")
                       : got.error();
        return CURL_READFUNC_ABORT;
    }
    u->offset += *got;
    return *got;
}

/// `CURLOPT_SEEKFUNCTION`: libcurl rewinds a streamed body when it must
/// send it again within one attempt (it does so on its own, e.g. after a
/// reused connection gave nothing back); without this it could not.
inline int on_seek(void* user, curl_off_t offset, int origin) {
    auto* u = static_cast<Upload*>(user);
    if (origin != SEEK_SET || offset < 0 || static_cast<std::uint64_t>(offset) > u->source->size())
        return CURL_SEEKFUNC_CANTSEEK;
    u->offset = static_cast<std::uint64_t>(offset);
    return CURL_SEEKFUNC_OK;
}

/// The libcurl transport: one attempt at a time on one easy handle,
/// whose connection cache keeps connections alive between calls.
class CurlTransport {
public:
    /// Keeps a reference to the client's options (they outlive it); the
    /// handle is made on first use.
    explicit CurlTransport(const ClientOptions& options) : options_(options) {}

    CurlTransport(const CurlTransport&) = delete;
    CurlTransport& operator=(const CurlTransport&) = delete;
    /// Closes the cached connections while `sockets_` still exists (their
    /// close callback points here).
    ~CurlTransport() { close(); }

    /// Reads the clock the state machine is timed with.
    static CallClock::time_point now() { return CallClock::now(); }
    /// Blocks until `t` (between retries, and while rate limited).
    static void sleep_until(CallClock::time_point t) { std::this_thread::sleep_until(t); }
    /// A seed for the retry jitter.
    static std::uint64_t seed() {
        std::random_device rd;
        return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    }
    /// Responses are not recycled: libcurl's callbacks fill new ones.
    void recycle(HttpResponse&&) noexcept {}

    /// Drops the handle and with it every cached connection.
    void close() {
        easy_.reset();
        sockets_.clear();
    }

    /// One transfer of `call.request()` on the kept handle. A request
    /// that is not idempotent gets a new connection of its own (see
    /// below). True with `out` filled, or false with `failure`.
    bool attempt(CallMachine& call, HttpResponse& out, AttemptFailure& failure) {
        const Url& url = call.url();
        const HttpRequest& request = call.request();
        const bool idempotent = call.idempotent();
        const auto start = CallClock::now();
        const AttemptLimits& limits = call.limits();
        failure = AttemptFailure{};
        failure.sent = Sent::nothing;
        if (!curl_global_ready()) {
            set(failure, "libcurl initialisation failed", false);
            return false;
        }
        if (!easy_) easy_.reset(curl_easy_init());
        if (!easy_) {
            set(failure, "cannot create a libcurl handle", false);
            return false;
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
        const bool with_body = request.body_size() != 0 || request.method == Method::post ||
                               request.method == Method::put || request.method == Method::patch;
        // libcurl would add its own form content type and `Expect: 100-continue`.
        if (with_body && !has_content_type) ok = ok && add_header("Content-Type:");
        ok = ok && add_header("Expect:");
        if (!options_.keep_alive) ok = ok && add_header("Connection: close");
        if (!ok) {
            set(failure, "out of memory building the request headers", false);
            return false;
        }

        Transfer t;
        t.response = std::move(out);
        t.response.headers.clear();
        t.response.body.clear();
        t.handle = h;
        t.body_limit = options_.body_limit;
        t.header_limit = options_.header_limit;
        Upload upload;
        upload.source = request.body_source.get();
        errbuf_[0] = '\0';

        // libcurl applies both limits from the start of the transfer.
        const auto ms_left = [&](CallClock::time_point deadline) -> long {
            if (deadline == CallClock::time_point::max()) return 0; // none
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - start).count();
            return left < 1 ? 1L : static_cast<long>(left);
        };
        const AttemptLimits connect = cfimages::connect_limits(limits, options_.connect_timeout, start,
                                                                options_.connect_timeout_name);

        CURLcode set_rc = CURLE_OK;
        auto opt = [&](CURLoption o, auto value) {
            if (set_rc == CURLE_OK) set_rc = curl_easy_setopt(h, o, value);
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
        opt(CURLOPT_CONNECTTIMEOUT_MS, ms_left(connect.deadline));
        opt(CURLOPT_TIMEOUT_MS, ms_left(limits.deadline));
        opt(CURLOPT_SSL_VERIFYPEER, options_.verify_peer ? 1L : 0L);
        opt(CURLOPT_SSL_VERIFYHOST, options_.verify_peer ? 2L : 0L);
        opt(CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
        if (!options_.ca_file.empty()) opt(CURLOPT_CAINFO, options_.ca_file.c_str());
#if LIBCURL_VERSION_NUM >= 0x074d00
        curl_blob blob{const_cast<char*>(options_.ca_pem.data()), options_.ca_pem.size(), CURL_BLOB_NOCOPY};
        if (!options_.ca_pem.empty()) opt(CURLOPT_CAINFO_BLOB, &blob);
#else
        if (!options_.ca_pem.empty()) {
            set(failure, "ClientOptions::ca_pem needs libcurl 7.77 or newer; use ca_file", false);
            return false;
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
        opt(CURLOPT_CLOSESOCKETFUNCTION, &CurlTransport::on_close_socket);
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
            if (request.method != Method::post) opt(CURLOPT_POST, 1L);
            opt(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body_size()));
            if (upload.source != nullptr) {
                opt(CURLOPT_READFUNCTION, &on_read);
                opt(CURLOPT_READDATA, static_cast<void*>(&upload));
                opt(CURLOPT_SEEKFUNCTION, &on_seek);
                opt(CURLOPT_SEEKDATA, static_cast<void*>(&upload));
#if LIBCURL_VERSION_NUM >= 0x073e00
                // The chunk size asked of the source: 64 KiB, as the Beast clients.
                opt(CURLOPT_UPLOAD_BUFFERSIZE, 65536L);
#endif
            } else {
                opt(CURLOPT_POSTFIELDS, request.body.data());
            }
        }
        if (set_rc != CURLE_OK) {
            set(failure, std::string("libcurl refused an option: ") + curl_easy_strerror(set_rc), false);
            return false;
        }

        const CURLcode rc = curl_easy_perform(h);
        // Whether anything reached the server decides if a request that is
        // not idempotent may be repeated. libcurl does not say reliably
        // whether all of it was written: any byte counts as all.
        long request_size = 0;
        long header_size = 0;
        long connects = 0;
        curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &request_size);
        curl_easy_getinfo(h, CURLINFO_HEADER_SIZE, &header_size);
        curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &connects);
        failure.sent = request_size > 0 ? Sent::completely : Sent::nothing;
        failure.response_started = header_size > 0 || !t.response.body.empty();
        failure.reused_connection = request_size > 0 && connects == 0;
        if (rc == CURLE_OK) {
            long status = 0;
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
            t.response.status = static_cast<int>(status);
            remember_connection(h);
            out = std::move(t.response);
            return true;
        }
        if (upload.error) {
            failure.error = *upload.error;
            failure.retryable = false;
        } else {
            describe(rc, url, limits, connect, t, failure);
        }
        // A broken transfer may leave a half-read connection: start afresh.
        if (rc != CURLE_COULDNT_RESOLVE_HOST && rc != CURLE_COULDNT_CONNECT) close();
        return false;
    }

private:
    static void set(AttemptFailure& f, std::string message, bool retryable) {
        f.error = ApiError::make(ErrorKind::transport, std::move(message));
        f.retryable = retryable;
    }

    /// `CURLOPT_CLOSESOCKETFUNCTION`: closes a connection's socket for
    /// libcurl and forgets it. libcurl keeps this callback per connection,
    /// so it runs also after the options were reset.
    static int on_close_socket(void* user, curl_socket_t fd) {
        auto& sockets = static_cast<CurlTransport*>(user)->sockets_;
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
    /// applies both limits, from the start of the transfer, so the one
    /// that ends first fired; after that only the attempt's.
    std::string timeout_text(const Url& url, const AttemptLimits& limits, const AttemptLimits& connect) const {
        CURL* h = easy_.get();
        curl_off_t ready = 0;
        long request_size = 0;
        curl_easy_getinfo(h, CURLINFO_PRETRANSFER_TIME_T, &ready);
        curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &request_size);
        const std::string where = url.host_port();
        if (ready == 0) return connect.timed_out("connecting to " + where);
        return limits.timed_out((request_size > 0 ? "reading the response from " : "sending the request to ") + where);
    }

    /// Turns a libcurl error into a one-line `transport` message.
    void describe(CURLcode rc, const Url& url, const AttemptLimits& limits, const AttemptLimits& connect,
                  const Transfer& t, AttemptFailure& failure) const {
        const std::string where = url.host_port();
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
                msg = timeout_text(url, limits, connect);
                failure.timed_out = true;
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

    const ClientOptions& options_;
    /// Sockets of the connections in libcurl's cache (see
    /// drop_connections_with_unread_bytes).
    std::vector<curl_socket_t> sockets_;
    std::unique_ptr<CURL, EasyDeleter> easy_;
    char errbuf_[CURL_ERROR_SIZE] = {};
};

} // namespace detail

/// A blocking HTTP(S) client for cfimages requests on libcurl: `send`,
/// `send_raw`, `for_each_image` and `list_all` (see
/// `cfimages::BasicClient`), the same shape as `beast::Client`. Not
/// thread-safe: use one per thread. Movable.
class Client : public BasicClient<detail::CurlTransport, ClientOptions> {
public:
    /// A client with the default options (TLS verified, keep-alive,
    /// 10 s connect / 60 s per attempt, 64 MiB body limit, 2 retries,
    /// Cloudflare's rate limits).
    Client() : BasicClient(ClientOptions{}) {}
    /// A client with the given options.
    /// @param options the settings.
    explicit Client(ClientOptions options) : BasicClient(std::move(options)) {}
};

} // namespace curl
} // namespace cfimages

#endif // CFIMAGES_CURL_HPP
