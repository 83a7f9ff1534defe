#ifndef CFIMAGES_CLI_OUTPUT_HPP
#define CFIMAGES_CLI_OUTPUT_HPP

// Turns the typed results back into JSON for stdout. The shapes mirror the
// `result` member of the API's answer, field names included (`meta`,
// `requireSignedURLs`, `uploadURL`, ...), so a script written against the
// API reads the tool's output unchanged. What the typed model normalised
// stays normalised: absent optional fields print as null, `uploaded` as
// RFC 3339 UTC.

#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include <cfimages/detail/text.hpp>
#include <cfimages/models.hpp>

namespace cfimages_cli {

/// Replaces every number in `v` that JSON cannot write with null, and
/// returns where each was (`images[3].meta.n`), in document order.
///
/// Such numbers come from the server: Boost.JSON reads a number beyond the
/// range of a double (`1e400`) as infinity, and would print it as
/// `Infinity`, which is not JSON (RFC 8259, section 6). The digits the
/// server sent are gone by then, so the tool prints null and warns with
/// the path (see `Context::print`). Iterative: any depth.
inline std::vector<std::string> null_non_finite(boost::json::value& v) {
    std::vector<std::string> found;
    std::vector<std::pair<boost::json::value*, std::string>> todo;
    todo.emplace_back(&v, std::string());
    while (!todo.empty()) {
        boost::json::value* cur = todo.back().first;
        std::string path = std::move(todo.back().second);
        todo.pop_back();
        if (cur->is_double()) {
            if (!std::isfinite(cur->get_double())) {
                *cur = nullptr;
                found.push_back(path.empty() ? std::string("(document)") : path);
            }
        } else if (cur->is_array()) {
            auto& a = cur->get_array();
            for (std::size_t i = a.size(); i-- > 0;)  // reversed: the stack pops in order
                if (a[i].is_structured() || a[i].is_double())
                    todo.emplace_back(&a[i], path + "[" + std::to_string(i) + "]");
        } else if (cur->is_object()) {
            auto& o = cur->get_object();
            for (auto it = o.end(); it != o.begin();) {
                --it;
                if (it->value().is_structured() || it->value().is_double())
                    todo.emplace_back(&it->value(), (path.empty() ? std::string() : path + ".") +
                                                        cfimages::detail::one_line(std::string_view(it->key()), 64));
            }
        }
    }
    return found;
}

/// Returns `o` as JSON, or null when it holds nothing.
inline boost::json::value opt_string(const std::optional<std::string>& o) {
    if (!o) return nullptr;
    return boost::json::value(*o);
}

/// Image -> {"id","filename","creator","meta","requireSignedURLs","uploaded","variants","draft"}.
inline boost::json::value to_json(const cfimages::Image& img) {
    boost::json::object o;
    o["id"] = img.id;
    o["filename"] = opt_string(img.filename);
    o["creator"] = opt_string(img.creator);
    o["meta"] = img.meta;
    o["requireSignedURLs"] = img.require_signed_urls;
    if (img.uploaded == std::chrono::system_clock::time_point{})
        o["uploaded"] = nullptr;
    else
        o["uploaded"] = cfimages::detail::format_rfc3339(img.uploaded);
    boost::json::array variants;
    for (const auto& v : img.variants) variants.emplace_back(v);
    o["variants"] = std::move(variants);
    o["draft"] = img.draft;
    return o;
}

/// A list of images as a JSON array.
inline boost::json::array images_json(const std::vector<cfimages::Image>& images) {
    boost::json::array a;
    a.reserve(images.size());
    for (const auto& i : images) a.push_back(to_json(i));
    return a;
}

/// v1 page -> {"images":[...]}.
inline boost::json::value to_json(const cfimages::v1::ImagePage& p) {
    boost::json::object o;
    o["images"] = images_json(p.images);
    return o;
}

/// v2 page -> {"images":[...],"continuation_token": string|null}.
inline boost::json::value to_json(const cfimages::v2::ImagePage& p) {
    boost::json::object o;
    o["images"] = images_json(p.images);
    o["continuation_token"] = p.has_more() ? boost::json::value(*p.continuation_token)
                                           : boost::json::value(nullptr);
    return o;
}

/// Deleted -> {} (the API's result for a delete).
inline boost::json::value to_json(const cfimages::Deleted&) { return boost::json::object(); }

/// Stats -> {"count":{"allowed","current"}}.
inline boost::json::value to_json(const cfimages::Stats& s) {
    boost::json::object count;
    count["allowed"] = s.allowed;
    count["current"] = s.current;
    boost::json::object o;
    o["count"] = std::move(count);
    return o;
}

/// Signing keys -> {"keys":[{"name","value"}]}. The values are secrets: they
/// print as "<redacted>" unless `show_values` (`keys list --show-values`).
inline boost::json::value keys_json(const std::vector<cfimages::SigningKey>& keys,
                                    bool show_values) {
    boost::json::array a;
    for (const auto& k : keys) {
        boost::json::object e;
        e["name"] = k.name;
        e["value"] = show_values ? k.value : std::string("<redacted>");
        a.push_back(std::move(e));
    }
    boost::json::object o;
    o["keys"] = std::move(a);
    return o;
}

/// Variant -> {"id","options":{"fit","metadata","width","height"},"neverRequireSignedURLs"}.
inline boost::json::object variant_object(const cfimages::Variant& v) {
    boost::json::object options;
    options["fit"] = cfimages::to_string(v.options.fit);
    options["metadata"] = cfimages::to_string(v.options.metadata);
    options["width"] = v.options.width;
    options["height"] = v.options.height;
    boost::json::object o;
    o["id"] = v.id;
    o["options"] = std::move(options);
    o["neverRequireSignedURLs"] = v.never_require_signed_urls;
    return o;
}

/// One variant -> {"variant":{...}} (the API's result shape).
inline boost::json::value to_json(const cfimages::Variant& v) {
    boost::json::object o;
    o["variant"] = variant_object(v);
    return o;
}

/// Variants map -> {"variants":{"name":{...},...}}.
inline boost::json::value to_json(const std::map<std::string, cfimages::Variant>& m) {
    boost::json::object variants;
    for (const auto& [name, v] : m) variants[name] = variant_object(v);
    boost::json::object o;
    o["variants"] = std::move(variants);
    return o;
}

/// DirectUpload -> {"id","uploadURL"}.
inline boost::json::value to_json(const cfimages::DirectUpload& d) {
    boost::json::object o;
    o["id"] = d.id;
    o["uploadURL"] = d.upload_url;
    return o;
}

} // namespace cfimages_cli

#endif // CFIMAGES_CLI_OUTPUT_HPP
