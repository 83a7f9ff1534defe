// Parser tests, table-driven over every endpoint (all 17 plus batch_token).
// Each endpoint's parser is taken from a request its builder made, so the
// test exercises the parser that is really bound. A parsed value is
// rendered to one canonical line of text, so expected values are readable
// and a mismatch prints both sides.
//
// Tables:
//   1. the spec's own examples (tests/data/responses/spec/, extracted by
//      tools/extract_examples.py): the 200 example must recover the value,
//      the 4XX example must be an `api` error with its code;
//   2. realistic successes (tests/data/responses/*.json and inline bodies);
//   3. every error shape, run against every endpoint;
//   4. wrong JSON types: the message names the field path.
#include <cfimages/cfimages.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace {

using cfimages::ErrorKind;
using cfimages::HttpResponse;

std::string read_data(const std::string& rel) {
    std::ifstream in(std::filesystem::path(CFIMAGES_TEST_DATA_DIR) / rel, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "missing fixture " << rel);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// ---------------------------------------------------------------- rendering

std::string time_text(std::chrono::system_clock::time_point tp) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(tp.time_since_epoch()).count();
    return std::to_string(us) + "us";
}

std::string text(const cfimages::Image& i) {
    std::string s = "{id=" + i.id;
    s += " filename=" + (i.filename ? *i.filename : std::string("null"));
    s += " creator=" + (i.creator ? *i.creator : std::string("null"));
    s += " meta=" + boost::json::serialize(i.meta);
    s += std::string(" rsu=") + (i.require_signed_urls ? "true" : "false");
    s += " uploaded=" + time_text(i.uploaded);
    s += " variants=[";
    for (std::size_t k = 0; k < i.variants.size(); ++k) s += (k ? "," : "") + i.variants[k];
    s += std::string("] draft=") + (i.draft ? "true" : "false") + "}";
    return s;
}

std::string text(const cfimages::Variant& v) {
    return "{id=" + v.id + " fit=" + std::string(cfimages::to_string(v.options.fit)) +
           " metadata=" + std::string(cfimages::to_string(v.options.metadata)) +
           " w=" + std::to_string(v.options.width) + " h=" + std::to_string(v.options.height) +
           " nrsu=" + (v.never_require_signed_urls ? "true" : "false") + "}";
}

std::string text(const cfimages::Deleted&) { return "deleted"; }
std::string text(const cfimages::Blob& b) {
    return "{type=" + b.content_type + " bytes=" + std::to_string(b.bytes.size()) + "}";
}
std::string text(const cfimages::Stats& s) {
    return "{allowed=" + std::to_string(s.allowed) + " current=" + std::to_string(s.current) + "}";
}
std::string text(const cfimages::DirectUpload& d) { return "{id=" + d.id + " url=" + d.upload_url + "}"; }
std::string text(const cfimages::v1::BatchTokenGrant& g) {
    return "{token=" + g.token + " expires=" + time_text(g.expires_at) + "}";
}
std::string text(const std::vector<cfimages::SigningKey>& ks) {
    std::string s = "[";
    for (const auto& k : ks) s += (s.size() > 1 ? "," : "") + k.name + "=" + k.value;
    return s + "]";
}
std::string text(const std::map<std::string, cfimages::Variant>& m) {
    std::string s = "{";
    for (const auto& kv : m) s += (s.size() > 1 ? "," : "") + kv.first + ":" + text(kv.second);
    return s + "}";
}
std::string text(const cfimages::v1::ImagePage& p) {
    std::string s = "{page=" + std::to_string(p.page) + " per_page=" + std::to_string(p.per_page) +
                    " more=" + (p.has_more() ? "true" : "false") + " n=" + std::to_string(p.images.size());
    for (const auto& i : p.images) s += " " + text(i);
    return s + "}";
}
std::string text(const cfimages::v2::ImagePage& p) {
    std::string s = "{token=" + (p.continuation_token ? *p.continuation_token : std::string("null")) +
                    " more=" + (p.has_more() ? "true" : "false") + " n=" + std::to_string(p.images.size());
    for (const auto& i : p.images) s += " " + text(i);
    return s + "}";
}

// What a parse produced: a rendered value or an error.
struct Outcome {
    bool ok = false;
    std::string value;
    cfimages::ApiError error;
};

template <class T>
std::function<Outcome(const HttpResponse&)> parser_of(cfimages::Result<cfimages::Request<T>> req) {
    REQUIRE(req.has_value());
    return [r = std::move(*req)](const HttpResponse& resp) {
        cfimages::Result<T> res = r.parse(resp);
        Outcome o;
        o.ok = res.has_value();
        if (o.ok) o.value = text(*res);
        else o.error = res.error();
        return o;
    };
}

