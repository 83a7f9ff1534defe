#ifndef CFIMAGES_DETAIL_PARAMS_HPP
#define CFIMAGES_DETAIL_PARAMS_HPP

// Rules for the fields several endpoints share (custom ID, creator,
// metadata, source URL), checked before anything is sent.

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cfimages/detail/multipart.hpp>
#include <cfimages/detail/text.hpp>
#include <cfimages/result.hpp>
#include <cfimages/url.hpp>

namespace cfimages {
namespace detail {

inline constexpr std::size_t max_metadata_bytes = 1024;

// Custom IDs: UTF-8 of at most 1024 characters (code points: the spec's
// "Up to 1024 chars ... and utf8 characters", JSON Schema maxLength), may
// hold `/` but not at either end, not a UUID, no dot segments, and never
// with requireSignedURLs (Cloudflare cannot sign a custom-ID URL).
inline std::optional<ApiError> check_custom_id(std::string_view field, std::string_view id,
                                               bool require_signed) {
    if (id.empty()) return ApiError::invalid(field, "must not be empty");
    if (!is_utf8(id)) return ApiError::invalid(field, "must be valid UTF-8");
    if (!utf8_at_most(id, 1024)) return ApiError::invalid(field, "must be at most 1024 characters");
    if (has_control(id)) return ApiError::invalid(field, "must not contain control characters");
    if (id.front() == '/' || id.back() == '/') return ApiError::invalid(field, "must not start or end with '/'");
    if (is_uuid(id)) return ApiError::invalid(field, "must not be a UUID");
    std::size_t start = 0;
    while (start <= id.size()) {
        std::size_t end = id.find('/', start);
        if (end == std::string_view::npos) end = id.size();
        std::string_view seg = id.substr(start, end - start);
        if (seg.empty()) return ApiError::invalid(field, "must not contain empty path segments ('//')");
        if (seg == "." || seg == "..") return ApiError::invalid(field, "must not contain '.' or '..' segments");
        start = end + 1;
    }
    if (require_signed) return ApiError::invalid(field, "custom IDs cannot be combined with require_signed_urls=true");
    return std::nullopt;
}

// Creator tags: UTF-8 of at most 1024 characters (code points, as for
// custom IDs), no control characters.
inline std::optional<ApiError> check_creator(std::string_view field, std::string_view c) {
    if (has_control(c)) return ApiError::invalid(field, "must not contain control characters");
    // It travels as a JSON string in edit's body: invalid UTF-8 would make
    // that body invalid JSON.
    if (!is_utf8(c)) return ApiError::invalid(field, "must be valid UTF-8");
    if (!utf8_at_most(c, 1024)) return ApiError::invalid(field, "must be at most 1024 characters");
    return std::nullopt;
}

// Finds what would make `v` invalid JSON on the wire (RFC 8259): a number
// that is not finite, which Boost.JSON writes as `Infinity` or `NaN`, or a
// string or key that is not UTF-8, which it writes raw. `path` names `v`
// and is extended to name the culprit. Recursion is bounded: the caller
// has already refused metadata over 1024 bytes, so at most 512 levels.
inline std::optional<ApiError> check_json_value(const boost::json::value& v, std::string& path) {
    switch (v.kind()) {
    case boost::json::kind::double_:
        if (!std::isfinite(v.get_double()))
            return ApiError::invalid(path, "must be a finite number (JSON has no Infinity or NaN)");
        return std::nullopt;
    case boost::json::kind::string:
        if (!is_utf8(std::string_view(v.get_string()))) return ApiError::invalid(path, "must be valid UTF-8");
        return std::nullopt;
    case boost::json::kind::array: {
        const auto& a = v.get_array();
        for (std::size_t i = 0; i < a.size(); ++i) {
            const std::size_t len = path.size();
            path.push_back('[');
            append_int(path, static_cast<std::int64_t>(i));
            path.push_back(']');
            if (auto e = check_json_value(a[i], path)) return e;
            path.resize(len);
        }
        return std::nullopt;
    }
    case boost::json::kind::object:
        for (const auto& kv : v.get_object()) {
            const std::string_view key = kv.key();
            if (!is_utf8(key)) return ApiError::invalid(path, "has a key that is not valid UTF-8");
            const std::size_t len = path.size();
            append_key(path, key);
            if (auto e = check_json_value(kv.value(), path)) return e;
            path.resize(len);
        }
        return std::nullopt;
    default:
        return std::nullopt;
    }
}

// Serializes metadata compactly into `out`; it must be a JSON object of at
// most 1024 bytes once serialized (the API's limit), and valid JSON: only
// finite numbers, only UTF-8 text. The error names the field inside it
// (`metadata.a.b[2]: must be a finite number ...`).
inline std::optional<ApiError> serialize_metadata(std::string_view field, const boost::json::value& v,
                                                  std::string& out) {
    if (!v.is_object()) return ApiError::invalid(field, "must be a JSON object");
    out = boost::json::serialize(v);
    if (out.size() > max_metadata_bytes)
        return ApiError::invalid(field, "is " + int_to_string(static_cast<std::int64_t>(out.size())) +
                                            " bytes as JSON; the limit is 1024 bytes");
    std::string path(field);
    if (auto e = check_json_value(v, path)) {
        out.clear();
        return e;
    }
    return std::nullopt;
}

inline std::optional<ApiError> check_source_url(std::string_view field, std::string_view url) {
    if (url.substr(0, 8) != "https://" && url.substr(0, 7) != "http://")
        return ApiError::invalid(field, "must be an absolute http:// or https:// URL");
    if (url.size() > 8192) return ApiError::invalid(field, "must be at most 8192 characters");
    if (has_control(url) || url.find(' ') != std::string_view::npos)
        return ApiError::invalid(field, "must not contain spaces or control characters");
    Url parts;
    switch (split_url_into(url, parts)) {
    case UrlFault::none: return std::nullopt;
    case UrlFault::no_host: return ApiError::invalid(field, "must name a host");
    case UrlFault::user_info: return ApiError::invalid(field, "must not carry user info (user:password@)");
    case UrlFault::port: return ApiError::invalid(field, "has an invalid port");
    default: return ApiError::invalid(field, "has an invalid host");
    }
}

// Appends the fields upload and direct upload share, in the documented
// order: `id`, `creator`, `metadata` (compact JSON text, serialized into
// `metadata_store`, which must outlive the parts).
inline std::optional<ApiError> add_shared_upload_parts(std::vector<Part>& parts,
                                                       const std::optional<std::string>& id,
                                                       const std::optional<std::string>& creator,
                                                       const std::optional<boost::json::value>& metadata,
                                                       bool require_signed, std::string& metadata_store) {
    if (id) {
        if (auto e = check_custom_id("id", *id, require_signed)) return e;
        parts.push_back({"id", *id});
    }
    if (creator) {
        if (auto e = check_creator("creator", *creator)) return e;
        parts.push_back({"creator", *creator});
    }
    if (metadata) {
        if (auto e = serialize_metadata("metadata", *metadata, metadata_store)) return e;
        parts.push_back({"metadata", metadata_store});
    }
    return std::nullopt;
}

} // namespace detail
} // namespace cfimages

#endif // CFIMAGES_DETAIL_PARAMS_HPP
