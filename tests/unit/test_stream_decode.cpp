// The one-pass reader of images and pages (detail/fast_page.hpp, through
// detail/image_parse.hpp) must give exactly what the DOM decoders give,
// and must step aside whenever the answer is not a clean success, so error
// messages keep their field paths.
#include <cfimages/detail/image_parse.hpp>

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>

#include <cfimages/images.hpp>
#include <cfimages/v2.hpp>

namespace {

using cfimages::HttpResponse;
using cfimages::Image;
namespace detail = cfimages::detail;

HttpResponse ok(std::string body) {
    HttpResponse r;
    r.status = 200;
    r.headers.push_back({"Content-Type", "application/json"});
    r.body = std::move(body);
    return r;
}

void check_same(const Image& a, const Image& b) {
    CHECK(a.id == b.id);
    CHECK(a.filename == b.filename);
    CHECK(a.creator == b.creator);
    CHECK(a.meta == b.meta);
    CHECK(a.require_signed_urls == b.require_signed_urls);
    CHECK(a.uploaded == b.uploaded);
    CHECK(a.variants == b.variants);
    CHECK(a.draft == b.draft);
}

// What the DOM decoders make of `result.images`.
std::vector<Image> dom_images(const std::string& body) {
    boost::json::value doc = boost::json::parse(body);
    std::vector<Image> out;
    const detail::Path root{};
    auto e = detail::decode_images(doc.at("result").as_object(), root.child("result"), out);
    REQUIRE(!e.has_value());
    return out;
}

std::string envelope(const std::string& result, const std::string& extra = "") {
    return R"({"errors":[],"messages":[{"code":1,"message":"hi"}],)" + extra + R"("success":true,"result":)" +
           result + "}";
}

std::string long_escaped(char c, std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s.push_back(c);
        if (i % 7 == 0) s.append("\\n\\\"\\u00e9");
    }
    return s;
}

const std::string tricky_images = std::string(R"({"images":[)") +
    R"({"id":"a","filename":null,"creator":null,"meta":null,"requireSignedURLs":null,"uploaded":null,"variants":null,"draft":null},)" +
    R"({"unknown":{"deep":[1,[2,{"x":null}],"s"]},"id":"b\u00e9\/c","meta":{"n":-1,"u":18446744073709551615,"d":1.5e3,)" +
    R"("t":true,"z":null,"arr":[{"k":"v"},[]],"esc\"key":"v\\al"},"draft":true,"requireSignedURLs":true,)" +
    R"("uploaded":"2024-07-11T08:47:21.061Z","variants":["https://x/1","https://x/2","https://x/3"],"extra":7},)" +
    R"({"id":")" + long_escaped('i', 3000) + R"(","filename":")" + long_escaped('f', 5000) +
    R"(","meta":{")" + long_escaped('k', 4000) + R"(":")" + long_escaped('v', 4000) + R"("},"variants":[]},)" +
    R"({"id":"d","uploaded":"2024-01-01T00:00:00+02:00","creator":"me"})" +
    R"(],"continuation_token":"tok\u0065n","other":{"a":[1,2]}})";

} // namespace

TEST_CASE("stream decode: v2 page equals the DOM decoders, field by field") {
    const std::string body = envelope(tricky_images);
    HttpResponse r = ok(body);
    auto req = cfimages::v2::list([] {
        cfimages::Config c;
        c.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
        c.credentials = cfimages::ApiToken{"t"};
        return c;
    }());
    REQUIRE(req);
    auto page = req->parse(r);
    REQUIRE(page);
    const std::vector<Image> want = dom_images(body);
    REQUIRE(page->images.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) check_same(page->images[i], want[i]);
    CHECK(page->continuation_token == std::optional<std::string>("token"));
    CHECK(page->images[1].meta.at("u").is_uint64());
    CHECK(page->images[1].meta.at("d").is_double());
    CHECK(page->images[1].meta.at("n").is_int64());
}

