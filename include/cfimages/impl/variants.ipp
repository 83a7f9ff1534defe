#ifndef CFIMAGES_IMPL_VARIANTS_IPP
#define CFIMAGES_IMPL_VARIANTS_IPP

// Definitions of <cfimages/variants.hpp>: included at the end of that header
// (header-only) or by <cfimages/src.hpp> (separate compilation), see
// cfimages/detail/link.hpp.

#include <cfimages/variants.hpp>

#include <cfimages/detail/build.hpp>
#include <cfimages/detail/decode.hpp>
#include <cfimages/detail/envelope.hpp>

namespace cfimages {
namespace detail {

inline Result<std::map<std::string, Variant>> parse_variant_map(const HttpResponse& r, const ParseContext&) {
    return parse_envelope<std::map<std::string, Variant>>(r, decode_variant_map);
}

inline Result<Variant> parse_variant(const HttpResponse& r, const ParseContext&) {
    return parse_envelope<Variant>(r, decode_variant_result);
}

// Variant names: 1 to 99 letters and digits (the published schema's
// maxLength; the dashboard and API refuse anything else).
inline std::optional<ApiError> check_variant_id(std::string_view field, std::string_view id) {
    if (auto e = check_path_param(field, id, 99)) return e;
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!ok) return ApiError::invalid(field, "may hold only letters and digits");
    }
    return std::nullopt;
}

inline std::optional<ApiError> check_options(const VariantOptions& o) {
    if (to_string(o.fit).empty())
        return ApiError::invalid("options.fit", "must be one of scale-down, contain, cover, crop, pad");
    if (to_string(o.metadata).empty())
        return ApiError::invalid("options.metadata", "must be one of keep, copyright, none");
    if (o.width < 1 || o.width > 100000) return ApiError::invalid("options.width", "must be between 1 and 100000");
    if (o.height < 1 || o.height > 100000) return ApiError::invalid("options.height", "must be between 1 and 100000");
    return std::nullopt;
}

inline void append_options(std::string& body, const VariantOptions& o) {
    body.append("{\"fit\":\"").append(to_string(o.fit)).append("\",\"metadata\":\"").append(to_string(o.metadata));
    body.append("\",\"width\":");
    append_int(body, o.width);
    body.append(",\"height\":");
    append_int(body, o.height);
    body.push_back('}');
}

} // namespace detail

namespace v1 {
namespace variants {

CFIMAGES_DECL Result<Request<std::map<std::string, Variant>>> list(const Config& cfg) {
    auto http = detail::start(cfg, Method::get, {detail::lit("/images/v1/variants")});
    if (!http) return std::move(http).error();
    return detail::finish<std::map<std::string, Variant>>(std::move(*http), detail::parse_variant_map);
}

CFIMAGES_DECL Result<Request<Variant>> get(const Config& cfg, std::string_view variant_id) {
    if (auto e = detail::check_variant_id("variant_id", variant_id)) return std::move(*e);
    auto http = detail::start(cfg, Method::get, {detail::lit("/images/v1/variants"), detail::param("variant_id", variant_id)});
    if (!http) return std::move(http).error();
    return detail::finish<Variant>(std::move(*http), detail::parse_variant);
}

CFIMAGES_DECL Result<Request<Variant>> create(const Config& cfg, const Variant& v) {
    if (auto e = detail::check_variant_id("id", v.id)) return std::move(*e);
    if (auto e = detail::check_options(v.options)) return std::move(*e);
    auto http = detail::start(cfg, Method::post, {detail::lit("/images/v1/variants")});
    if (!http) return std::move(http).error();
    std::string body = "{\"id\":\"";
    body.append(v.id).append("\",\"options\":");
    detail::append_options(body, v.options);
    body.append(",\"neverRequireSignedURLs\":").append(v.never_require_signed_urls ? "true" : "false");
    body.push_back('}');
    detail::set_body(*http, "application/json", std::move(body));
    return detail::finish<Variant>(std::move(*http), detail::parse_variant, false);
}

CFIMAGES_DECL Result<Request<Variant>> edit(const Config& cfg, std::string_view variant_id, const EditParams& p) {
    if (auto e = detail::check_variant_id("variant_id", variant_id)) return std::move(*e);
    if (auto e = detail::check_options(p.options)) return std::move(*e);
    auto http = detail::start(cfg, Method::patch, {detail::lit("/images/v1/variants"), detail::param("variant_id", variant_id)});
    if (!http) return std::move(http).error();
    std::string body = "{\"options\":";
    detail::append_options(body, p.options);
    if (p.never_require_signed_urls)
        body.append(",\"neverRequireSignedURLs\":").append(*p.never_require_signed_urls ? "true" : "false");
    body.push_back('}');
    detail::set_body(*http, "application/json", std::move(body));
    return detail::finish<Variant>(std::move(*http), detail::parse_variant);
}

CFIMAGES_DECL Result<Request<Deleted>> remove(const Config& cfg, std::string_view variant_id) {
    if (auto e = detail::check_variant_id("variant_id", variant_id)) return std::move(*e);
    auto http = detail::start(cfg, Method::delete_, {detail::lit("/images/v1/variants"), detail::param("variant_id", variant_id)});
    if (!http) return std::move(http).error();
    detail::set_body(*http, "application/json", "{}");
    return detail::finish<Deleted>(std::move(*http), detail::parse_deleted);
}

} // namespace variants
} // namespace v1
} // namespace cfimages

#endif // CFIMAGES_IMPL_VARIANTS_IPP
