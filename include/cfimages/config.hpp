#ifndef CFIMAGES_CONFIG_HPP
#define CFIMAGES_CONFIG_HPP

/// @file
/// `Config`: the account, the credentials and the endpoint every builder
/// needs. A plain value: copy it, keep one per account.

#include <cstddef>
#include <ostream>
#include <string>
#include <variant>

#include <cfimages/version.hpp>

namespace cfimages {

/// An API token, sent as `Authorization: Bearer <token>`.
/// Never printed: `operator<<` writes `ApiToken{<redacted>}`.
struct ApiToken {
    std::string token;  ///< The token as issued (without `Bearer `).
};

/// A global API key with its account e-mail, sent as `X-Auth-Email` and
/// `X-Auth-Key`. Never printed in full.
struct ApiKey {
    std::string email;  ///< The account's e-mail address (`X-Auth-Email`).
    std::string key;    ///< The global API key (`X-Auth-Key`).
};

/// A batch token from `v1::batch_token`, sent as `Authorization: Bearer`
/// to the batch host (`Config::batch`).
struct BatchToken {
    std::string token;  ///< The token `v1::batch_token` returned.
};

/// No credentials yet: every builder refuses to build a request with it.
using NoCredentials = std::monostate;

/// One of the ways to authenticate.
using Credentials = std::variant<NoCredentials, ApiToken, ApiKey, BatchToken>;

/// Writes `ApiToken{<redacted>}`: tokens never reach logs.
inline std::ostream& operator<<(std::ostream& os, const ApiToken&) {
    return os << "ApiToken{<redacted>}";
}
/// Writes `ApiKey{<redacted>}`: keys never reach logs.
inline std::ostream& operator<<(std::ostream& os, const ApiKey&) {
    return os << "ApiKey{<redacted>}";
}
/// Writes `BatchToken{<redacted>}`: tokens never reach logs.
inline std::ostream& operator<<(std::ostream& os, const BatchToken&) {
    return os << "BatchToken{<redacted>}";
}

/// The default API root of the real service.
inline constexpr const char* default_base_url = "https://api.cloudflare.com/client/v4";

/// The host that accepts Images calls made with a batch token.
inline constexpr const char* batch_base_url = "https://batch.imagedelivery.net";

/// What every builder needs to know.
struct Config {
    /// Account identifier (at most 32 characters, as the API defines it).
    std::string account_id;
    /// How to authenticate; builders refuse `NoCredentials`.
    Credentials credentials;
    /// API root without a trailing slash; a Prism mock is served at the
    /// root (`http://127.0.0.1:4010`).
    std::string base_url = default_base_url;
    /// Largest file `v1::create` accepts; Cloudflare refuses more than 10 MB.
    std::size_t max_upload_bytes = 10u * 1024u * 1024u;
    /// Sent as `User-Agent`.
    std::string user_agent = "cfimages/" CFIMAGES_VERSION_STRING;
};

/// Writes the account and base URL; credentials are shown redacted.
inline std::ostream& operator<<(std::ostream& os, const Config& c) {
    os << "Config{account_id=" << c.account_id << ", base_url=" << c.base_url
       << ", credentials=";
    switch (c.credentials.index()) {
    case 0: os << "none"; break;
    case 1: os << "ApiToken{<redacted>}"; break;
    case 2: os << "ApiKey{<redacted>}"; break;
    default: os << "BatchToken{<redacted>}"; break;
    }
    return os << '}';
}

} // namespace cfimages

#endif // CFIMAGES_CONFIG_HPP
