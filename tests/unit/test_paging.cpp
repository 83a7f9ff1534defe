// Tests for the pagers: next_page as a pure function, and for_each_image
// against a fake in-memory transport that serves a fixed set of images.
#include <cfimages/paging.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

cfimages::Config test_config() {
    cfimages::Config cfg;
    cfg.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    cfg.credentials = cfimages::ApiToken{"secret-token"};
    cfg.base_url = "https://api.example.test/client/v4";
    return cfg;
}

// Returns the value of query parameter `name` in `url`, or "" when absent.
std::string query_param(std::string_view url, std::string_view name) {
    const auto q = url.find('?');
    if (q == std::string_view::npos) return {};
    std::string_view rest = url.substr(q + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) == name) return std::string(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        rest.remove_prefix(amp + 1);
    }
    return {};
}

std::string image_json(int i) {
    return R"({"id":"img-)" + std::to_string(i) +
           R"(","filename":"f.png","meta":{},"requireSignedURLs":false,"uploaded":"2024-01-01T00:00:00Z","variants":[]})";
}

cfimages::HttpResponse ok_body(const std::string& result) {
    cfimages::HttpResponse r;
    r.status = 200;
    r.headers = {{"Content-Type", "application/json"}};
    r.body = R"({"success":true,"errors":[],"messages":[],"result":)" + result + "}";
    return r;
}

// An in-memory Images API holding `count` images (img-0 .. img-N-1) that
// serves both list versions and records every URL it was asked for.
struct FakeApi {
    int count = 0;
    std::vector<std::string> urls;
    bool v1_ignores_page = false;
    int v1_page_cap = 0;      // > 0: the v1 server never puts more images on a page
    std::vector<int> served;  // v1: images on each page served
    bool v2_repeats_token = false;
    int fail_on_request = -1; // answer this request (0-based) with a 500

    cfimages::HttpResponse operator()(const cfimages::HttpRequest& req) {
        urls.push_back(req.url);
        if (static_cast<int>(urls.size()) - 1 == fail_on_request) {
            cfimages::HttpResponse r;
            r.status = 500;
            r.body = R"({"success":false,"errors":[{"code":10000,"message":"boom"}],"messages":[],"result":null})";
            return r;
        }
        const bool v2 = req.url.find("/images/v2") != std::string::npos;
        const std::string pp = query_param(req.url, "per_page");
        int per_page = pp.empty() ? (v2 ? 1000 : 1000) : std::stoi(pp);
        if (!v2 && v1_page_cap > 0 && per_page > v1_page_cap) per_page = v1_page_cap;
        int start = 0;
        if (v2) {
            const std::string token = query_param(req.url, "continuation_token");
            if (!token.empty()) start = std::stoi(token.substr(1));
        } else {
            const std::string page = query_param(req.url, "page");
            if (!page.empty() && !v1_ignores_page) start = (std::stoi(page) - 1) * per_page;
        }
        std::string images = "[";
        int end = start;
        for (int i = start; i < count && i < start + per_page; ++i, ++end) {
            if (i != start) images += ',';
            images += image_json(i);
        }
        images += ']';
        if (!v2) {
            served.push_back(end - start);
            return ok_body(R"({"images":)" + images + "}");
        }
        std::string result = R"({"images":)" + images;
        if (end < count) result += R"(,"continuation_token":"t)" + std::to_string(v2_repeats_token ? 10 : end) + '"';
        return ok_body(result + "}");
    }
};

cfimages::Image image(std::string id) {
    cfimages::Image i;
    i.id = std::move(id);
    return i;
}

} // namespace

TEST_CASE("paging: v2::next_page") {
    cfimages::v2::ListParams params;
    params.per_page = 10;
    params.sort_order = "asc";
    params.creator = "me";
    cfimages::v2::ImagePage page;
    page.images = {image("a")};

    SUBCASE("no token: last page") { CHECK_FALSE(cfimages::v2::next_page(params, page).has_value()); }
    SUBCASE("empty token: last page") {
        page.continuation_token = "";
        CHECK_FALSE(cfimages::v2::next_page(params, page).has_value());
    }
    SUBCASE("token: same filters, new token") {
        page.continuation_token = "abc";
        const auto next = cfimages::v2::next_page(params, page);
        REQUIRE(next.has_value());
        CHECK(next->continuation_token == std::optional<std::string>("abc"));
        CHECK(next->per_page == std::optional<std::int64_t>(10));
        CHECK(next->sort_order == std::optional<std::string>("asc"));
        CHECK(next->creator == std::optional<std::string>("me"));
    }
    SUBCASE("token on an empty page still advances") {
        page.images.clear();
        page.continuation_token = "abc";
        CHECK(cfimages::v2::next_page(params, page).has_value());
    }
}

