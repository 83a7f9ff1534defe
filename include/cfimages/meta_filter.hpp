#ifndef CFIMAGES_META_FILTER_HPP
#define CFIMAGES_META_FILTER_HPP

/// @file
/// Metadata filters for `v2::list`. On the wire: `meta.<field>[<op>]=<value>`.
///
/// Filters match the JSON metadata stored with each image (`Image::meta`);
/// they combine with AND. A nested field is a dotted path
/// (`region.name` matches `{"region": {"name": ...}}`).
///
/// Operators: exactly those Cloudflare's list-v2 reference documents,
/// `eq`, `eq:string`, `eq:number`, `eq:boolean`, `in`, `in:string` and
/// `in:number`. Range operators (`gt`, `gte`, `lt`, `lte`) are not in the
/// API reference (nor in its Go and Python pages), so they are refused
/// rather than sent to a server that does not promise to understand them.
///
/// The API's limits, checked by `validate` before anything is sent: at
/// most 5 filters, at most 5 levels of nesting, 1 to 10 values for `in`
/// operators; the `:number` operators take numbers only, `eq:boolean`
/// takes `true` or `false`.
///
/// Encoding, decided from Cloudflare's documented examples
/// (`?meta.status[in]=pending|deleted|flagged`, `meta.status[eq:string]=active`):
/// the brackets, the `:` of the operator, the `.` between path levels and
/// the `|` between `in` values are sent literally, exactly as documented,
/// because the server matches that syntax and a literal byte is read the
/// same whether or not the server percent-decodes keys first. Everything
/// else in a field name or a value is percent-encoded (RFC 3986 unreserved
/// characters stay as they are; a space is `%20`), so `&`, `=`, `#`, `+`
/// or `|` inside a value cannot be mistaken for syntax. Field names
/// containing `[`, `]` or `.`-separated empty parts are refused, and so
/// are `in` values containing `|`, since the server would split them.
///
/// https://developers.cloudflare.com/api/resources/images/subresources/v2/methods/list/

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <cfimages/detail/text.hpp>
#include <cfimages/result.hpp>

namespace cfimages {
namespace v2 {

/// A metadata comparison operator: the ones Cloudflare's list-v2
/// reference documents (see the file comment).
enum class MetaOp {
    eq,          ///< `eq`: equals (type inferred by the server).
    eq_string,   ///< `eq:string`: equals, compared as a string.
    eq_number,   ///< `eq:number`: equals, compared as a number.
    eq_boolean,  ///< `eq:boolean`: equals `true` or `false`.
    in,          ///< `in`: equals any of the values.
    in_string,   ///< `in:string`: any of the values, as strings.
    in_number,   ///< `in:number`: any of the values, as numbers.
};

/// Returns the operator as written between the brackets (`"eq:string"`),
/// or an empty view for a value outside the enumeration.
inline std::string_view to_string(MetaOp op) noexcept {
    switch (op) {
    case MetaOp::eq: return "eq";
    case MetaOp::eq_string: return "eq:string";
    case MetaOp::eq_number: return "eq:number";
    case MetaOp::eq_boolean: return "eq:boolean";
    case MetaOp::in: return "in";
    case MetaOp::in_string: return "in:string";
    case MetaOp::in_number: return "in:number";
    }
    return {};
}

/// Parses an operator name, exactly as written between the brackets.
/// @return the operator, or nullopt for anything else (range operators
///   such as `gte` included: the API reference does not document them).
inline std::optional<MetaOp> parse_meta_op(std::string_view s) noexcept {
    if (s == "eq") return MetaOp::eq;
    if (s == "eq:string") return MetaOp::eq_string;
    if (s == "eq:number") return MetaOp::eq_number;
    if (s == "eq:boolean") return MetaOp::eq_boolean;
    if (s == "in") return MetaOp::in;
    if (s == "in:string") return MetaOp::in_string;
    if (s == "in:number") return MetaOp::in_number;
    return std::nullopt;
}

/// Returns true for the list operators (`in`, `in:string`, `in:number`).
inline bool is_list_op(MetaOp op) noexcept {
    return op == MetaOp::in || op == MetaOp::in_string || op == MetaOp::in_number;
}

/// One filter. On the wire: `meta.<field>[<op>]=<values joined by |>`.
struct MetaFilter {
    /// The metadata field; a dotted path for nested fields (`region.name`),
    /// without the `meta` prefix.
    std::string field;
    MetaOp op = MetaOp::eq;  ///< The comparison.
    /// The value(s), unencoded: exactly one, or 1 to 10 for list operators.
    std::vector<std::string> values;

