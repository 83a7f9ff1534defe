#ifndef CFIMAGES_PAGING_HPP
#define CFIMAGES_PAGING_HPP

/// @file
/// Paging over image lists with any transport. The pager never sends
/// anything itself: `next_page` turns the parameters of one page and the
/// page that came back into the parameters of the next page (or nullopt
/// on the last page), and `for_each_image` loops over a caller-supplied
/// send function.
///
/// - v2 (`v2::list`) pages on `continuation_token`: the next request
///   carries the token of the last page; no token means the last page.
/// - v1 (`v1::list`, deprecated) has no cursor: the next request asks for
///   `page + 1`. The server may fill pages with fewer images than
///   `per_page` asks (documented: up to 100 per request), so the last page
///   is an empty one, or one shorter than an earlier page of the same
///   listing (`v1::ImagePage::has_more(full_page)`).
///
/// Example with a hand-rolled transport:
/// @code
/// auto send = [&](const cfimages::HttpRequest& r) -> cfimages::HttpResponse { ... };
/// auto n = cfimages::for_each_image(send, cfg, cfimages::v2::ListParams{},
///                                   [](const cfimages::Image& img) { std::cout << img.id << '\n'; });
/// if (!n) std::cerr << n.error() << '\n';
/// @endcode

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <cfimages/config.hpp>
#include <cfimages/http.hpp>
#include <cfimages/images.hpp>
#include <cfimages/models.hpp>
#include <cfimages/request.hpp>
#include <cfimages/result.hpp>
#include <cfimages/v2.hpp>

namespace cfimages {

namespace v2 {

/// Returns the parameters for the page after `last`, which answered
/// `params`: the same filters with `last`'s continuation token; nullopt
/// when `last` was the final page (no or an empty token).
inline std::optional<ListParams> next_page(const ListParams& params, const ImagePage& last) {
    if (!last.has_more()) return std::nullopt;
    ListParams next = params;
    next.continuation_token = last.continuation_token;
    return next;
}

} // namespace v2

namespace v1 {

/// Returns the parameters for the page after `last`, which answered
/// `params`: the same filters with `page + 1` (pages count from 1);
/// nullopt when `last` was the final page (`!last.has_more(full_page)`).
/// @param params    the parameters `last` was fetched with.
/// @param last      the page that came back.
/// @param full_page the most images an earlier page of the same listing
///                  held (0 for the first page): the size the server
///                  actually fills pages to, whatever `per_page` asked.
///                  Without it only an empty page ends the listing.
inline std::optional<ListParams> next_page(const ListParams& params, const ImagePage& last,
                                           std::size_t full_page = 0) {
    if (!last.has_more(full_page)) return std::nullopt;
    const std::int64_t current = params.page.value_or(1);
    if (current >= std::numeric_limits<std::int64_t>::max()) return std::nullopt;
    ListParams next = params;
    next.page = current + 1;
    return next;
}

} // namespace v1

namespace detail {

/// Calls `send(request)` and returns its answer as `Result<HttpResponse>`,
/// whether `send` returns a bare `HttpResponse` or a `Result`.
template <class Send>
Result<HttpResponse> call_send(Send& send, const HttpRequest& request) {
    using R = std::decay_t<decltype(send(request))>;
    static_assert(std::is_same_v<R, HttpResponse> || std::is_same_v<R, Result<HttpResponse>>,
                  "send must be callable as HttpRequest -> HttpResponse or Result<HttpResponse>");
    if constexpr (std::is_same_v<R, HttpResponse>)
        return Result<HttpResponse>(send(request));
    else
        return send(request);
}

} // namespace detail

/// A walk over a listing, page after page: the one place that decides
/// which page comes next, when the listing ends, and when a server that
/// repeats itself must be stopped. Pure (it never sends anything), so
/// every loop uses it: `for_each_image` here, the asynchronous client's
/// pager, the command-line tool's `--all`, or a loop of your own:
///
/// @code
/// cfimages::ListWalk<cfimages::v2::ListParams> walk(cfg, {});
/// while (!walk.finished()) {
///     auto req = walk.request();                           // the next page's request
///     if (!req) return req.error();
///     auto page = req->parse(my_send(req->http));          // v2::ImagePage
///     if (!page) return page.error();
///     auto fresh = walk.advance(*page);                    // error: the server repeats itself
///     if (!fresh) return fresh.error();                    // (this page's images are not new)
///     for (const auto& img : page->images) use(img);
/// }
/// @endcode
///
/// The rules:
/// - v2 pages on `continuation_token`: the next page is asked for with the
///   token of the last one; no (or an empty) token ends the listing. A
///   token the walk has seen before (the one a page was fetched with
///   included) means the server is going round in circles: that page is
///   taken as a repeat and `advance` refuses it.
/// - v1 (deprecated) pages on page numbers: a listing ends at an empty
///   page or one shorter than the fullest page so far (the size the server
///   really fills pages to, whatever `per_page` asked); a page whose first
///   image is the previous page's first image is a repeat.
template <class Params>
class ListWalk {
    static_assert(std::is_same_v<Params, v1::ListParams> || std::is_same_v<Params, v2::ListParams>,
                  "params must be v1::ListParams or v2::ListParams");

public:
    /// `v1::ImagePage` or `v2::ImagePage`.
    using Page = std::conditional_t<std::is_same_v<Params, v1::ListParams>, v1::ImagePage, v2::ImagePage>;