cfimages::Config cfg() {
    cfimages::Config c;
    c.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    c.credentials = cfimages::ApiToken{"token"};
    return c;
}

struct Endpoint {
    std::string name;  // as the spec fixtures are named
    std::function<Outcome(const HttpResponse&)> parse;
    bool is_delete = false;  // result may be null or {}
    bool is_blob = false;
};

const std::vector<Endpoint>& endpoints() {
    namespace v1 = cfimages::v1;
    namespace v2 = cfimages::v2;
    static const std::vector<Endpoint> all = [] {
        v1::CreateParams create;
        create.url = "https://example.com/a.png";
        v1::EditParams edit;
        edit.creator = "c";
        cfimages::Variant var;
        var.id = "hero";
        var.options.width = var.options.height = 10;
        v1::variants::EditParams vedit;
        vedit.options.width = vedit.options.height = 10;
        v1::ListParams l1;
        l1.per_page = 10;
        return std::vector<Endpoint>{
            {"v1_create", parser_of(v1::create(cfg(), create))},
            {"v1_list", parser_of(v1::list(cfg(), l1))},
            {"v1_get", parser_of(v1::get(cfg(), "id"))},
            {"v1_edit", parser_of(v1::edit(cfg(), "id", edit))},
            {"v1_remove", parser_of(v1::remove(cfg(), "id")), true},
            {"v1_blobs_get", parser_of(v1::blobs::get(cfg(), "id")), false, true},
            {"v1_keys_list", parser_of(v1::keys::list(cfg()))},
            {"v1_keys_update", parser_of(v1::keys::update(cfg(), "k"))},
            {"v1_keys_remove", parser_of(v1::keys::remove(cfg(), "k"))},
            {"v1_stats_get", parser_of(v1::stats::get(cfg()))},
            {"v1_variants_list", parser_of(v1::variants::list(cfg()))},
            {"v1_variants_get", parser_of(v1::variants::get(cfg(), "hero"))},
            {"v1_variants_create", parser_of(v1::variants::create(cfg(), var))},
            {"v1_variants_edit", parser_of(v1::variants::edit(cfg(), "hero", vedit))},
            {"v1_variants_remove", parser_of(v1::variants::remove(cfg(), "hero")), true},
            {"v2_list", parser_of(v2::list(cfg()))},
            {"v2_direct_uploads_create", parser_of(v2::direct_uploads::create(cfg(), {}))},
            {"v1_batch_token", parser_of(v1::batch_token(cfg()))},
        };
    }();
    return all;
}

const Endpoint& endpoint(const std::string& name) {
    for (const Endpoint& e : endpoints())
        if (e.name == name) return e;
    FAIL("no endpoint " << name);
    std::abort();  // unreachable (and no throw: the suite also runs without exceptions)
}

HttpResponse json_response(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.headers = {{"Content-Type", "application/json; charset=utf-8"}, {"CF-Ray", "8b1a2c3d4e5f-LHR"}};
    r.body = std::move(body);
    return r;
}

std::string envelope(const std::string& result) {
    return R"({"success":true,"errors":[],"messages":[],"result":)" + result + "}";
}

// The spec's example image, rendered.
const std::string spec_image =
    "{id=107b9558-dd06-4bbd-5fef-9c2c16bb7900 filename=logo.png creator=null meta={\"key\":\"value\"} rsu=true "
    "uploaded=1388629200123000us variants=[https://imagedelivery.net/MTt4OTd0b0w5aj/"
    "107b9558-dd06-4bbd-5fef-9c2c16bb7900/thumbnail,https://imagedelivery.net/MTt4OTd0b0w5aj/"
    "107b9558-dd06-4bbd-5fef-9c2c16bb7900/hero,https://imagedelivery.net/MTt4OTd0b0w5aj/"
    "107b9558-dd06-4bbd-5fef-9c2c16bb7900/original] draft=false}";
const std::string spec_hero = "{id=hero fit=scale-down metadata=none w=1366 h=768 nrsu=true}";

} // namespace

// ------------------------------------------------------------------ table 1

