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
    for (char c : url) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == '\\') return std::nullopt;
    }
    Url out;
    const auto colon = url.find("://");
    if (colon == std::string_view::npos) return std::nullopt;
    std::string scheme(url.substr(0, colon));
    for (char& c : scheme)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (scheme == "https") out.tls = true;
    else if (scheme != "http") return std::nullopt;
    std::string_view rest = url.substr(colon + 3);
    const auto end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, end);
    std::string_view path = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    if (authority.find('@') != std::string_view::npos) return std::nullopt;
    std::string_view host, port;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = authority.substr(1, close - 1);
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return std::nullopt;
            port = after.substr(1);
        }
        if (host.empty() || host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
            return std::nullopt;
        out.ip_literal = true;
    } else {
        const auto pc = authority.find(':');
        host = authority.substr(0, pc);
        if (pc != std::string_view::npos) port = authority.substr(pc + 1);
        if (host.empty() || host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~") !=
                                std::string_view::npos)
            return std::nullopt;
        out.ip_literal = host.find_first_not_of("0123456789.") == std::string_view::npos;
    }
    out.host.assign(host);
    for (char& c : out.host)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (port.empty()) {
        out.port = out.tls ? "443" : "80";
    } else {
        if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos)
            return std::nullopt;
        const unsigned long n = std::stoul(std::string(port));
        if (n == 0 || n > 65535) return std::nullopt;
        out.port = std::to_string(n);
    }
    // The fragment is never sent.
    const auto hash = path.find('#');
    if (hash != std::string_view::npos) path = path.substr(0, hash);
    if (path.empty() || path.front() == '?') out.target = "/" + std::string(path);
    else out.target.assign(path);
    return out;
}
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

} // namespace beast
} // namespace cfimages

#endif // CFIMAGES_BEAST_URL_HPP
