#ifndef CFIMAGES_DETAIL_JSON_HPP
#define CFIMAGES_DETAIL_JSON_HPP

// Typed reading of parsed JSON. A `Path` is a chain of stack frames that
// names where the reader is ("result.images[3].uploaded"); it is rendered
// only when something is wrong, so the happy path allocates nothing for it.

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <cfimages/detail/text.hpp>
#include <cfimages/result.hpp>

namespace cfimages {
namespace detail {

struct Path {
    const Path* parent = nullptr;
    std::string_view key{};
    std::size_t index = 0;
    bool is_index = false;

    Path child(std::string_view k) const { return Path{this, k, 0, false}; }
    Path at(std::size_t i) const { return Path{this, {}, i, true}; }

    std::string str() const {
        std::string out = parent ? parent->str() : std::string();
        if (is_index) {
            out.push_back('[');
            append_int(out, static_cast<std::int64_t>(index));
            out.push_back(']');
        } else if (!key.empty()) {
            append_key(out, key);
        }
        return out;
    }
};

inline ApiError decode_error(const Path& p, std::string_view what) {
    std::string where = p.str();
    ApiError e;
    e.kind = ErrorKind::decode;
    e.message.reserve(where.size() + what.size() + 2);
    e.message.append(where.empty() ? std::string_view("body") : std::string_view(where));
    e.message.append(": ").append(what);
    return e;
}

inline const char* kind_name(const boost::json::value& v) noexcept {
    switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return "a number";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::object: return "an object";
    }
    return "something else";
}

inline ApiError type_error(const Path& p, const char* expected, const boost::json::value& got) {
    std::string what = "expected ";
    what.append(expected).append(", got ").append(kind_name(got));
    return decode_error(p, what);
}

// Field readers. Each returns an error (naming the path) or nothing, and
// leaves `out` alone when the field is absent so defaults survive.

inline std::optional<ApiError> read_string(const boost::json::object& o, std::string_view k,
                                           const Path& p, std::string& out, bool required) {
    const boost::json::value* v = o.if_contains(k);
    if (v == nullptr || (v->is_null() && !required)) {
        if (required) return decode_error(p.child(k), "missing");
        return std::nullopt;
    }
    if (!v->is_string()) return type_error(p.child(k), "a string", *v);
    const boost::json::string& s = v->get_string();
    out.assign(s.data(), s.size());
    return std::nullopt;
}

inline std::optional<ApiError> read_opt_string(const boost::json::object& o, std::string_view k,
                                               const Path& p, std::optional<std::string>& out) {
    const boost::json::value* v = o.if_contains(k);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_string()) return type_error(p.child(k), "a string or null", *v);
    const boost::json::string& s = v->get_string();
    out.emplace(s.data(), s.size());
    return std::nullopt;
}

inline std::optional<ApiError> read_bool(const boost::json::object& o, std::string_view k,
                                         const Path& p, bool& out) {
    const boost::json::value* v = o.if_contains(k);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_bool()) return type_error(p.child(k), "a boolean", *v);
    out = v->get_bool();
    return std::nullopt;
}

// Integral numbers. The spec types sizes and counts as `number`, so an
// integral double (`1366.0`) is accepted; a fraction or a negative is not.
inline std::optional<ApiError> as_uint(const boost::json::value& v, const Path& p, std::uint64_t& out) {
    switch (v.kind()) {
    case boost::json::kind::int64:
        if (v.get_int64() < 0) return decode_error(p, "expected a non-negative integer");
        out = static_cast<std::uint64_t>(v.get_int64());
        return std::nullopt;
    case boost::json::kind::uint64:
        out = v.get_uint64();
        return std::nullopt;
    case boost::json::kind::double_: {
        double d = v.get_double();
        if (!(d >= 0) || d > 9007199254740992.0 || std::floor(d) != d)
            return decode_error(p, "expected a non-negative integer");
        out = static_cast<std::uint64_t>(d);
        return std::nullopt;
    }
    default:
        return type_error(p, "a number", v);
    }
}

inline std::optional<ApiError> read_uint(const boost::json::object& o, std::string_view k,
                                         const Path& p, std::uint64_t& out, bool required) {
    const boost::json::value* v = o.if_contains(k);
    if (v == nullptr || v->is_null()) {
        if (required) return decode_error(p.child(k), "missing");
        return std::nullopt;
    }
    return as_uint(*v, p.child(k), out);
}

inline const boost::json::object* find_object(const boost::json::object& o, std::string_view k) {
    const boost::json::value* v = o.if_contains(k);
    return v != nullptr ? v->if_object() : nullptr;
}

} // namespace detail
} // namespace cfimages

#endif // CFIMAGES_DETAIL_JSON_HPP