TEST_CASE("parsers: the spec's example responses, every endpoint") {
    struct Row {
        const char* endpoint;
        std::string value;  // what the 200 example must parse into
    };
    const std::vector<Row> rows = {
        {"v1_create", spec_image},
        {"v1_list", "{page=1 per_page=10 more=true n=1 " + spec_image + "}"},
        {"v1_get", spec_image},
        {"v1_edit", spec_image},
        {"v1_remove", "deleted"},
        {"v1_blobs_get", ""},  // no JSON 200 in the spec: the blob is image bytes
        {"v1_keys_list", "[default=Oix0bbNaT8Rge9PuyxUBrjI6zrgnsyJ5=]"},
        {"v1_keys_update", "[default=Oix0bbNaT8Rge9PuyxUBrjI6zrgnsyJ5=]"},
        {"v1_keys_remove", "[default=Oix0bbNaT8Rge9PuyxUBrjI6zrgnsyJ5=]"},
        {"v1_stats_get", "{allowed=100000 current=1000}"},
        {"v1_variants_list", "{hero:" + spec_hero + "}"},
        {"v1_variants_get", spec_hero},
        {"v1_variants_create", spec_hero},
        {"v1_variants_edit", spec_hero},
        {"v1_variants_remove", "deleted"},
        {"v2_list", "{token=iD0bxlWFSVUWsDHbzIqvDkgBW4otifAAuGXLz1n8BQA more=true n=1 " + spec_image + "}"},
        {"v2_direct_uploads_create",
         "{id=e22e9e6b-c02b-42fd-c405-6c32af5fe600 url=https://upload.imagedelivery.net/FxUufywByo0m2v3xhKSiU8/"
         "e22e9e6b-c02b-42fd-c405-6c32af5fe600}"},
    };
    REQUIRE(rows.size() == 17);
    for (const Row& row : rows) {
        CAPTURE(row.endpoint);
        const Endpoint& ep = endpoint(row.endpoint);
        if (!row.value.empty()) {
            Outcome o = ep.parse(json_response(200, read_data(std::string("responses/spec/") + row.endpoint + ".200.json")));
            REQUIRE_MESSAGE(o.ok, o.error.message);
            CHECK(o.value == row.value);
        }
        for (int status : {400, 403, 404, 422}) {
            CAPTURE(status);
            Outcome o = ep.parse(json_response(status, read_data(std::string("responses/spec/") + row.endpoint + ".4xx.json")));
            REQUIRE_FALSE(o.ok);
            CHECK(o.error.kind == ErrorKind::api);
            CHECK(o.error.http_status == status);
            REQUIRE(o.error.errors.size() == 1);
            CHECK(o.error.code() == 7003);
            CHECK(o.error.message == "No route for the URI");
        }
    }
}

// ------------------------------------------------------------------ table 2