TEST_CASE("stream decode: the fast path really runs on clean answers") {
    const std::string page_body = envelope(
        R"({"images":[{"id":"a","variants":["https://x/1"],"meta":{"k":[1]}},{"id":"b"}],"continuation_token":"t"})");
    std::vector<Image> images;
    detail::FastPageReader page_reader(page_body, images);
    REQUIRE(page_reader.read());
    CHECK(images.size() == 2);
    CHECK(page_reader.continuation_token() == std::optional<std::string>("t"));

    const std::string one = envelope(R"({"id":"x","variants":["a"],"meta":{"k":[1]}})");
    Image img;
    REQUIRE(detail::FastPageReader(one).read_one(img));
    CHECK(img.id == "x");
    CHECK(img.variants == std::vector<std::string>{"a"});
    // Each reader reads only its own shape.
    Image not_a_page;
    CHECK(!detail::FastPageReader(page_body).read_one(not_a_page));
    std::vector<Image> not_an_image;
    CHECK(!detail::FastPageReader(one, not_an_image).read());
}

TEST_CASE("stream decode: steps aside for everything that is not a clean success") {
    const char* bodies[] = {
        R"({"success":false,"errors":[{"code":5404,"message":"nope"}],"result":{"id":"x"}})",
        R"({"success":"true","result":{"id":"x"}})",
        R"({"result":{"id":"x"}})",
        R"({"success":true})",
        R"({"success":true,"result":null})",
        R"({"success":true,"result":[]})",
        R"({"success":true,"result":{"filename":"no id"}})",
        R"({"success":true,"result":{"id":null}})",
        R"({"success":true,"result":{"id":7}})",
        R"({"success":true,"result":{"id":"x","uploaded":"yesterday"}})",
        R"({"success":true,"result":{"id":"x","uploaded":5}})",
        R"({"success":true,"result":{"id":"x","variants":["a",null]}})",
        R"({"success":true,"result":{"id":"x","variants":"a"}})",
        R"({"success":true,"result":{"id":"x","meta":[]}})",
        R"({"success":true,"result":{"id":"x","draft":"no"}})",
        R"({"success":true,"result":{"id":"x","id":"y"}})",
        R"({"success":true,"success":true,"result":{"id":"x"}})",
        R"({"success":true,"result":{"id":"x"},"result":{"id":"y"}})",
        R"({"success":true,"result":{"id":"x"}} trailing)",
        R"({"success":true,"result":{"id":"x"})",
        R"([{"success":true,"result":{"id":"x"}}])",
        "",
        "ERROR 5404: Image not found",
    };
    for (const char* b : bodies) {
        CAPTURE(b);
        Image img;
        CHECK(!detail::FastPageReader(b).read_one(img));
        // The chain answers exactly as the DOM path alone.
        auto chain = detail::parse_image_answer(ok(b));
        auto dom = detail::parse_envelope<Image>(ok(b), detail::decode_image_result);
        REQUIRE(chain.has_value() == dom.has_value());
        if (chain) check_same(*chain, *dom);
        else CHECK(chain.error().message == dom.error().message);
    }
    HttpResponse refused = ok(R"({"success":true,"result":{"id":"x"}})");
    refused.status = 404;
    auto img = detail::parse_image_answer(refused);
    REQUIRE(!img);
    CHECK(img.error().kind == cfimages::ErrorKind::api);
}

TEST_CASE("stream decode: error messages still name the failing field") {
    cfimages::Config c;
    c.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    c.credentials = cfimages::ApiToken{"t"};
    auto req = cfimages::v2::list(c);
    REQUIRE(req);
    auto bad = req->parse(ok(envelope(R"({"images":[{"id":"a"},{"id":"b","uploaded":5}]})")));
    REQUIRE(!bad);
    CHECK(bad.error().kind == cfimages::ErrorKind::decode);
    CHECK(bad.error().message == "result.images[1].uploaded: expected an RFC 3339 string, got a number");
    auto missing = req->parse(ok(envelope(R"({"images":[{"id":"a"},{}]})")));
    REQUIRE(!missing);
    CHECK(missing.error().message == "result.images[1].id: missing");
    auto token = req->parse(ok(envelope(R"({"images":[],"continuation_token":5})")));
    REQUIRE(!token);
    CHECK(token.error().message.find("result.continuation_token") == 0);
    auto refused = req->parse(ok(R"({"success":false,"errors":[{"code":9109,"message":"Unauthorized"}],"result":null})"));
    REQUIRE(!refused);
    CHECK(refused.error().kind == cfimages::ErrorKind::api);
    CHECK(refused.error().message == "Unauthorized");
}

TEST_CASE("stream decode: v1 page keeps its request context; a null list is empty") {
    cfimages::Config c;
    c.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    c.credentials = cfimages::ApiToken{"t"};
    cfimages::v1::ListParams lp;
    lp.page = 3;
    lp.per_page = 10;
    auto req = cfimages::v1::list(c, lp);
    REQUIRE(req);
    const std::string body = envelope(tricky_images);
    auto page = req->parse(ok(body));
    REQUIRE(page);
    CHECK(page->page == 3);
    CHECK(page->per_page == 10);
    const std::vector<Image> want = dom_images(body);
    REQUIRE(page->images.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) check_same(page->images[i], want[i]);
    auto empty = req->parse(ok(envelope(R"({"images":null})")));
    REQUIRE(empty);
    CHECK(empty->images.empty());
}

TEST_CASE("stream decode: one image (get) equals the DOM decoder") {
    cfimages::Config c;
    c.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    c.credentials = cfimages::ApiToken{"t"};
    auto req = cfimages::v1::get(c, "x");
    REQUIRE(req);
    const std::string result =
        R"({"id":"b\u00e9\/c","meta":{"n":-1,"arr":[{"k":"v"},[]]},"requireSignedURLs":true,)"
        R"("uploaded":"2024-07-11T08:47:21.061Z","variants":["https://x/1"],"x":{"y":[1]}})";
    auto img = req->parse(ok(envelope(result)));
    REQUIRE(img);
    boost::json::value doc = boost::json::parse(result);
    Image want;
    const detail::Path root{};
    REQUIRE(!detail::decode_image(doc, root, want).has_value());
    check_same(*img, want);
}

namespace {

cfimages::Config test_config() {
    cfimages::Config c;
    c.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    c.credentials = cfimages::ApiToken{"t"};
    return c;
}

// Every field set, so a later page with fewer fields must reset them.
const std::string full_images = R"({"images":[)"
    R"({"id":"4e675b86-1e68-4f97-b886-f03495ca518c","filename":"a-rather-long-file-name.png","creator":"someone-long-enough",)"
    R"("meta":{"album":"cat","tags":["x","y"]},"requireSignedURLs":true,"uploaded":"2024-07-11T08:47:21.061Z",)"
    R"("variants":["https://imagedelivery.net/h/4e675b86/public","https://imagedelivery.net/h/4e675b86/thumb",)"
    R"("https://imagedelivery.net/h/4e675b86/hero","https://imagedelivery.net/h/4e675b86/a","https://imagedelivery.net/h/4e675b86/b"],"draft":true},)"
    R"({"id":"0fd21df2-bc3a-4d77-9e30-bac3118caff7","filename":"second.jpg","meta":{"k":1},"variants":["https://x/1"]},)"
    R"({"id":"33912aa6-ce59-4852-b388-11db9af88479","creator":"c","variants":["https://x/2","https://x/3"]})"
    R"(],"continuation_token":"next"})";
const std::string bare_images = R"({"images":[{"id":"b1"},{"id":"b2","variants":[]}]})";
const std::string nulls_images = R"({"images":[{"id":"n1","filename":null,"creator":null,"meta":null,)"
    R"("requireSignedURLs":null,"uploaded":null,"variants":null,"draft":null}]})";

template <class Page>
void check_same_page(const Page& got, const Page& want) {
    REQUIRE(got.images.size() == want.images.size());
    for (std::size_t i = 0; i < want.images.size(); ++i) check_same(got.images[i], want.images[i]);
}

} // namespace

TEST_CASE("parse_into: a reused v2 page always equals a fresh parse") {
    auto req = cfimages::v2::list(test_config());
    REQUIRE(req);
    cfimages::v2::ImagePage page;
    // Each body after the first overwrites images the previous one left:
    // more fields, fewer fields, nulls, more images, fewer images.
    for (const std::string* result : {&full_images, &bare_images, &full_images, &nulls_images, &tricky_images,
                                      &full_images, &full_images}) {
        const HttpResponse r = ok(envelope(*result));
        auto fresh = req->parse(r);
        REQUIRE(fresh);
        auto n = cfimages::parse_into(*req, r, page);
        REQUIRE(n);
        CHECK(*n == fresh->images.size());
        check_same_page(page, *fresh);
        CHECK(page.continuation_token == fresh->continuation_token);
    }
}

TEST_CASE("parse_into: the second page reuses the first page's memory") {
    auto req = cfimages::v2::list(test_config());
    REQUIRE(req);
    const HttpResponse r = ok(envelope(full_images));
    cfimages::v2::ImagePage page;
    REQUIRE(cfimages::parse_into(*req, r, page));
    const Image* images = page.images.data();
    const char* id = page.images[0].id.data();
    const char* filename = page.images[0].filename->data();
    const std::string* variants = page.images[0].variants.data();
    const char* url = page.images[0].variants[4].data();
    REQUIRE(cfimages::parse_into(*req, r, page));
    CHECK(page.images.data() == images);
    CHECK(page.images[0].id.data() == id);
    CHECK(page.images[0].filename->data() == filename);
    CHECK(page.images[0].variants.data() == variants);
    CHECK(page.images[0].variants[4].data() == url);
}

TEST_CASE("parse_into: a reused v1 page keeps the request context") {
    cfimages::v1::ListParams lp;
    lp.page = 2;
    lp.per_page = 10;
    auto req = cfimages::v1::list(test_config(), lp);
    REQUIRE(req);
    cfimages::v1::ImagePage page;
    for (const std::string* result : {&full_images, &nulls_images, &tricky_images}) {
        const HttpResponse r = ok(envelope(*result));
        auto fresh = req->parse(r);
        REQUIRE(fresh);
        auto n = cfimages::parse_into(*req, r, page);
        REQUIRE(n);
        CHECK(*n == fresh->images.size());
        check_same_page(page, *fresh);
        CHECK(page.page == 2);
        CHECK(page.per_page == 10);
    }
}

TEST_CASE("parse_into: errors match parse and leave the page empty") {
    auto req = cfimages::v2::list(test_config());
    REQUIRE(req);
    cfimages::v2::ImagePage page;
    REQUIRE(cfimages::parse_into(*req, ok(envelope(full_images)), page));
    REQUIRE(!page.images.empty());

    HttpResponse refused;
    refused.status = 403;
    refused.body = R"({"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[],"result":null})";
    HttpResponse wrong_type = ok(envelope(R"({"images":[{"id":"a","variants":"not a list"}]})"));
    HttpResponse truncated = ok(envelope(full_images).substr(0, 200));
    for (const HttpResponse* r : {&refused, &wrong_type, &truncated}) {
        auto want = req->parse(*r);
        REQUIRE(!want);
        auto got = cfimages::parse_into(*req, *r, page);
        REQUIRE(!got);
        CHECK(got.error().kind == want.error().kind);
        CHECK(got.error().message == want.error().message);
        CHECK(got.error().http_status == want.error().http_status);
        CHECK(page.images.empty());
        CHECK(!page.continuation_token);
        REQUIRE(cfimages::parse_into(*req, ok(envelope(full_images)), page));  // and it recovers
    }
}

