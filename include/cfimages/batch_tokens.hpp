#ifndef CFIMAGES_BATCH_TOKENS_HPP
#define CFIMAGES_BATCH_TOKENS_HPP

/// @file
/// `BatchTokenPool`: several batch tokens at once, for moving many images
/// fast. Cloudflare's batch host (`batch.imagedelivery.net`) takes the
/// calls that move images (upload, get, edit, delete, list v2, direct
/// upload) at 200 requests per second per token, where the global API
/// allows 1,200 per five minutes per credential; a token comes from
/// `v1::batch_token` and works until its `expiresAt`
/// (https://developers.cloudflare.com/images/upload-images/images-batch/).
///
/// Pure, like the rest of the codec: the pool never calls the API nor
/// reads a clock. It is fed the grants `v1::batch_token` returns, hands
/// out a valid token per call (round robin, so the calls spread over all
/// of them and each token's own 200/s budget is used), and says how many
/// new grants it wants (to reach its size, and to renew a token before it
/// expires). `batch_request` turns a request built for the global API
/// into the same request for the batch host. `beast::AsyncClient` does
/// all of this by itself when given a pool (`use_batch_tokens`).
///
/// @code
/// cfimages::BatchTokenPool pool({/*size*/ 4});
/// while (pool.wanted(std::chrono::system_clock::now()) > 0)
///     pool.add(*client.send(cfimages::v1::batch_token(cfg)));
/// auto req = cfimages::v1::get(cfg, "image-id");                    // built for the global API
/// if (auto token = pool.pick(std::chrono::system_clock::now()))
///     cfimages::batch_request(req->http, *token);                    // now for the batch host
/// @endcode

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <cfimages/config.hpp>
#include <cfimages/http.hpp>
#include <cfimages/images.hpp>

namespace cfimages {

/// Settings of a `BatchTokenPool`.
struct BatchTokenOptions {
    /// How many tokens to keep (each one allows 200 requests per second).
    std::size_t size = 1;
    /// Renew a token this long before it expires: it is no longer handed
    /// out from then on, and a new grant is wanted.
    std::chrono::seconds renew_before{120};
    /// The batch host's root. Change it only for a local test server.
    std::string base_url = batch_base_url;
};

/// Hands out batch tokens; see the file comment. Not thread-safe: one
/// owner (the asynchronous client keeps it on its strand).
class BatchTokenPool {
public:
    /// A pool that wants `options.size` tokens.
    /// @param options the settings.
    explicit BatchTokenPool(BatchTokenOptions options = {}) : options_(std::move(options)) {
        if (options_.size == 0) options_.size = 1;
    }

    /// Returns the settings.
    const BatchTokenOptions& options() const noexcept { return options_; }

    /// Adds a grant from `v1::batch_token`. Ignored when its token is
    /// empty or already held.
    /// @param grant the token and its expiry.
    void add(v1::BatchTokenGrant grant) {
        if (grant.token.empty()) return;
        for (const auto& g : grants_)
            if (g.token == grant.token) return;
        grants_.push_back(std::move(grant));
    }

    /// Forgets `token` (say, after the batch host refused it with 401 or
    /// 403): it is not handed out again, and a replacement is wanted.
    /// @param token the token to drop.
    void drop(std::string_view token) {
        grants_.erase(std::remove_if(grants_.begin(), grants_.end(),
                                     [&](const v1::BatchTokenGrant& g) { return g.token == token; }),
                      grants_.end());
    }

    /// Returns a token that is valid at `now` and not about to expire,
    /// taking turns between them; nullopt when there is none. Tokens past
    /// their renewal time are dropped.
    /// @param now the current time (wall clock: `expiresAt` is one).
    std::optional<std::string> pick(std::chrono::system_clock::time_point now) {
        prune(now);
        if (grants_.empty()) return std::nullopt;
        next_ %= grants_.size();
        return grants_[next_++].token;
    }

    /// Returns how many new grants the pool wants at `now`: to replace
    /// tokens that expire within `renew_before`, and to reach `size`.
    /// @param now the current time.
    std::size_t wanted(std::chrono::system_clock::time_point now) const {
        std::size_t fresh = 0;
        for (const auto& g : grants_)
            if (g.expires_at - options_.renew_before > now) ++fresh;
        return fresh >= options_.size ? 0 : options_.size - fresh;
    }