TEST_CASE("parsers: realistic successes") {
    const std::string img0 =
        "{id=img-00 filename=photo-00.jpg creator=null meta={} rsu=false uploaded=1714557600500000us "
        "variants=[https://imagedelivery.net/ZWd9g1K7eljCn_KDTu_MWA/img-00/public] draft=false}";
    struct Row {
        const char* endpoint;
        std::string body;    // "@file" reads tests/data/responses/file
        std::string expect;  // the whole rendered value, or a prefix ending in "..."
    };
    const std::vector<Row> rows = {
        // Variants list keyed by name, several names; id filled from the key when absent; 256.0 is integral.
        {"v1_variants_list", "@variants_many.json",
         "{avatar:{id=avatar fit=crop metadata=copyright w=256 h=256 nrsu=false},"
         "hero:{id=hero fit=scale-down metadata=none w=1366 h=768 nrsu=true},"
         "public:{id=public fit=contain metadata=none w=4000 h=4000 nrsu=false},"
         "thumb:{id=thumb fit=cover metadata=keep w=100 h=100 nrsu=false}}"},
        {"v1_variants_list", envelope(R"({"variants":{}})"), "{}"},
        {"v1_variants_list", envelope(R"({"variants":null})"), "{}"},
        // A draft image from a direct upload that has not arrived.
        {"v1_get", "@image_draft.json",
         "{id=e22e9e6b-c02b-42fd-c405-6c32af5fe600 filename=null creator=null meta={} rsu=false "
         "uploaded=1722945600000000us variants=[] draft=true}"},
        // Unknown fields everywhere are ignored; creator string; time zone offset; microseconds kept.
        {"v1_get", "@image_unknown_fields.json",
         "{id=folder/logo.png filename=logo.png creator=user-42 meta={\"key\":\"value\",\"nested\":{\"a\":[1,2]}} "
         "rsu=false uploaded=1722938400123456us "
         "variants=[https://imagedelivery.net/ZWd9g1K7eljCn_KDTu_MWA/folder/logo.png/public] draft=false}"},
        // Minimal image: only an id.
        {"v1_edit", envelope(R"({"id":"x"})"),
         "{id=x filename=null creator=null meta={} rsu=false uploaded=0us variants=[] draft=false}"},
        // v1 pages: full page (per_page=10) -> more; short page -> last.
        {"v1_list", "@v1_list_full_page.json", "{page=1 per_page=10 more=true n=10 " + img0 + "..."},
        {"v1_list", "@v1_list_short_page.json", "{page=1 per_page=10 more=true n=3 " + img0 + "..."},
        {"v1_list", envelope(R"({"images":[]})"), "{page=1 per_page=10 more=false n=0}"},
        // v2 pages: with and without a continuation token.
        {"v2_list", "@v2_list_more.json", "{token=aGVsbG8gd29ybGQ more=true n=2 " + img0 + "..."},
        {"v2_list", "@v2_list_last.json", "{token=null more=false n=1 ..."},
        {"v2_list", envelope(R"({"images":[],"continuation_token":""})"), "{token= more=false n=0}"},
        {"v2_list", envelope(R"({"images":[]})"), "{token=null more=false n=0}"},
        // Deletes: {} or null result.
        {"v1_remove", envelope("{}"), "deleted"},
        {"v1_remove", envelope("null"), "deleted"},
        {"v1_variants_remove", R"({"success":true,"errors":[],"messages":[]})", "deleted"},
        // Keys: several, and an empty list.
        {"v1_keys_update", envelope(R"({"keys":[{"name":"default","value":"a"},{"name":"someKey","value":"b"}]})"),
         "[default=a,someKey=b]"},
        {"v1_keys_remove", envelope(R"({"keys":[]})"), "[]"},
        // Stats with integral doubles.
        {"v1_stats_get", envelope(R"({"count":{"allowed":100000.0,"current":0}})"), "{allowed=100000 current=0}"},
        // Batch token with nine fractional digits (kept to the microsecond).
        {"v1_batch_token", envelope(R"({"token":"eyJhbGciOi","expiresAt":"2024-08-06T12:00:00.123456789Z"})"),
         "{token=eyJhbGciOi expires=1722945600123456us}"},
        // Codes as strings in messages do not disturb a success.
        {"v1_stats_get",
         R"({"success":true,"errors":[],"messages":[{"code":"1000","message":"ok"}],"result":{"count":{"allowed":1,"current":1}}})",
         "{allowed=1 current=1}"},
    };
    for (const Row& row : rows) {
        CAPTURE(row.endpoint);
        CAPTURE(row.body.substr(0, 80));
        const std::string body = row.body[0] == '@' ? read_data("responses/" + row.body.substr(1)) : row.body;
        Outcome o = endpoint(row.endpoint).parse(json_response(200, body));
        REQUIRE_MESSAGE(o.ok, o.error.message);
        if (row.expect.size() > 3 && row.expect.compare(row.expect.size() - 3, 3, "...") == 0)
            CHECK(o.value.substr(0, row.expect.size() - 3) == row.expect.substr(0, row.expect.size() - 3));
        else
            CHECK(o.value == row.expect);
    }
}

TEST_CASE("parsers: the v1 page knows its page and size from the request") {
    cfimages::v1::ListParams p;
    p.page = 3;
    p.per_page = 10;
    auto req = cfimages::v1::list(cfg(), p);
    REQUIRE(req);
    auto page = req->parse(json_response(200, read_data("responses/v1_list_full_page.json")));
    REQUIRE(page);
    CHECK(page->page == 3);
    CHECK(page->per_page == 10);
    CHECK(page->has_more());
    CHECK(page->has_more(10));
    CHECK(page->has_more(9));
    CHECK_FALSE(page->has_more(11));
    // A page shorter than asked is not the last on its own (the server may
    // page at fewer than per_page); after a fuller page of the listing it is.
    page = req->parse(json_response(200, read_data("responses/v1_list_short_page.json")));
    REQUIRE(page);
    CHECK(page->has_more());
    CHECK(page->has_more(3));
    CHECK_FALSE(page->has_more(10));
    // No per_page: the same rules.
    auto req2 = cfimages::v1::list(cfg());
    REQUIRE(req2);
    auto page2 = req2->parse(json_response(200, read_data("responses/v1_list_full_page.json")));
    REQUIRE(page2);
    CHECK(page2->per_page == 0);
    CHECK(page2->has_more());
    CHECK_FALSE(page2->has_more(100));
    // Only an empty page is the last whatever came before.
    page2 = req2->parse(json_response(200, R"({"success":true,"errors":[],"messages":[],"result":{"images":[]}})"));
    REQUIRE(page2);
    CHECK_FALSE(page2->has_more());
    CHECK_FALSE(page2->has_more(0));
}

