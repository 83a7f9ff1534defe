#ifndef CFIMAGES_DELIVERY_URL_HPP
#define CFIMAGES_DELIVERY_URL_HPP

/// @file
/// Delivery URLs: where a browser fetches an image.
///
/// - `build_url` / `build_custom_domain_url` make
///   `https://imagedelivery.net/<account_hash>/<image_id>/<variant>` and
///   `https://<host>/cdn-cgi/imagedelivery/<account_hash>/<image_id>/<variant>`.
/// - `parse_url` splits any URL from `Image::variants` back into a `DeliveryUrl`.
///
/// The variant may be a flexible-variant option string
/// (`<cfimages/flexible_variant.hpp>`); `<cfimages/delivery.hpp>` includes both.
///
/// Image IDs and encoding: a custom ID may contain `/` ("any number of
/// subpaths"), and Cloudflare's own `variants` URLs show those slashes as
/// path separators. So here, unlike in API paths (where a custom ID `a/b`
/// is one segment `a%2Fb`), each `/`-separated part of the ID is its own
/// path segment. Within a segment the encoding is the API path encoder's:
/// every byte outside RFC 3986's unreserved set (`A-Z a-z 0-9 - . _ ~`)
/// becomes `%XX` (upper-case hex), so a `%` in an ID travels as `%25`, as
/// Cloudflare's documentation requires. `parse_url` decodes the segments
/// and joins them with `/`, so `parse_url(build_url(h, id, v))->image_id == id`.
///
/// https://developers.cloudflare.com/images/optimization/hosted-images/serve-uploaded-images/
/// https://developers.cloudflare.com/images/optimization/hosted-images/serve-from-custom-domains/

#include <string>
#include <string_view>

#include <cfimages/detail/link.hpp>
#include <cfimages/result.hpp>

namespace cfimages {
namespace delivery {

/// The host of Cloudflare's own delivery URLs.
inline constexpr std::string_view default_host = "imagedelivery.net";

/// The path prefix that serves Images from any zone of the same account.
inline constexpr std::string_view custom_domain_prefix = "/cdn-cgi/imagedelivery/";

/// A delivery URL taken apart.
struct DeliveryUrl {
    /// `imagedelivery.net`, or the custom domain (with `:port` if the URL had one).
    std::string host;
    /// True for the `/cdn-cgi/imagedelivery/...` form.
    bool custom_domain = false;
    /// The account hash (not the account ID): `[A-Za-z0-9_-]`, as shown in the dashboard.
    std::string account_hash;
    /// The image ID, percent-decoded; a custom ID may contain `/`.
    std::string image_id;
    /// The variant name, or a flexible-variant option string, exactly as it
    /// appears in the URL (option strings carry their own escapes, e.g. `%23`).
    std::string variant;
    /// The query without `?` (a signed URL's `exp=...&sig=...`), as it appears.
    std::string query;

    /// Returns true when `variant` is a flexible-variant option string
    /// (it contains `=`, which a variant name never does).
    bool is_flexible() const noexcept { return variant.find('=') != std::string::npos; }

    /// Equal when every field is equal.
    friend bool operator==(const DeliveryUrl& a, const DeliveryUrl& b) {
        return a.host == b.host && a.custom_domain == b.custom_domain &&
               a.account_hash == b.account_hash && a.image_id == b.image_id &&
               a.variant == b.variant && a.query == b.query;
    }
    /// Not equal when any field differs.
    friend bool operator!=(const DeliveryUrl& a, const DeliveryUrl& b) { return !(a == b); }
};

/// Builds `https://imagedelivery.net/<account_hash>/<image_id>/<variant>`.
///
/// @param account_hash the Images account hash (dashboard, Developer Resources).
/// @param image_id     the image ID or custom ID (`/` allowed inside; see the file comment).
/// @param variant      a variant name (`public`) or a flexible-variant option string.
/// @return the URL, or `invalid_argument` naming the part that is empty,
///         too long, or holds characters that cannot appear there.
CFIMAGES_DECL Result<std::string> build_url(std::string_view account_hash, std::string_view image_id,
                                            std::string_view variant);

/// Builds `https://<host>/cdn-cgi/imagedelivery/<account_hash>/<image_id>/<variant>`,
/// the form served by any zone on the same account as the images.
/// @param host a DNS name, optionally with `:port`.
/// @param account_hash as for `build_url`.
/// @param image_id     as for `build_url`.
/// @param variant      as for `build_url`.
/// @return the URL, or `invalid_argument` as for `build_url`, or for a bad host.
CFIMAGES_DECL Result<std::string> build_custom_domain_url(std::string_view host, std::string_view account_hash,
                                                          std::string_view image_id, std::string_view variant);

/// Builds the URL a `DeliveryUrl` describes (the inverse of `parse_url`),
/// query included.
/// @return the URL, or `invalid_argument` as for `build_url`.
CFIMAGES_DECL Result<std::string> build_url(const DeliveryUrl& u);

/// Splits a delivery URL (either form, with or without a query) into its parts.
///
/// The URL must be `https`, have no user info and no fragment, and a path
/// of account hash, one or more image ID segments, and a variant. On
/// `imagedelivery.net` the path is `/<hash>/<id...>/<variant>`; on any
/// other host it must start with `/cdn-cgi/imagedelivery/`.
/// @return the parts, or `invalid_argument` saying why this is not a
///         delivery URL (wrong scheme or host, too few segments, empty
///         segments, malformed `%`-escapes, dot segments).
CFIMAGES_DECL Result<DeliveryUrl> parse_url(std::string_view url);

} // namespace delivery
} // namespace cfimages

#define CFIMAGES_IMPL_FILE <cfimages/impl/delivery_url.ipp>
#include <cfimages/detail/bodies.hpp>

#endif // CFIMAGES_DELIVERY_URL_HPP
