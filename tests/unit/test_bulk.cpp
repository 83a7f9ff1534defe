#include <cfimages/bulk.hpp>

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include <cfimages/models.hpp>
#include <cfimages/result.hpp>

namespace bulk = cfimages::bulk;
using cfimages::ApiError;
using cfimages::ErrorKind;

namespace {

cfimages::Result<cfimages::Image> ok() { return cfimages::Image{}; }

cfimages::Result<cfimages::Image> api(int status, std::int64_t code = 0) {
    ApiError e = ApiError::make(ErrorKind::api, "HTTP " + std::to_string(status), status);
    if (code != 0) e.errors.push_back({code, "m", "", ""});
    return cfimages::fail(std::move(e));
}

cfimages::Result<cfimages::Image> transport() {
    return cfimages::fail(ApiError::make(ErrorKind::transport, "connection lost"));
}

} // namespace

TEST_CASE("bulk: hidden paths are those with a segment starting with a dot") {
    CHECK(bulk::is_hidden(".DS_Store"));
    CHECK(bulk::is_hidden("a/.git/config"));
    CHECK(bulk::is_hidden("a/b/.x.png"));
    CHECK_FALSE(bulk::is_hidden("a/b/x.png"));
    CHECK_FALSE(bulk::is_hidden("a.b/c.d"));
    CHECK_FALSE(bulk::is_hidden(""));
}

TEST_CASE("bulk: sniff recognises images by magic bytes, not by name") {
    CHECK(bulk::sniff(std::string("\x89PNG\r\n\x1a\n....", 12)).content_type == "image/png");
    CHECK(bulk::sniff("\xFF\xD8\xFF\xE0").extension == "jpg");
    CHECK(bulk::sniff("<?xml version='1.0'?><svg/>").is_image());
    CHECK_FALSE(bulk::sniff("hello, world").is_image());
    CHECK_FALSE(bulk::sniff("").is_image());
}

TEST_CASE("bulk: the ID is the prefix and the relative path") {
    CHECK(bulk::image_id("", "a/b.png") == "a/b.png");
    CHECK(bulk::image_id("backup/2024/", "a/b.png") == "backup/2024/a/b.png");
}

TEST_CASE("bulk: parse_shard") {
    auto s = bulk::parse_shard("2/8");
    REQUIRE(s);
    CHECK(s->k == 2);
    CHECK(s->n == 8);
    CHECK(bulk::parse_shard("1/1"));
    for (const char* bad : {"", "0/3", "4/3", "3", "a/3", "1/0", "-1/3", "1/3/4", "1/ 3", "1/2000000"}) {
        auto r = bulk::parse_shard(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == ErrorKind::invalid_argument);
        CHECK(r.error().message.find("shard") != std::string::npos);
    }
}

TEST_CASE("bulk: shards partition a set, evenly, and the function is fixed") {
    std::vector<std::string> ids;
    for (int i = 0; i < 3000; ++i) ids.push_back("photos/" + std::to_string(i) + ".jpg");
    std::vector<int> count(4, 0);
    for (const auto& id : ids) {
        int taken = 0;
        for (std::uint32_t k = 1; k <= 3; ++k)
            if (bulk::in_shard({k, 3}, id)) {
                ++taken;
                ++count[k];
            }
        CHECK(taken == 1);
        CHECK(bulk::in_shard({1, 1}, id));
    }
    for (int k = 1; k <= 3; ++k) {
        CHECK(count[static_cast<std::size_t>(k)] > 850);
        CHECK(count[static_cast<std::size_t>(k)] < 1150);
    }
    // Golden values: the partition must never change between versions.
    CHECK(bulk::shard_of("a.png", 3) == bulk::shard_of("a.png", 3));
    CHECK(bulk::shard_of("", 7) >= 1);
    CHECK(bulk::shard_of("x", 0) == 1);
    CHECK(bulk::shard_of("photos/1.jpg", 1000) == 1 + static_cast<std::uint32_t>(
        [] {
            std::uint64_t h = 1469598103934665603ull;
            for (char c : std::string("photos/1.jpg")) { h ^= static_cast<unsigned char>(c); h *= 1099511628211ull; }
            h ^= h >> 30; h *= 0xbf58476d1ce4e5b9ull; h ^= h >> 27; h *= 0x94d049bb133111ebull; h ^= h >> 31;
            return h % 1000;
        }()));
}

