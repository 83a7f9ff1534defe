#ifndef CFIMAGES_DELIVERY_HPP
#define CFIMAGES_DELIVERY_HPP

/// @file
/// Delivery URLs: where a browser fetches an image.
///
/// - `build_url` / `build_custom_domain_url` make
///   `https://imagedelivery.net/<account_hash>/<image_id>/<variant>` and
///   `https://<host>/cdn-cgi/imagedelivery/<account_hash>/<image_id>/<variant>`.
/// - `parse_url` splits any URL from `Image::variants` back into a `DeliveryUrl`.
/// - `flexible_variant` turns typed `FlexibleOptions` into the option
///   string that stands in for a variant name (`w=400,h=300,fit=cover`),
///   and `parse_flexible_variant` reads one back.
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
/// https://developers.cloudflare.com/images/optimization/hosted-images/enable-flexible-variants/

#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <cfimages/detail/text.hpp>
#include <cfimages/models.hpp>
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

inline int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Decodes %XX escapes; false on a malformed escape. '+' stays '+': in a
// path it is not a space.
inline bool percent_decode(std::string_view s, std::string& out) {
    out.clear();
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out.push_back(s[i]);
            continue;
        }
        if (i + 2 >= s.size()) return false;
        const int hi = hex_value(s[i + 1]);
        const int lo = hex_value(s[i + 2]);
        if (hi < 0 || lo < 0) return false;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return true;
}

// True when every '%' in s starts a well-formed escape.
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

