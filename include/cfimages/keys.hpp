#ifndef CFIMAGES_KEYS_HPP
#define CFIMAGES_KEYS_HPP

/// @file
/// Signing keys for signed delivery URLs: list, create or rotate, delete.
/// https://developers.cloudflare.com/api/resources/images/subresources/v1/subresources/keys/

#include <cstddef>
#include <string_view>
#include <vector>

#include <cfimages/config.hpp>
#include <cfimages/detail/link.hpp>
#if CFIMAGES_DEFINE_BODIES
#include <cfimages/detail/build.hpp>
#include <cfimages/detail/decode.hpp>
#include <cfimages/detail/envelope.hpp>
#endif
#include <cfimages/models.hpp>
#include <cfimages/request.hpp>
#include <cfimages/result.hpp>

namespace cfimages {
#if !CFIMAGES_DEFINE_BODIES
// Separate compilation (cfimages/detail/link.hpp): declarations only;
// the definitions below are compiled in the TU that includes <cfimages/src.hpp>.
namespace v1 {
namespace keys {
CFIMAGES_DECL Result<Request<std::vector<SigningKey>>> list(const Config& cfg);
CFIMAGES_DECL Result<Request<std::vector<SigningKey>>> update(const Config& cfg, std::string_view name);
CFIMAGES_DECL Result<Request<std::vector<SigningKey>>> remove(const Config& cfg, std::string_view name);
} // namespace keys
} // namespace v1
#else
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

/// Builds `GET /accounts/{account_id}/images/v1/keys`.
/// @return the request, or `invalid_argument` for a bad Config.
/// The parsed value is every key with its secret `value`: do not log it.
CFIMAGES_DECL Result<Request<std::vector<SigningKey>>> list(const Config& cfg) {
    auto http = detail::start(cfg, Method::get, {detail::lit("/images/v1/keys")});
    if (!http) return std::move(http).error();
    return detail::finish<std::vector<SigningKey>>(std::move(*http), detail::parse_keys);
}

/// Builds `PUT /accounts/{account_id}/images/v1/keys/{name}`: creates the
/// key, or rotates it when it exists. The answer lists all keys.
/// @return the request, or `invalid_argument` when the name is empty, over
///   20 characters or holds anything but ASCII letters and digits.
CFIMAGES_DECL Result<Request<std::vector<SigningKey>>> update(const Config& cfg, std::string_view name) {
    if (auto e = detail::check_key_name(name)) return std::move(*e);
    auto http = detail::start(cfg, Method::put, {detail::lit("/images/v1/keys"), detail::param("name", name)});
    if (!http) return std::move(http).error();
    return detail::finish<std::vector<SigningKey>>(std::move(*http), detail::parse_keys);
}

/// Builds `DELETE /accounts/{account_id}/images/v1/keys/{name}`. The
/// answer lists the keys that remain.
/// @return the request, or `invalid_argument` for a bad name (as for
///   `update`) or Config.
CFIMAGES_DECL Result<Request<std::vector<SigningKey>>> remove(const Config& cfg, std::string_view name) {
    if (auto e = detail::check_key_name(name)) return std::move(*e);
    auto http = detail::start(cfg, Method::delete_, {detail::lit("/images/v1/keys"), detail::param("name", name)});
    if (!http) return std::move(http).error();
    return detail::finish<std::vector<SigningKey>>(std::move(*http), detail::parse_keys);
}

} // namespace keys
} // namespace v1
#endif // CFIMAGES_DEFINE_BODIES
} // namespace cfimages

#endif // CFIMAGES_KEYS_HPP
