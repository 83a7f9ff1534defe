#include <cfimages/upload_to.hpp>

#include <doctest/doctest.h>

#include <string>

using cfimages::ErrorKind;
using cfimages::HttpResponse;

namespace {

const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "rest-of-png";
constexpr const char* upload_url =
    "https://upload.imagedelivery.net/Vi7wi5KSItxGFsWRG2Us6Q/2cdc28f0-017a-49c4-9ed7-87056c83901";

std::string boundary_of(const cfimages::HttpRequest& r) {
    auto ct = r.header("Content-Type");
    REQUIRE(ct.has_value());
    const std::string_view prefix = "multipart/form-data; boundary=";
    REQUIRE(ct->substr(0, prefix.size()) == prefix);
    return std::string(ct->substr(prefix.size()));
}

} // namespace

TEST_CASE("upload_to: builds an unauthenticated multipart POST, exact bytes") {
    auto req = cfimages::upload_to::build(upload_url, png, "cat.png");
    REQUIRE(req);
    const cfimages::HttpRequest& h = req->http;
    CHECK(h.method == cfimages::Method::post);
    CHECK(h.url == upload_url);
    CHECK_FALSE(req->idempotent);
    for (const auto& header : h.headers) {
        CAPTURE(header.name);
        CHECK_FALSE(cfimages::is_secret_header(header.name));
    }
    REQUIRE(h.headers.size() == 3);
    CHECK(h.headers[0] == cfimages::Header{"Accept", "application/json"});
    CHECK(h.headers[1] == cfimages::Header{"User-Agent", "cfimages/" CFIMAGES_VERSION_STRING});
    CHECK(h.headers[2].name == "Content-Type");

    const std::string b = boundary_of(h);
    CHECK_FALSE(b.empty());
    CHECK(png.find(b) == std::string::npos);
    const std::string expected = "--" + b +
                                 "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cat.png\"\r\n"
                                 "Content-Type: image/png\r\n\r\n" +
                                 png + "\r\n--" + b + "--\r\n";
    CHECK(h.body == expected);

    // Pure: the same input gives the same bytes, boundary included.
    auto again = cfimages::upload_to::build(upload_url, png, "cat.png");
    REQUIRE(again);
    CHECK(again->http.body == h.body);
    CHECK(again->http.headers == h.headers);
}

TEST_CASE("upload_to: filename and content type defaults; File overload") {
    auto req = cfimages::upload_to::build("http://127.0.0.1:4010/upload", png);
    REQUIRE(req);
    CHECK(req->http.body.find("filename=\"image.png\"\r\nContent-Type: image/png\r\n") != std::string::npos);

    cfimages::File f;
    f.data = "not an image, but the caller says so";
    f.filename = "x.jpg";
    f.content_type = "image/jpeg";
    auto given = cfimages::upload_to::build(upload_url, f);
    REQUIRE(given);
    CHECK(given->http.body.find("filename=\"x.jpg\"\r\nContent-Type: image/jpeg\r\n") != std::string::npos);
}

TEST_CASE("upload_to: refuses bad URLs and files") {
    struct Row {
        std::string url;
        std::string bytes;
        std::string message;
    };
    const Row rows[] = {
        {"", png, "upload_url: must be an absolute https:// URL (http:// only for local tests)"},
        {"/relative/path", png, "upload_url: must be an absolute https:// URL (http:// only for local tests)"},
        {"ftp://upload.imagedelivery.net/x", png,
         "upload_url: must be an absolute https:// URL (http:// only for local tests)"},
        {"HTTPS://upload.imagedelivery.net/x", png,
         "upload_url: must be an absolute https:// URL (http:// only for local tests)"},
        {"https://", png, "upload_url: must name a host"},
        {"https:///x", png, "upload_url: must name a host"},
        {"https://:443/x", png, "upload_url: must name a host"},
        {"https://upload.imagedelivery.net/x\r\nAuthorization: Bearer t", png,
         "upload_url: must not contain control characters (CR, LF, ...)"},
        {"https://upload.imagedelivery.net/x\n", png, "upload_url: must not contain control characters (CR, LF, ...)"},
        {"https://upload.imagedelivery.net/a b", png, "upload_url: must not contain spaces"},
        {"https://upload.imagedelivery.net/x#frag", png, "upload_url: must not have a fragment"},
        {"https://user:pass@upload.imagedelivery.net/x", png,
         "upload_url: must not carry user info (credentials never travel with this upload)"},
        {"https://up*load.example/x", png, "upload_url: has an invalid host"},
        {"https://upload.example:99999/x", png, "upload_url: has an invalid port"},
        {"https://" + std::string(8200, 'a'), png, "upload_url: must be at most 8192 characters"},
        {upload_url, "", "file: must not be empty"},
        {upload_url, "plain text", "file.content_type: not given, and the bytes are not PNG, JPEG, GIF, WebP, SVG, "
                                   "AVIF or HEIC; set it explicitly"},
    };
    for (const Row& r : rows) {
        CAPTURE(r.url.substr(0, 80));
        auto req = cfimages::upload_to::build(r.url, r.bytes);
        REQUIRE_FALSE(req);
        CHECK(req.error().kind == ErrorKind::invalid_argument);
        CHECK(req.error().message == r.message);
    }
    const std::string big = png + std::string(cfimages::upload_to::max_upload_bytes, 'x');
    auto too_big = cfimages::upload_to::build(upload_url, big);
    REQUIRE_FALSE(too_big);
    CHECK(too_big.error().message.rfind("file: is ", 0) == 0);
    auto bad_type = cfimages::upload_to::build(upload_url, png, "a.png", "image/png; x=\r\n");
    REQUIRE_FALSE(bad_type);
    CHECK(bad_type.error().kind == ErrorKind::invalid_argument);
    auto bad_name = cfimages::upload_to::build(upload_url, png, "a\r\n.png");
    REQUIRE_FALSE(bad_name);
    CHECK(bad_name.error().kind == ErrorKind::invalid_argument);
}