    /// Returns when the first held token must be renewed (nullopt when
    /// the pool holds none): when to ask `wanted` again.
    std::optional<std::chrono::system_clock::time_point> next_renewal() const {
        std::optional<std::chrono::system_clock::time_point> t;
        for (const auto& g : grants_) {
            const auto at = g.expires_at - options_.renew_before;
            if (!t || at < *t) t = at;
        }
        return t;
    }

    /// Returns the number of tokens held (expired ones included until the
    /// next `pick`).
    std::size_t size() const noexcept { return grants_.size(); }

private:
    void prune(std::chrono::system_clock::time_point now) {
        grants_.erase(std::remove_if(grants_.begin(), grants_.end(),
                                     [&](const v1::BatchTokenGrant& g) {
                                         return g.expires_at - options_.renew_before <= now;
                                     }),
                      grants_.end());
    }

    BatchTokenOptions options_;
    std::vector<v1::BatchTokenGrant> grants_;
    std::size_t next_ = 0;
};

namespace detail {

/// The API paths (after `/accounts/{account_id}`) the batch host takes,
/// with their methods: upload, list v2, direct upload, get, edit, delete.
inline bool batch_eligible(Method method, std::string_view rest) noexcept {
    const std::string_view v1 = "/images/v1", v2 = "/images/v2";
    if (rest == v1) return method == Method::post;                      // upload
    if (rest == v2) return method == Method::get;                       // list v2
    if (rest == "/images/v2/direct_upload") return method == Method::post;
    if (rest.size() > v1.size() + 1 && rest.compare(0, v1.size() + 1, "/images/v1/") == 0) {
        const std::string_view id = rest.substr(v1.size() + 1);
        // One segment: an image ID (not keys/, stats, variants/, batch_token, .../blob).
        if (id.find('/') != std::string_view::npos) return false;
        if (id == "keys" || id == "stats" || id == "variants" || id == "batch_token") return false;
        return method == Method::get || method == Method::patch || method == Method::delete_;
    }
    return false;
}

} // namespace detail

/// Rewrites a request built for the global API
/// (`<base>/accounts/{id}/images/...` with API credentials) into the same
/// call on the batch host (`<batch base>/images/...`, `Authorization:
/// Bearer <token>`, no other credential header), when the batch host
/// takes that call.
/// @param request  the request to rewrite in place.
/// @param token    a batch token (from `BatchTokenPool::pick`).
/// @param batch_base the batch host's root (default `batch_base_url`).
/// @return true when rewritten; false (request untouched) for a call the
///         batch host does not take, or a URL not of the global API's shape.
inline bool batch_request(HttpRequest& request, std::string_view token,
                          std::string_view batch_base = batch_base_url) {
    const auto accounts = request.url.find("/accounts/");
    if (accounts == std::string::npos) return false;
    const auto images = request.url.find('/', accounts + 10);
    if (images == std::string::npos) return false;
    const std::string_view rest_with_query = std::string_view(request.url).substr(images);
    const std::string_view rest = rest_with_query.substr(0, rest_with_query.find('?'));
    if (!detail::batch_eligible(request.method, rest)) return false;
    std::string url;
    url.reserve(batch_base.size() + rest_with_query.size());
    url.append(batch_base).append(rest_with_query);
    request.url = std::move(url);
    // The batch token takes the place of the first credential header.
    auto is_credential = [](const Header& h) {
        return iequals(h.name, "authorization") || iequals(h.name, "x-auth-key") || iequals(h.name, "x-auth-email");
    };
    const auto first = std::find_if(request.headers.begin(), request.headers.end(), is_credential);
    const auto at = static_cast<std::size_t>(first - request.headers.begin());
    request.headers.erase(std::remove_if(request.headers.begin(), request.headers.end(), is_credential),
                          request.headers.end());
    request.headers.insert(request.headers.begin() + static_cast<std::ptrdiff_t>(std::min(at, request.headers.size())),
                           Header{"Authorization", "Bearer " + std::string(token)});
    return true;
}

} // namespace cfimages

#endif // CFIMAGES_BATCH_TOKENS_HPP
