#ifndef CFIMAGES_SIGNING_HPP
#define CFIMAGES_SIGNING_HPP

/// @file
/// Signed delivery URLs for private images (`requireSignedURLs: true`).
///
/// The scheme, as Cloudflare documents it: take a delivery URL, append the
/// query parameter `exp=<unix seconds>`, compute HMAC-SHA256 under the
/// account's signing key (`v1::keys::list`) over `path + "?" + query`,
/// and append `sig=<lowercase hex>`:
///
/// @code
/// https://imagedelivery.net/<hash>/<id>/public
///   -> signs  "/<hash>/<id>/public?exp=1700000000"
///   -> https://imagedelivery.net/<hash>/<id>/public?exp=1700000000&sig=<64 hex>
/// @endcode
///
/// `sign_url` makes such a URL; `verify_url` checks one (constant-time
/// comparison, expiry against a `now` the caller supplies: nothing here
/// reads a clock). Both take the key as the text Cloudflare shows; its
/// bytes are the HMAC key.
///
/// Details that are decisions, not accidents:
/// - Other query parameters are kept byte for byte, in order, and signed;
///   `exp` is appended after them and `sig` last. A URL that already has
///   `exp` or `sig` is refused rather than silently re-signed.
/// - The signed path is the URL's path as written (custom-domain URLs sign
///   `/cdn-cgi/imagedelivery/...`, as the browser will request it).
/// - A URL is valid while `now < exp`; at `exp` it has expired.
///
/// https://developers.cloudflare.com/images/optimization/hosted-images/serve-private-images/

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <cfimages/delivery.hpp>
#include <cfimages/detail/sha256.hpp>
#include <cfimages/result.hpp>

