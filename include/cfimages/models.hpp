#ifndef CFIMAGES_MODELS_HPP
#define CFIMAGES_MODELS_HPP

/// @file
/// The values the Images API sends back, typed. Unknown fields in a
/// response are ignored; missing optional fields keep their defaults.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include <cfimages/request.hpp>

namespace cfimages {

/// An image as the API describes it
/// (https://developers.cloudflare.com/api/resources/images/subresources/v1/methods/get/).
struct Image {
    std::string id;                         ///< Image ID (or custom ID).
    std::optional<std::string> filename;    ///< Original file name, when known.
    std::optional<std::string> creator;     ///< Creator tag; null/absent -> nullopt.
    /// User metadata (`meta` in responses). In the images of a list page
    /// it may share one reference-counted Boost.JSON memory resource with
    /// the other metas of that page (safe to use and change from any
    /// thread); that memory returns when the last object using it is gone.
    /// To keep one meta long after its page without keeping the page's
    /// memory, copy it into the default resource:
    /// `boost::json::object(img.meta, {})`.
    /// A number beyond the range of a double (`1e400`) is held as
    /// infinity, which `boost::json::serialize` writes as `Infinity`, not
    /// JSON: check `std::isfinite` before writing such a value out.
    boost::json::object meta;
    bool require_signed_urls = false;       ///< `requireSignedURLs`.
    /// Upload time (`uploaded`); the epoch when the server sent none.
    std::chrono::system_clock::time_point uploaded{};
    std::vector<std::string> variants;      ///< Delivery URLs, one per variant.
    /// True for a direct-upload slot whose file has not arrived yet.
    bool draft = false;
};

/// The (empty) result of a successful delete.
struct Deleted {};

/// The original bytes of an image (`v1::blobs::get`).
struct Blob {
    std::string content_type;  ///< From the response's `Content-Type`.
    std::string bytes;         ///< The image file as stored.
};

/// A signing key for signed delivery URLs.
struct SigningKey {
    std::string name;   ///< The key's name.
    std::string value;  ///< The secret; do not log it.
};

/// Account usage (`v1::stats::get`).
struct Stats {
    std::uint64_t allowed = 0;  ///< `count.allowed`: images the plan allows.
    std::uint64_t current = 0;  ///< `count.current`: images stored now.
};

/// How a variant fits the image into its box.
enum class Fit { scale_down, contain, cover, crop, pad };

/// What EXIF data a variant keeps.
enum class MetadataMode { keep, copyright, none };

/// Returns the wire name of `f` (`"scale-down"`, ...), or an empty string
/// for a value outside the enumeration.
inline std::string_view to_string(Fit f) noexcept {
    switch (f) {
    case Fit::scale_down: return "scale-down";
    case Fit::contain: return "contain";
    case Fit::cover: return "cover";
    case Fit::crop: return "crop";
    case Fit::pad: return "pad";
    }
    return {};
}

/// Returns the wire name of `m` (`"keep"`, ...), or an empty string for a
/// value outside the enumeration.
inline std::string_view to_string(MetadataMode m) noexcept {
    switch (m) {
    case MetadataMode::keep: return "keep";
    case MetadataMode::copyright: return "copyright";
    case MetadataMode::none: return "none";
    }
    return {};
}

/// Parses a wire name into a `Fit`; nullopt when it is not one.
inline std::optional<Fit> parse_fit(std::string_view s) noexcept {
    if (s == "scale-down") return Fit::scale_down;
    if (s == "contain") return Fit::contain;
    if (s == "cover") return Fit::cover;
    if (s == "crop") return Fit::crop;
    if (s == "pad") return Fit::pad;
    return std::nullopt;
}

/// Parses a wire name into a `MetadataMode`; nullopt when it is not one.
inline std::optional<MetadataMode> parse_metadata_mode(std::string_view s) noexcept {
    if (s == "keep") return MetadataMode::keep;
    if (s == "copyright") return MetadataMode::copyright;
    if (s == "none") return MetadataMode::none;
    return std::nullopt;
}

/// The resizing a variant applies.
struct VariantOptions {
    Fit fit = Fit::scale_down;                   ///< How the image fits the box.
    MetadataMode metadata = MetadataMode::none;  ///< What EXIF data is kept.
    std::int64_t width = 0;   ///< Maximum width in pixels; at least 1.
    std::int64_t height = 0;  ///< Maximum height in pixels; at least 1.
};

/// A named variant (`id` is its name, e.g. `"hero"`).
struct Variant {
    std::string id;          ///< The variant's name, as used in delivery URLs.
    VariantOptions options;  ///< The resizing it applies.
    bool never_require_signed_urls = false;  ///< `neverRequireSignedURLs`.
};

/// The answer to `v2::direct_uploads::create`: where the creator uploads.
struct DirectUpload {
    std::string id;          ///< The image ID reserved for the upload (a draft until it arrives).
    std::string upload_url;  ///< `uploadURL`: one unauthenticated multipart POST goes here.
};

/// The context of a list-page parser (`Request<v1::ImagePage>` and
/// `Request<v2::ImagePage>`): where `parse_into` lends the images of an
/// earlier page, so that the parser overwrites them in place instead of
/// allocating new ones. Builders leave `reuse` null; a parser of your own
/// may ignore it.
struct PageContext : ParseContext {
    /// Images to overwrite (the parser takes them); null outside `parse_into`.
    std::vector<Image>* reuse = nullptr;
};

namespace v1 {

/// What the v1 list parser needs: the API echoes neither the page nor the
/// page size it was asked for.
struct ListContext : PageContext {
    std::int64_t page = 1;      ///< The page requested.
    std::int64_t per_page = 0;  ///< The page size requested (0: server default).
};

/// One page of `v1::list`.
struct ImagePage {
    std::vector<Image> images;   ///< The images on this page, in the server's order.
    std::int64_t page = 1;       ///< The page this is (as requested).
    std::int64_t per_page = 0;   ///< The page size requested (0: server default).
    /// Returns false when this page is known to be the last of the listing.
    ///
    /// The v1 API has no cursor, and the server chooses how many images
    /// fill a page: Cloudflare documents "up to 100 images with one
    /// request" whatever `per_page` asks. So a page shorter than `per_page`
    /// proves nothing on its own; what does is an empty page, or a page
    /// shorter than `full_page`, the most images an earlier page of the same
    /// listing held (the size the server actually uses; 0 when no earlier
    /// page was seen). `v1::next_page` and `for_each_image` pass it, so a
    /// walk ends at the first short page after a full one, or at the empty
    /// page after a listing that fits in one page.
    /// @param full_page the size of the fullest earlier page of this listing.
    /// @return true unless the page is empty or shorter than `full_page`.
    bool has_more(std::size_t full_page = 0) const noexcept {
        return !images.empty() && images.size() >= full_page;
    }
};

} // namespace v1

namespace v2 {

/// One page of `v2::list`.
struct ImagePage {
    std::vector<Image> images;  ///< The images on this page, in the server's order.
    /// Token for the next page; nullopt (or empty) on the last page.
    std::optional<std::string> continuation_token;
    /// True when the server gave a token for another page.
    bool has_more() const noexcept {
        return continuation_token.has_value() && !continuation_token->empty();
    }
};

} // namespace v2

/// `Request<v1::ImagePage>` carries a `v1::ListContext`.
template <>
struct ParseContextFor<v1::ImagePage> {
    using type = v1::ListContext;  ///< The v1 list's context.
};

/// `Request<v2::ImagePage>` carries a `PageContext`.
template <>
struct ParseContextFor<v2::ImagePage> {
    using type = PageContext;  ///< The v2 list's context.
};

} // namespace cfimages

#endif // CFIMAGES_MODELS_HPP