TEST_CASE("upload_to: parses the envelope with an Image result") {
    auto req = cfimages::upload_to::build(upload_url, png, "cat.png");
    REQUIRE(req);

    HttpResponse ok{200, {{"Content-Type", "application/json"}},
                    R"({"result":{"id":"2cdc28f0-017a-49c4-9ed7-87056c83901","filename":"cat.png",)"
                    R"("meta":{"k":"v"},"uploaded":"2022-01-31T16:39:28.458Z","requireSignedURLs":false,)"
                    R"("variants":["https://imagedelivery.net/Vi7wi5KSItxGFsWRG2Us6Q/2cdc28f0-017a-49c4-9ed7-87056c83901/public"],)"
                    R"("draft":false},"success":true,"errors":[],"messages":[]})"};
    auto img = req->parse(ok);
    REQUIRE(img);
    CHECK(img->id == "2cdc28f0-017a-49c4-9ed7-87056c83901");
    CHECK(img->filename == "cat.png");
    CHECK(img->variants.size() == 1);
    CHECK(cfimages::upload_completed(*img));
    CHECK_FALSE(cfimages::is_draft(*img));

    auto same = cfimages::upload_to::parse(ok);
    REQUIRE(same);
    CHECK(same->id == img->id);

    // A draft (as v1::get reports before the upload arrives).
    HttpResponse draft{200, {}, R"({"result":{"id":"x","draft":true},"success":true,"errors":[],"messages":[]})"};
    auto d = cfimages::upload_to::parse(draft);
    REQUIRE(d);
    CHECK(cfimages::is_draft(*d));
    CHECK_FALSE(cfimages::upload_completed(*d));
}

TEST_CASE("upload_to: failure shapes") {
    auto req = cfimages::upload_to::build(upload_url, png, "cat.png");
    REQUIRE(req);

    HttpResponse expired{400, {{"Content-Type", "application/json"}},
                         R"({"result":null,"success":false,"errors":[{"code":5400,"message":"Bad request"}],"messages":[]})"};
    auto e1 = req->parse(expired);
    REQUIRE_FALSE(e1);
    CHECK(e1.error().kind == ErrorKind::api);
    CHECK(e1.error().http_status == 400);
    CHECK(e1.error().code() == 5400);

    HttpResponse text{415, {{"cf-images", "err=5455"}}, "ERROR 5455: Unsupported image format"};
    auto e2 = req->parse(text);
    REQUIRE_FALSE(e2);
    CHECK(e2.error().kind == ErrorKind::api);
    CHECK(e2.error().code() == 5455);

    // What upload.imagedelivery.net really sends for an unsupported type
    // (issue 11): a bare object with a numeric code and nothing else.
    HttpResponse bare{415, {{"Content-Type", "application/json"}}, R"({"code":5550})"};
    auto e4 = req->parse(bare);
    REQUIRE_FALSE(e4);
    CHECK(e4.error().kind == ErrorKind::api);
    CHECK(e4.error().http_status == 415);
    CHECK(e4.error().code() == 5550);
    CHECK(e4.error().message == "HTTP 415 Unsupported Media Type");

    HttpResponse false200{200, {}, R"({"result":null,"success":false,"errors":[{"code":5408,"message":"slow"}],"messages":[]})"};
    auto e3 = req->parse(false200);
    REQUIRE_FALSE(e3);
    CHECK(e3.error().kind == ErrorKind::api);

    for (const char* body : {"", "<html>502</html>", "{", R"({"success":true,"result":null})",
                             R"({"success":true,"result":{"id":5}})", R"({"success":true})", "[]"}) {
        CAPTURE(body);
        HttpResponse bad{200, {}, body};
        auto e = req->parse(bad);
        REQUIRE_FALSE(e);
        CHECK(e.error().kind == ErrorKind::decode);
    }
}
