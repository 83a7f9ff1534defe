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
#include <cfimages/detail/link.hpp>
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
CFIMAGES_DECL bool is_default_image_id(std::string_view id) noexcept;

/// A URL that passed `verify_url`.
struct VerifiedUrl {
    delivery::DeliveryUrl url;  ///< Its parts (the query still holds `exp` and `sig`).
    std::int64_t expires = 0;   ///< The `exp` it carried, in unix seconds.
};

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
CFIMAGES_DECL Result<std::string> sign_url(std::string_view url, std::string_view key, std::int64_t expires);

/// Signs `url` to expire at `expires` (truncated to whole seconds).
/// @return as `sign_url(url, key, std::int64_t)`.
CFIMAGES_DECL Result<std::string> sign_url(std::string_view url, std::string_view key,
                                           std::chrono::system_clock::time_point expires);

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
CFIMAGES_DECL Result<VerifiedUrl> verify_url(std::string_view url, std::string_view key, std::int64_t now);

/// Checks a signed URL against `now` from a `system_clock` time point.
/// @return as `verify_url(url, key, std::int64_t)`.
CFIMAGES_DECL Result<VerifiedUrl> verify_url(std::string_view url, std::string_view key,
                                             std::chrono::system_clock::time_point now);

} // namespace signing
} // namespace cfimages

#define CFIMAGES_IMPL_FILE <cfimages/impl/signing.ipp>
#include <cfimages/detail/bodies.hpp>

#endif // CFIMAGES_SIGNING_HPP