TEST_CASE("parse_into: answers the fast path steps aside for are decided as parse decides them") {
    auto req = cfimages::v2::list(test_config());
    REQUIRE(req);
    cfimages::v2::ImagePage page;
    REQUIRE(cfimages::parse_into(*req, ok(envelope(full_images)), page));
    // A duplicate key: the DOM's "last wins" decides, not the streaming reader.
    const HttpResponse dup = ok(envelope(R"({"images":[{"id":"first","id":"second"}]})"));
    auto want = req->parse(dup);
    REQUIRE(want);
    auto n = cfimages::parse_into(*req, dup, page);
    REQUIRE(n);
    CHECK(*n == 1);
    check_same_page(page, *want);
    CHECK(page.images[0].id == "second");
}

TEST_CASE("parse_into: a request with its own parser is parsed by it") {
    auto req = cfimages::v2::list(test_config());
    REQUIRE(req);
    req->parser = [](const HttpResponse&, const cfimages::PageContext&) -> cfimages::Result<cfimages::v2::ImagePage> {
        cfimages::v2::ImagePage p;
        p.images.resize(2);
        p.images[1].id = "custom";
        return p;
    };
    cfimages::v2::ImagePage page;
    auto n = cfimages::parse_into(*req, ok(envelope(full_images)), page);
    REQUIRE(n);
    CHECK(*n == 2);
    CHECK(page.images[1].id == "custom");
}

