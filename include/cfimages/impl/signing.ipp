#ifndef CFIMAGES_IMPL_SIGNING_IPP
#define CFIMAGES_IMPL_SIGNING_IPP

// Definitions of <cfimages/signing.hpp>: included at the end of that header
// (header-only) or by <cfimages/src.hpp> (separate compilation), see
// cfimages/detail/link.hpp.

#include <cfimages/signing.hpp>

#include <cfimages/detail/sha256.hpp>
#include <cfimages/detail/text.hpp>
#include <cfimages/url.hpp>

namespace cfimages {
namespace detail {
// The URL's path exactly as written, without the query (parse_url has
// already vetted the URL, so split_url takes it apart).
inline std::string_view signed_url_path(std::string_view url) noexcept {
    const auto parts = split_url(url);
    if (!parts) return {};
    return parts->target.substr(0, parts->target.find('?'));
}

inline std::string_view query_param_name(std::string_view param) noexcept {
    return param.substr(0, param.find('='));
}

// Accepts any non-negative int64 (what sign_url may write), nothing larger.
inline bool parse_unix_seconds(std::string_view s, std::int64_t& out) noexcept {
    if (s.empty() || s.size() > 19) return false;
    constexpr std::int64_t max = 0x7fffffffffffffffLL;
    std::int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        const int d = c - '0';
        if (v > (max - d) / 10) return false;
        v = v * 10 + d;
    }
    out = v;
    return true;
}

inline std::string signing_hmac_hex(std::string_view key, std::string_view path, std::string_view query) {
    cfimages::detail::Sha256Digest mac;
    std::string message;
    message.reserve(path.size() + 1 + query.size());
    message.append(path).append("?").append(query);
    mac = cfimages::detail::hmac_sha256(key, message);
    return cfimages::detail::to_hex(mac);
}

} // namespace detail

namespace signing {

CFIMAGES_DECL bool is_default_image_id(std::string_view id) noexcept {
    if (cfimages::detail::is_uuid(id)) return true;
    if (id.size() != 32) return false;
    for (char c : id)
        if (!cfimages::detail::is_hex(c)) return false;
    return true;
}

CFIMAGES_DECL Result<std::string> sign_url(std::string_view url, std::string_view key, std::int64_t expires) {
    auto parsed = delivery::parse_url(url);
    if (!parsed) return std::move(parsed).error();
    if (key.empty()) return ApiError::invalid("key", "must not be empty");
    if (expires <= 0) return ApiError::invalid("exp", "must be a positive unix time in seconds");
    if (!is_default_image_id(parsed->image_id))
        return ApiError::invalid("image_id",
                                 "is a custom ID; Cloudflare serves only its generated IDs (UUIDs) "
                                 "through signed URLs");
    if (parsed->is_flexible())
        return ApiError::invalid("variant",
                                 "is a flexible variant; signed URLs need a named variant");
    const std::string& query = parsed->query;
    std::size_t start = 0;
    while (!query.empty() && start <= query.size()) {
        const std::size_t amp = query.find('&', start);
        const std::string_view param = std::string_view(query).substr(
            start, amp == std::string::npos ? std::string_view::npos : amp - start);
        const std::string_view name = detail::query_param_name(param);
        if (name == "exp" || name == "sig")
            return ApiError::invalid("url", "already has an '" + std::string(name) +
                                                "' parameter; sign the unsigned URL");
        if (amp == std::string::npos) break;
        start = amp + 1;
    }

    std::string new_query = query;
    if (!new_query.empty()) new_query.push_back('&');
    new_query.append("exp=");
    cfimages::detail::append_int(new_query, expires);

    const std::string_view path = detail::signed_url_path(url);
    const std::string sig = detail::signing_hmac_hex(key, path, new_query);

    std::string out(url.substr(0, url.find('?')));
    out.reserve(out.size() + new_query.size() + 70);
    out.append("?").append(new_query).append("&sig=").append(sig);
    return out;
}

CFIMAGES_DECL Result<std::string> sign_url(std::string_view url, std::string_view key,
                                           std::chrono::system_clock::time_point expires) {
    const auto secs = std::chrono::floor<std::chrono::seconds>(expires.time_since_epoch()).count();
    return sign_url(url, key, static_cast<std::int64_t>(secs));
}

CFIMAGES_DECL Result<VerifiedUrl> verify_url(std::string_view url, std::string_view key, std::int64_t now) {
    auto parsed = delivery::parse_url(url);
    if (!parsed) return std::move(parsed).error();
    if (key.empty()) return ApiError::invalid("key", "must not be empty");
    const std::string_view query = parsed->query;

    const std::size_t last_amp = query.rfind('&');
    const std::string_view last =
        last_amp == std::string_view::npos ? query : query.substr(last_amp + 1);
    const std::string_view signed_query =
        last_amp == std::string_view::npos ? std::string_view() : query.substr(0, last_amp);

    bool sig_seen = false;
    bool exp_seen = false;
    std::int64_t expires = 0;
    std::size_t start = 0;
    while (!query.empty() && start <= query.size()) {
        const std::size_t amp = query.find('&', start);
        const std::string_view param =
            query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
        const std::string_view name = detail::query_param_name(param);
        if (name == "sig") {
            if (sig_seen) return ApiError::invalid("sig", "given more than once");
            sig_seen = true;
        } else if (name == "exp") {
            if (exp_seen) return ApiError::invalid("exp", "given more than once");
            exp_seen = true;
            if (param.size() < 4 || !detail::parse_unix_seconds(param.substr(4), expires))
                return ApiError::invalid("exp", "must be a unix time in seconds");
        }
        if (amp == std::string_view::npos) break;
        start = amp + 1;
    }
    if (!sig_seen) return ApiError::invalid("sig", "missing (the URL is not signed)");
    if (detail::query_param_name(last) != "sig") return ApiError::invalid("sig", "must be the last query parameter");
    if (!exp_seen) return ApiError::invalid("exp", "missing");

    const std::string_view sig = last.size() > 4 ? last.substr(4) : std::string_view();
    bool well_formed = sig.size() == 64;
    for (char c : sig)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) well_formed = false;
    if (!well_formed) return ApiError::invalid("sig", "must be 64 lowercase hex digits");

    const std::string expected = detail::signing_hmac_hex(key, detail::signed_url_path(url), signed_query);
    if (!cfimages::detail::constant_time_equal(expected, sig))
        return ApiError::invalid("sig",
                                 "does not match (wrong key, or the URL was changed after signing)");
    if (now >= expires) {
        std::string msg = "expired at ";
        cfimages::detail::append_int(msg, expires);
        msg.append(" (now ");
        cfimages::detail::append_int(msg, now);
        msg.push_back(')');
        return ApiError::invalid("exp", msg);
    }
    VerifiedUrl v;
    v.url = std::move(*parsed);
    v.expires = expires;
    return v;
}

CFIMAGES_DECL Result<VerifiedUrl> verify_url(std::string_view url, std::string_view key,
                                             std::chrono::system_clock::time_point now) {
    const auto secs = std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
    return verify_url(url, key, static_cast<std::int64_t>(secs));
}

} // namespace signing
} // namespace cfimages

#endif // CFIMAGES_IMPL_SIGNING_IPP
