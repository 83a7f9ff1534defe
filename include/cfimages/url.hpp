#ifndef CFIMAGES_URL_HPP
#define CFIMAGES_URL_HPP

/// @file
/// `Url` and `split_url`: the parts of an absolute `http`/`https` URL that
/// a connection needs, and the one place cfimages decides whether a URL
/// may be sent at all. Every transport (the bundled ones, the call state
/// machine, redirect messages) takes URLs apart here.
///
/// @code
/// auto u = cfimages::split_url("https://api.cloudflare.com/client/v4/accounts/a/images/v1");
/// // u->host == "api.cloudflare.com", u->port == 443, u->target == "/client/v4/accounts/a/images/v1"
/// @endcode

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cfimages {

/// An absolute URL taken apart for connecting. The views point into the
/// string given to `split_url`, which must outlive the `Url`.
struct Url {
    bool tls = false;            ///< `https`.
    std::string_view host;       ///< Host name or IP literal, without IPv6 brackets, case as written.
    std::uint16_t port = 0;      ///< The explicit port, or 443 / 80 by scheme.
    /// Path and query as written, never a fragment. Empty, or starting
    /// with `?`, when the URL has no path: `append_target` adds the `/`.
    std::string_view target;
    bool ip_literal = false;     ///< The host is an IPv4 or bracketed IPv6 address (no SNI then).
    bool ipv6 = false;           ///< The host is an IPv6 literal (written in brackets).

    /// Appends the request target of the request line to `out`: the path
    /// and query, with the `/` a URL without a path leaves implicit.
    void append_target(std::string& out) const {
        if (target.empty() || target.front() != '/') out.push_back('/');
        out.append(target);
    }
    /// Returns true when `port` is not the scheme's default.
    bool explicit_port() const noexcept { return port != (tls ? 443 : 80); }

    /// Returns `host:port` (an IPv6 host in brackets; the host in lower
    /// case), for messages: never a path, query or user information.
    std::string host_port() const {
        std::string s = host_text();
        s.push_back(':');
        s.append(std::to_string(port));
        return s;
    }
    /// Returns `scheme://host:port`: what messages show of a URL, and the
    /// key connections are kept under.
    std::string origin() const { return std::string(tls ? "https://" : "http://") + host_port(); }
    /// Returns the `Host` header value: the port only when it is not the
    /// scheme's default.
    std::string host_header() const {
        std::string s = host_text();
        if (explicit_port()) s.append(":").append(std::to_string(port));
        return s;
    }
    /// Returns the host in lower case, an IPv6 literal in brackets.
    std::string host_text() const {
        std::string s;
        s.reserve(host.size() + 2);
        if (ipv6) s.push_back('[');
        for (char c : host) s.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
        if (ipv6) s.push_back(']');
        return s;
    }
    /// Returns true when `a` and `b` name the same origin (scheme, host
    /// ignoring case, port): the test for reusing a connection.
    friend bool same_origin(const Url& a, const Url& b) noexcept {
        if (a.tls != b.tls || a.port != b.port || a.host.size() != b.host.size()) return false;
        for (std::size_t i = 0; i < a.host.size(); ++i) {
            char x = a.host[i], y = b.host[i];
            if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
            if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
            if (x != y) return false;
        }
        return true;
    }
};

/// Splits an absolute `http://` or `https://` URL (scheme in any case).
///
/// @return the parts, or nullopt for: another scheme; an empty or invalid
///         host (names: letters, digits, `-._~`; IPv6 only in brackets); a
///         port outside 1..65535; user information (`user:pass@`, refused so
///         that credentials in URLs are never sent or printed); or a space,
///         control character or backslash anywhere (nothing may split the
///         request line). A fragment is dropped, as HTTP never sends one.
inline std::optional<Url> split_url(std::string_view url) noexcept {
    for (char c : url) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == '\\') return std::nullopt;
    }
    Url out;
    const auto sep = url.find("://");
    if (sep == std::string_view::npos || sep < 4 || sep > 5) return std::nullopt;
    const std::string_view scheme = url.substr(0, sep);
    auto is_scheme = [&](std::string_view want) {
        if (scheme.size() != want.size()) return false;
        for (std::size_t i = 0; i < want.size(); ++i) {
            char c = scheme[i];
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
            if (c != want[i]) return false;
        }
        return true;
    };
    if (is_scheme("https")) out.tls = true;
    else if (!is_scheme("http")) return std::nullopt;

    const std::string_view rest = url.substr(sep + 3);
    const auto end = rest.find_first_of("/?#");
    const std::string_view authority = rest.substr(0, end);
    std::string_view path = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    if (authority.find('@') != std::string_view::npos) return std::nullopt;

    std::string_view host, port;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = authority.substr(1, close - 1);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return std::nullopt;
            port = after.substr(1);
            if (port.empty()) return std::nullopt;
        }
        if (host.empty() || host.find(':') == std::string_view::npos ||
            host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
            return std::nullopt;
        out.ip_literal = out.ipv6 = true;
    } else {
        const auto colon = authority.find(':');
        host = authority.substr(0, colon);
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
            if (port.empty()) return std::nullopt;
        }
        if (host.empty() ||
            host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~") !=
                std::string_view::npos)
            return std::nullopt;
        out.ip_literal = host.find_first_not_of("0123456789.") == std::string_view::npos;
    }
    out.host = host;
    if (port.empty()) {
        out.port = out.tls ? 443 : 80;
    } else {
        if (port.size() > 5) return std::nullopt;
        unsigned n = 0;
        for (char c : port) {
            if (c < '0' || c > '9') return std::nullopt;
            n = n * 10 + static_cast<unsigned>(c - '0');
        }
        if (n == 0 || n > 65535) return std::nullopt;
        out.port = static_cast<std::uint16_t>(n);
    }
    path = path.substr(0, path.find('#'));
    out.target = path;
    return out;
}

/// Returns the origin (`scheme://host:port`) of `url` for a message, or
/// `fallback` when it is not a URL `split_url` accepts. Never a path,
/// query or user information, which may carry secrets.
inline std::string url_origin_for_message(std::string_view url, std::string_view fallback = "another location") {
    if (auto u = split_url(url)) return u->origin();
    return std::string(fallback);
}

} // namespace cfimages

#endif // CFIMAGES_URL_HPP