    /// Equal when every field is equal.
    friend bool operator==(const MetaFilter& a, const MetaFilter& b) {
        return a.field == b.field && a.op == b.op && a.values == b.values;
    }
    /// Not equal when any field differs.
    friend bool operator!=(const MetaFilter& a, const MetaFilter& b) { return !(a == b); }
};

/// At most this many filters per request.
inline constexpr std::size_t max_meta_filters = 5;
/// At most this many levels in a field path (`a.b.c.d.e`).
inline constexpr std::size_t max_meta_depth = 5;
/// At most this many values for a list operator.
inline constexpr std::size_t max_meta_in_values = 10;

namespace meta_detail {

// A JSON-style number: -?digits(.digits)?([eE][+-]?digits)?
inline bool is_number(std::string_view s) noexcept {
    std::size_t i = 0;
    auto digits = [&]() {
        const std::size_t from = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        return i > from;
    };
    if (i < s.size() && s[i] == '-') ++i;
    if (!digits()) return false;
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (!digits()) return false;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (!digits()) return false;
    }
    return i == s.size() && s.size() <= 64;
}

inline std::optional<ApiError> check_filter(const MetaFilter& f, std::size_t index) {
    std::string where = "meta[" + cfimages::detail::int_to_string(static_cast<std::int64_t>(index)) + "]";
    if (f.field.empty()) return ApiError::invalid(where + ".field", "must not be empty");
    if (f.field.size() > 1024) return ApiError::invalid(where + ".field", "must be at most 1024 characters");
    if (cfimages::detail::has_control(f.field))
        return ApiError::invalid(where + ".field", "must not contain control characters (CR, LF, ...)");
    if (f.field.find_first_of("[]") != std::string::npos)
        return ApiError::invalid(where + ".field", "must not contain '[' or ']'");
    std::size_t depth = 1;
    for (std::size_t i = 0; i < f.field.size(); ++i) {
        if (f.field[i] != '.') continue;
        ++depth;
        if (i == 0 || i + 1 == f.field.size() || f.field[i + 1] == '.')
            return ApiError::invalid(where + ".field", "must not have empty parts around '.'");
    }
    if (depth > max_meta_depth)
        return ApiError::invalid(where + ".field", "nests " + cfimages::detail::int_to_string(
                                                              static_cast<std::int64_t>(depth)) +
                                                          " levels; the API allows at most 5");
    const std::string_view op = to_string(f.op);
    if (op.empty()) return ApiError::invalid(where + ".op", "is not a known operator");
    where += " (" + f.field + "[" + std::string(op) + "])";
    if (is_list_op(f.op)) {
        if (f.values.empty()) return ApiError::invalid(where, "needs at least one value");
        if (f.values.size() > max_meta_in_values)
            return ApiError::invalid(where, "has " + cfimages::detail::int_to_string(
                                                         static_cast<std::int64_t>(f.values.size())) +
                                                " values; the API allows at most 10");
    } else if (f.values.size() != 1) {
        return ApiError::invalid(where, "needs exactly one value");
    }
    for (const std::string& v : f.values) {
        if (cfimages::detail::has_control(v))
            return ApiError::invalid(where, "values must not contain control characters (CR, LF, ...)");
        if (v.size() > 1024) return ApiError::invalid(where, "values must be at most 1024 characters");
        if (is_list_op(f.op)) {
            if (v.empty()) return ApiError::invalid(where, "list values must not be empty");
            if (v.find('|') != std::string::npos)
                return ApiError::invalid(where, "list values must not contain '|' (the separator)");
        }
        switch (f.op) {
        case MetaOp::eq_number: case MetaOp::in_number:
            if (!is_number(v)) return ApiError::invalid(where, "'" + v + "' is not a number");
            break;
        case MetaOp::eq_boolean:
            if (v != "true" && v != "false")
                return ApiError::invalid(where, "value must be true or false (got '" + v + "')");
            break;
        default:
            break;
        }
    }
    return std::nullopt;
}

} // namespace meta_detail

/// Checks filters against the API's rules before they are sent.
/// @return nullopt when all is well, or an `invalid_argument` error naming
///   the filter (`meta[2].field: ...`, `meta[0] (status[eq:number]): 'x'
///   is not a number`) when: there are more than 5 filters; a field is
///   empty, over 1024 characters, has control characters (CR, LF, ...),
///   `[` or `]`, empty path parts, or more than 5 levels; an operator is
///   unknown; a non-list operator has other than one value; a list
///   operator has 0 or more than 10 values, an empty value, or a value
///   with `|`; a `:number` operator has a non-number; `eq:boolean` has
///   other than `true`/`false`.
inline std::optional<ApiError> validate(const std::vector<MetaFilter>& filters) {
    if (filters.size() > max_meta_filters)
        return ApiError::invalid("meta", "has " + cfimages::detail::int_to_string(
                                                      static_cast<std::int64_t>(filters.size())) +
                                             " filters; the API allows at most 5");
    for (std::size_t i = 0; i < filters.size(); ++i)
        if (auto e = meta_detail::check_filter(filters[i], i)) return e;
    return std::nullopt;
}

/// Appends the filters as query parameters, encoded as the file comment
/// describes. Each is `meta.<field>[<op>]=<value>`, joined with `&`.
///
/// `url_query` may be a whole URL or a bare query string: a `?` is added
/// when it is a URL (has `://`) without a query yet, a `&` when it already
/// has parameters, nothing when it is empty or ends in `?` or `&`.
/// Call `validate` first: this function does not check the rules, it only
/// encodes (safely, whatever the input).
inline void append_query(std::string& url_query, const std::vector<MetaFilter>& filters) {
    for (const MetaFilter& f : filters) {
        if (!url_query.empty()) {
            const char last = url_query.back();
            if (last != '?' && last != '&') {
                const bool is_url = url_query.find("://") != std::string::npos;
                url_query.push_back(is_url && url_query.find('?') == std::string::npos ? '?' : '&');
            }
        }
        url_query.append("meta.");
        std::size_t start = 0;
        while (true) {
            const std::size_t dot = f.field.find('.', start);
            cfimages::detail::percent_encode(
                url_query,
                std::string_view(f.field).substr(start, dot == std::string::npos ? std::string::npos
                                                                                 : dot - start));
            if (dot == std::string::npos) break;
            url_query.push_back('.');
            start = dot + 1;
        }
        url_query.push_back('[');
        url_query.append(to_string(f.op));
        url_query.append("]=");
        for (std::size_t i = 0; i < f.values.size(); ++i) {
            if (i != 0) url_query.push_back('|');
            cfimages::detail::percent_encode(url_query, f.values[i]);
        }
    }
}

/// Parses one filter as the command line writes it: `field[op]=value`,
/// with `|` between values for list operators (`status[in]=a|b`). A
/// leading `meta.` is accepted and dropped, so filters copied from
/// Cloudflare's examples work (`meta.status[eq]=active`); to filter on a
/// top-level field literally named `meta`, write `meta.meta[...]`.
/// The value is taken as written (not percent-decoded).
/// @return the filter, or `invalid_argument` when the text is not of that
///   shape, the operator is not one the API documents (`gte` and the other
///   range operators included), or the filter breaks a rule of `validate`.
inline Result<MetaFilter> parse_meta_filter(std::string_view text) {
    const std::size_t open = text.find('[');
    const std::size_t close = text.find("]=", open == std::string_view::npos ? 0 : open);
    if (open == std::string_view::npos || close == std::string_view::npos)
        return ApiError::invalid("meta", "must look like field[op]=value (e.g. status[eq]=active)");
    MetaFilter f;
    std::string_view field = text.substr(0, open);
    if (field.substr(0, 5) == "meta.") field.remove_prefix(5);
    f.field.assign(field.begin(), field.end());
    const std::string_view op = text.substr(open + 1, close - open - 1);
    auto parsed_op = parse_meta_op(op);
    if (!parsed_op) {
        const std::string_view base = op.substr(0, op.find(':'));
        const bool range = base == "gt" || base == "gte" || base == "lt" || base == "lte";
        return ApiError::invalid("meta", std::string(range ? "operator '" : "unknown operator '") +
                                             cfimages::detail::one_line(op, 64) +
                                             (range ? "' is not in Cloudflare's list-v2 documentation" : "'") +
                                             " (use eq, eq:string, eq:number, eq:boolean, in, "
                                             "in:string or in:number)");
    }
    f.op = *parsed_op;
    const std::string_view value = text.substr(close + 2);
    if (is_list_op(f.op)) {
        std::size_t start = 0;
        while (true) {
            const std::size_t bar = value.find('|', start);
            const std::string_view v =
                value.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
            f.values.emplace_back(v.begin(), v.end());
            if (bar == std::string_view::npos) break;
            start = bar + 1;
        }
    } else {
        f.values.emplace_back(value.begin(), value.end());
    }
    if (auto e = meta_detail::check_filter(f, 0)) return std::move(*e);
    return f;
}

} // namespace v2
} // namespace cfimages

#endif // CFIMAGES_META_FILTER_HPP
