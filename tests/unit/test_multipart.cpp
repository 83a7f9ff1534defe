// Multipart bodies: deterministic boundary, never present in any part (even
// when a part is crafted to hold the first candidate), image sniffing, and
// escaping of names and filenames.
#include <cfimages/detail/multipart.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <cfimages/images.hpp>

namespace {

using cfimages::detail::Part;

std::string boundary_of(const std::string& content_type) {
    const std::string key = "boundary=";
    const auto p = content_type.find(key);
    REQUIRE(p != std::string::npos);
    return content_type.substr(p + key.size());
}

cfimages::Config cfg() {
    cfimages::Config c;
    c.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    c.credentials = cfimages::ApiToken{"token"};
    return c;
}

} // namespace

TEST_CASE("multipart: same input, same bytes") {
    const std::vector<Part> parts = {{"file", "\x89PNG data", "a.png", "image/png"}, {"metadata", "{\"a\":1}"}};
    std::string a, b;
    const std::string ta = cfimages::detail::build_multipart(parts, a);
    const std::string tb = cfimages::detail::build_multipart(parts, b);
    CHECK(ta == tb);
    CHECK(a == b);
    // A different input gives a different boundary.
    std::string c;
    const std::string tc = cfimages::detail::build_multipart({{"metadata", "{\"a\":2}"}}, c);
    CHECK(tc != ta);
}

TEST_CASE("multipart: the boundary search agrees with std::string_view::find at every position") {
    // detail::contains scans 32 positions at a time (SSE2 where there is
    // one): plant the needle at every offset of buffers around the block
    // sizes, and near-misses (first and last byte right, a middle byte
    // wrong), and compare with find.
    const std::string needle = "cfimages-0123456789abcdef";
    std::uint64_t x = 88172645463325252ULL;
    auto next = [&x] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return static_cast<char>(x);
    };
    for (std::size_t size : {0u, 1u, 24u, 25u, 26u, 55u, 56u, 57u, 63u, 64u, 100u, 300u}) {
        std::string hay(size, '\0');
        for (char& c : hay) c = next();
        CHECK(cfimages::detail::contains(hay, needle) == (std::string_view(hay).find(needle) != std::string_view::npos));
        for (std::size_t at = 0; at + needle.size() <= size; ++at) {
            std::string with = hay;
            with.replace(at, needle.size(), needle);
            CAPTURE(size);
            CAPTURE(at);
            CHECK(cfimages::detail::contains(with, needle));
            with[at + needle.size() / 2] = 'X';
            CHECK(cfimages::detail::contains(with, needle) ==
                  (std::string_view(with).find(needle) != std::string_view::npos));
        }
    }
    // Short needles and haystacks take the plain path.
    CHECK(cfimages::detail::contains("abc", "b"));
    CHECK_FALSE(cfimages::detail::contains("abc", "d"));
    CHECK(cfimages::detail::contains("abc", ""));
    CHECK_FALSE(cfimages::detail::contains("", "a"));
}

TEST_CASE("multipart: exact layout") {
    std::string body;
    const std::string type = cfimages::detail::build_multipart(
        {{"file", "BYTES", "x.gif", "image/gif"}, {"requireSignedURLs", "true"}}, body);
    const std::string b = boundary_of(type);
    CHECK(type == "multipart/form-data; boundary=" + b);
    CHECK(b.rfind("cfimages-", 0) == 0);
    CHECK(body == "--" + b + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.gif\"\r\n"
                  "Content-Type: image/gif\r\n\r\nBYTES\r\n"
                  "--" + b + "\r\nContent-Disposition: form-data; name=\"requireSignedURLs\"\r\n\r\ntrue\r\n"
                  "--" + b + "--\r\n");
}

TEST_CASE("multipart: the boundary is absent from every part, even a crafted one") {
    // Compute the first candidate with detail::make_boundary, then build a
    // request whose parts contain it. (Embedding it changes small data and so
    // the hash; the true same-hash collision is constructed in the
    // "large files" case below, where only the edges are hashed.)
    const std::vector<Part> probe = {{"file", "end of image", "a.png", "image/png"}};
    const std::string first = cfimages::detail::make_boundary(probe);
    const std::string data = "\x89PNG\r\n\x1a\n" + first + "\r\n--" + first + "--\r\nend of image";
    const std::string creator = "--" + first;  // Part holds views: keep the bytes alive
    const std::vector<Part> parts = {{"file", data, "a.png", "image/png"}, {"id", first}, {"creator", creator}};
    std::string body;
    const std::string b = boundary_of(cfimages::detail::build_multipart(parts, body));
    CHECK(b != first);
    for (const Part& p : parts) {
        CHECK(p.data.find(b) == std::string::npos);
        CHECK(p.name.find(b) == std::string::npos);
        CHECK(p.filename.find(b) == std::string::npos);
    }
    CHECK(cfimages::detail::occurs_in(parts, first));
    CHECK_FALSE(cfimages::detail::occurs_in(parts, b));
}

