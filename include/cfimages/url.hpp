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
        append_host(s, false);
        return s;
    }
    /// Appends the host in lower case (an IPv6 literal in brackets) to
    /// `out`, and `:port` when `with_port` and the port is not the
    /// scheme's default: the `Host` header value, without a temporary.
    void append_host(std::string& out, bool with_port) const {
        if (ipv6) out.push_back('[');
        for (char c : host) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
        if (ipv6) out.push_back(']');
        if (with_port && explicit_port()) out.append(":").append(std::to_string(port));
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

namespace detail {

/// Character classes of URLs, one table lookup per byte (every request
/// of every transport is split here, so this is on the measured path).
struct UrlChars {
    bool host[256] = {};  ///< Allowed in a host name: letters, digits, `-._~`.
    bool hex[256] = {};   ///< Allowed in an IPv6 literal: hex digits, `:`, `.`.
    unsigned char forbidden[256] = {};  ///< Never in a URL cfimages sends: space, controls, backslash.
    constexpr UrlChars() {
        for (int c = 0; c <= 0x20; ++c) forbidden[c] = 1;
        forbidden[0x7f] = forbidden[static_cast<unsigned char>('\\')] = 1;
        for (int c = 'a'; c <= 'z'; ++c) host[c] = host[c - 32] = true;
        for (int c = '0'; c <= '9'; ++c) host[c] = hex[c] = true;
        host[static_cast<unsigned char>('-')] = host[static_cast<unsigned char>('.')] = true;
        host[static_cast<unsigned char>('_')] = host[static_cast<unsigned char>('~')] = true;
        for (int c = 'a'; c <= 'f'; ++c) hex[c] = hex[c - 32] = true;
        hex[static_cast<unsigned char>(':')] = hex[static_cast<unsigned char>('.')] = true;
    }
};
inline constexpr UrlChars url_chars{};

/// Returns true when `s` holds a space, a control character or a
/// backslash (one table lookup per byte, no branch).
inline bool has_url_forbidden(std::string_view s) noexcept {
    unsigned bad = 0;
    for (char c : s) bad |= url_chars.forbidden[static_cast<unsigned char>(c)];
    return bad != 0;
}

} // namespace detail

namespace detail {

/// Why `split_url` refused a URL, for checkers that name the rule broken.
enum class UrlFault { none, forbidden_char, scheme, no_host, host, user_info, port };

/// The one URL splitter: fills `out` and returns `UrlFault::none`, or
/// returns the first rule `url` breaks (see `split_url`).
inline UrlFault split_url_into(std::string_view url, Url& out) noexcept {
    if (has_url_forbidden(url)) return UrlFault::forbidden_char;
    std::size_t sep;
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (url.size() >= 8 && lower(url[0]) == 'h' && lower(url[1]) == 't' && lower(url[2]) == 't' &&
        lower(url[3]) == 'p' && lower(url[4]) == 's' && url.compare(5, 3, "://") == 0) {
        out.tls = true;
        sep = 5;
    } else if (url.size() >= 7 && lower(url[0]) == 'h' && lower(url[1]) == 't' && lower(url[2]) == 't' &&
               lower(url[3]) == 'p' && url.compare(4, 3, "://") == 0) {
        sep = 4;
    } else {
        return UrlFault::scheme;
    }

    const std::string_view rest = url.substr(sep + 3);
    std::size_t end = 0;
    while (end < rest.size() && rest[end] != '/' && rest[end] != '?' && rest[end] != '#') ++end;
    const std::string_view authority = rest.substr(0, end);
    std::string_view path = rest.substr(end);
    if (authority.find('@') != std::string_view::npos) return UrlFault::user_info;

    std::string_view host, port;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return UrlFault::host;
        host = authority.substr(1, close - 1);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return UrlFault::host;
            port = after.substr(1);
            if (port.empty()) return UrlFault::port;
        }
        if (host.empty() || host.find(':') == std::string_view::npos) return UrlFault::host;
        for (char c : host)
            if (!url_chars.hex[static_cast<unsigned char>(c)]) return UrlFault::host;
        out.ip_literal = out.ipv6 = true;
    } else {
        std::size_t i = 0;
        bool digits_and_dots = true;
        for (; i < authority.size() && authority[i] != ':'; ++i) {
            const auto u = static_cast<unsigned char>(authority[i]);
            if (!url_chars.host[u]) return UrlFault::host;
            digits_and_dots = digits_and_dots && ((u >= '0' && u <= '9') || u == '.');
        }
        host = authority.substr(0, i);
        if (i < authority.size()) {
            port = authority.substr(i + 1);
            if (port.empty()) return UrlFault::port;
        }
        if (host.empty()) return UrlFault::no_host;
        out.ip_literal = digits_and_dots;
    }
    out.host = host;
    if (port.empty()) {
        out.port = out.tls ? 443 : 80;
    } else {
        if (port.size() > 5) return UrlFault::port;
        unsigned n = 0;
        for (char c : port) {
            if (c < '0' || c > '9') return UrlFault::port;
            n = n * 10 + static_cast<unsigned>(c - '0');
        }
        if (n == 0 || n > 65535) return UrlFault::port;
        out.port = static_cast<std::uint16_t>(n);
    }
    const auto hash = path.find('#');
    out.target = hash == std::string_view::npos ? path : path.substr(0, hash);
    return UrlFault::none;
}

} // namespace detail

/// Splits an absolute `http://` or `https://` URL (scheme in any case).
///
/// @return the parts, or nullopt for: another scheme; an empty or invalid
///         host (names: letters, digits, `-._~`; IPv6 only in brackets); a
///         port outside 1..65535; user information (`user:pass@`, refused so
///         that credentials in URLs are never sent or printed); or a space,
///         control character or backslash anywhere (nothing may split the
///         request line). A fragment is dropped, as HTTP never sends one.
inline std::optional<Url> split_url(std::string_view url) noexcept {
    Url out;
    if (detail::split_url_into(url, out) != detail::UrlFault::none) return std::nullopt;
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
