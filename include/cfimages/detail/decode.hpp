#ifndef CFIMAGES_DETAIL_DECODE_HPP
#define CFIMAGES_DETAIL_DECODE_HPP

// Decoders from the envelope's `result` DOM into the model types. Each
// names the path of the first field that does not fit; unknown fields are
// skipped; absent optional fields leave defaults. For `Image` and the
// list pages this is the fallback: fast_page.hpp reads clean successes,
// and everything it declines (errors, escapes, fractions, duplicate keys)
// is decided here.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cfimages/detail/image_fields.hpp>
#include <cfimages/detail/json.hpp>
#include <cfimages/detail/text.hpp>
#include <cfimages/models.hpp>
#include <cfimages/result.hpp>

namespace cfimages {
namespace detail {

// The DOM side of image_fields.hpp: one reader per member type, each
// naming the field and the rule when the value does not fit.
inline std::optional<ApiError> read_field(const boost::json::object& o, std::string_view k, const Path& p,
                                          std::string& out) {
    return read_string(o, k, p, out, true);
}
inline std::optional<ApiError> read_field(const boost::json::object& o, std::string_view k, const Path& p,
                                          std::optional<std::string>& out) {
    return read_opt_string(o, k, p, out);
}
inline std::optional<ApiError> read_field(const boost::json::object& o, std::string_view k, const Path& p,
                                          bool& out) {
    return read_bool(o, k, p, out);
}
inline std::optional<ApiError> read_field(const boost::json::object& o, std::string_view k, const Path& p,
                                          boost::json::object& out) {
    const auto* m = o.if_contains(k);
    if (m == nullptr || m->is_null()) return std::nullopt;
    if (!m->is_object()) return type_error(p.child(k), "an object", *m);
    out = boost::json::object(m->get_object(), boost::json::storage_ptr());
    return std::nullopt;
}
inline std::optional<ApiError> read_field(const boost::json::object& o, std::string_view k, const Path& p,
                                          std::chrono::system_clock::time_point& out) {
    const auto* u = o.if_contains(k);
    if (u == nullptr || u->is_null()) return std::nullopt;
    if (!u->is_string()) return type_error(p.child(k), "an RFC 3339 string", *u);
    auto tp = parse_rfc3339(std::string_view(u->get_string()));
    if (!tp) return decode_error(p.child(k), "not an RFC 3339 date-time");
    out = *tp;
    return std::nullopt;
}
inline std::optional<ApiError> read_field(const boost::json::object& o, std::string_view k, const Path& p,
                                          std::vector<std::string>& out) {
    const auto* vs = o.if_contains(k);
    if (vs == nullptr || vs->is_null()) return std::nullopt;
    if (!vs->is_array()) return type_error(p.child(k), "an array", *vs);
    const auto& arr = vs->get_array();
    out.reserve(arr.size());
    const Path vp = p.child(k);
    for (std::size_t i = 0; i < arr.size(); ++i) {
        if (!arr[i].is_string()) return type_error(vp.at(i), "a string", arr[i]);
        const auto& s = arr[i].get_string();
        out.emplace_back(s.data(), s.size());
    }
    return std::nullopt;
}

// Decodes into a default-constructed `img` (absent fields keep their defaults).
inline std::optional<ApiError> decode_image(const boost::json::value& v, const Path& p, Image& img) {
    const auto* o = v.if_object();
    if (o == nullptr) return type_error(p, "an object", v);
    std::optional<ApiError> error;
    visit_image_fields(img, [&](std::string_view name, auto& field) {
        error = read_field(*o, name, p, field);
        return !error;
    });
    return error;
}

inline Result<Image> decode_image_result(const boost::json::value& v, const Path& p) {
    Image img;
    if (auto e = decode_image(v, p, img)) return std::move(*e);
    return img;
}

// Reads `<key>: [images...]` from a list result.
inline std::optional<ApiError> decode_images(const boost::json::object& o, const Path& p,
                                             std::vector<Image>& out) {
    const auto* a = o.if_contains("images");
    const Path ip = p.child("images");
    if (a == nullptr) return decode_error(ip, "missing");
    if (a->is_null()) return std::nullopt;
    if (!a->is_array()) return type_error(ip, "an array", *a);
    const auto& arr = a->get_array();
    out.resize(arr.size());
    for (std::size_t i = 0; i < arr.size(); ++i)
        if (auto e = decode_image(arr[i], ip.at(i), out[i])) return e;
    return std::nullopt;
}

inline std::optional<ApiError> decode_variant_body(const boost::json::object& o, const Path& p, Variant& v) {
    if (auto e = read_string(o, "id", p, v.id, false)) return e;
    if (auto e = read_bool(o, "neverRequireSignedURLs", p, v.never_require_signed_urls)) return e;
    const auto* opt = o.if_contains("options");
    const Path op = p.child("options");
    if (opt == nullptr) return decode_error(op, "missing");
    if (!opt->is_object()) return type_error(op, "an object", *opt);
    const auto& oo = opt->get_object();
    std::string s;
    if (auto e = read_string(oo, "fit", op, s, true)) return e;
    auto fit = parse_fit(s);
    if (!fit) return decode_error(op.child("fit"), "unknown fit '" + one_line(s, 40) + "'");
    v.options.fit = *fit;
    s.clear();
    if (auto e = read_string(oo, "metadata", op, s, false)) return e;
    if (!s.empty()) {
        auto md = parse_metadata_mode(s);
        if (!md) return decode_error(op.child("metadata"), "unknown metadata mode '" + one_line(s, 40) + "'");
        v.options.metadata = *md;
    }
    std::uint64_t n = 0;
    if (auto e = read_uint(oo, "width", op, n, true)) return e;
    v.options.width = static_cast<std::int64_t>(n > 0x7fffffff ? 0x7fffffff : n);
    if (auto e = read_uint(oo, "height", op, n, true)) return e;
    v.options.height = static_cast<std::int64_t>(n > 0x7fffffff ? 0x7fffffff : n);
    return std::nullopt;
}

// `{"variant": {...}}`
inline Result<Variant> decode_variant_result(const boost::json::value& v, const Path& p) {
    const auto* o = v.if_object();
    if (o == nullptr) return type_error(p, "an object", v);
    const auto* inner = o->if_contains("variant");
    const Path vp = p.child("variant");
    if (inner == nullptr) return decode_error(vp, "missing");
    if (!inner->is_object()) return type_error(vp, "an object", *inner);
    Variant out;
    if (auto e = decode_variant_body(inner->get_object(), vp, out)) return std::move(*e);
    return out;
}

// `{"variants": {"hero": {...}, "thumb": {...}}}`, keyed by variant name.
inline Result<std::map<std::string, Variant>> decode_variant_map(const boost::json::value& v, const Path& p) {
    const auto* o = v.if_object();
    if (o == nullptr) return type_error(p, "an object", v);
    std::map<std::string, Variant> out;
    const auto* vs = o->if_contains("variants");
    const Path vp = p.child("variants");
    if (vs == nullptr || vs->is_null()) return out;
    if (!vs->is_object()) return type_error(vp, "an object", *vs);
    for (const auto& kv : vs->get_object()) {
        const Path ep = vp.child(std::string_view(kv.key()));
        if (!kv.value().is_object()) return type_error(ep, "an object", kv.value());
        Variant var;
        if (auto e = decode_variant_body(kv.value().get_object(), ep, var)) return std::move(*e);
        if (var.id.empty()) var.id = std::string(kv.key());
        out.emplace(std::string(kv.key()), std::move(var));
    }
    return out;
}

// `{"keys": [{"name": ..., "value": ...}]}`
inline Result<std::vector<SigningKey>> decode_keys(const boost::json::value& v, const Path& p) {
    const auto* o = v.if_object();
    if (o == nullptr) return type_error(p, "an object", v);
    std::vector<SigningKey> out;
    const auto* ks = o->if_contains("keys");
    const Path kp = p.child("keys");
    if (ks == nullptr) return decode_error(kp, "missing");
    if (ks->is_null()) return out;
    if (!ks->is_array()) return type_error(kp, "an array", *ks);
    const auto& arr = ks->get_array();
    out.resize(arr.size());
    for (std::size_t i = 0; i < arr.size(); ++i) {
        const Path ep = kp.at(i);
        const auto* ko = arr[i].if_object();
        if (ko == nullptr) return type_error(ep, "an object", arr[i]);
        if (auto e = read_string(*ko, "name", ep, out[i].name, true)) return std::move(*e);
        if (auto e = read_string(*ko, "value", ep, out[i].value, false)) return std::move(*e);
    }
    return out;
}

// `{"count": {"allowed": N, "current": N}}`
inline Result<Stats> decode_stats(const boost::json::value& v, const Path& p) {
    const auto* o = v.if_object();
    if (o == nullptr) return type_error(p, "an object", v);
    const auto* c = o->if_contains("count");
    const Path cp = p.child("count");
    if (c == nullptr) return decode_error(cp, "missing");
    if (!c->is_object()) return type_error(cp, "an object", *c);
    Stats s;
    if (auto e = read_uint(c->get_object(), "allowed", cp, s.allowed, false)) return std::move(*e);
    if (auto e = read_uint(c->get_object(), "current", cp, s.current, false)) return std::move(*e);
    return s;
}

} // namespace detail
} // namespace cfimages

#endif // CFIMAGES_DETAIL_DECODE_HPP