inline std::optional<ApiError> check_variant(std::string_view v) {
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

inline std::optional<ApiError> check_host(std::string_view host) {
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

inline Result<std::string> build(std::string_view host, bool custom, std::string_view account_hash,
                                 std::string_view image_id, std::string_view variant,
                                 std::string_view query) {
    if (auto e = check_host(host)) return std::move(*e);
    if (auto e = check_account_hash(account_hash)) return std::move(*e);
    if (auto e = check_variant(variant)) return std::move(*e);
    if (cfimages::detail::has_control(query) || query.find_first_of(" #") != std::string_view::npos)
        return ApiError::invalid("query", "must not contain spaces, '#' or control characters");
    std::string out;
    out.reserve(16 + host.size() + account_hash.size() + image_id.size() * 3 + variant.size() +
                query.size() + custom_domain_prefix.size());
    out.append("https://").append(host);
    if (custom) {
        out.append(custom_domain_prefix);
        out.append(account_hash);
    } else {
        out.push_back('/');
        out.append(account_hash);
    }
    if (auto e = append_image_id(out, image_id)) return std::move(*e);
    out.push_back('/');
    out.append(variant);
    if (!query.empty()) out.append("?").append(query);
    return out;
}

inline char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

} // namespace detail

/// Builds `https://imagedelivery.net/<account_hash>/<image_id>/<variant>`.
///
/// @param account_hash the Images account hash (dashboard, Developer Resources).
/// @param image_id     the image ID or custom ID (`/` allowed inside; see the file comment).
/// @param variant      a variant name (`public`) or a flexible-variant option string.
/// @return the URL, or `invalid_argument` naming the part that is empty,
///         too long, or holds characters that cannot appear there.
inline Result<std::string> build_url(std::string_view account_hash, std::string_view image_id,
                                     std::string_view variant) {
    return detail::build(default_host, false, account_hash, image_id, variant, {});
}

/// Builds `https://<host>/cdn-cgi/imagedelivery/<account_hash>/<image_id>/<variant>`,
/// the form served by any zone on the same account as the images.
/// @param host a DNS name, optionally with `:port`.
/// @param account_hash as for `build_url`.
/// @param image_id     as for `build_url`.
/// @param variant      as for `build_url`.
/// @return the URL, or `invalid_argument` as for `build_url`, or for a bad host.
inline Result<std::string> build_custom_domain_url(std::string_view host, std::string_view account_hash,
                                                   std::string_view image_id, std::string_view variant) {
    return detail::build(host, true, account_hash, image_id, variant, {});
}

/// Builds the URL a `DeliveryUrl` describes (the inverse of `parse_url`),
/// query included.
/// @return the URL, or `invalid_argument` as for `build_url`.
inline Result<std::string> build_url(const DeliveryUrl& u) {
    return detail::build(u.host, u.custom_domain, u.account_hash, u.image_id, u.variant, u.query);
}

/// Splits a delivery URL (either form, with or without a query) into its parts.
///
/// The URL must be `https`, have no user info and no fragment, and a path
/// of account hash, one or more image ID segments, and a variant. On
/// `imagedelivery.net` the path is `/<hash>/<id...>/<variant>`; on any
/// other host it must start with `/cdn-cgi/imagedelivery/`.
/// @return the parts, or `invalid_argument` saying why this is not a
///         delivery URL (wrong scheme or host, too few segments, empty
///         segments, malformed `%`-escapes, dot segments).
inline Result<DeliveryUrl> parse_url(std::string_view url) {
    auto not_delivery = [](std::string_view why) { return ApiError::invalid("url", why); };
    constexpr std::string_view scheme = "https://";
    if (url.size() < scheme.size()) return not_delivery("not a delivery URL: must start with https://");
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (detail::ascii_lower(url[i]) != scheme[i])
            return not_delivery("not a delivery URL: must start with https://");
    if (cfimages::detail::has_control(url) || url.find(' ') != std::string_view::npos)
        return not_delivery("must not contain spaces or control characters");
    if (url.find('#') != std::string_view::npos) return not_delivery("must not have a fragment ('#')");

    std::string_view rest = url.substr(scheme.size());
    const std::size_t path_start = rest.find('/');
    if (path_start == std::string_view::npos) return not_delivery("not a delivery URL: no path");
    const std::string_view authority = rest.substr(0, path_start);
    if (authority.find('@') != std::string_view::npos) return not_delivery("must not contain user info");
    if (detail::check_host(authority)) return not_delivery("not a delivery URL: bad host");

    DeliveryUrl out;
    out.host.assign(authority.begin(), authority.end());
    std::string_view path = rest.substr(path_start);
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
    if (auto e = detail::check_variant(segs.back())) return std::move(*e);
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

// --------------------------------------------------------------------------
// Flexible variants
// --------------------------------------------------------------------------

/// Output format of a flexible variant (`format=`). `auto_` has a trailing
/// underscore because `auto` is a keyword.
enum class Format { auto_, avif, webp, jpeg, baseline_jpeg, json };

/// Returns the wire name of `f` (`"auto"`, `"baseline-jpeg"`, ...).
inline std::string_view to_string(Format f) noexcept {
    switch (f) {
    case Format::auto_: return "auto";
    case Format::avif: return "avif";
    case Format::webp: return "webp";
    case Format::jpeg: return "jpeg";
    case Format::baseline_jpeg: return "baseline-jpeg";
    case Format::json: return "json";
    }
    return {};
}

/// Parses a wire name into a `Format`; nullopt when it is not one.
inline std::optional<Format> parse_format(std::string_view s) noexcept {
    if (s == "auto") return Format::auto_;
    if (s == "avif") return Format::avif;
    if (s == "webp") return Format::webp;
    if (s == "jpeg") return Format::jpeg;
    if (s == "baseline-jpeg") return Format::baseline_jpeg;
    if (s == "json") return Format::json;
    return std::nullopt;
}

/// Mirror the image (`flip=`): horizontally, vertically, or both.
enum class Flip { h, v, hv };

/// Returns the wire name of `f` (`"h"`, `"v"`, `"hv"`).
inline std::string_view to_string(Flip f) noexcept {
    switch (f) {
    case Flip::h: return "h";
    case Flip::v: return "v";
    case Flip::hv: return "hv";
    }
    return {};
}

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

namespace detail {

inline void append_double(std::string& out, double v) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

inline std::string double_to_string(double v) {
    std::string s;
    append_double(s, v);
    return s;
}

inline std::optional<ApiError> check_int(std::string_view name, const std::optional<std::int64_t>& v,
                                         std::int64_t lo, std::int64_t hi) {
    if (!v || (*v >= lo && *v <= hi)) return std::nullopt;
    return ApiError::invalid(name, "must be between " + cfimages::detail::int_to_string(lo) + " and " +
                                       cfimages::detail::int_to_string(hi) + " (got " +
                                       cfimages::detail::int_to_string(*v) + ")");
}

inline std::optional<ApiError> check_real(std::string_view name, const std::optional<double>& v, double lo,
                                          double hi, bool lo_open = false) {
    if (!v) return std::nullopt;
    const bool ok = std::isfinite(*v) && (lo_open ? *v > lo : *v >= lo) && *v <= hi;
    if (ok) return std::nullopt;
    std::string rule = std::isfinite(*v) ? "must be " : "must be a finite number ";
    rule += lo_open ? "greater than " : "between ";
    rule += double_to_string(lo);
    rule += lo_open ? " and at most " : " and ";
    rule += double_to_string(hi);
    if (std::isfinite(*v)) rule += " (got " + double_to_string(*v) + ")";
    return ApiError::invalid(name, rule);
}

inline std::optional<ApiError> check_background(const std::string& bg) {
    if (bg.empty()) return ApiError::invalid("background", "must not be empty");
    if (bg.size() > 64) return ApiError::invalid("background", "must be at most 64 characters");
    for (char ch : bg) {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c >= 0x7f)
            return ApiError::invalid("background", "must be a CSS colour in printable ASCII");
    }
    return std::nullopt;
}

inline std::optional<ApiError> validate(const FlexibleOptions& o) {
    if (auto e = check_int("width", o.width, 1, 12000)) return e;
    if (auto e = check_int("height", o.height, 1, 12000)) return e;
    if (o.fit && to_string(*o.fit).empty()) return ApiError::invalid("fit", "is not a known fit");
    if (o.gravity) {
        const Gravity& g = *o.gravity;
        if (g.kind < Gravity::Kind::auto_ || g.kind > Gravity::Kind::point)
            return ApiError::invalid("gravity", "is not a known gravity");
        if (g.kind == Gravity::Kind::point) {
            if (auto e = check_real("gravity.x", g.x, 0.0, 1.0)) return e;
            if (auto e = check_real("gravity.y", g.y, 0.0, 1.0)) return e;
        }
    }
    if (auto e = check_int("quality", o.quality, 1, 100)) return e;
    if (o.format && to_string(*o.format).empty()) return ApiError::invalid("format", "is not a known format");
    if (auto e = check_real("dpr", o.dpr, 0.0, 2.0, true)) return e;
    if (auto e = check_real("sharpen", o.sharpen, 0.0, 10.0)) return e;
    if (auto e = check_int("blur", o.blur, 1, 250)) return e;
    if (o.rotate && *o.rotate != 90 && *o.rotate != 180 && *o.rotate != 270)
        return ApiError::invalid("rotate", "must be 90, 180 or 270 (got " +
                                               cfimages::detail::int_to_string(*o.rotate) + ")");
    if (o.flip && to_string(*o.flip).empty()) return ApiError::invalid("flip", "is not a known flip");
    if (o.background)
        if (auto e = check_background(*o.background)) return e;
    if (o.metadata && to_string(*o.metadata).empty())
        return ApiError::invalid("metadata", "is not a known metadata mode");
    if (auto e = check_real("brightness", o.brightness, 0.0, 100.0)) return e;
    if (auto e = check_real("contrast", o.contrast, 0.0, 100.0)) return e;
    if (auto e = check_real("gamma", o.gamma, 0.0, 100.0)) return e;
    if (auto e = check_real("saturation", o.saturation, 0.0, 100.0)) return e;
    if (o.trim) {
        if (auto e = check_int("trim.top", o.trim->top, 0, 12000)) return e;
        if (auto e = check_int("trim.right", o.trim->right, 0, 12000)) return e;
        if (auto e = check_int("trim.bottom", o.trim->bottom, 0, 12000)) return e;
        if (auto e = check_int("trim.left", o.trim->left, 0, 12000)) return e;
    }
    if (auto e = check_real("zoom", o.zoom, 0.0, 1.0)) return e;
    return std::nullopt;
}

inline std::string_view gravity_keyword(Gravity::Kind k) noexcept {
    switch (k) {
    case Gravity::Kind::auto_: return "auto";
    case Gravity::Kind::face: return "face";
    case Gravity::Kind::left: return "left";
    case Gravity::Kind::right: return "right";
    case Gravity::Kind::top: return "top";
    case Gravity::Kind::bottom: return "bottom";
    case Gravity::Kind::point: return {};
    }
    return {};
}

} // namespace detail

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
inline Result<std::string> flexible_variant(const FlexibleOptions& o) {
    if (auto e = detail::validate(o)) return std::move(*e);
    std::string out;
    auto key = [&out](std::string_view k) {
        if (!out.empty()) out.push_back(',');
        out.append(k).push_back('=');
    };
    if (o.width) { key("w"); cfimages::detail::append_int(out, *o.width); }
    if (o.height) { key("h"); cfimages::detail::append_int(out, *o.height); }
    if (o.fit) { key("fit"); out.append(to_string(*o.fit)); }
    if (o.gravity) {
        key("gravity");
        if (o.gravity->kind == Gravity::Kind::point) {
            detail::append_double(out, o.gravity->x);
            out.push_back('x');
            detail::append_double(out, o.gravity->y);
        } else {
            out.append(detail::gravity_keyword(o.gravity->kind));
        }
    }
    if (o.quality) { key("quality"); cfimages::detail::append_int(out, *o.quality); }
    if (o.format) { key("format"); out.append(to_string(*o.format)); }
    if (o.dpr) { key("dpr"); detail::append_double(out, *o.dpr); }
    if (o.sharpen) { key("sharpen"); detail::append_double(out, *o.sharpen); }
    if (o.blur) { key("blur"); cfimages::detail::append_int(out, *o.blur); }
    if (o.rotate) { key("rotate"); cfimages::detail::append_int(out, *o.rotate); }
    if (o.flip) { key("flip"); out.append(to_string(*o.flip)); }
    if (o.background) { key("background"); cfimages::detail::percent_encode(out, *o.background); }
    if (o.metadata) { key("metadata"); out.append(to_string(*o.metadata)); }
    if (o.anim) { key("anim"); out.append(*o.anim ? "true" : "false"); }
    if (o.brightness) { key("brightness"); detail::append_double(out, *o.brightness); }
    if (o.contrast) { key("contrast"); detail::append_double(out, *o.contrast); }
    if (o.gamma) { key("gamma"); detail::append_double(out, *o.gamma); }
    if (o.saturation) { key("saturation"); detail::append_double(out, *o.saturation); }
    if (o.trim) {
        key("trim");
        cfimages::detail::append_int(out, o.trim->top);
        out.push_back(';');
        cfimages::detail::append_int(out, o.trim->right);
        out.push_back(';');
        cfimages::detail::append_int(out, o.trim->bottom);
        out.push_back(';');
        cfimages::detail::append_int(out, o.trim->left);
    }
    if (o.zoom) { key("zoom"); detail::append_double(out, *o.zoom); }
    if (o.compression_fast.value_or(false)) { key("compression"); out.append("fast"); }
    if (out.empty())
        return ApiError::invalid("flexible variant", "at least one option must be set");
    return out;
}

namespace detail {

inline bool parse_int(std::string_view s, std::int64_t& out) noexcept {
    if (s.empty() || s.size() > 18) return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

inline bool parse_real(std::string_view s, double& out) noexcept {
    if (s.empty() || s.size() > 32) return false;
    // from_chars accepts "inf"/"nan"; an option value never is one.
    for (char c : s)
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
            return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

} // namespace detail

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
inline Result<FlexibleOptions> parse_flexible_variant(std::string_view s) {
    FlexibleOptions o;
    if (s.empty()) return ApiError::invalid("flexible variant", "must not be empty");
    std::vector<std::string_view> seen;
    std::size_t start = 0;
    while (start <= s.size()) {
        const std::size_t comma = s.find(',', start);
        const std::string_view item =
            s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        start = comma == std::string_view::npos ? s.size() + 1 : comma + 1;
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos || eq == 0)
            return ApiError::invalid("flexible variant", "each option must be name=value");
        std::string_view name = item.substr(0, eq);
        const std::string_view value = item.substr(eq + 1);
        if (name == "w") name = "width";
        else if (name == "h") name = "height";
        else if (name == "q") name = "quality";
        else if (name == "f") name = "format";
        else if (name == "g") name = "gravity";
        for (std::string_view prev : seen)
            if (prev == name)
                return ApiError::invalid(cfimages::detail::one_line(name, 64), "is given more than once");
        seen.push_back(name);

        auto bad = [&](std::string_view what) {
            // The value is caller text: keep the message one bounded line.
            return ApiError::invalid(name, std::string(what) + " (got '" +
                                               cfimages::detail::one_line(value, 64) + "')");
        };
        std::int64_t i = 0;
        double d = 0;
        if (name == "width" || name == "height" || name == "quality" || name == "blur" || name == "rotate") {
            if (!detail::parse_int(value, i)) return bad("must be an integer");
            if (name == "width") o.width = i;
            else if (name == "height") o.height = i;
            else if (name == "quality") o.quality = i;
            else if (name == "blur") o.blur = i;
            else o.rotate = i;
        } else if (name == "dpr" || name == "sharpen" || name == "brightness" || name == "contrast" ||
                   name == "gamma" || name == "saturation" || name == "zoom") {
            if (!detail::parse_real(value, d)) return bad("must be a number");
            if (name == "dpr") o.dpr = d;
            else if (name == "sharpen") o.sharpen = d;
            else if (name == "brightness") o.brightness = d;
            else if (name == "contrast") o.contrast = d;
            else if (name == "gamma") o.gamma = d;
            else if (name == "saturation") o.saturation = d;
            else o.zoom = d;
        } else if (name == "fit") {
            o.fit = parse_fit(value);
            if (!o.fit) return bad("must be scale-down, contain, cover, crop or pad");
        } else if (name == "format") {
            o.format = parse_format(value);
            if (!o.format) return bad("must be auto, avif, webp, jpeg, baseline-jpeg or json");
        } else if (name == "metadata") {
            o.metadata = parse_metadata_mode(value);
            if (!o.metadata) return bad("must be keep, copyright or none");
        } else if (name == "flip") {
            if (value == "h") o.flip = Flip::h;
            else if (value == "v") o.flip = Flip::v;
            else if (value == "hv") o.flip = Flip::hv;
            else return bad("must be h, v or hv");
        } else if (name == "anim") {
            if (value == "true") o.anim = true;
            else if (value == "false") o.anim = false;
            else return bad("must be true or false");
        } else if (name == "compression") {
            if (value != "fast") return bad("must be fast");
            o.compression_fast = true;
        } else if (name == "gravity") {
            Gravity g;
            if (value == "auto") g.kind = Gravity::Kind::auto_;
            else if (value == "face") g.kind = Gravity::Kind::face;
            else if (value == "left") g.kind = Gravity::Kind::left;
            else if (value == "right") g.kind = Gravity::Kind::right;
            else if (value == "top") g.kind = Gravity::Kind::top;
            else if (value == "bottom") g.kind = Gravity::Kind::bottom;
            else {
                const std::size_t x = value.find('x');
                if (x == std::string_view::npos || !detail::parse_real(value.substr(0, x), g.x) ||
                    !detail::parse_real(value.substr(x + 1), g.y))
                    return bad("must be auto, face, left, right, top, bottom or XxY");
                g.kind = Gravity::Kind::point;
            }
            o.gravity = g;
        } else if (name == "trim") {
            Trim t;
            std::int64_t* sides[4] = {&t.top, &t.right, &t.bottom, &t.left};
            std::size_t pos = 0;
            for (int k = 0; k < 4; ++k) {
                const std::size_t semi = value.find(';', pos);
                const bool last = k == 3;
                if (last != (semi == std::string_view::npos))
                    return bad("must be top;right;bottom;left");
                const std::string_view part =
                    value.substr(pos, last ? std::string_view::npos : semi - pos);
                if (!detail::parse_int(part, *sides[k])) return bad("must be top;right;bottom;left");
                pos = semi + 1;
            }
            o.trim = t;
        } else if (name == "background") {
            std::string decoded;
            if (!detail::percent_decode(value, decoded)) return bad("has a malformed %-escape");
            o.background = std::move(decoded);
        } else {
            return ApiError::invalid("flexible variant",
                                     "unknown option '" + cfimages::detail::one_line(name, 64) + "'");
        }
    }
    if (auto e = detail::validate(o)) return std::move(*e);
    return o;
}

} // namespace delivery
} // namespace cfimages

#endif // CFIMAGES_DELIVERY_HPP