TEST_CASE("UploadOnce: a 2xx is uploaded, one request") {
    bulk::UploadOnce up;
    REQUIRE(up.next() == bulk::UploadStep::upload);
    up.on_upload(ok());
    CHECK(up.next() == bulk::UploadStep::done);
    CHECK(up.outcome() == bulk::Outcome::uploaded);
    CHECK(up.uploads() == 1);
    CHECK(up.probes() == 0);
}

TEST_CASE("UploadOnce: HTTP 409, whatever the code, is already present, not a failure") {
    for (std::int64_t code : {std::int64_t{0}, std::int64_t{5409}, std::int64_t{9999}}) {
        bulk::UploadOnce up;
        up.on_upload(api(409, code));
        CHECK(up.outcome() == bulk::Outcome::already_present);
        CHECK(up.probes() == 0);
    }
}

TEST_CASE("UploadOnce: an ambiguous failure asks before sending again") {
    SUBCASE("transport error, found: already present, nothing sent again") {
        bulk::UploadOnce up;
        up.on_upload(transport());
        REQUIRE(up.next() == bulk::UploadStep::probe);
        up.on_probe(ok());
        CHECK(up.outcome() == bulk::Outcome::already_present);
        CHECK(up.uploads() == 1);
    }
    SUBCASE("5xx, not found: upload again") {
        bulk::UploadOnce up;
        up.on_upload(api(502));
        REQUIRE(up.next() == bulk::UploadStep::probe);
        up.on_probe(api(404, 5404));
        REQUIRE(up.next() == bulk::UploadStep::upload);
        up.on_upload(ok());
        CHECK(up.outcome() == bulk::Outcome::uploaded);
        CHECK(up.uploads() == 2);
        CHECK(up.probes() == 1);
    }
    SUBCASE("the probe itself fails: failed, nothing sent again, both errors named") {
        bulk::UploadOnce up;
        up.on_upload(transport());
        up.on_probe(api(503));
        CHECK(up.outcome() == bulk::Outcome::failed);
        CHECK(up.error().message.find("connection lost") != std::string::npos);
        CHECK(up.error().message.find("HTTP 503") != std::string::npos);
        CHECK(up.uploads() == 1);
    }
    SUBCASE("408 and an unreadable 2xx are ambiguous too") {
        CHECK(bulk::is_ambiguous(api(408).error()));
        CHECK(bulk::is_ambiguous(ApiError::make(ErrorKind::decode, "bad body", 200)));
        CHECK_FALSE(bulk::is_ambiguous(api(400).error()));
        CHECK_FALSE(bulk::is_ambiguous(api(429).error()));
        CHECK_FALSE(bulk::is_ambiguous(ApiError::invalid("id", "bad")));
    }
}

TEST_CASE("UploadOnce: 429 sends again; other refusals fail at once") {
    bulk::UploadOnce up;
    up.on_upload(api(429));
    REQUIRE(up.next() == bulk::UploadStep::upload);
    up.on_upload(ok());
    CHECK(up.outcome() == bulk::Outcome::uploaded);

    for (int status : {400, 401, 403, 413, 415}) {
        bulk::UploadOnce u;
        u.on_upload(api(status));
        CHECK(u.outcome() == bulk::Outcome::failed);
        CHECK(u.error().http_status == status);
    }
    bulk::UploadOnce inv;
    inv.on_upload(cfimages::Result<cfimages::Image>(cfimages::fail(ApiError::invalid("id", "must not be a UUID"))));
    CHECK(inv.outcome() == bulk::Outcome::failed);
    CHECK(inv.error().kind == ErrorKind::invalid_argument);
}