TEST_CASE("paging: v1::next_page") {
    cfimages::v1::ListParams params;
    params.per_page = 2;
    params.creator = "me";
    cfimages::v1::ImagePage page;
    page.per_page = 2;

    SUBCASE("full first page (page unset) -> page 2") {
        page.images = {image("a"), image("b")};
        const auto next = cfimages::v1::next_page(params, page);
        REQUIRE(next.has_value());
        CHECK(next->page == std::optional<std::int64_t>(2));
        CHECK(next->per_page == std::optional<std::int64_t>(2));
        CHECK(next->creator == std::optional<std::string>("me"));
    }
    SUBCASE("full page 7 -> page 8") {
        params.page = 7;
        page.page = 7;
        page.images = {image("a"), image("b")};
        CHECK(cfimages::v1::next_page(params, page)->page == std::optional<std::int64_t>(8));
    }
    SUBCASE("a short first page is not proof: the server may page at less than per_page") {
        page.images = {image("a")};
        const auto next = cfimages::v1::next_page(params, page);
        REQUIRE(next.has_value());
        CHECK(next->page == std::optional<std::int64_t>(2));
    }
    SUBCASE("a page shorter than an earlier one of the listing is the last") {
        params.page = 3;
        page.images = {image("a")};
        CHECK_FALSE(cfimages::v1::next_page(params, page, 2).has_value());
        page.images = {image("a"), image("b")};
        CHECK(cfimages::v1::next_page(params, page, 2)->page == std::optional<std::int64_t>(4));
    }
    SUBCASE("a page fuller than per_page asked goes on") {
        page.images = {image("a"), image("b"), image("c")};
        CHECK(cfimages::v1::next_page(params, page, 2).has_value());
    }
    SUBCASE("empty page is the last") {
        CHECK_FALSE(cfimages::v1::next_page(params, page).has_value());
        CHECK_FALSE(cfimages::v1::next_page(params, page, 0).has_value());
    }
}

TEST_CASE("paging: for_each_image walks v2 continuation tokens") {
    FakeApi api;
    api.count = 25;
    cfimages::v2::ListParams params;
    params.per_page = 10;
    std::vector<cfimages::Image> seen;
    const auto n = cfimages::for_each_image(std::ref(api), test_config(), params,
                                            [&](const cfimages::Image& i) { seen.push_back(i); });
    REQUIRE(n.has_value());
    CHECK(*n == 25);
    REQUIRE(seen.size() == 25);
    for (std::size_t i = 0; i < seen.size(); ++i) CHECK(seen[i].id == "img-" + std::to_string(i));
    REQUIRE(api.urls.size() == 3);
    CHECK(query_param(api.urls[0], "continuation_token").empty());
    CHECK(query_param(api.urls[1], "continuation_token") == "t10");
    CHECK(query_param(api.urls[2], "continuation_token") == "t20");
    for (const auto& u : api.urls) CHECK(query_param(u, "per_page") == "10");
}

TEST_CASE("paging: for_each_image walks v1 page numbers") {
    FakeApi api;
    cfimages::v1::ListParams params;
    params.per_page = 10;
    SUBCASE("25 images: pages 1, 2, 3 (short)") {
        api.count = 25;
        const auto all = cfimages::list_all_images(std::ref(api), test_config(), params);
        if (!all) FAIL_CHECK(all.error().message);
        REQUIRE(all.has_value());
        REQUIRE(all->size() == 25);
        CHECK(all->front().id == "img-0");
        CHECK(all->back().id == "img-24");
        REQUIRE(api.urls.size() == 3);
        CHECK(query_param(api.urls[1], "page") == "2");
        CHECK(query_param(api.urls[2], "page") == "3");
    }
    SUBCASE("20 images: the empty page 3 ends the walk") {
        api.count = 20;
        const auto all = cfimages::list_all_images(std::ref(api), test_config(), params);
        if (!all) FAIL_CHECK(all.error().message);
        REQUIRE(all.has_value());
        CHECK(all->size() == 20);
        CHECK(api.urls.size() == 3);
    }
    SUBCASE("no images: one request") {
        const auto all = cfimages::list_all_images(std::ref(api), test_config(), params);
        if (!all) FAIL_CHECK(all.error().message);
        REQUIRE(all.has_value());
        CHECK(all->empty());
        CHECK(api.urls.size() == 1);
    }
    SUBCASE("a server that ignores `page` is caught, not looped on") {
        api.count = 30;
        api.v1_ignores_page = true;
        const auto all = cfimages::list_all_images(std::ref(api), test_config(), params);
        REQUIRE_FALSE(all.has_value());
        CHECK(all.error().kind == cfimages::ErrorKind::api);
        CHECK(api.urls.size() == 2);
    }
}

