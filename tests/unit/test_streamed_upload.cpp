// Streamed uploads (File::source, file_source): the streamed request is the
// buffered request, byte for byte, read in pieces; validation; a file that
// changes while it is sent; the boundary searched in the file's middle.
#include <cfimages/file_source.hpp>

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <cfimages/images.hpp>
#include <cfimages/upload_to.hpp>

#include "../counting_source.hpp"

namespace {

using cfimages::ErrorKind;
using cfimages_test::CountingSource;

cfimages::Config cfg() {
    cfimages::Config c;
    c.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    c.credentials = cfimages::ApiToken{"token"};
    return c;
}

// A BodySource over bytes held in memory (a "device" of the test's own).
class StringSource final : public cfimages::BodySource {
public:
    explicit StringSource(std::string s) : s_(std::move(s)) {}
    std::uint64_t size() const noexcept override { return s_.size(); }
    cfimages::Result<std::size_t> read(std::uint64_t offset, char* out, std::size_t n) const override {
        const std::size_t k = std::min(n, s_.size() - static_cast<std::size_t>(offset));
        std::copy_n(s_.data() + offset, k, out);
        return k;
    }

private:
    std::string s_;
};

// Reads a whole body source in pieces of `chunk` bytes.
cfimages::Result<std::string> read_all(const cfimages::BodySource& src, std::size_t chunk) {
    std::string out;
    std::vector<char> buf(chunk);
    for (std::uint64_t off = 0; off < src.size();) {
        auto got = src.read(off, buf.data(), chunk);
        if (!got) return std::move(got).error();
        if (*got == 0 || *got > chunk) return cfimages::ApiError::make(ErrorKind::decode, "test: bad read count");
        out.append(buf.data(), *got);
        off += *got;
    }
    return out;
}

// A file under the temporary directory, removed at the end of the test.
struct TempFile {
    std::filesystem::path path;
    explicit TempFile(const std::string& bytes) {
        std::random_device rd;
        path = std::filesystem::temp_directory_path() /
               ("cfimages-stream-" + std::to_string(rd()) + "-" + std::to_string(rd()) + ".bin");
        write(bytes);
    }
    void write(const std::string& bytes) const {
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    void append(const std::string& bytes) const {
        std::ofstream f(path, std::ios::binary | std::ios::app);
        f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    ~TempFile() {
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
};

void check_same_request(const cfimages::HttpRequest& buffered, const cfimages::HttpRequest& streamed) {
    CHECK(buffered.method == streamed.method);
    CHECK(buffered.url == streamed.url);
    CHECK(buffered.headers == streamed.headers);
    CHECK_FALSE(buffered.body_source);
    CHECK(streamed.body.empty());
    REQUIRE(streamed.body_source);
    CHECK(streamed.body_size() == buffered.body.size());
    for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{4096}, std::size_t{65536},
                              static_cast<std::size_t>(buffered.body.size())}) {
        CAPTURE(chunk);
        if (chunk == 1 && buffered.body.size() > 100000) continue;  // slow, and 7 covers it
        auto all = read_all(*streamed.body_source, chunk);
        REQUIRE(all);
        CHECK(*all == buffered.body);  // golden: byte for byte
    }
}

} // namespace

TEST_CASE("streamed upload: v1::create, same bytes as the buffered body") {
    // Sizes around the hash edges (whole data hashed up to 8 KiB).
    for (std::uint64_t size : {std::uint64_t{9}, std::uint64_t{4096}, std::uint64_t{8192}, std::uint64_t{8193},
                               std::uint64_t{300000}, std::uint64_t{3u << 20}}) {
        CAPTURE(size);
        const std::string bytes = cfimages_test::generated_bytes(size);
        cfimages::v1::CreateParams buffered;
        buffered.file = cfimages::File{bytes, "", ""};
        buffered.id = "folder/cat";
        buffered.creator = "me";
        buffered.metadata = boost::json::object{{"k", "v"}};
        buffered.require_signed_urls = false;
        cfimages::v1::CreateParams streamed = buffered;
        auto src = std::make_shared<CountingSource>(size);
        streamed.file = cfimages::File{{}, "", "", src};

        auto a = cfimages::v1::create(cfg(), buffered);
        auto b = cfimages::v1::create(cfg(), streamed);
        REQUIRE(a);
        REQUIRE(b);
        // The builder reads the edges only, never the whole file.
        CHECK(src->bytes.load() <= 2 * 4096 + (size <= 8192 ? size : 0));
        CHECK(b->idempotent == a->idempotent);
        check_same_request(a->http, b->http);
    }
}

TEST_CASE("streamed upload: upload_to, same bytes; a device's own BodySource") {
    const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(20000, 'p');
    const std::string url = "https://upload.imagedelivery.net/hash/2cdc28f0-017a-49c4-9ed7-87056c83901";
    auto a = cfimages::upload_to::build(url, png, "cat.png");
    cfimages::File f;
    f.filename = "cat.png";
    f.source = std::make_shared<StringSource>(png);
    auto b = cfimages::upload_to::build(url, f);
    REQUIRE(a);
    REQUIRE(b);
    check_same_request(a->http, b->http);
    for (const auto& h : b->http.headers) CHECK_FALSE(cfimages::is_secret_header(h.name));

    // The multipart source exposes head and tail; the file is between them.
    const auto* mp = static_cast<const cfimages::detail::MultipartSource*>(b->http.body_source.get());
    REQUIRE(mp != nullptr);
    CHECK(mp->head().size() + png.size() + mp->tail().size() == b->http.body_size());
    CHECK(a->http.body == mp->head() + png + mp->tail());
}

TEST_CASE("streamed upload: file_source gives the file's bytes, again from 0, from any thread") {
    const std::string bytes = cfimages_test::generated_bytes(1u << 20);
    TempFile tmp(bytes);
    auto src = cfimages::file_source(tmp.path.string());
    REQUIRE(src);
    CHECK((*src)->size() == bytes.size());
    auto first = read_all(**src, 65536);
    REQUIRE(first);
    CHECK(*first == bytes);
    auto again = read_all(**src, 10007);  // a resend reads from offset 0 again
    REQUIRE(again);
    CHECK(*again == bytes);

    std::vector<std::thread> threads;
    std::vector<int> ok(4, 0);
    for (std::size_t t = 0; t < ok.size(); ++t)
        threads.emplace_back([&, t] {
            auto r = read_all(**src, 4096 + t * 1000);
            ok[t] = r && *r == bytes ? 1 : 0;
        });
    for (auto& t : threads) t.join();
    for (int v : ok) CHECK(v == 1);

    // Through v1::create: the same request as from memory.
    cfimages::v1::CreateParams p;
    p.file = cfimages::File{bytes, "cat.png", ""};
    auto a = cfimages::v1::create(cfg(), p);
    p.file = cfimages::File{{}, "cat.png", "", *src};
    auto b = cfimages::v1::create(cfg(), p);
    REQUIRE(a);
    REQUIRE(b);
    check_same_request(a->http, b->http);
}

TEST_CASE("streamed upload: validation") {
    const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "rest";
    auto create = [](cfimages::File f) {
        cfimages::v1::CreateParams p;
        p.file = std::move(f);
        return cfimages::v1::create(cfg(), p);
    };
    SUBCASE("data and source both set") {
        auto r = create(cfimages::File{png, "", "", std::make_shared<StringSource>(png)});
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == ErrorKind::invalid_argument);
        CHECK(r.error().message == "file: set data or source, not both");
        auto u = cfimages::upload_to::build("https://upload.example/x",
                                            cfimages::File{png, "", "", std::make_shared<StringSource>(png)});
        REQUIRE_FALSE(u);
        CHECK(u.error().message == "file: set data or source, not both");
    }
    SUBCASE("empty source") {
        auto r = create(cfimages::File{{}, "", "", std::make_shared<StringSource>("")});
        REQUIRE_FALSE(r);
        CHECK(r.error().message == "file: must not be empty");
    }
    SUBCASE("too big: refused by size(), nothing read") {
        auto src = std::make_shared<CountingSource>(10u * 1024u * 1024u + 1);
        auto r = create(cfimages::File{{}, "", "", src});
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == ErrorKind::invalid_argument);
        CHECK(r.error().message == "file: is 10485761 bytes; the limit is 10485760 bytes");
        CHECK(src->reads.load() == 0);
        auto u = cfimages::upload_to::build("https://upload.example/x", cfimages::File{{}, "", "", src});
        REQUIRE_FALSE(u);
        CHECK(u.error().message == "file: is 10485761 bytes; the limit is 10485760 bytes");
    }
    SUBCASE("not sniffable without a content type") {
        auto src = std::make_shared<StringSource>(std::string(100000, 'x'));
        auto r = create(cfimages::File{{}, "", "", src});
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == ErrorKind::invalid_argument);
        CHECK(r.error().message.rfind("file.content_type: not given", 0) == 0);
        auto given = create(cfimages::File{{}, "x.png", "image/png", src});
        CHECK(given);
    }
    SUBCASE("unreadable path") {
        const std::string missing =
            (std::filesystem::temp_directory_path() / "cfimages-no-such-dir" / "nope.png").string();
        auto r = cfimages::file_source(missing);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == ErrorKind::invalid_argument);
        CHECK(r.error().message.rfind("file: cannot open " + missing + ": ", 0) == 0);
        auto dir = cfimages::file_source(std::filesystem::temp_directory_path().string());
        REQUIRE_FALSE(dir);
        CHECK(dir.error().kind == ErrorKind::invalid_argument);
        CHECK(dir.error().message.find(std::filesystem::temp_directory_path().string()) != std::string::npos);
    }
    SUBCASE("a source whose read fails: the builder's error is the source's") {
        auto src = std::make_shared<CountingSource>(100);  // asked past its end below
        class Failing final : public cfimages::BodySource {
        public:
            std::uint64_t size() const noexcept override { return 50; }
            cfimages::Result<std::size_t> read(std::uint64_t, char*, std::size_t) const override {
                return cfimages::ApiError::make(ErrorKind::transport, "flash: read error");
            }
        };
        auto r = create(cfimages::File{{}, "", "", std::make_shared<Failing>()});
        REQUIRE_FALSE(r);
        CHECK(r.error().message == "flash: read error");
        (void)src;
    }
}