TEST_CASE("UploadOnce: bounded: at most max_uploads uploads") {
    bulk::UploadOnce up(3);
    int sent = 0;
    while (up.next() != bulk::UploadStep::done) {
        if (up.next() == bulk::UploadStep::upload) {
            ++sent;
            up.on_upload(api(500));
        } else {
            up.on_probe(api(404));
        }
    }
    CHECK(sent == 3);
    CHECK(up.outcome() == bulk::Outcome::failed);
    CHECK(up.error().http_status == 500);

    bulk::UploadOnce r(2);
    r.on_upload(api(429));
    r.on_upload(api(429));
    CHECK(r.outcome() == bulk::Outcome::failed);
    CHECK(r.error().http_status == 429);
    // Reports in the wrong state are ignored.
    r.on_upload(ok());
    r.on_probe(ok());
    CHECK(r.outcome() == bulk::Outcome::failed);
}

TEST_CASE("journal: IdSet holds what was added, through many doublings, and nothing else") {
    bulk::IdSet set;
    CHECK(set.empty());
    CHECK_FALSE(set.contains("a.png"));
    CHECK(set.insert(""));
    CHECK_FALSE(set.insert(""));
    CHECK(set.contains(""));
    constexpr int n = 100000;  // from an empty table to 2^18 slots
    for (int i = 0; i < n; ++i) REQUIRE(set.insert("dir/" + std::to_string(i) + ".png"));
    CHECK(set.size() == n + 1);
    for (int i = 0; i < n; ++i) REQUIRE(set.contains("dir/" + std::to_string(i) + ".png"));
    for (int i = 0; i < n; i += 7) REQUIRE_FALSE(set.insert("dir/" + std::to_string(i) + ".png"));
    int wrong = 0;
    for (int i = n; i < 2 * n; ++i) wrong += set.contains("dir/" + std::to_string(i) + ".png") ? 1 : 0;
    CHECK(wrong == 0);
    CHECK(set.count("dir/5.png") == 1);
    CHECK(set.count("dir/5.PNG") == 0);
    CHECK(set.size() == n + 1);
    bulk::IdSet moved = std::move(set);
    CHECK(moved.contains("dir/99999.png"));
}

TEST_CASE("journal: header and records round-trip, any chunking") {
    const bulk::JournalBinding b{"sync", "023e105f4ecef8ad9ca31a8372d0c353", "https://api.cloudflare.com/client/v4"};
    std::string text = bulk::journal_header(b);
    CHECK(text == "cfimages-journal\t1\tsync\t023e105f4ecef8ad9ca31a8372d0c353\thttps://api.cloudflare.com/client/v4\n");
    const std::vector<std::string> ids = {"a.png", "dir/b c.jpg", "100%/x", std::string("odd\tid\nx", 8), "é.gif"};
    for (const auto& id : ids) text += bulk::journal_record("uploaded", id);
    text += bulk::journal_record("already_present", "present.png");
    CHECK(bulk::journal_record("uploaded", "100%/x") == "uploaded\t100%25/x\n");
    for (std::size_t step : {std::size_t{1}, std::size_t{3}, std::size_t{7}, text.size()}) {
        bulk::JournalReader r(b);
        for (std::size_t at = 0; at < text.size(); at += step)
            REQUIRE_FALSE(r.feed(std::string_view(text).substr(at, step)));
        REQUIRE_FALSE(r.finish());
        CHECK(r.has_header());
        CHECK_FALSE(r.torn());
        CHECK(r.done().size() == ids.size() + 1);
        for (const auto& id : ids) CHECK(r.done().count(id) == 1);
        CHECK(r.done().count("present.png") == 1);
    }
}

