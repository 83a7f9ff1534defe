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
#include <cfimages/models.hpp>
#include <cfimages/request.hpp>
#include <cfimages/result.hpp>

namespace cfimages {
namespace v1 {
namespace keys {

/// Builds `GET /accounts/{account_id}/images/v1/keys`.
/// @return the request, or `invalid_argument` for a bad Config.
/// The parsed value is every key with its secret `value`: do not log it.
CFIMAGES_DECL Result<Request<std::vector<SigningKey>>> list(const Config& cfg);

/// Builds `PUT /accounts/{account_id}/images/v1/keys/{name}`: creates the
/// key, or rotates it when it exists. The answer lists all keys.
/// @return the request, or `invalid_argument` when the name is empty, over
///   20 characters or holds anything but ASCII letters and digits.
CFIMAGES_DECL Result<Request<std::vector<SigningKey>>> update(const Config& cfg, std::string_view name);

/// Builds `DELETE /accounts/{account_id}/images/v1/keys/{name}`. The
/// answer lists the keys that remain.
/// @return the request, or `invalid_argument` for a bad name (as for
///   `update`) or Config.
CFIMAGES_DECL Result<Request<std::vector<SigningKey>>> remove(const Config& cfg, std::string_view name);

} // namespace keys
} // namespace v1
} // namespace cfimages

#define CFIMAGES_IMPL_FILE <cfimages/impl/keys.ipp>
#include <cfimages/detail/bodies.hpp>

#endif // CFIMAGES_KEYS_HPP