TEST_CASE("parsers: blob bytes and content type") {
    const Endpoint& ep = endpoint("v1_blobs_get");
    HttpResponse r;
    r.status = 200;
    r.headers = {{"content-type", "image/png"}, {"Content-Length", "12"}};
    r.body = std::string("\x89PNG\r\n\x1a\n\0\0\0\r", 12);
    auto req = cfimages::v1::blobs::get(cfg(), "id");
    REQUIRE(req);
    auto blob = req->parse(r);
    REQUIRE(blob);
    CHECK(blob->content_type == "image/png");
    CHECK(blob->bytes == r.body);

    // A JSON error body under 404 and a success:false envelope under 200.
    Outcome o = ep.parse(json_response(404, R"({"success":false,"errors":[{"code":5404,"message":"Image not found"}],"messages":[],"result":null})"));
    REQUIRE_FALSE(o.ok);
    CHECK(o.error.kind == ErrorKind::api);
    CHECK(o.error.code() == 5404);
    o = ep.parse(json_response(200, R"({"success":false,"errors":[{"code":5455,"message":"Unsupported image"}]})"));
    REQUIRE_FALSE(o.ok);
    CHECK(o.error.kind == ErrorKind::api);
    CHECK(o.error.code() == 5455);
    // A 200 JSON envelope that says success is not an image.
    o = ep.parse(json_response(200, envelope("{}")));
    REQUIRE_FALSE(o.ok);
    CHECK(o.error.kind == ErrorKind::decode);
    CHECK(o.error.message == "result: expected image bytes, got a JSON envelope");
    // 200 application/json that is not even JSON.
    o = ep.parse(json_response(200, "oops"));
    REQUIRE_FALSE(o.ok);
    CHECK(o.error.kind == ErrorKind::decode);
    CHECK(o.error.message == "body: expected image bytes, got application/json");
    // An unlabelled success:false envelope is still a refusal, not image bytes.
    r.headers = {};
    r.body = R"({"success":false,"errors":[{"code":5404,"message":"Image not found"}]})";
    auto refused = req->parse(r);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().kind == ErrorKind::api);
    CHECK(refused.error().code() == 5404);
    // A 200 with no bytes at all is not an image.
    r.headers = {{"content-type", "image/png"}};
    r.body.clear();
    auto empty = req->parse(r);
    REQUIRE_FALSE(empty);
    CHECK(empty.error().kind == ErrorKind::decode);
    CHECK(empty.error().message == "body: empty, expected image bytes");
}

// ------------------------------------------------------------------ table 3