// ---------------------------------------------------------------- fast_page.hpp

#include <cfimages/detail/fast_page.hpp>

namespace {

// True when the strict reader takes `body` on its own.
bool fast_takes(const std::string& body) {
    std::vector<Image> images;
    detail::FastPageReader reader(body, images);
    return reader.read();
}

} // namespace

TEST_CASE("fast page reader: takes the usual page shapes and decodes them as the DOM does") {
    const std::string utf8 = "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80.png";
    const std::string bodies[] = {
        envelope(full_images),
        envelope(bare_images),
        envelope(nulls_images),
        envelope(R"({"images":[]})"),
        envelope(R"({"images":null,"continuation_token":null})"),
        envelope(R"({"continuation_token":"t","images":[{"id":"x","filename":")" + utf8 + R"("}]})"),
        envelope(R"({"images":[{"id":"x","meta":{"n":-12,"big":123456789012345678,"b":false,"z":null,)"
                 R"("o":{"a":[[],{}]},"d":"dup","d":"last"},"other":{"k":[1,true,null,"s"]}}]})"),
        envelope(R"({"images":[],"total_count":1,"extra":{"a":[1,null]}})"),
        " \r\n\t" + envelope(R"({"images" : [ { "id" : "x" , "variants" : [ "a" , "b" ] } ] })") + " \n",
    };
    auto req = cfimages::v2::list(test_config());
    REQUIRE(req);
    for (const std::string& body : bodies) {
        CAPTURE(body);
        CHECK(fast_takes(body));
        auto page = req->parse(ok(body));
        REQUIRE(page);
        const std::vector<Image> want = dom_images(body);
        REQUIRE(page->images.size() == want.size());
        for (std::size_t i = 0; i < want.size(); ++i) check_same(page->images[i], want[i]);
    }
}