TEST_CASE("streamed upload: a file that changes size while it is sent fails the attempt") {
    const std::string bytes = cfimages_test::generated_bytes(200000);
    TempFile tmp(bytes);
    auto src = cfimages::file_source(tmp.path.string());
    REQUIRE(src);
    cfimages::v1::CreateParams p;
    p.file = cfimages::File{{}, "", "", *src};
    auto req = cfimages::v1::create(cfg(), p);
    REQUIRE(req);
    const auto& body = *req->http.body_source;

    SUBCASE("shrinks") {
        tmp.write(bytes.substr(0, 100000));
        auto all = read_all(body, 65536);
        REQUIRE_FALSE(all);
        CHECK(all.error().kind == ErrorKind::transport);
        CHECK(all.error().message.find(tmp.path.string() + " changed while it was being sent") != std::string::npos);
    }
    SUBCASE("grows") {
        tmp.append("more");
        auto all = read_all(body, 65536);
        REQUIRE_FALSE(all);
        CHECK(all.error().kind == ErrorKind::transport);
        CHECK(all.error().message.find("longer than when it was opened") != std::string::npos);
    }
    SUBCASE("unchanged: read twice, same bytes") {
        auto a = read_all(body, 65536);
        auto b = read_all(body, 1000);
        REQUIRE(a);
        REQUIRE(b);
        CHECK(*a == *b);
        CHECK(a->find(bytes) != std::string::npos);
    }
}