TEST_CASE("paging: v1 over a server that pages at 100, whatever per_page asks") {
    // Cloudflare documents the v1 list as "up to 100 images with one
    // request"; its per_page allows 10 to 10000 (default 1000).
    struct Case {
        int count;
        std::optional<std::int64_t> per_page;
        std::vector<int> pages;  // images on each page served, in order
    };
    const std::vector<Case> cases = {
        {250, std::nullopt, {100, 100, 50}},
        {250, 1000, {100, 100, 50}},
        {250, 10000, {100, 100, 50}},
        {200, std::nullopt, {100, 100, 0}},  // only the empty page shows the end
        {100, 1000, {100, 0}},
        {99, std::nullopt, {99, 0}},
        {0, std::nullopt, {0}},
        {250, 50, {50, 50, 50, 50, 50, 0}},  // a per_page under the cap is honoured
        {25, 10, {10, 10, 5}},
    };
    for (const Case& c : cases) {
        CAPTURE(c.count);
        CAPTURE(c.per_page.value_or(0));
        FakeApi api;
        api.count = c.count;
        api.v1_page_cap = 100;
        cfimages::v1::ListParams params;
        params.per_page = c.per_page;
        std::vector<std::string> ids;
        const auto n = cfimages::for_each_image(std::ref(api), test_config(), params,
                                                [&](const cfimages::Image& i) { ids.push_back(i.id); });
        if (!n) FAIL_CHECK(n.error().message);
        REQUIRE(n.has_value());
        CHECK(*n == static_cast<std::size_t>(c.count));
        // Every image once, in order.
        REQUIRE(ids.size() == static_cast<std::size_t>(c.count));
        for (std::size_t i = 0; i < ids.size(); ++i) CHECK(ids[i] == "img-" + std::to_string(i));
        CHECK(api.served == c.pages);
        for (std::size_t i = 0; i < api.urls.size(); ++i) {
            const std::string page = query_param(api.urls[i], "page");
            CHECK(page == (i == 0 ? std::string() : std::to_string(i + 1)));
        }
    }
    // list_all_images is the same walk.
    FakeApi api;
    api.count = 250;
    api.v1_page_cap = 100;
    const auto all = cfimages::list_all_images(std::ref(api), test_config(), cfimages::v1::ListParams{});
    REQUIRE(all.has_value());
    CHECK(all->size() == 250);
}

TEST_CASE("paging: the callback can stop the walk") {
    FakeApi api;
    api.count = 25;
    cfimages::v2::ListParams params;
    params.per_page = 10;
    int calls = 0;
    const auto n = cfimages::for_each_image(std::ref(api), test_config(), params, [&](const cfimages::Image&) {
        ++calls;
        return calls < 11; // stop at the 11th image (first of page 2)
    });
    REQUIRE(n.has_value());
    CHECK(*n == 11);
    CHECK(api.urls.size() == 2);
}

TEST_CASE("paging: errors end the walk") {
    cfimages::v2::ListParams params;
    params.per_page = 10;
    SUBCASE("transport error from a Result-returning send") {
        int calls = 0;
        auto send = [&](const cfimages::HttpRequest&) -> cfimages::Result<cfimages::HttpResponse> {
            ++calls;
            return cfimages::ApiError::make(cfimages::ErrorKind::transport, "connect to api.example.test:443 failed");
        };
        const auto n = cfimages::for_each_image(send, test_config(), params, [](const cfimages::Image&) {});
        REQUIRE_FALSE(n.has_value());
        CHECK(n.error().kind == cfimages::ErrorKind::transport);
        CHECK(calls == 1);
    }
    SUBCASE("api error on the second page, after the first page was visited") {
        FakeApi api;
        api.count = 25;
        api.fail_on_request = 1;
        int visited = 0;
        const auto n = cfimages::for_each_image(std::ref(api), test_config(), params,
                                                [&](const cfimages::Image&) { ++visited; });
        REQUIRE_FALSE(n.has_value());
        CHECK(n.error().kind == cfimages::ErrorKind::api);
        CHECK(n.error().http_status == 500);
        CHECK(visited == 10);
    }
    SUBCASE("a repeated continuation token is caught, not looped on") {
        FakeApi api;
        api.count = 30;
        api.v2_repeats_token = true;
        const auto n = cfimages::for_each_image(std::ref(api), test_config(), params, [](const cfimages::Image&) {});
        REQUIRE_FALSE(n.has_value());
        CHECK(n.error().kind == cfimages::ErrorKind::api);
        CHECK(api.urls.size() == 2);
    }
    SUBCASE("a builder error is returned before anything is sent") {
        FakeApi api;
        auto cfg = test_config();
        cfg.account_id.clear();
        const auto n = cfimages::for_each_image(std::ref(api), cfg, params, [](const cfimages::Image&) {});
        REQUIRE_FALSE(n.has_value());
        CHECK(n.error().kind == cfimages::ErrorKind::invalid_argument);
        CHECK(api.urls.empty());
    }
}

