#ifndef CFIMAGES_HTTP_HPP
#define CFIMAGES_HTTP_HPP

/// @file
/// `HttpRequest` and `HttpResponse`: plain copyable values that cross the
/// boundary between the codec and whatever sends bytes. A transport needs
/// nothing else from cfimages.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <cfimages/result.hpp>

namespace cfimages {

/// The HTTP methods the Images API uses. `delete_` has a trailing
/// underscore because `delete` is a keyword (as in Boost.Beast's `verb`).
enum class Method { get, post, put, patch, delete_ };

/// Returns the method as it appears on the wire (`"GET"`, `"DELETE"`, ...).
inline const char* to_string(Method m) noexcept {
    switch (m) {
    case Method::get: return "GET";
    case Method::post: return "POST";
    case Method::put: return "PUT";
    case Method::patch: return "PATCH";
    case Method::delete_: return "DELETE";
    }
    return "GET";
}

/// One header field, in the order it is sent.
struct Header {
    std::string name;   ///< Field name, case as given.
    std::string value;  ///< Field value, without surrounding whitespace.

    /// Equal when every field is equal.
    friend bool operator==(const Header& a, const Header& b) {
        return a.name == b.name && a.value == b.value;
    }
    /// Not equal when any field differs.
    friend bool operator!=(const Header& a, const Header& b) { return !(a == b); }
};

/// Ordered header fields. Names keep the case they were given; lookups
/// ignore case, as HTTP requires.
using Headers = std::vector<Header>;

/// Returns true when `a` and `b` are equal ignoring ASCII case.
inline bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        unsigned char x = static_cast<unsigned char>(a[i]);
        unsigned char y = static_cast<unsigned char>(b[i]);
        if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x + 32);
        if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y + 32);
        if (x != y) return false;
    }
    return true;
}

/// Returns the value of the first header named `name` (any case), or
/// `std::nullopt` when there is none.
inline std::optional<std::string_view> find_header(const Headers& headers,
                                                    std::string_view name) noexcept {
    for (const Header& h : headers)
        if (iequals(h.name, name)) return std::string_view(h.value);
    return std::nullopt;
}

/// A request body read in pieces instead of held in memory: an upload
/// streamed from disk or flash. Given a `File` whose `source` is set,
/// `v1::create` and `upload_to::build` make one that yields the multipart
/// head, the file and the tail; a transport reads it in bounded chunks,
/// as often as it needs (each attempt reads from 0). Implement it to
/// stream from your own storage; `file_source` does it for a file.
class BodySource {
public:
    virtual ~BodySource() = default;
    /// Returns the exact size in bytes (sent as `Content-Length`).
    virtual std::uint64_t size() const noexcept = 0;
    /// Copies up to `n` bytes starting at `offset` (< `size()`) into `out`.
    /// @return the number of bytes copied, at least 1; or why they could
    ///         not be read (the attempt then fails with that error and is
    ///         not retried).
    virtual Result<std::size_t> read(std::uint64_t offset, char* out, std::size_t n) const = 0;
};

/// A request ready to send: method, absolute URL, headers in order, body bytes.
///
/// Built by the endpoint builders; a transport sends exactly these bytes.
/// `Content-Type` (and only then a body) is among `headers` when there is a
/// body; `Content-Length` is left to the transport.
struct HttpRequest {
    Method method = Method::get;  ///< The request method.
    std::string url;     ///< Absolute, percent-encoded.
    Headers headers;     ///< In the order they are sent.
    std::string body;    ///< Raw bytes; empty when the request has no body or streams it.
    /// When set, the body is streamed from here (and `body` is empty).
    std::shared_ptr<const BodySource> body_source;

    /// Returns the first header named `name` (any case), if present.
    std::optional<std::string_view> header(std::string_view name) const noexcept {
        return find_header(headers, name);
    }
    /// Returns the body's size in bytes, streamed or not.
    std::uint64_t body_size() const noexcept {
        return body_source ? body_source->size() : static_cast<std::uint64_t>(body.size());
    }
};

/// A response as a transport received it.
struct HttpResponse {
    int status = 0;     ///< HTTP status code (200, 404, ...).
    Headers headers;    ///< As received, in order.
    std::string body;   ///< Raw bytes, as received.

    /// Returns the first header named `name` (any case), if present.
    std::optional<std::string_view> header(std::string_view name) const noexcept {
        return find_header(headers, name);
    }
};

/// Returns true for headers that carry credentials and must never be
/// printed: `Authorization`, `X-Auth-Key`, `X-Auth-Email`, `Cookie`.
inline bool is_secret_header(std::string_view name) noexcept {
    return iequals(name, "authorization") || iequals(name, "x-auth-key") ||
           iequals(name, "x-auth-email") || iequals(name, "cookie") ||
           iequals(name, "proxy-authorization");
}

/// Writes the request for debugging: request line, headers (credentials
/// shown as `<redacted>`), and the body size rather than the body.
inline std::ostream& operator<<(std::ostream& os, const HttpRequest& r) {
    os << to_string(r.method) << ' ' << r.url << '\n';
    for (const Header& h : r.headers)
        os << h.name << ": " << (is_secret_header(h.name) ? std::string_view("<redacted>")
                                                          : std::string_view(h.value))
           << '\n';
    return os << "<body: " << r.body_size() << " bytes" << (r.body_source ? ", streamed>" : ">");
}

/// Writes the response status, headers and body size for debugging.
inline std::ostream& operator<<(std::ostream& os, const HttpResponse& r) {
    os << "HTTP " << r.status << '\n';
    for (const Header& h : r.headers)
        os << h.name << ": " << (is_secret_header(h.name) ? std::string_view("<redacted>")
                                                          : std::string_view(h.value))
           << '\n';
    return os << "<body: " << r.body.size() << " bytes>";
}

} // namespace cfimages

#endif // CFIMAGES_HTTP_HPP