TEST_CASE("parsers: every error shape, every endpoint") {
    struct Row {
        const char* what;
        int status;
        cfimages::Headers headers;
        std::string body;
        ErrorKind kind;
        std::int64_t code;         // expected first error code (0: none)
        std::string message;       // expected ApiError::message (exact)
        bool deletes_succeed = false;  // for rows where a delete's null result is fine
    };
    const cfimages::Headers json_h = {{"Content-Type", "application/json"}};
    const std::vector<Row> rows = {
        {"success:false under 200", 200, json_h,
         R"({"success":false,"errors":[{"code":5400,"message":"Bad request: image too large"}],"messages":[],"result":null})",
         ErrorKind::api, 5400, "Bad request: image too large"},
        {"success:false under 200, no errors", 200, json_h, R"({"success":false,"errors":[],"messages":[]})",
         ErrorKind::api, 0, "the server answered success: false without an error"},
        {"success:false under 403", 403, json_h,
         R"({"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[],"result":null})",
         ErrorKind::api, 10000, "Authentication error"},
        {"two errors", 400, json_h,
         R"({"success":false,"errors":[{"code":5455,"message":"a"},{"code":5400,"message":"b"}]})",
         ErrorKind::api, 5455, "a (and 1 more error)"},
        {"non-2xx envelope with success:true (proxy confusion)", 500, json_h, envelope("{}"), ErrorKind::api, 0,
         "HTTP 500 Internal Server Error without error details"},
        {"codes as strings", 409, json_h,
         R"({"success":false,"errors":[{"code":"5409","message":"Resource conflict","documentation_url":"https://x"}]})",
         ErrorKind::api, 5409, "Resource conflict"},
        {"errors as bare strings", 400, json_h, R"({"success":false,"errors":["Bad thing"]})", ErrorKind::api, 0,
         "Bad thing"},
        {"text body with cf-images header", 404, {{"Content-Type", "text/plain"}, {"cf-images", "err=5404"}},
         "ERROR 5404: Image not found\n", ErrorKind::api, 5404, "Image not found"},
        {"text body alone", 404, {}, "ERROR 5404: Image not found", ErrorKind::api, 5404, "Image not found"},
        {"text body, code only", 404, {}, "ERROR 5404", ErrorKind::api, 5404, "HTTP 404 Not Found"},
        {"header only", 404, {{"cf-images", "err=5404"}}, "", ErrorKind::api, 5404, "HTTP 404 Not Found"},
        {"header with an envelope lacking errors", 404, {{"cf-images", "foo; err=5404"}},
         R"({"success":false,"errors":[]})", ErrorKind::api, 5404, "HTTP 404 Not Found"},
        {"HTML 502 with title", 502, {{"Content-Type", "text/html"}},
         "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>",
         ErrorKind::api, 0, "HTTP 502 Bad Gateway (HTML body: 502 Bad Gateway)"},
        {"HTML without title", 503, {}, "<html><body>down</body></html>", ErrorKind::api, 0,
         "HTTP 503 Service Unavailable (HTML body)"},
        {"empty body 500", 500, {}, "", ErrorKind::api, 0, "HTTP 500 Internal Server Error with an empty body"},
        {"whitespace body 401", 401, {}, " \r\n", ErrorKind::api, 0, "HTTP 401 Unauthorized with an empty body"},
        {"truncated JSON under 500", 500, json_h, R"({"success":false,"errors":[{"code":5)", ErrorKind::api, 0,
         R"({"success":false,"errors":[{"code":5)"},
        {"plain text 429", 429, {}, "Too Many Requests", ErrorKind::api, 0, "Too Many Requests"},
        // Bodies that are not the v4 envelope, as real hosts send them (issue 11).
        {"top-level code string and message (batch host)", 403, json_h,
         R"({"code":"103","message":"forbidden endpoint"})", ErrorKind::api, 103, "forbidden endpoint"},
        {"top-level numeric code alone (upload URL host)", 415, json_h, R"({"code":5550})", ErrorKind::api, 5550,
         "HTTP 415 Unsupported Media Type"},
        {"success:false with a top-level message", 400, json_h,
         R"({"success":false,"message":"metadata must be an object"})", ErrorKind::api, 0,
         "metadata must be an object"},
        {"success:false with a top-level message under 200", 200, json_h,
         R"({"success":false,"message":"try again"})", ErrorKind::api, 0, "try again"},
        {"success:false with a top-level code under 200", 200, json_h, R"({"success":false,"code":5400})",
         ErrorKind::api, 5400, "the server answered success: false"},
        {"errors as an object", 400, json_h,
         R"({"success":false,"errors":{"code":"5400","message":"Bad request: invalid id"},"messages":[]})",
         ErrorKind::api, 5400, "Bad request: invalid id"},
        {"error as a string", 504, json_h, R"({"error":"upstream timed out"})", ErrorKind::api, 0,
         "upstream timed out"},
        {"error as an object", 400, json_h, R"({"error":{"code":9422,"message":"quota"}})", ErrorKind::api, 9422,
         "quota"},
        {"top-level message, code from the cf-images header", 404, {{"cf-images", "err=5404"}},
         R"({"message":"not here"})", ErrorKind::api, 5404, "not here"},
        {"edge rate-limit text", 429, {{"Content-Type", "text/plain"}}, "error code: 1015", ErrorKind::api, 1015,
         "HTTP 429 Too Many Requests"},
        // 2xx answers that are not the documented shape: decode.
        {"empty body 200", 200, json_h, "", ErrorKind::decode, 0, "body: empty, expected a JSON envelope"},
        {"truncated JSON 200", 200, json_h, R"({"success":true,"result":{"id":"ab)", ErrorKind::decode, 0, ""},
        {"HTML 200", 200, json_h, "<html>hi</html>", ErrorKind::decode, 0, "body: not JSON (<html>hi</html>)"},
        {"array 200", 200, json_h, "[1,2]", ErrorKind::decode, 0, "body: expected an object, got an array"},
        {"success missing", 200, json_h, R"({"result":{}})", ErrorKind::decode, 0, "success: missing"},
        {"success as string", 200, json_h, R"({"success":"true","result":{}})", ErrorKind::decode, 0,
         "success: expected a boolean, got a string"},
        {"result null", 200, json_h, R"({"success":true,"errors":[],"messages":[],"result":null})",
         ErrorKind::decode, 0, "result: null", true},
        {"result missing", 200, json_h, R"({"success":true,"errors":[],"messages":[]})", ErrorKind::decode, 0,
         "result: missing", true},
        {"deep nesting 200", 200, json_h, std::string(100000, '[') + std::string(100000, ']'), ErrorKind::decode, 0,
         ""},
    };
    for (const Endpoint& ep : endpoints()) {
        for (const Row& row : rows) {
            CAPTURE(ep.name);
            CAPTURE(row.what);
            HttpResponse r;
            r.status = row.status;
            r.headers = row.headers;
            r.body = row.body;
            Outcome o = ep.parse(r);
            if (row.deletes_succeed && ep.is_delete) {
                CHECK(o.ok);
                continue;
            }
            // The blob decides by Content-Type: a 2xx body that is not JSON is an image.
            if (ep.is_blob && row.kind == ErrorKind::decode) {
                REQUIRE_FALSE(o.ok);
                CHECK(o.error.kind == ErrorKind::decode);
                continue;
            }
            REQUIRE_FALSE(o.ok);
            CHECK(o.error.kind == row.kind);
            CHECK(o.error.http_status == row.status);  // decode errors too: there was a response
            CHECK(o.error.code() == row.code);
            if (!row.message.empty()) CHECK(o.error.message == row.message);
            CHECK_FALSE(o.error.message.empty());
            CHECK(o.error.message.find('\n') == std::string::npos);
        }
    }
}