TEST_CASE("fast page reader: declines what it is not sure about, and the next reader decides") {
    const std::string declined[] = {
        // escapes, numbers it does not convert, duplicates, unknown result fields
        envelope(R"({"images":[{"id":"a\/b"}]})"),
        envelope(R"({"images":[{"id":"a","meta":{"x":1.5}}]})"),
        envelope(R"({"images":[{"id":"a","meta":{"x":1e3}}]})"),
        envelope(R"({"images":[{"id":"a","meta":{"x":-0}}]})"),
        envelope(R"({"images":[{"id":"a","meta":{"x":1234567890123456789}}]})"),
        envelope(R"({"images":[{"id":"a","id":"b"}]})"),
        envelope(R"({"images":[],"images":[]})"),
        envelope(R"({"images":[{"id":"a","unknown":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]})"),
        // things the DOM path turns into errors
        envelope(R"({"images":[{"id":"a","uploaded":"yesterday"}]})"),
        envelope(R"({"images":[{"id":"a","variants":"x"}]})"),
        envelope(R"({"images":[{"id":null}]})"),
        envelope(R"({"images":[{"filename":"no id"}]})"),
        envelope(R"({"images":{}})"),
        envelope(R"({})"),
        R"({"success":false,"errors":[{"code":5404,"message":"nope"}],"messages":[],"result":null})",
        R"({"errors":[],"result":{"images":[]}})",
        R"({"success":true})",
        // not JSON, or not UTF-8
        envelope(R"({"images":[{"id":"a",}]})"),
        envelope(R"({"images":[{"id":"a"}],})"),
        envelope(R"({"images":[{"id":"a","meta":{"n":01}}]})"),
        envelope(R"({"images":[{"id" "a"}]})"),
        envelope(R"({"images":[{"id":"a"}]})") + "x",
        envelope(R"({"images":[{"id":"a"}]})").substr(0, 40),
        envelope(R"({"images":[{"id":"a","draft":tru}]})"),
        envelope("{\"images\":[{\"id\":\"a\tb\"}]}"),
        envelope("{\"images\":[{\"id\":\"\xc0\xaf\"}]}"),          // overlong
        envelope("{\"images\":[{\"id\":\"\xed\xa0\x80\"}]}"),      // surrogate
        envelope("{\"images\":[{\"id\":\"\xf4\x90\x80\x80\"}]}"),  // above U+10FFFF
        envelope("{\"images\":[{\"id\":\"\xe6\x97\"}]}"),          // truncated
        envelope("{\"images\":[{\"id\":\"\x80\"}]}"),              // lone continuation byte
    };
    auto req = cfimages::v2::list(test_config());
    REQUIRE(req);
    for (const std::string& body : declined) {
        CAPTURE(body);
        CHECK(!fast_takes(body));
        // The chain still answers exactly as the DOM path alone would.
        auto page = req->parse(ok(body));
        auto dom = detail::parse_envelope_body<cfimages::v2::ImagePage>(
            ok(body),
            [](const boost::json::value& v, const detail::Path& p) -> cfimages::Result<cfimages::v2::ImagePage> {
                cfimages::v2::ImagePage pg;
                const auto* o = v.if_object();
                if (o == nullptr) return detail::type_error(p, "an object", v);
                if (auto e = detail::decode_images(*o, p, pg.images)) return std::move(*e);
                return pg;
            },
            false);
        REQUIRE(page.has_value() == dom.has_value());
        if (page) {
            REQUIRE(page->images.size() == dom->images.size());
            for (std::size_t i = 0; i < dom->images.size(); ++i) check_same(page->images[i], dom->images[i]);
        } else {
            CHECK(page.error().message == dom.error().message);
        }
    }
}

