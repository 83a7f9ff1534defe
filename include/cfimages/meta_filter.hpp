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

#include <cfimages/detail/link.hpp>
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
CFIMAGES_DECL std::string_view to_string(MetaOp op) noexcept;

/// Parses an operator name, exactly as written between the brackets.
/// @return the operator, or nullopt for anything else (range operators
///   such as `gte` included: the API reference does not document them).
CFIMAGES_DECL std::optional<MetaOp> parse_meta_op(std::string_view s) noexcept;

/// Returns true for the list operators (`in`, `in:string`, `in:number`).
CFIMAGES_DECL bool is_list_op(MetaOp op) noexcept;

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
CFIMAGES_DECL std::optional<ApiError> validate(const std::vector<MetaFilter>& filters);

/// Appends the filters as query parameters, encoded as the file comment
/// describes. Each is `meta.<field>[<op>]=<value>`, joined with `&`.
///
/// `url_query` may be a whole URL or a bare query string: a `?` is added
/// when it is a URL (has `://`) without a query yet, a `&` when it already
/// has parameters, nothing when it is empty or ends in `?` or `&`.
/// Call `validate` first: this function does not check the rules, it only
/// encodes (safely, whatever the input).
CFIMAGES_DECL void append_query(std::string& url_query, const std::vector<MetaFilter>& filters);

/// Parses one filter as the command line writes it: `field[op]=value`,
/// with `|` between values for list operators (`status[in]=a|b`). A
/// leading `meta.` is accepted and dropped, so filters copied from
/// Cloudflare's examples work (`meta.status[eq]=active`); to filter on a
/// top-level field literally named `meta`, write `meta.meta[...]`.
/// The value is taken as written (not percent-decoded).
/// @return the filter, or `invalid_argument` when the text is not of that
///   shape, the operator is not one the API documents (`gte` and the other
///   range operators included), or the filter breaks a rule of `validate`.
CFIMAGES_DECL Result<MetaFilter> parse_meta_filter(std::string_view text);

} // namespace v2
} // namespace cfimages

#define CFIMAGES_IMPL_FILE <cfimages/impl/meta_filter.ipp>
#include <cfimages/detail/bodies.hpp>

#endif // CFIMAGES_META_FILTER_HPP