TEST_CASE("parsers: decode errors for truncated and nested JSON say what is wrong") {
    Outcome o = endpoint("v1_get").parse(json_response(200, R"({"success":true,"result":{"id":"ab)"));
    REQUIRE_FALSE(o.ok);
    CHECK(o.error.message.rfind("body: invalid JSON (", 0) == 0);
    o = endpoint("v1_get").parse(json_response(200, std::string(100000, '[') + std::string(100000, ']')));
    REQUIRE_FALSE(o.ok);
    CHECK(o.error.message.rfind("body: invalid JSON (", 0) == 0);
    // 64 levels are fine inside meta.
    std::string meta;
    for (int i = 0; i < 50; ++i) meta += R"({"a":)";
    meta += "1";
    for (int i = 0; i < 50; ++i) meta += "}";
    o = endpoint("v1_get").parse(json_response(200, envelope(R"({"id":"x","meta":)" + meta + "}")));
    CHECK_MESSAGE(o.ok, o.error.message);
}

TEST_CASE("parsers: a message carries code, documentation URL and pointer") {
    Outcome o = endpoint("v1_edit").parse(json_response(
        400, R"({"success":false,"errors":[{"code":5400,"message":"bad\nmetadata","documentation_url":"https://developers.cloudflare.com/images/","source":{"pointer":"/metadata"}}],"messages":[{"code":1000,"message":"fyi"}],"result":null})"));
    REQUIRE_FALSE(o.ok);
    REQUIRE(o.error.errors.size() == 1);
    CHECK(o.error.errors[0] == cfimages::Message{5400, "bad metadata", "https://developers.cloudflare.com/images/", "/metadata"});
    REQUIRE(o.error.messages.size() == 1);
    CHECK(o.error.messages[0].code == 1000);
    CHECK(o.error.message == "bad metadata");
}

// ------------------------------------------------------------------ table 4

TEST_CASE("parsers: wrong JSON types name the field path") {
    struct Row {
        const char* endpoint;
        std::string result;   // the envelope's result
        std::string message;  // the whole decode message
    };
    const std::vector<Row> rows = {
        {"v1_get", "[]", "result: expected an object, got an array"},
        {"v1_get", R"({"filename":"a"})", "result.id: missing"},
        {"v1_get", R"({"id":5})", "result.id: expected a string, got a number"},
        {"v1_create", R"({"id":"a","filename":true})", "result.filename: expected a string or null, got a boolean"},
        {"v1_edit", R"({"id":"a","creator":{}})", "result.creator: expected a string or null, got an object"},
        {"v1_get", R"({"id":"a","meta":"x"})", "result.meta: expected an object, got a string"},
        {"v1_get", R"({"id":"a","requireSignedURLs":"true"})", "result.requireSignedURLs: expected a boolean, got a string"},
        {"v1_get", R"({"id":"a","uploaded":12})", "result.uploaded: expected an RFC 3339 string, got a number"},
        {"v1_get", R"({"id":"a","uploaded":"yesterday"})", "result.uploaded: not an RFC 3339 date-time"},
        {"v1_get", R"({"id":"a","variants":{}})", "result.variants: expected an array, got an object"},
        {"v1_get", R"({"id":"a","variants":["u",3]})", "result.variants[1]: expected a string, got a number"},
        {"v1_get", R"({"id":"a","draft":1})", "result.draft: expected a boolean, got a number"},
        {"v1_list", R"({})", "result.images: missing"},
        {"v1_list", R"({"images":{}})", "result.images: expected an array, got an object"},
        {"v1_list", R"({"images":[{"id":"a"},{"name":"b"}]})", "result.images[1].id: missing"},
        {"v2_list", R"({"images":[{"id":"a","meta":[]}]})", "result.images[0].meta: expected an object, got an array"},
        {"v2_list", R"({"images":[],"continuation_token":5})", "result.continuation_token: expected a string or null, got a number"},
        {"v1_keys_list", R"({})", "result.keys: missing"},
        {"v1_keys_list", R"({"keys":"k"})", "result.keys: expected an array, got a string"},
        {"v1_keys_update", R"({"keys":[1]})", "result.keys[0]: expected an object, got a number"},
        {"v1_keys_remove", R"({"keys":[{"name":null}]})", "result.keys[0].name: expected a string, got null"},
        {"v1_stats_get", R"({})", "result.count: missing"},
        {"v1_stats_get", R"({"count":[]})", "result.count: expected an object, got an array"},
        {"v1_stats_get", R"({"count":{"allowed":-1}})", "result.count.allowed: expected a non-negative integer"},
        {"v1_stats_get", R"({"count":{"current":1.5}})", "result.count.current: expected a non-negative integer"},
        {"v1_stats_get", R"({"count":{"current":"7"}})", "result.count.current: expected a number, got a string"},
        {"v1_variants_list", R"({"variants":[]})", "result.variants: expected an object, got an array"},
        {"v1_variants_list", R"({"variants":{"hero":1}})", "result.variants.hero: expected an object, got a number"},
        // A name from the server is made printable and bounded in the path.
        {"v1_variants_list", R"({"variants":{"h\r\no":1}})", "result.variants.h o: expected an object, got a number"},
        {"v1_variants_list", R"({"variants":{")" + std::string(100, 'x') + R"(":1}})",
         "result.variants." + std::string(64, 'x') + "...: expected an object, got a number"},
        {"v1_variants_list", R"({"variants":{"hero":{"options":{"fit":"stretch","width":1,"height":1}}}})",
         "result.variants.hero.options.fit: unknown fit 'stretch'"},
        {"v1_variants_get", R"({})", "result.variant: missing"},
        {"v1_variants_get", R"({"variant":{"id":"hero"}})", "result.variant.options: missing"},
        {"v1_variants_get", R"({"variant":{"options":{"fit":"cover","width":"1366","height":1}}})",
         "result.variant.options.width: expected a number, got a string"},
        {"v1_variants_create", R"({"variant":{"options":{"fit":"cover","width":1}}})",
         "result.variant.options.height: missing"},
        {"v1_variants_edit", R"({"variant":{"options":{"fit":"cover","metadata":"all","width":1,"height":1}}})",
         "result.variant.options.metadata: unknown metadata mode 'all'"},
        {"v1_variants_edit", R"({"variant":{"neverRequireSignedURLs":"no","options":{}}})",
         "result.variant.neverRequireSignedURLs: expected a boolean, got a string"},
        {"v2_direct_uploads_create", R"({"id":"a"})", "result.uploadURL: missing"},
        {"v2_direct_uploads_create", R"({"id":1,"uploadURL":"u"})", "result.id: expected a string, got a number"},
        {"v1_batch_token", R"({"token":"t"})", "result.expiresAt: missing"},
        {"v1_batch_token", R"({"token":"t","expiresAt":"2024-13-01T00:00:00Z"})", "result.expiresAt: not an RFC 3339 date-time"},
    };
    for (const Row& row : rows) {
        CAPTURE(row.endpoint);
        CAPTURE(row.result);
        Outcome o = endpoint(row.endpoint).parse(json_response(200, envelope(row.result)));
        REQUIRE_FALSE(o.ok);
        CHECK(o.error.kind == ErrorKind::decode);
        CHECK(o.error.http_status == 200);
        CHECK(o.error.message == row.message);
    }
}
