#ifndef CFIMAGES_BEAST_URL_HPP
#define CFIMAGES_BEAST_URL_HPP

/// @file
/// Deprecated: `beast::Url` and `beast::split_url` were the Beast client's
/// own URL splitter; every transport now uses `cfimages::split_url`
/// (`<cfimages/url.hpp>`), which takes the same URLs apart without
/// allocating. Kept for one release.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <cfimages/url.hpp>

namespace cfimages {
namespace beast {

/// An absolute URL taken apart for connecting (deprecated: use `cfimages::Url`).
struct [[deprecated("use cfimages::Url and cfimages::split_url (<cfimages/url.hpp>)")]] Url {
    bool tls = false;        ///< `https`.
    std::string host;        ///< Host name or IP literal, without IPv6 brackets, lower case.
    std::string port;        ///< Explicit port, or "443" / "80" by scheme.
    std::string target;      ///< Path and query (`/` when the URL has no path); never a fragment.
    bool ip_literal = false; ///< The host is an IPv4 or bracketed IPv6 address (no SNI then).

    /// Returns `scheme://host:port`: the key connections are reused under.
    std::string origin() const {
        return std::string(tls ? "https://" : "http://") + host_port();
    }
    /// Returns `host:port` (IPv6 in brackets), for messages.
    std::string host_port() const {
        return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port;
    }
    /// Returns the `Host` header value: the port only when it is not the
    /// scheme's default.
    std::string host_header() const {
        std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
        if (port != (tls ? "443" : "80")) h += ":" + port;
        return h;
    }
};

/// Splits an absolute `http://` or `https://` URL (scheme case-insensitive).
/// @return the parts, or nullopt for another scheme, an empty or invalid
///         host, a port outside 1..65535, user information (`user:pass@`,
///         refused so credentials in URLs are never sent or printed), or
///         control characters, spaces or backslashes anywhere.
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
[[deprecated("use cfimages::split_url (<cfimages/url.hpp>)")]]
inline std::optional<Url> split_url(std::string_view url) {
    // The one splitter (cfimages::split_url), converted to the old shape.
    const auto parts = cfimages::split_url(url);
    if (!parts) return std::nullopt;
    Url out;
    out.tls = parts->tls;
    out.host.assign(parts->host);
    for (char& c : out.host)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    out.port = std::to_string(parts->port);
    out.ip_literal = parts->ip_literal;
    if (parts->target.empty() || parts->target.front() == '?') out.target = "/";
    out.target.append(parts->target);
    return out;
}
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

} // namespace beast
} // namespace cfimages

#endif // CFIMAGES_BEAST_URL_HPP
