#ifndef CFIMAGES_IMPL_KEYS_IPP
#define CFIMAGES_IMPL_KEYS_IPP

// Definitions of <cfimages/keys.hpp>: included at the end of that header
// (header-only) or by <cfimages/src.hpp> (separate compilation), see
// cfimages/detail/link.hpp.

#include <cfimages/keys.hpp>

#include <cfimages/detail/build.hpp>
#include <cfimages/detail/decode.hpp>
#include <cfimages/detail/envelope.hpp>

namespace cfimages {
namespace detail {

inline Result<std::vector<SigningKey>> parse_keys(const HttpResponse& r, const ParseContext&) {
    return parse_envelope<std::vector<SigningKey>>(r, decode_keys);
}

// Key names travel in the path. The spec's images_signing_key_identifier
// has maxLength 20 and the pattern ^[a-zA-Z0-9]$ (one character as
// written; real names such as its example "someKey" are longer, so the
// rule is: 1 to 20 ASCII letters and digits).
inline constexpr std::size_t max_key_name = 20;

inline std::optional<ApiError> check_key_name(std::string_view name) {
    if (auto e = check_path_param("name", name, max_key_name)) return e;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!ok) return ApiError::invalid("name", "may hold only letters and digits (A-Z, a-z, 0-9)");
    }
    return std::nullopt;
}

} // namespace detail

namespace v1 {
namespace keys {

CFIMAGES_DECL Result<Request<std::vector<SigningKey>>> list(const Config& cfg) {
    auto http = detail::start(cfg, Method::get, {detail::lit("/images/v1/keys")});
    if (!http) return std::move(http).error();
    return detail::finish<std::vector<SigningKey>>(std::move(*http), detail::parse_keys);
}

CFIMAGES_DECL Result<Request<std::vector<SigningKey>>> update(const Config& cfg, std::string_view name) {
    if (auto e = detail::check_key_name(name)) return std::move(*e);
    auto http = detail::start(cfg, Method::put, {detail::lit("/images/v1/keys"), detail::param("name", name)});
    if (!http) return std::move(http).error();
    return detail::finish<std::vector<SigningKey>>(std::move(*http), detail::parse_keys);
}

CFIMAGES_DECL Result<Request<std::vector<SigningKey>>> remove(const Config& cfg, std::string_view name) {
    if (auto e = detail::check_key_name(name)) return std::move(*e);
    auto http = detail::start(cfg, Method::delete_, {detail::lit("/images/v1/keys"), detail::param("name", name)});
    if (!http) return std::move(http).error();
    return detail::finish<std::vector<SigningKey>>(std::move(*http), detail::parse_keys);
}

} // namespace keys
} // namespace v1
} // namespace cfimages

#endif // CFIMAGES_IMPL_KEYS_IPP
