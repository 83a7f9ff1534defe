#ifndef CFIMAGES_FLEXIBLE_VARIANT_HPP
#define CFIMAGES_FLEXIBLE_VARIANT_HPP

/// @file
/// Flexible variants: `flexible_variant` turns typed `FlexibleOptions`
/// into the option string that stands in for a variant name in a delivery
/// URL (`w=400,h=300,fit=cover`), and `parse_flexible_variant` reads one
/// back. Delivery URLs themselves are in `<cfimages/delivery_url.hpp>`.
///
/// https://developers.cloudflare.com/images/optimization/hosted-images/enable-flexible-variants/

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <cfimages/detail/link.hpp>
#include <cfimages/models.hpp>
#include <cfimages/result.hpp>

namespace cfimages {
namespace delivery {

/// Output format of a flexible variant (`format=`). `auto_` has a trailing
/// underscore because `auto` is a keyword.
enum class Format { auto_, avif, webp, jpeg, baseline_jpeg, json };

/// Returns the wire name of `f` (`"auto"`, `"baseline-jpeg"`, ...).
CFIMAGES_DECL std::string_view to_string(Format f) noexcept;

/// Parses a wire name into a `Format`; nullopt when it is not one.
CFIMAGES_DECL std::optional<Format> parse_format(std::string_view s) noexcept;

/// Mirror the image (`flip=`): horizontally, vertically, or both.
enum class Flip { h, v, hv };

/// Returns the wire name of `f` (`"h"`, `"v"`, `"hv"`).
CFIMAGES_DECL std::string_view to_string(Flip f) noexcept;

/// Which part of the image survives cropping (`gravity=`): a keyword, or
/// a focal point with `x`, `y` in [0, 1] (0 = left/top, 1 = right/bottom).
struct Gravity {
    /// The kind of gravity; `point` uses `x` and `y`.
    enum class Kind { auto_, face, left, right, top, bottom, point };
    Kind kind = Kind::auto_;  ///< Which gravity.
    double x = 0.5;  ///< Only for `Kind::point`.
    double y = 0.5;  ///< Only for `Kind::point`.

    /// Returns a focal-point gravity.
    static Gravity at(double px, double py) noexcept { return Gravity{Kind::point, px, py}; }

    /// Equal when the kinds are equal (and, for `point`, the coordinates).
    friend bool operator==(const Gravity& a, const Gravity& b) noexcept {
        return a.kind == b.kind && (a.kind != Kind::point || (a.x == b.x && a.y == b.y));
    }
    /// Negation of `operator==`.
    friend bool operator!=(const Gravity& a, const Gravity& b) noexcept { return !(a == b); }
};

/// Pixels cut off each side before resizing (`trim=top;right;bottom;left`).
struct Trim {
    std::int64_t top = 0;     ///< Pixels cut from the top.
    std::int64_t right = 0;   ///< Pixels cut from the right.
    std::int64_t bottom = 0;  ///< Pixels cut from the bottom.
    std::int64_t left = 0;    ///< Pixels cut from the left.

    /// Equal when every field is equal.
    friend bool operator==(const Trim& a, const Trim& b) noexcept {
        return a.top == b.top && a.right == b.right && a.bottom == b.bottom && a.left == b.left;
    }
    /// Not equal when any field differs.
    friend bool operator!=(const Trim& a, const Trim& b) noexcept { return !(a == b); }
};

/// Transformation options for a flexible variant. Unset options are left
/// to Cloudflare's defaults. Ranges are those the Cloudflare documentation
/// gives for each option; `flexible_variant` refuses values outside them.
/// https://developers.cloudflare.com/images/transform-images/transform-via-url/#options
struct FlexibleOptions {
    std::optional<std::int64_t> width;      ///< `w`: 1..12000 pixels.
    std::optional<std::int64_t> height;     ///< `h`: 1..12000 pixels.
    std::optional<Fit> fit;                 ///< `fit`: scale-down, contain, cover, crop, pad.
    std::optional<Gravity> gravity;         ///< `gravity`: keyword or focal point in [0,1]x[0,1].
    std::optional<std::int64_t> quality;    ///< `quality`: 1..100.
    std::optional<Format> format;           ///< `format`.
    std::optional<double> dpr;              ///< `dpr`: greater than 0, at most 2.
    std::optional<double> sharpen;          ///< `sharpen`: 0..10.
    std::optional<std::int64_t> blur;       ///< `blur`: 1..250.
    std::optional<std::int64_t> rotate;     ///< `rotate`: 90, 180 or 270.
    std::optional<Flip> flip;               ///< `flip`.
    std::optional<std::string> background;  ///< `background`: a CSS colour (`#RRGGBB`, `red`, `rgb(...)`).
    std::optional<MetadataMode> metadata;   ///< `metadata`: keep, copyright, none.
    std::optional<bool> anim;               ///< `anim`: false turns animations into stills.
    std::optional<double> brightness;       ///< `brightness`: factor, 0..100 (1 = unchanged).
    std::optional<double> contrast;         ///< `contrast`: factor, 0..100 (1 = unchanged).
    std::optional<double> gamma;            ///< `gamma`: factor, 0..100 (1 = unchanged).
    std::optional<double> saturation;       ///< `saturation`: factor, 0..100 (0 = greyscale).
    std::optional<Trim> trim;               ///< `trim`: each side 0..12000 pixels.
    std::optional<double> zoom;             ///< `zoom` (with gravity=face): 0..1.
    std::optional<bool> compression_fast;   ///< true sends `compression=fast`; false sends nothing.
};

/// Builds the option string of a flexible variant, to use in place of a
/// variant name: `build_url(hash, id, *flexible_variant(o))`.
///
/// Options appear in a fixed order (`w`, `h`, `fit`, `gravity`, `quality`,
/// `format`, `dpr`, `sharpen`, `blur`, `rotate`, `flip`, `background`,
/// `metadata`, `anim`, `brightness`, `contrast`, `gamma`, `saturation`,
/// `trim`, `zoom`, `compression`), so equal options give equal strings
/// (and cache keys). Numbers use the shortest exact decimal form (`0.5`,
/// `2`). `background` is percent-encoded (`#fff` becomes `%23fff`), since
/// `#` and `,` would otherwise end the URL or the option.
///
/// Flexible variants must be enabled on the account, and cannot be used
/// for images that require signed URLs.
/// @return the option string, or `invalid_argument` naming the option that
///   is out of range (`"blur: must be between 1 and 250 (got 300)"`), or
///   when no option is set (Cloudflare needs at least one).
CFIMAGES_DECL Result<std::string> flexible_variant(const FlexibleOptions& o);

/// Parses a flexible-variant option string (`w=400,h=300,fit=cover`) into
/// typed options: the inverse of `flexible_variant`, and a way to check a
/// hand-written string before putting it in a URL.
///
/// Accepts the full and short option names (`width`/`w`, `height`/`h`,
/// `quality`/`q`, `format`/`f`, `gravity`/`g`).
/// @return the options, or `invalid_argument` for an unknown option, an
///   option given twice, a value that is not of the option's type (only
///   the values `FlexibleOptions` can hold are accepted), an out-of-range
///   value (the same checks as `flexible_variant`), or an empty string.
CFIMAGES_DECL Result<FlexibleOptions> parse_flexible_variant(std::string_view s);

} // namespace delivery
} // namespace cfimages

#define CFIMAGES_IMPL_FILE <cfimages/impl/flexible_variant.ipp>
#include <cfimages/detail/bodies.hpp>

#endif // CFIMAGES_FLEXIBLE_VARIANT_HPP