    /// A walk starting at the page `first` describes.
    /// @param cfg   account, credentials and base URL (copied).
    /// @param first the first page's parameters.
    ListWalk(Config cfg, Params first) : cfg_(std::move(cfg)), params_(std::move(first)) {
        if constexpr (std::is_same_v<Params, v2::ListParams>)
            if (params_.continuation_token && !params_.continuation_token->empty())
                seen_.push_back(*params_.continuation_token);
    }

    /// Returns true once the last page was taken (or a repeat refused).
    bool finished() const noexcept { return finished_; }
    /// Returns the pages taken so far.
    std::size_t pages() const noexcept { return pages_; }
    /// Returns the parameters of the next page.
    const Params& params() const noexcept { return params_; }

    /// Returns the request for the next page, or the builder's error
    /// (`invalid_argument`) for parameters the API would refuse.
    Result<Request<Page>> request() const {
        if constexpr (std::is_same_v<Params, v1::ListParams>) return v1::list(cfg_, params_);
        else return v2::list(cfg_, params_);
    }

    /// Takes the page that answered `request()`.
    /// @param page the decoded page.
    /// @return `true` when its images are new and another page follows,
    ///         `false` when they are new and it was the last page, or an
    ///         `api` error when the server repeated itself (its images
    ///         are not new: do not use them; the walk is finished).
    Result<bool> advance(const Page& page) {
        if (finished_) return ApiError::make(ErrorKind::api, "list: the walk is already finished");
        ++pages_;
        if constexpr (std::is_same_v<Params, v1::ListParams>) {
            // A server that ignores `page` sends the first page again and
            // again; every full page would look like "more to come".
            if (!page.images.empty()) {
                if (previous_first_id_ && *previous_first_id_ == page.images.front().id) {
                    finished_ = true;
                    return ApiError::make(ErrorKind::api,
                                          "v1 list: the server returned the same page twice; "
                                          "stopped to avoid an endless loop");
                }
                previous_first_id_ = page.images.front().id;
            }
            // The server's page size is what it really sent, not what was
            // asked: a server paging at 100 answers per_page=1000 with 100.
            auto next = v1::next_page(params_, page, full_page_);
            if (page.images.size() > full_page_) full_page_ = page.images.size();
            if (!next) {
                finished_ = true;
                return false;
            }
            params_ = std::move(*next);
            return true;
        } else {
            auto next = v2::next_page(params_, page);
            if (!next) {
                finished_ = true;
                return false;
            }
            const std::string& token = *next->continuation_token;
            for (const std::string& t : seen_)
                if (t == token) {
                    finished_ = true;
                    return ApiError::make(ErrorKind::api,
                                          "v2 list: the server returned a continuation_token it had given "
                                          "before; stopped to avoid an endless loop");
                }
            seen_.push_back(token);
            params_ = std::move(*next);
            return true;
        }
    }

private:
    Config cfg_;
    Params params_;
    bool finished_ = false;
    std::size_t pages_ = 0;
    std::size_t full_page_ = 0;                    // v1: the fullest page so far
    std::optional<std::string> previous_first_id_; // v1: repeat detection
    std::vector<std::string> seen_;                // v2: every token given so far
};

/// Visits every image of a listing, page after page, through `send`
/// (the rules are `ListWalk`'s).
///
/// @param send     any callable `HttpRequest -> HttpResponse` or
///                 `HttpRequest -> Result<HttpResponse>`: the transport.
/// @param cfg      account, credentials and base URL.
/// @param params   `v2::ListParams` (pages on continuation tokens) or
///                 `v1::ListParams` (pages on page numbers) of the first page.
/// @param on_image called as `on_image(const Image&)` for every image, in
///                 order; it may return `bool`, and `false` stops the walk.
/// @return the number of images visited, or the first error: the
///         builder's (`invalid_argument`), the transport's, or the
///         parser's (`api`, `decode`). An `api` error also ends a walk
///         whose server repeats itself; the repeated page's images are
///         not visited.
template <class Send, class Params, class OnImage>
Result<std::size_t> for_each_image(Send&& send, const Config& cfg, Params params, OnImage&& on_image) {
    ListWalk<Params> walk(cfg, std::move(params));
    std::size_t visited = 0;
    // One page object for the whole walk: each page is decoded over the
    // previous one's images (parse_into), reusing their memory.
    typename ListWalk<Params>::Page page;
    while (!walk.finished()) {
        auto request = walk.request();
        if (!request) return fail(std::move(request).error());
        auto response = detail::call_send(send, request->http);
        if (!response) return fail(std::move(response).error());
        auto decoded = parse_into(*request, *response, page);
        if (!decoded) return fail(std::move(decoded).error());
        auto fresh = walk.advance(page);
        if (!fresh) return fail(std::move(fresh).error());
        for (const Image& image : page.images) {
            ++visited;
            if constexpr (std::is_same_v<std::invoke_result_t<OnImage&, const Image&>, bool>) {
                if (!on_image(image)) return visited;
            } else {
                on_image(image);
            }
        }
    }
    return visited;
}

/// Sends a list request (`v1::list`, `v2::list`) through `send` and
/// decodes the answer into `page` with `parse_into`, reusing the memory
/// of the images `page` holds: the loop body for fetching page after page.
/// The bundled clients' `send(request, page)` is this with their transport.
/// @param send    any callable `HttpRequest -> HttpResponse` or
///                `HttpRequest -> Result<HttpResponse>`.
/// @param request a built list request (`Request<v1::ImagePage>` or
///                `Request<v2::ImagePage>`).
/// @param page    decoded into; its images' memory is reused.
/// @return the number of images on the page, or the builder's, the
///         transport's or the parser's error; on error `page` is left empty.
template <class Send, class Page>
Result<std::size_t> send_into(Send&& send, const Request<Page>& request, Page& page) {
    static_assert(std::is_same_v<Page, v1::ImagePage> || std::is_same_v<Page, v2::ImagePage>,
                  "send_into takes a v1::list or v2::list request");
    auto response = detail::call_send(send, request.http);
    if (!response) {
        page = Page{};
        return fail(std::move(response).error());
    }
    return parse_into(request, *response, page);
}

/// `send_into` for a builder's result: its error is passed through (and
/// `page` left empty) without sending anything.
/// @param send    as above.
/// @param request what `v1::list` or `v2::list` returned.
/// @param page    decoded into; its images' memory is reused.
/// @return as above.
template <class Send, class Page>
Result<std::size_t> send_into(Send&& send, const Result<Request<Page>>& request, Page& page) {
    if (!request) {
        page = Page{};
        return fail(request.error());
    }
    return send_into(std::forward<Send>(send), *request, page);
}

/// Collects every image of a listing through `send` (see `for_each_image`).
/// @return all images in order, or the first error.
template <class Send, class Params>
Result<std::vector<Image>> list_all_images(Send&& send, const Config& cfg, Params params) {
    std::vector<Image> all;
    auto n = for_each_image(std::forward<Send>(send), cfg, std::move(params),
                            [&all](const Image& image) { all.push_back(image); });
    if (!n) return fail(std::move(n).error());
    return all;
}

} // namespace cfimages

#endif // CFIMAGES_PAGING_HPP
