#ifndef CFIMAGES_DETAIL_BUILD_HPP
#define CFIMAGES_DETAIL_BUILD_HPP

// The common first half of every builder: check the Config, assemble the
// absolute URL from literal path pieces and percent-encoded parameters,
// and add the credential, Accept and User-Agent headers in a fixed order.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include <cfimages/config.hpp>
#include <cfimages/detail/text.hpp>
#include <cfimages/http.hpp>
#include <cfimages/request.hpp>
#include <cfimages/result.hpp>
#include <cfimages/url.hpp>

namespace cfimages {
namespace detail {

// One piece of a path: a literal (`field` empty) copied as is, or a
// parameter validated under `field`'s name and percent-encoded.
struct Seg {
    std::string_view text;
    std::string_view field{};
    std::size_t max_len = 1024;
};

inline Seg lit(std::string_view s) { return Seg{s}; }
inline Seg param(std::string_view field, std::string_view v, std::size_t max_len = 1024) {
    return Seg{v, field, max_len};
}

inline std::optional<ApiError> check_config(const Config& cfg) {
    const bool batch = std::holds_alternative<BatchToken>(cfg.credentials);
    if (!batch) {
        if (auto e = check_path_param("account_id", cfg.account_id, 32)) return e;
    }
    std::string_view base = cfg.base_url;
    if (base.substr(0, 8) != "https://" && base.substr(0, 7) != "http://")
        return ApiError::invalid("base_url", "must start with https:// or http://");
    if (has_control(base) || base.find(' ') != std::string_view::npos)
        return ApiError::invalid("base_url", "must not contain spaces or control characters");
    // Paths are appended to it: a query or fragment would swallow them, and
    // without a host ("https://") the result is not even an absolute URL.
    if (base.find('?') != std::string_view::npos || base.find('#') != std::string_view::npos)
        return ApiError::invalid("base_url", "must not contain '?' or '#'");
    Url parts;
    switch (split_url_into(base, parts)) {
    case UrlFault::none: break;
    case UrlFault::no_host:
        return ApiError::invalid("base_url", "must name a host, as in https://api.cloudflare.com/client/v4");
    case UrlFault::user_info: return ApiError::invalid("base_url", "must not carry user info (user:password@)");
    case UrlFault::port: return ApiError::invalid("base_url", "has an invalid port");
    default: return ApiError::invalid("base_url", "has an invalid host");
    }
    if (auto e = check_header_value("user_agent", cfg.user_agent)) return e;
    switch (cfg.credentials.index()) {
    case 0:
        return ApiError::invalid("credentials", "required: set an ApiToken or an ApiKey");
    case 1: {
        const auto& t = std::get<ApiToken>(cfg.credentials).token;
        if (t.empty()) return ApiError::invalid("credentials.token", "must not be empty");
        if (has_control(t)) return ApiError::invalid("credentials.token", "must not contain control characters");
        break;
    }
    case 2: {
        const auto& k = std::get<ApiKey>(cfg.credentials);
        if (k.email.empty()) return ApiError::invalid("credentials.email", "must not be empty");
        if (k.key.empty()) return ApiError::invalid("credentials.key", "must not be empty");
        if (has_control(k.email)) return ApiError::invalid("credentials.email", "must not contain control characters");
        if (has_control(k.key)) return ApiError::invalid("credentials.key", "must not contain control characters");
        break;
    }
    default: {
        const auto& t = std::get<BatchToken>(cfg.credentials).token;
        if (t.empty()) return ApiError::invalid("credentials.batch_token", "must not be empty");
        if (has_control(t)) return ApiError::invalid("credentials.batch_token", "must not contain control characters");
        break;
    }
    }
    return std::nullopt;
}

// Starts a request to `<root>/accounts/<account_id>` + segs. With a batch
// token the root is the batch host and the account is implied by the token,
// as Cloudflare's batch API documents (`https://batch.imagedelivery.net/images/v1/...`).
inline Result<HttpRequest> start(const Config& cfg, Method m, std::initializer_list<Seg> segs,
                                 std::string_view accept = "application/json") {
    if (auto e = check_config(cfg)) return std::move(*e);
    HttpRequest r;
    r.method = m;
    const bool batch = std::holds_alternative<BatchToken>(cfg.credentials);
    std::string_view base = cfg.base_url;
    if (batch && base == default_base_url) base = batch_base_url;
    while (!base.empty() && base.back() == '/') base.remove_suffix(1);
    std::size_t len = base.size() + 48 + cfg.account_id.size();
    for (const Seg& s : segs) len += s.text.size() * (s.field.empty() ? 1 : 3) + 1;
    r.url.reserve(len);
    r.url.append(base);
    if (!batch) {
        r.url.append("/accounts/");
        percent_encode(r.url, cfg.account_id);
    }
    for (const Seg& s : segs) {
        if (s.field.empty()) {
            r.url.append(s.text);
        } else {
            if (auto e = check_path_param(s.field, s.text, s.max_len)) return std::move(*e);
            r.url.push_back('/');
            percent_encode(r.url, s.text);
        }
    }
    r.headers.reserve(5);
    switch (cfg.credentials.index()) {
    case 1:
        r.headers.push_back({"Authorization", "Bearer " + std::get<ApiToken>(cfg.credentials).token});
        break;
    case 2: {
        const auto& k = std::get<ApiKey>(cfg.credentials);
        r.headers.push_back({"X-Auth-Email", k.email});
        r.headers.push_back({"X-Auth-Key", k.key});
        break;
    }
    default:
        r.headers.push_back({"Authorization", "Bearer " + std::get<BatchToken>(cfg.credentials).token});
        break;
    }
    r.headers.push_back({"Accept", std::string(accept)});
    r.headers.push_back({"User-Agent", cfg.user_agent});
    return r;
}

// Appends `?name=value` or `&name=value`, the value percent-encoded.
inline void add_query(std::string& url, bool& first, std::string_view name, std::string_view value) {
    url.push_back(first ? '?' : '&');
    first = false;
    url.append(name);
    url.push_back('=');
    percent_encode(url, value);
}

inline void set_body(HttpRequest& r, std::string content_type, std::string body) {
    r.headers.push_back({"Content-Type", std::move(content_type)});
    r.body = std::move(body);
}

template <class T>
Result<Request<T>> finish(HttpRequest&& http, typename Request<T>::Parser parser,
                          bool idempotent = true, typename Request<T>::Context ctx = {}) {
    Request<T> req;
    req.http = std::move(http);
    req.parser = parser;
    req.idempotent = idempotent;
    req.context = ctx;
    return req;
}

} // namespace detail
} // namespace cfimages

#endif // CFIMAGES_DETAIL_BUILD_HPP
