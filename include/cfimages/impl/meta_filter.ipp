#ifndef CFIMAGES_IMPL_META_FILTER_IPP
#define CFIMAGES_IMPL_META_FILTER_IPP

// Definitions of <cfimages/meta_filter.hpp>: included at the end of that header
// (header-only) or by <cfimages/src.hpp> (separate compilation), see
// cfimages/detail/link.hpp.

#include <cfimages/meta_filter.hpp>

#include <cfimages/detail/text.hpp>

namespace cfimages {
namespace detail {
// A JSON-style number: -?digits(.digits)?([eE][+-]?digits)?
inline bool is_json_number(std::string_view s) noexcept {
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

inline std::optional<ApiError> check_meta_filter(const v2::MetaFilter& f, std::size_t index) {
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
    if (depth > v2::max_meta_depth)
        return ApiError::invalid(where + ".field", "nests " + cfimages::detail::int_to_string(
                                                              static_cast<std::int64_t>(depth)) +
                                                          " levels; the API allows at most 5");
    const std::string_view op = to_string(f.op);
    if (op.empty()) return ApiError::invalid(where + ".op", "is not a known operator");
    where += " (" + f.field + "[" + std::string(op) + "])";
    if (v2::is_list_op(f.op)) {
        if (f.values.empty()) return ApiError::invalid(where, "needs at least one value");
        if (f.values.size() > v2::max_meta_in_values)
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
        if (v2::is_list_op(f.op)) {
            if (v.empty()) return ApiError::invalid(where, "list values must not be empty");
            if (v.find('|') != std::string::npos)
                return ApiError::invalid(where, "list values must not contain '|' (the separator)");
        }
        switch (f.op) {
        case v2::MetaOp::eq_number: case v2::MetaOp::in_number:
            if (!is_json_number(v)) return ApiError::invalid(where, "'" + v + "' is not a number");
            break;
        case v2::MetaOp::eq_boolean:
            if (v != "true" && v != "false")
                return ApiError::invalid(where, "value must be true or false (got '" + v + "')");
            break;
        default:
            break;
        }
    }
    return std::nullopt;
}

} // namespace detail

namespace v2 {

CFIMAGES_DECL std::string_view to_string(MetaOp op) noexcept {
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

CFIMAGES_DECL std::optional<MetaOp> parse_meta_op(std::string_view s) noexcept {
    if (s == "eq") return MetaOp::eq;
    if (s == "eq:string") return MetaOp::eq_string;
    if (s == "eq:number") return MetaOp::eq_number;
    if (s == "eq:boolean") return MetaOp::eq_boolean;
    if (s == "in") return MetaOp::in;
    if (s == "in:string") return MetaOp::in_string;
    if (s == "in:number") return MetaOp::in_number;
    return std::nullopt;
}

CFIMAGES_DECL bool is_list_op(MetaOp op) noexcept {
    return op == MetaOp::in || op == MetaOp::in_string || op == MetaOp::in_number;
}

CFIMAGES_DECL std::optional<ApiError> validate(const std::vector<MetaFilter>& filters) {
    if (filters.size() > max_meta_filters)
        return ApiError::invalid("meta", "has " + cfimages::detail::int_to_string(
                                                      static_cast<std::int64_t>(filters.size())) +
                                             " filters; the API allows at most 5");
    for (std::size_t i = 0; i < filters.size(); ++i)
        if (auto e = detail::check_meta_filter(filters[i], i)) return e;
    return std::nullopt;
}

CFIMAGES_DECL void append_query(std::string& url_query, const std::vector<MetaFilter>& filters) {
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

CFIMAGES_DECL Result<MetaFilter> parse_meta_filter(std::string_view text) {
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
    if (auto e = detail::check_meta_filter(f, 0)) return std::move(*e);
    return f;
}

} // namespace v2
} // namespace cfimages

#endif // CFIMAGES_IMPL_META_FILTER_IPP
