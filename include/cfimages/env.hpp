#ifndef CFIMAGES_ENV_HPP
#define CFIMAGES_ENV_HPP

/// @file
/// `config_from_env`: a `Config` from the environment variables the
/// official Cloudflare SDKs and tools read. The overload taking a lookup
/// function is pure (tests and programs with their own settings store use
/// it); `config_from_env()` reads the process environment, and is the one
/// function of the codec that does.

#include <cstddef>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include <cfimages/config.hpp>
#include <cfimages/detail/build.hpp>
#include <cfimages/result.hpp>
#include <cfimages/url.hpp>

namespace cfimages {

/// `CLOUDFLARE_API_TOKEN`: an API token (`ApiToken`); wins over the key pair.
inline constexpr const char* env_api_token = "CLOUDFLARE_API_TOKEN";
/// `CLOUDFLARE_EMAIL`: the account e-mail of a global API key (`ApiKey::email`).
inline constexpr const char* env_email = "CLOUDFLARE_EMAIL";
/// `CLOUDFLARE_API_KEY`: a global API key (`ApiKey::key`), with `CLOUDFLARE_EMAIL`.
inline constexpr const char* env_api_key = "CLOUDFLARE_API_KEY";
/// `CLOUDFLARE_ACCOUNT_ID`: the account (`Config::account_id`); required.
inline constexpr const char* env_account_id = "CLOUDFLARE_ACCOUNT_ID";
/// `CLOUDFLARE_BASE_URL`: the API root (`Config::base_url`); optional.
inline constexpr const char* env_base_url = "CLOUDFLARE_BASE_URL";

namespace detail {

// Renames the Config field a check_config error names to the variable the
// value came from ("credentials.token: ..." -> "CLOUDFLARE_API_TOKEN: ...").
inline ApiError rename_config_field(ApiError e) {
    static constexpr std::pair<std::string_view, const char*> names[] = {
        {"account_id", env_account_id},    {"base_url", env_base_url},
        {"credentials.token", env_api_token}, {"credentials.email", env_email},
        {"credentials.key", env_api_key},
    };
    for (const auto& n : names) {
        const std::string_view m = e.message;
        if (m.size() > n.first.size() && m.compare(0, n.first.size(), n.first) == 0 &&
            m[n.first.size()] == ':') {
            e.message = std::string(n.second) + e.message.substr(n.first.size());
            break;
        }
    }
    return e;
}

} // namespace detail

/// Builds a `Config` from the variables the official SDKs read, looked up
/// through `lookup`.
///
/// `lookup(name)` is called with a variable's name (`const char*`) and
/// returns its value as a `const char*`, or `nullptr` when it is unset: the
/// shape of `std::getenv`, so a test passes a lambda over a map and leaves
/// the process environment alone. An empty value counts as unset.
///
/// - Credentials: `CLOUDFLARE_API_TOKEN` (`ApiToken`), else
///   `CLOUDFLARE_EMAIL` with `CLOUDFLARE_API_KEY` (`ApiKey`).
/// - `CLOUDFLARE_ACCOUNT_ID`: required.
/// - `CLOUDFLARE_BASE_URL`: optional (default `default_base_url`); trailing
///   slashes are dropped.
///
/// @return the `Config`, which every builder accepts; or an
///   `invalid_argument` error whose message starts with the variable's
///   name: `CLOUDFLARE_ACCOUNT_ID: not set`, `CLOUDFLARE_API_TOKEN: not set
///   (nor CLOUDFLARE_EMAIL with CLOUDFLARE_API_KEY)`, `CLOUDFLARE_EMAIL:
///   required with CLOUDFLARE_API_KEY` (and the reverse), or the rule a value
///   breaks (`CLOUDFLARE_BASE_URL: must start with https:// or http://`,
///   `CLOUDFLARE_API_TOKEN: must not contain control characters`, ...).
///   Messages never contain a credential's value.
template <class Lookup>
Result<Config> config_from_env(Lookup&& lookup) {
    auto get = [&lookup](const char* name) -> std::string_view {
        const char* v = lookup(name);
        return v == nullptr ? std::string_view() : std::string_view(v);
    };
    const std::string_view token = get(env_api_token);
    const std::string_view email = get(env_email);
    const std::string_view key = get(env_api_key);
    const std::string_view account = get(env_account_id);
    std::string_view base = get(env_base_url);

    Config cfg;
    if (account.empty()) return ApiError::invalid(env_account_id, "not set");
    cfg.account_id = std::string(account);
    if (!token.empty()) {
        cfg.credentials = ApiToken{std::string(token)};
    } else if (!email.empty() && !key.empty()) {
        cfg.credentials = ApiKey{std::string(email), std::string(key)};
    } else if (!key.empty()) {
        return ApiError::invalid(env_email, "required with CLOUDFLARE_API_KEY");
    } else if (!email.empty()) {
        return ApiError::invalid(env_api_key, "required with CLOUDFLARE_EMAIL");
    } else {
        return ApiError::invalid(env_api_token, "not set (nor CLOUDFLARE_EMAIL with CLOUDFLARE_API_KEY)");
    }
    if (!base.empty()) {
        // Trailing slashes of the path go; a URL split_url refuses is left
        // as written, so that check_config says what is wrong with it.
        Url parts;
        if (detail::split_url_into(base, parts) == detail::UrlFault::none)
            for (std::string_view path = parts.target; !path.empty() && path.back() == '/';) {
                path.remove_suffix(1);
                base.remove_suffix(1);
            }
        cfg.base_url = std::string(base);
    }
    if (auto e = detail::check_config(cfg)) return detail::rename_config_field(std::move(*e));
    return cfg;
}

/// Builds a `Config` from the process environment (`std::getenv`); see
/// `config_from_env(Lookup&&)` for the variables and the errors.
///
/// Reads the environment each time it is called; the rest of the codec
/// never does.
inline Result<Config> config_from_env() {
    return config_from_env([](const char* name) -> const char* { return std::getenv(name); });
}

} // namespace cfimages

#endif // CFIMAGES_ENV_HPP