TEST_CASE("streamed upload: the boundary in the file's middle fails the send, even across chunks") {
    // The boundary depends on the size and the first and last 4 KiB, not
    // the middle: find it, then write it into the middle.
    std::string bytes = cfimages_test::generated_bytes(50000);
    auto probe = cfimages::upload_to::build("https://upload.example/x",
                                            cfimages::File{{}, "", "", std::make_shared<StringSource>(bytes)});
    REQUIRE(probe);
    const std::string ct(*probe->http.header("Content-Type"));
    const std::string b = ct.substr(ct.find("boundary=") + 9);
    for (std::size_t at : {std::size_t{20000}, std::size_t{24990}}) {
        CAPTURE(at);
        std::string crafted = bytes;
        crafted.replace(at, b.size(), b);
        auto req = cfimages::upload_to::build(
            "https://upload.example/x", cfimages::File{{}, "", "", std::make_shared<StringSource>(crafted)});
        REQUIRE(req);
        CHECK(std::string(*req->http.header("Content-Type")) == ct);
        const auto* mp = static_cast<const cfimages::detail::MultipartSource*>(req->http.body_source.get());
        REQUIRE(mp != nullptr);
        // Chunks ending at 25000 file bytes: the second occurrence straddles two reads.
        const std::size_t first_chunk = mp->head().size() + 25000;
        std::vector<char> buf(first_chunk);
        auto one = req->http.body_source->read(0, buf.data(), first_chunk);
        auto two = one ? req->http.body_source->read(*one, buf.data(), 25000) : one;
        const bool failed = !one || !two;
        CHECK(failed);
        const cfimages::ApiError e = !one ? one.error() : two.error();
        CHECK(e.kind == ErrorKind::invalid_argument);
        CHECK(e.message.find("contain the multipart boundary") != std::string::npos);
        // Buffered, the same bytes get another boundary.
        auto buffered = cfimages::upload_to::build("https://upload.example/x", crafted);
        REQUIRE(buffered);
        CHECK(std::string(*buffered->http.header("Content-Type")) != ct);
    }
}
