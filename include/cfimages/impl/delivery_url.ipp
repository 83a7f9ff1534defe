#ifndef CFIMAGES_IMPL_DELIVERY_URL_IPP
#define CFIMAGES_IMPL_DELIVERY_URL_IPP

// Definitions of <cfimages/delivery_url.hpp>: included at the end of that header
// (header-only) or by <cfimages/src.hpp> (separate compilation), see
// cfimages/detail/link.hpp.

#include <cfimages/delivery_url.hpp>

#include <optional>
#include <vector>

#include <cfimages/detail/text.hpp>
#include <cfimages/url.hpp>

namespace cfimages {
namespace detail {

inline bool is_hash_char(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

// RFC 3986 pchar minus '%' (checked separately): what may appear raw in a
// path segment.
inline bool is_segment_char(char ch) noexcept {
    auto c = static_cast<unsigned char>(ch);
    if (cfimages::detail::is_unreserved(c)) return true;
    switch (ch) {
    case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+': case ',':
    case ';': case '=': case ':': case '@':
        return true;
    default:
        return false;
    }
}

inline bool escapes_well_formed(std::string_view s) noexcept {
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') continue;
        if (i + 2 >= s.size() || hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0) return false;
        i += 2;
    }
    return true;
}

inline std::optional<ApiError> check_account_hash(std::string_view h) {
    if (h.empty()) return ApiError::invalid("account_hash", "must not be empty");
    if (h.size() > 64) return ApiError::invalid("account_hash", "must be at most 64 characters");
    for (char c : h)
        if (!is_hash_char(c))
            return ApiError::invalid("account_hash",
                                     "must contain only A-Z, a-z, 0-9, '-' and '_' (it is the account "
                                     "hash from the Images dashboard, not the account ID)");
    return std::nullopt;
}

inline std::optional<ApiError> check_delivery_variant(std::string_view v) {
    if (v.empty()) return ApiError::invalid("variant", "must not be empty");
    if (v.size() > 1024) return ApiError::invalid("variant", "must be at most 1024 characters");
    for (char c : v)
        if (c != '%' && !is_segment_char(c))
            return ApiError::invalid("variant",
                                     "must be a variant name or a flexible-variant option string; "
                                     "'/', '?', '#', spaces and control characters are not allowed");
    if (!escapes_well_formed(v)) return ApiError::invalid("variant", "has a malformed %-escape");
    return std::nullopt;
}

inline std::optional<ApiError> check_delivery_host(std::string_view host) {
    if (host.empty()) return ApiError::invalid("host", "must not be empty");
    if (host.size() > 253 + 6) return ApiError::invalid("host", "is too long");
    std::string_view name = host;
    const auto colon = host.find(':');
    if (colon != std::string_view::npos) {
        name = host.substr(0, colon);
        std::string_view port = host.substr(colon + 1);
        if (port.empty() || port.size() > 5)
            return ApiError::invalid("host", "port must be 1 to 5 digits");
        for (char c : port)
            if (c < '0' || c > '9') return ApiError::invalid("host", "port must be 1 to 5 digits");
    }
    if (name.empty() || name.front() == '.' || name.front() == '-' || name.back() == '.')
        return ApiError::invalid("host", "must be a DNS name such as images.example.com");
    for (char c : name) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                        c == '-' || c == '.';
        if (!ok) return ApiError::invalid("host", "must be a DNS name such as images.example.com");
    }
    return std::nullopt;
}

// Appends "/<seg>/<seg>..." for the image ID, one path segment per
// '/'-separated part (see the file comment).
inline std::optional<ApiError> append_image_id(std::string& out, std::string_view id) {
    if (id.empty()) return ApiError::invalid("image_id", "must not be empty");
    if (id.size() > 1024) return ApiError::invalid("image_id", "must be at most 1024 characters");
    if (cfimages::detail::has_control(id))
        return ApiError::invalid("image_id", "must not contain control characters");
    if (id.front() == '/' || id.back() == '/')
        return ApiError::invalid("image_id", "must not start or end with '/'");
    std::size_t start = 0;
    while (true) {
        const std::size_t slash = id.find('/', start);
        const std::string_view seg =
            id.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        if (seg.empty()) return ApiError::invalid("image_id", "must not contain '//'");
        if (seg == "." || seg == "..")
            return ApiError::invalid("image_id", "must not contain '.' or '..' segments");
        out.push_back('/');
        cfimages::detail::percent_encode(out, seg);
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return std::nullopt;
}

inline Result<std::string> build_delivery_url(std::string_view host, bool custom, std::string_view account_hash,
                                 std::string_view image_id, std::string_view variant,
                                 std::string_view query) {
    if (auto e = check_delivery_host(host)) return std::move(*e);
    if (auto e = check_account_hash(account_hash)) return std::move(*e);
    if (auto e = check_delivery_variant(variant)) return std::move(*e);
    // A backslash too: URL parsers that follow WHATWG read it as '/', so
    // no URL checker here (split_url) accepts one anywhere.
    if (cfimages::detail::has_control(query) || query.find_first_of(" #\\") != std::string_view::npos)
        return ApiError::invalid("query", "must not contain spaces, '#', '\\' or control characters");
    std::string out;
    out.reserve(16 + host.size() + account_hash.size() + image_id.size() * 3 + variant.size() +
                query.size() + delivery::custom_domain_prefix.size());
    out.append("https://").append(host);
    if (custom) {
        out.append(delivery::custom_domain_prefix);
        out.append(account_hash);
    } else {
        out.push_back('/');
        out.append(account_hash);
    }
    if (auto e = append_image_id(out, image_id)) return std::move(*e);
    out.push_back('/');
    out.append(variant);
    if (!query.empty()) out.append("?").append(query);
    // What parse_url and every transport will read back: the one URL
    // splitter has the last word (a port of 0, say, passes the host check).
    Url parts;
    switch (split_url_into(out, parts)) {
    case UrlFault::none: break;
    case UrlFault::host:
    case UrlFault::no_host:
    case UrlFault::port:
    case UrlFault::user_info: return ApiError::invalid("host", "is not a valid host[:port] (port 1-65535)");
    default: return ApiError::invalid("url", "would not be a valid URL");
    }
    return out;
}

inline char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

} // namespace detail

namespace delivery {

CFIMAGES_DECL Result<std::string> build_url(std::string_view account_hash, std::string_view image_id,
                                            std::string_view variant) {
    return detail::build_delivery_url(default_host, false, account_hash, image_id, variant, {});
}

CFIMAGES_DECL Result<std::string> build_custom_domain_url(std::string_view host, std::string_view account_hash,
                                                          std::string_view image_id, std::string_view variant) {
    return detail::build_delivery_url(host, true, account_hash, image_id, variant, {});
}

CFIMAGES_DECL Result<std::string> build_url(const DeliveryUrl& u) {
    return detail::build_delivery_url(u.host, u.custom_domain, u.account_hash, u.image_id, u.variant, u.query);
}

CFIMAGES_DECL Result<DeliveryUrl> parse_url(std::string_view url) {
    auto not_delivery = [](std::string_view why) { return ApiError::invalid("url", why); };
    constexpr std::string_view scheme = "https://";
    if (url.size() < scheme.size()) return not_delivery("not a delivery URL: must start with https://");
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (detail::ascii_lower(url[i]) != scheme[i])
            return not_delivery("not a delivery URL: must start with https://");
    if (cfimages::detail::has_control(url) || url.find(' ') != std::string_view::npos)
        return not_delivery("must not contain spaces or control characters");
    if (url.find('#') != std::string_view::npos) return not_delivery("must not have a fragment ('#')");

    Url parts;
    switch (cfimages::detail::split_url_into(url, parts)) {
    case cfimages::detail::UrlFault::none: break;
    case cfimages::detail::UrlFault::user_info: return not_delivery("must not contain user info");
    default: return not_delivery("not a delivery URL: bad host");
    }
    // The authority as written (DeliveryUrl::host keeps its case and port).
    const std::string_view authority =
        url.substr(scheme.size(), static_cast<std::size_t>(parts.target.data() - url.data()) - scheme.size());
    if (parts.target.empty() || parts.target.front() != '/') return not_delivery("not a delivery URL: no path");
    if (detail::check_delivery_host(authority)) return not_delivery("not a delivery URL: bad host");

    DeliveryUrl out;
    out.host.assign(authority.begin(), authority.end());
    std::string_view path = parts.target;
    const std::size_t q = path.find('?');
    if (q != std::string_view::npos) {
        out.query.assign(path.substr(q + 1).begin(), path.substr(q + 1).end());
        path = path.substr(0, q);
    }

    std::string host_lower;
    for (char c : authority) host_lower.push_back(detail::ascii_lower(c));
    if (path.substr(0, custom_domain_prefix.size()) == custom_domain_prefix) {
        out.custom_domain = true;
        path = path.substr(custom_domain_prefix.size());
    } else if (host_lower == default_host) {
        path = path.substr(1);
    } else {
        return not_delivery("not a delivery URL: expected host imagedelivery.net or a path "
                            "starting with /cdn-cgi/imagedelivery/");
    }

    std::vector<std::string_view> segs;
    std::size_t start = 0;
    while (true) {
        const std::size_t slash = path.find('/', start);
        segs.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos
                                                                          : slash - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    if (segs.size() < 3)
        return not_delivery("not a delivery URL: the path needs <account_hash>/<image_id>/<variant>");
    for (std::string_view s : segs)
        if (s.empty()) return not_delivery("not a delivery URL: empty path segment");

    if (auto e = detail::check_account_hash(segs.front())) return std::move(*e);
    out.account_hash.assign(segs.front().begin(), segs.front().end());
    if (auto e = detail::check_delivery_variant(segs.back())) return std::move(*e);
    out.variant.assign(segs.back().begin(), segs.back().end());

    std::string decoded;
    for (std::size_t i = 1; i + 1 < segs.size(); ++i) {
        if (!detail::percent_decode(segs[i], decoded))
            return ApiError::invalid("image_id", "has a malformed %-escape");
        if (decoded.empty() || decoded == "." || decoded == "..")
            return ApiError::invalid("image_id", "must not contain empty, '.' or '..' segments");
        if (cfimages::detail::has_control(decoded))
            return ApiError::invalid("image_id", "must not contain control characters");
        if (i > 1) out.image_id.push_back('/');
        out.image_id.append(decoded);
    }
    // Escaped slashes decode into the ID (`a%2F%2Fb` is `a//b`); refuse what
    // build_url would, so that every parsed URL can be rebuilt.
    std::string rebuilt;
    if (auto e = detail::append_image_id(rebuilt, out.image_id)) return std::move(*e);
    return out;
}

} // namespace delivery
} // namespace cfimages

#endif // CFIMAGES_IMPL_DELIVERY_URL_IPP