TEST_CASE("multipart: upload bodies never contain their boundary in a part") {
    // A file that is made of boundary-looking text, and an ID and creator
    // that contain the boundary the same request would otherwise get.
    cfimages::v1::CreateParams p;
    std::string data = "\x89PNG\r\n\x1a\n";
    for (int i = 0; i < 4; ++i) {
        p.file = cfimages::File{data, "a.png", ""};
        auto req = cfimages::v1::create(cfg(), p);
        REQUIRE(req);
        const std::string b = boundary_of(std::string(*req->http.header("Content-Type")));
        // The body holds the boundary only as delimiter lines.
        const std::string& body = req->http.body;
        std::size_t count = 0;
        for (std::size_t pos = body.find(b); pos != std::string::npos; pos = body.find(b, pos + 1)) ++count;
        CHECK(count == 2);  // one opening delimiter, one closing
        data += "--" + b + "\r\n";  // next round: the old boundary is in the file
    }
}

TEST_CASE("multipart: sniffing every image type") {
    struct Row {
        std::string bytes;
        const char* type;
        const char* ext;
    };
    const std::vector<Row> rows = {
        {std::string("\x89PNG\r\n\x1a\n\0\0", 10), "image/png", "png"},
        {"\xFF\xD8\xFF\xE0\0\x10JFIF", "image/jpeg", "jpg"},
        {"GIF87a....", "image/gif", "gif"},
        {"GIF89a....", "image/gif", "gif"},
        {std::string("RIFF\x10\0\0\0WEBPVP8 ", 16), "image/webp", "webp"},
        {std::string("\0\0\0\x20" "ftypavif", 12), "image/avif", "avif"},
        {std::string("\0\0\0\x20" "ftypavis", 12), "image/avif", "avif"},
        {std::string("\0\0\0\x18" "ftypheic", 12), "image/heic", "heic"},
        {std::string("\0\0\0\x18" "ftypmif1", 12), "image/heic", "heic"},
        {"<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "image/svg+xml", "svg"},
        {"\xEF\xBB\xBF  \n<?xml version=\"1.0\"?>\n<!-- c -->\n<svg/>", "image/svg+xml", "svg"},
        {"", "", ""},
        {"\x89PN", "", ""},
        {std::string("RIFF\x10\0\0\0WAVEfmt ", 16), "", ""},
        {std::string("\0\0\0\x18" "ftypmp42", 12), "", ""},
        {"<html><body>no</body></html>", "", ""},
        {"hello <svg", "", ""},
    };
    for (const Row& r : rows) {
        CAPTURE(r.bytes);
        const auto s = cfimages::detail::sniff_image(r.bytes);
        CHECK(s.type == r.type);
        CHECK(s.ext == r.ext);
    }
}

TEST_CASE("multipart: names and filenames cannot break out of the header") {
    std::string body;
    cfimages::detail::build_multipart({{"file", "x", "a\"b\\c;d.png", "image/png"}}, body);
    CHECK(body.find("filename=\"a%22b%5Cc;d.png\"") != std::string::npos);
    cfimages::detail::build_multipart({{"we\"ird", "x"}}, body);
    CHECK(body.find("name=\"we%22ird\"\r\n") != std::string::npos);

    // Through the builder: the default filename follows the sniffed type,
    // a UTF-8 filename passes as is, and control characters are refused.
    cfimages::v1::CreateParams p;
    p.file = cfimages::File{"GIF89a...", "", ""};
    auto req = cfimages::v1::create(cfg(), p);
    REQUIRE(req);
    CHECK(req->http.body.find("filename=\"image.gif\"\r\nContent-Type: image/gif\r\n") != std::string::npos);
    p.file = cfimages::File{"GIF89a...", "caf\xc3\xa9.gif", ""};
    req = cfimages::v1::create(cfg(), p);
    REQUIRE(req);
    CHECK(req->http.body.find("filename=\"caf\xc3\xa9.gif\"") != std::string::npos);
    p.file = cfimages::File{"plain text", "", "image/png"};  // explicit type wins, default name is .bin
    req = cfimages::v1::create(cfg(), p);
    REQUIRE(req);
    CHECK(req->http.body.find("filename=\"image.bin\"\r\nContent-Type: image/png\r\n") != std::string::npos);
}

TEST_CASE("multipart: large files hash by their edges; a crafted same-hash collision picks the next candidate") {
    std::string big(3u * 1024u * 1024u, 'a');
    big.replace(0, 8, "\x89PNG\r\n\x1a\n");
    cfimages::v1::CreateParams p;
    p.file = cfimages::File{big, "big.png", ""};
    auto a = cfimages::v1::create(cfg(), p);
    REQUIRE(a);
    // A change in the middle keeps the boundary (only edges and size are hashed)...
    std::string mid = big;
    mid[mid.size() / 2] = 'b';
    p.file = cfimages::File{mid, "big.png", ""};
    auto b = cfimages::v1::create(cfg(), p);
    REQUIRE(b);
    CHECK(*a->http.header("Content-Type") == *b->http.header("Content-Type"));
    // ...yet if the middle holds that boundary, another one is chosen.
    const std::string bnd = boundary_of(std::string(*a->http.header("Content-Type")));
    std::string evil = big;
    evil.replace(evil.size() / 2, bnd.size(), bnd);
    p.file = cfimages::File{evil, "big.png", ""};
    auto c = cfimages::v1::create(cfg(), p);
    REQUIRE(c);
    const std::string bnd2 = boundary_of(std::string(*c->http.header("Content-Type")));
    CHECK(bnd2 != bnd);
    CHECK(bnd2.size() == bnd.size() + 2);
    CHECK(bnd2.compare(bnd2.size() - 2, 2, "-1") == 0);  // salt 1: the first candidate collided
    CHECK(evil.find(bnd2) == std::string::npos);
}