TEST_CASE("paging: send_into decodes each page over the last, and passes errors through") {
    const auto cfg = test_config();
    cfimages::v2::ImagePage page;
    int calls = 0;
    auto send = [&](const cfimages::HttpRequest&) {
        ++calls;
        return ok_body(R"({"images":[)" + image_json(calls) + "," + image_json(calls + 1) + R"(],"continuation_token":"t"})");
    };
    auto n = cfimages::send_into(send, cfimages::v2::list(cfg), page);
    REQUIRE(n);
    CHECK(*n == 2);
    const cfimages::Image* storage = page.images.data();
    n = cfimages::send_into(send, cfimages::v2::list(cfg), page);
    REQUIRE(n);
    CHECK(page.images.data() == storage);  // the second page reused the first one's images
    CHECK(page.continuation_token == std::optional<std::string>("t"));

    // A transport error and a builder error both leave the page empty; the builder's sends nothing.
    auto down = [](const cfimages::HttpRequest&) -> cfimages::Result<cfimages::HttpResponse> {
        return cfimages::ApiError::make(cfimages::ErrorKind::transport, "down");
    };
    n = cfimages::send_into(down, cfimages::v2::list(cfg), page);
    REQUIRE(!n);
    CHECK(n.error().kind == cfimages::ErrorKind::transport);
    CHECK(page.images.empty());
    REQUIRE(cfimages::send_into(send, cfimages::v2::list(cfg), page));
    cfimages::v2::ListParams bad;
    bad.per_page = 1;
    const int before = calls;
    n = cfimages::send_into(send, cfimages::v2::list(cfg, bad), page);
    REQUIRE(!n);
    CHECK(n.error().kind == cfimages::ErrorKind::invalid_argument);
    CHECK(calls == before);
    CHECK(page.images.empty());
}

TEST_CASE("paging: a repeated page's images are never visited, and the count agrees") {
    // Every page carries the same token (as a mock serving a fixed example does).
    FakeApi api;
    api.count = 30;
    api.v2_repeats_token = true;
    cfimages::v2::ListParams params;
    params.per_page = 10;
    std::vector<std::string> ids;
    const auto n = cfimages::for_each_image(std::ref(api), test_config(), params,
                                            [&](const cfimages::Image& i) { ids.push_back(i.id); });
    REQUIRE_FALSE(n.has_value());
    CHECK(n.error().message.find("continuation_token") != std::string::npos);
    CHECK(ids.size() == 10); // page 1 only: page 2 repeated page 1's token
    CHECK(api.urls.size() == 2);
}

TEST_CASE("paging: ListWalk by hand, and a token cycle A -> B -> A is caught") {
    const auto cfg = test_config();
    auto page = [](const std::string& id, std::optional<std::string> token) {
        cfimages::v2::ImagePage p;
        p.images.resize(1);
        p.images[0].id = id;
        p.continuation_token = std::move(token);
        return p;
    };
    cfimages::ListWalk<cfimages::v2::ListParams> walk(cfg, {});
    REQUIRE(walk.request());
    CHECK(walk.request()->http.url.find("continuation_token") == std::string::npos);
    CHECK(*walk.advance(page("1", "A")) == true);
    CHECK(walk.request()->http.url.find("continuation_token=A") != std::string::npos);
    CHECK(*walk.advance(page("2", "B")) == true);
    auto again = walk.advance(page("3", "A"));
    REQUIRE_FALSE(again);
    CHECK(again.error().kind == cfimages::ErrorKind::api);
    CHECK(walk.finished());
    CHECK(walk.pages() == 3);

    // Starting from a token: that token counts as seen.
    cfimages::v2::ListParams from;
    from.continuation_token = "X";
    cfimages::ListWalk<cfimages::v2::ListParams> resumed(cfg, from);
    CHECK_FALSE(resumed.advance(page("9", "X")));

    // The last page ends the walk; nothing more is asked for.
    cfimages::ListWalk<cfimages::v2::ListParams> two(cfg, {});
    CHECK(*two.advance(page("1", "T")) == true);
    CHECK(*two.advance(page("2", std::nullopt)) == false);
    CHECK(two.finished());
    CHECK_FALSE(two.advance(page("3", std::nullopt)));

    // v1: a page starting with the previous page's first image is a repeat.
    cfimages::ListWalk<cfimages::v1::ListParams> v1walk(cfg, {});
    cfimages::v1::ImagePage p1;
    p1.images.resize(3);
    p1.images[0].id = "same";
    CHECK(*v1walk.advance(p1) == true);
    CHECK(v1walk.params().page.value_or(0) == 2);
    CHECK_FALSE(v1walk.advance(p1));
}