namespace cfimages {
namespace signing {

/// Returns true when `id` has the shape of an image ID that Cloudflare
/// generated, which is the only kind it serves through signed URLs:
///
/// - a UUID in the 8-4-4-4-12 form (`083eb7b2-5392-4565-b69e-aff66acddd00`),
///   hexadecimal digits of either case; or
/// - 32 hexadecimal digits without hyphens (the same value, compact).
///
/// Anything else is a custom ID (uploaded with `id=`). Cloudflare refuses
/// custom IDs that look like UUIDs, so a UUID-shaped ID is never custom.
inline bool is_default_image_id(std::string_view id) noexcept {
    if (cfimages::detail::is_uuid(id)) return true;
    if (id.size() != 32) return false;
    for (char c : id)
        if (!cfimages::detail::is_hex(c)) return false;
    return true;
}

/// A URL that passed `verify_url`.
struct VerifiedUrl {
    delivery::DeliveryUrl url;  ///< Its parts (the query still holds `exp` and `sig`).
    std::int64_t expires = 0;   ///< The `exp` it carried, in unix seconds.
};

namespace detail {

// The URL's path exactly as written: from the first '/' after the
// authority up to '?' (parse_url has already vetted the URL).
inline std::string_view raw_path(std::string_view url) noexcept {
    const std::size_t after_scheme = url.find("://");
    const std::size_t slash = url.find('/', after_scheme == std::string_view::npos ? 0 : after_scheme + 3);
    if (slash == std::string_view::npos) return {};
    const std::size_t q = url.find('?', slash);
    return url.substr(slash, q == std::string_view::npos ? std::string_view::npos : q - slash);
}

inline std::string_view param_name(std::string_view param) noexcept {
    return param.substr(0, param.find('='));
}

// Accepts any non-negative int64 (what sign_url may write), nothing larger.
inline bool parse_unix(std::string_view s, std::int64_t& out) noexcept {
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

inline std::string hmac_hex(std::string_view key, std::string_view path, std::string_view query) {
    cfimages::detail::Sha256Digest mac;
    std::string message;
    message.reserve(path.size() + 1 + query.size());
    message.append(path).append("?").append(query);
    mac = cfimages::detail::hmac_sha256(key, message);
    return cfimages::detail::to_hex(mac);
}

} // namespace detail

/// Signs a delivery URL so that it can fetch a private image until `expires`.
///
/// @param url     a delivery URL (either form; see `delivery::parse_url`),
///                for an image ID Cloudflare generated and a named variant.
/// @param key     the signing key's value (`SigningKey::value`); not empty.
/// @param expires expiry in unix seconds; positive. Compute it from your
///                own clock: `now + lifetime`.
/// @return the URL with `exp` and `sig` appended, or `invalid_argument` when:
///   the URL is not a delivery URL; the image ID is a custom ID (see
///   `is_default_image_id`: Cloudflare cannot serve custom IDs signed);
///   the variant is a flexible-variant option string (flexible variants
///   cannot be used with signed URLs); the URL already has `exp` or `sig`;
///   the key is empty; `expires` is not positive.
inline Result<std::string> sign_url(std::string_view url, std::string_view key, std::int64_t expires) {
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
        const std::string_view name = detail::param_name(param);
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

    const std::string_view path = detail::raw_path(url);
    const std::string sig = detail::hmac_hex(key, path, new_query);

    std::string out(url.substr(0, url.find('?')));
    out.reserve(out.size() + new_query.size() + 70);
    out.append("?").append(new_query).append("&sig=").append(sig);
    return out;
}

/// Signs `url` to expire at `expires` (truncated to whole seconds).
/// @return as `sign_url(url, key, std::int64_t)`.
inline Result<std::string> sign_url(std::string_view url, std::string_view key,
                                    std::chrono::system_clock::time_point expires) {
    const auto secs = std::chrono::floor<std::chrono::seconds>(expires.time_since_epoch()).count();
    return sign_url(url, key, static_cast<std::int64_t>(secs));
}

/// Checks a signed delivery URL: that `sig` is the HMAC of the rest under
/// `key`, and that it has not expired at `now`.
///
/// The signature comparison takes the same time wherever the first
/// difference is. Expiry is only reported for URLs whose signature is
/// right, so "expired" always means "genuine but too old".
/// @param url a signed delivery URL (as `sign_url` returns it).
/// @param key the signing key's secret it was signed with.
/// @param now the current time in unix seconds, from the caller's clock.
/// @return the URL's parts and expiry, or `invalid_argument` whose message
///   says why: `url: ...` (not a delivery URL), `key: must not be empty`,
///   `sig: missing ...`, `sig: must be the last query parameter`,
///   `sig: must be 64 lowercase hex digits`, `exp: missing`,
///   `exp: given more than once`, `exp: must be a unix time in seconds`,
///   `sig: does not match ...` (wrong key, or the URL changed after
///   signing), `exp: expired at <exp> (now <now>)`.
inline Result<VerifiedUrl> verify_url(std::string_view url, std::string_view key, std::int64_t now) {
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
        const std::string_view name = detail::param_name(param);
        if (name == "sig") {
            if (sig_seen) return ApiError::invalid("sig", "given more than once");
            sig_seen = true;
        } else if (name == "exp") {
            if (exp_seen) return ApiError::invalid("exp", "given more than once");
            exp_seen = true;
            if (param.size() < 4 || !detail::parse_unix(param.substr(4), expires))
                return ApiError::invalid("exp", "must be a unix time in seconds");
        }
        if (amp == std::string_view::npos) break;
        start = amp + 1;
    }
    if (!sig_seen) return ApiError::invalid("sig", "missing (the URL is not signed)");
    if (detail::param_name(last) != "sig") return ApiError::invalid("sig", "must be the last query parameter");
    if (!exp_seen) return ApiError::invalid("exp", "missing");

    const std::string_view sig = last.size() > 4 ? last.substr(4) : std::string_view();
    bool well_formed = sig.size() == 64;
    for (char c : sig)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) well_formed = false;
    if (!well_formed) return ApiError::invalid("sig", "must be 64 lowercase hex digits");

    const std::string expected = detail::hmac_hex(key, detail::raw_path(url), signed_query);
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

/// Checks a signed URL against `now` from a `system_clock` time point.
/// @return as `verify_url(url, key, std::int64_t)`.
inline Result<VerifiedUrl> verify_url(std::string_view url, std::string_view key,
                                      std::chrono::system_clock::time_point now) {
    const auto secs = std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
    return verify_url(url, key, static_cast<std::int64_t>(secs));
}

} // namespace signing
} // namespace cfimages

#endif // CFIMAGES_SIGNING_HPP
