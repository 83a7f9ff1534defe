#ifndef CFIMAGES_IMPL_FLEXIBLE_VARIANT_IPP
#define CFIMAGES_IMPL_FLEXIBLE_VARIANT_IPP

// Definitions of <cfimages/flexible_variant.hpp>: included at the end of that header
// (header-only) or by <cfimages/src.hpp> (separate compilation), see
// cfimages/detail/link.hpp.

#include <cfimages/flexible_variant.hpp>

#include <charconv>
#include <cmath>
#include <system_error>
#include <vector>

#include <cfimages/detail/text.hpp>

namespace cfimages {
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

inline std::optional<ApiError> check_option_int(std::string_view name, const std::optional<std::int64_t>& v,
                                         std::int64_t lo, std::int64_t hi) {
    if (!v || (*v >= lo && *v <= hi)) return std::nullopt;
    return ApiError::invalid(name, "must be between " + cfimages::detail::int_to_string(lo) + " and " +
                                       cfimages::detail::int_to_string(hi) + " (got " +
                                       cfimages::detail::int_to_string(*v) + ")");
}

inline std::optional<ApiError> check_option_real(std::string_view name, const std::optional<double>& v, double lo,
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

inline std::optional<ApiError> validate_flexible(const delivery::FlexibleOptions& o) {
    if (auto e = check_option_int("width", o.width, 1, 12000)) return e;
    if (auto e = check_option_int("height", o.height, 1, 12000)) return e;
    if (o.fit && to_string(*o.fit).empty()) return ApiError::invalid("fit", "is not a known fit");
    if (o.gravity) {
        const delivery::Gravity& g = *o.gravity;
        if (g.kind < delivery::Gravity::Kind::auto_ || g.kind > delivery::Gravity::Kind::point)
            return ApiError::invalid("gravity", "is not a known gravity");
        if (g.kind == delivery::Gravity::Kind::point) {
            if (auto e = check_option_real("gravity.x", g.x, 0.0, 1.0)) return e;
            if (auto e = check_option_real("gravity.y", g.y, 0.0, 1.0)) return e;
        }
    }
    if (auto e = check_option_int("quality", o.quality, 1, 100)) return e;
    if (o.format && to_string(*o.format).empty()) return ApiError::invalid("format", "is not a known format");
    if (auto e = check_option_real("dpr", o.dpr, 0.0, 2.0, true)) return e;
    if (auto e = check_option_real("sharpen", o.sharpen, 0.0, 10.0)) return e;
    if (auto e = check_option_int("blur", o.blur, 1, 250)) return e;
    if (o.rotate && *o.rotate != 90 && *o.rotate != 180 && *o.rotate != 270)
        return ApiError::invalid("rotate", "must be 90, 180 or 270 (got " +
                                               cfimages::detail::int_to_string(*o.rotate) + ")");
    if (o.flip && to_string(*o.flip).empty()) return ApiError::invalid("flip", "is not a known flip");
    if (o.background)
        if (auto e = check_background(*o.background)) return e;
    if (o.metadata && to_string(*o.metadata).empty())
        return ApiError::invalid("metadata", "is not a known metadata mode");
    if (auto e = check_option_real("brightness", o.brightness, 0.0, 100.0)) return e;
    if (auto e = check_option_real("contrast", o.contrast, 0.0, 100.0)) return e;
    if (auto e = check_option_real("gamma", o.gamma, 0.0, 100.0)) return e;
    if (auto e = check_option_real("saturation", o.saturation, 0.0, 100.0)) return e;
    if (o.trim) {
        if (auto e = check_option_int("trim.top", o.trim->top, 0, 12000)) return e;
        if (auto e = check_option_int("trim.right", o.trim->right, 0, 12000)) return e;
        if (auto e = check_option_int("trim.bottom", o.trim->bottom, 0, 12000)) return e;
        if (auto e = check_option_int("trim.left", o.trim->left, 0, 12000)) return e;
    }
    if (auto e = check_option_real("zoom", o.zoom, 0.0, 1.0)) return e;
    return std::nullopt;
}

inline std::string_view gravity_keyword(delivery::Gravity::Kind k) noexcept {
    switch (k) {
    case delivery::Gravity::Kind::auto_: return "auto";
    case delivery::Gravity::Kind::face: return "face";
    case delivery::Gravity::Kind::left: return "left";
    case delivery::Gravity::Kind::right: return "right";
    case delivery::Gravity::Kind::top: return "top";
    case delivery::Gravity::Kind::bottom: return "bottom";
    case delivery::Gravity::Kind::point: return {};
    }
    return {};
}

inline bool parse_option_int(std::string_view s, std::int64_t& out) noexcept {
    if (s.empty() || s.size() > 18) return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

inline bool parse_option_real(std::string_view s, double& out) noexcept {
    if (s.empty() || s.size() > 32) return false;
    // from_chars accepts "inf"/"nan"; an option value never is one.
    for (char c : s)
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
            return false;
    auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

} // namespace detail

namespace delivery {

CFIMAGES_DECL std::string_view to_string(Format f) noexcept {
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

CFIMAGES_DECL std::optional<Format> parse_format(std::string_view s) noexcept {
    if (s == "auto") return Format::auto_;
    if (s == "avif") return Format::avif;
    if (s == "webp") return Format::webp;
    if (s == "jpeg") return Format::jpeg;
    if (s == "baseline-jpeg") return Format::baseline_jpeg;
    if (s == "json") return Format::json;
    return std::nullopt;
}

CFIMAGES_DECL std::string_view to_string(Flip f) noexcept {
    switch (f) {
    case Flip::h: return "h";
    case Flip::v: return "v";
    case Flip::hv: return "hv";
    }
    return {};
}

CFIMAGES_DECL Result<std::string> flexible_variant(const FlexibleOptions& o) {
    if (auto e = detail::validate_flexible(o)) return std::move(*e);
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

CFIMAGES_DECL Result<FlexibleOptions> parse_flexible_variant(std::string_view s) {
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
            if (!detail::parse_option_int(value, i)) return bad("must be an integer");
            if (name == "width") o.width = i;
            else if (name == "height") o.height = i;
            else if (name == "quality") o.quality = i;
            else if (name == "blur") o.blur = i;
            else o.rotate = i;
        } else if (name == "dpr" || name == "sharpen" || name == "brightness" || name == "contrast" ||
                   name == "gamma" || name == "saturation" || name == "zoom") {
            if (!detail::parse_option_real(value, d)) return bad("must be a number");
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
                if (x == std::string_view::npos || !detail::parse_option_real(value.substr(0, x), g.x) ||
                    !detail::parse_option_real(value.substr(x + 1), g.y))
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
                if (!detail::parse_option_int(part, *sides[k])) return bad("must be top;right;bottom;left");
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
    if (auto e = detail::validate_flexible(o)) return std::move(*e);
    return o;
}

} // namespace delivery
} // namespace cfimages

#endif // CFIMAGES_IMPL_FLEXIBLE_VARIANT_IPP