// ---------------------------------------------------------------- page_arena.hpp

#include <cfimages/detail/page_arena.hpp>

#include <cstring>
#include <thread>

TEST_CASE("page arena: aligned, disjoint blocks from several threads at once") {
    auto sp = boost::json::make_shared_resource<detail::PageArena>(256);  // tiny: many new blocks
    constexpr int threads = 4, per_thread = 2000;
    std::vector<std::vector<std::pair<unsigned char*, std::size_t>>> got(threads);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                const std::size_t n = 1 + static_cast<std::size_t>((i * 37 + t * 11) % 300);
                auto* p = static_cast<unsigned char*>(sp->allocate(n, alignof(std::max_align_t)));
                std::memset(p, t + 1, n);
                got[static_cast<std::size_t>(t)].push_back({p, n});
            }
        });
    }
    for (auto& th : pool) th.join();
    for (int t = 0; t < threads; ++t) {
        for (const auto& [p, n] : got[static_cast<std::size_t>(t)]) {
            CHECK(reinterpret_cast<std::uintptr_t>(p) % alignof(std::max_align_t) == 0);
            bool intact = true;  // no other allocation overwrote it
            for (std::size_t i = 0; i < n; ++i) intact = intact && p[i] == static_cast<unsigned char>(t + 1);
            CHECK(intact);
        }
    }
}

TEST_CASE("page arena: metas outlive their page, moved or copied") {
    auto req = cfimages::v2::list(test_config());
    REQUIRE(req);
    boost::json::object copied;
    Image moved;
    {
        auto page = req->parse(ok(envelope(full_images)));
        REQUIRE(page);
        REQUIRE(page->images[0].meta.storage().is_shared());  // read by the strict reader, in the arena
        copied = page->images[0].meta;                         // into copied's own (default) resource
        moved = std::move(page->images[1]);
        boost::json::object shared_copy(page->images[0].meta);  // shares the arena
        page->images.clear();
        CHECK(shared_copy.at("album") == "cat");
    }
    CHECK(copied.at("album") == "cat");
    CHECK(copied.at("tags").as_array().size() == 2);
    CHECK(moved.meta.at("k") == 1);
    moved.meta["added"] = "after the page is gone";
    CHECK(moved.meta.at("added") == "after the page is gone");
}

TEST_CASE("page arena: metas of one page can change on several threads at once") {
    std::string images = R"({"images":[)";
    for (int i = 0; i < 64; ++i) {
        if (i > 0) images += ",";
        images += R"({"id":"img-)" + std::to_string(i) + R"(","meta":{"n":)" + std::to_string(i) + "}}";
    }
    images += "]}";
    auto req = cfimages::v2::list(test_config());
    REQUIRE(req);
    auto page = req->parse(ok(envelope(images)));
    REQUIRE(page);
    REQUIRE(page->images.size() == 64);
    std::vector<std::thread> pool;
    for (int t = 0; t < 4; ++t) {
        pool.emplace_back([&, t] {
            for (std::size_t i = static_cast<std::size_t>(t); i < 64; i += 4) {
                auto& meta = page->images[i].meta;
                for (int k = 0; k < 200; ++k) meta["key-" + std::to_string(k)] = std::string(40, 'a' + static_cast<char>(t));
                meta.erase("key-0");
            }
        });
    }
    for (auto& th : pool) th.join();
    for (std::size_t i = 0; i < 64; ++i) {
        const auto& meta = page->images[i].meta;
        CHECK(meta.size() == 200);  // n, key-1..key-199
        CHECK(meta.at("n") == static_cast<std::int64_t>(i));
        CHECK(meta.at("key-199").as_string() == std::string(40, static_cast<char>('a' + i % 4)));
    }
}