TEST_CASE("journal: a line cut short by a crash is ignored, never read as another ID") {
    const bulk::JournalBinding b{"sync", "acc", "http://127.0.0.1:1"};
    std::string text = bulk::journal_header(b) + bulk::journal_record("uploaded", "abc.png") + "uploaded\tab";
    bulk::JournalReader r(b);
    REQUIRE_FALSE(r.feed(text));
    REQUIRE_FALSE(r.finish());
    CHECK(r.torn());
    CHECK(r.done().count("abc.png") == 1);
    CHECK(r.done().count("ab") == 0);
    CHECK(r.valid_size() == text.size() - std::string("uploaded\tab").size());
    // The writer cuts the torn bytes off before appending; malformed lines are ignored.
    text.resize(static_cast<std::size_t>(r.valid_size()));
    text += bulk::journal_record("uploaded", "d.png") + "garbage line\n" + "exported\t%ZZ\n";
    bulk::JournalReader r2(b);
    REQUIRE_FALSE(r2.feed(text));
    REQUIRE_FALSE(r2.finish());
    CHECK_FALSE(r2.torn());
    CHECK(r2.done().size() == 2);
}

TEST_CASE("journal: bound to its operation, account and API root") {
    const bulk::JournalBinding b{"sync", "acc1", "https://api.cloudflare.com/client/v4"};
    const std::string text = bulk::journal_header(b) + bulk::journal_record("uploaded", "a.png");
    for (const bulk::JournalBinding& other :
         {bulk::JournalBinding{"sync", "acc2", b.base_url}, bulk::JournalBinding{"sync", "acc1", "http://127.0.0.1:9"},
          bulk::JournalBinding{"export", "acc1", b.base_url}}) {
        bulk::JournalReader r(other);
        auto e = r.feed(text);
        REQUIRE(e);
        CHECK(e->kind == ErrorKind::invalid_argument);
        CHECK(e->message.find("another") != std::string::npos);
        CHECK(e->message.find("acc1") != std::string::npos);
        CHECK(r.done().empty());
        CHECK(r.finish());
    }
    bulk::JournalReader notj(b);
    auto e = notj.feed("hello\nuploaded\ta.png\n");
    REQUIRE(e);
    CHECK(e->message.find("not a cfimages journal") != std::string::npos);
    bulk::JournalReader empty(b);
    CHECK_FALSE(empty.finish());
    CHECK_FALSE(empty.has_header());
}

TEST_CASE("journal: the default name depends on folder and destination only") {
    const bulk::JournalBinding b{"sync", "acc", "https://api.cloudflare.com/client/v4"};
    const std::string n = bulk::journal_file_name(b, "/data/photos");
    CHECK(n.size() == 32 + 8);
    CHECK(n.substr(32) == ".journal");
    CHECK(n == bulk::journal_file_name(b, "/data/photos"));
    CHECK(n != bulk::journal_file_name(b, "/data/photos2"));
    CHECK(n != bulk::journal_file_name({"sync", "acc2", b.base_url}, "/data/photos"));
    CHECK(n != bulk::journal_file_name({"export", "acc", b.base_url}, "/data/photos"));
}

TEST_CASE("export_path: IDs become paths, with an extension from the type") {
    CHECK(*bulk::export_path("a/b/c.png", "image/png") == "a/b/c.png");
    CHECK(*bulk::export_path("a/b/c", "image/jpeg") == "a/b/c.jpg");
    CHECK(*bulk::export_path("2cdc28f0-017a-49c4-9ed7-87056c83901a", "image/webp; q=1") ==
          "2cdc28f0-017a-49c4-9ed7-87056c83901a.webp");
    CHECK(*bulk::export_path("x.y/z", "IMAGE/GIF") == "x.y/z.gif");
    CHECK(*bulk::export_path("noext", "application/octet-stream") == "noext");
    CHECK(*bulk::export_path("trailing.", "image/png") == "trailing..png");
    for (const char* bad : {"", "/abs", "a/", "a//b", "a/../b", "..", "./a", "a\\b"}) {
        auto r = bulk::export_path(bad, "image/png");
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == ErrorKind::invalid_argument);
    }
    CHECK_FALSE(bulk::export_path(std::string("a\0b", 3), "image/png"));
}
