// The cfimages side of bench/compare/run: sequential calls through one
// cfimages::beast::Client (one kept-alive connection), each call building
// the request, sending it and decoding the answer, as an application would.
//
//   beast_get get  BASE_URL ACCOUNT IMAGE_ID SECONDS   -> "calls_per_second <x>"
//   beast_get list BASE_URL ACCOUNT COUNT              -> "ms_per_fetch <median>"
//   beast_get list-reuse BASE_URL ACCOUNT COUNT        -> same, decoding into one reused
//                                                         page (client.send(request, page))
//   beast_get upload BASE_URL ACCOUNT FILE streamed|buffered -> "uploaded <bytes>": one
//       v1::create of FILE, streamed from disk (file_source) or read into memory first
//       (File::data); bench/compare/upload_rss runs it under /usr/bin/time -v
//   beast_get list-plain BASE_URL ACCOUNT COUNT        -> "ms_per_fetch <mean> cpu_ms_per_fetch <mean>":
//       the ordinary program: a default Client, COUNT calls of client.send(v2::list(cfg)),
//       each page freed before the next call, the clock around the whole loop (frees
//       included); the CPU time is this process's (user + sys), which a busy machine
//       disturbs less than the wall clock
#include <cfimages/beast.hpp>
#include <cfimages/cfimages.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <sys/resource.h>

namespace {

// User + system CPU time of this process so far, in milliseconds.
double cpu_ms() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto ms = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3; };
    return ms(u.ru_utime) + ms(u.ru_stime);
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: beast_get get BASE ACCOUNT ID SECONDS | list BASE ACCOUNT COUNT\n");
        return 2;
    }
    const std::string mode = argv[1];
    cfimages::Config cfg;
    cfg.base_url = argv[2];
    cfg.account_id = argv[3];
    cfg.credentials = cfimages::ApiToken{"bench-token"};
    cfimages::beast::ClientOptions opt;
    opt.retry.max_retries = 0;
    cfimages::beast::Client client(opt);
    using clock = std::chrono::steady_clock;

    if (mode == "get" && argc >= 6) {
        const std::string id = argv[4];
        const double seconds = std::atof(argv[5]);
        for (int i = 0; i < 200; ++i) (void)client.send(cfimages::v1::get(cfg, id));  // warm up
        long calls = 0;
        const auto t0 = clock::now();
        const auto end = t0 + std::chrono::duration<double>(seconds);
        auto now = t0;
        while (now < end) {
            for (int i = 0; i < 100; ++i) {
                auto img = client.send(cfimages::v1::get(cfg, id));
                if (!img) {
                    std::fprintf(stderr, "beast_get: %s\n", img.error().message.c_str());
                    return 1;
                }
                ++calls;
            }
            now = clock::now();
        }
        const double s = std::chrono::duration<double>(now - t0).count();
        std::printf("calls_per_second %.1f\n", static_cast<double>(calls) / s);
        return 0;
    }
    if (mode == "list" || mode == "list-reuse") {
        const int count = std::atoi(argv[4]);
        const bool reuse = mode == "list-reuse";
        std::vector<double> ms;
        cfimages::v2::ImagePage reused;
        for (int i = 0; i < count + 1; ++i) {
            std::optional<cfimages::Result<cfimages::v2::ImagePage>> fresh;  // freed after t1, as before
            const auto t0 = clock::now();
            std::size_t images = 0;
            if (reuse) {
                auto n = client.send(cfimages::v2::list(cfg), reused);
                if (!n) {
                    std::fprintf(stderr, "beast_get: %s\n", n.error().message.c_str());
                    return 1;
                }
                images = *n;
            } else {
                fresh.emplace(client.send(cfimages::v2::list(cfg)));
                if (!*fresh) {
                    std::fprintf(stderr, "beast_get: %s\n", fresh->error().message.c_str());
                    return 1;
                }
                images = (*fresh)->images.size();
            }
            const auto t1 = clock::now();
            if (images != 10000) {
                std::fprintf(stderr, "beast_get: wrong image count %zu\n", images);
                return 1;
            }
            if (i > 0) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());  // first warms up
        }
        std::sort(ms.begin(), ms.end());
        std::printf("ms_per_fetch %.3f\n", ms[ms.size() / 2]);
        return 0;
    }
    if (mode == "upload" && argc >= 6) {
        const std::string path = argv[4];
        const std::string how = argv[5];
        cfimages::v1::CreateParams p;
        std::string bytes;  // the buffered way: the whole file in memory, then copied into the body
        if (how == "buffered") {
            std::ifstream in(path, std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
            p.file = cfimages::File{bytes, "upload.png", ""};
        } else if (how == "streamed") {
            auto src = cfimages::file_source(path);
            if (!src) {
                std::fprintf(stderr, "beast_get: %s\n", src.error().message.c_str());
                return 1;
            }
            p.file = cfimages::File{{}, "upload.png", "", *src};
        } else {
            std::fprintf(stderr, "beast_get: upload wants streamed or buffered\n");
            return 2;
        }
        auto req = cfimages::v1::create(cfg, p);
        const std::uint64_t size = req ? req->http.body_size() : 0;
        auto img = client.send(std::move(req));
        if (!img) {
            std::fprintf(stderr, "beast_get: %s\n", img.error().message.c_str());
            return 1;
        }
        std::printf("uploaded %llu\n", static_cast<unsigned long long>(size));
        return 0;
    }
    if (mode == "list-plain") {
        // As an application writes it: nothing tuned, nothing kept.
        const int count = std::atoi(argv[4]);
        cfimages::beast::Client plain;
        auto fetch = [&] {
            auto page = plain.send(cfimages::v2::list(cfg));
            if (!page) {
                std::fprintf(stderr, "beast_get: %s\n", page.error().message.c_str());
                std::exit(1);
            }
            if (page->images.size() != 10000) {
                std::fprintf(stderr, "beast_get: wrong image count %zu\n", page->images.size());
                std::exit(1);
            }
        };  // the page is freed here, every call
        fetch();  // connects
        const double c0 = cpu_ms();
        const auto t0 = clock::now();
        for (int i = 0; i < count; ++i) fetch();
        const auto t1 = clock::now();
        const double c1 = cpu_ms();
        std::printf("ms_per_fetch %.3f cpu_ms_per_fetch %.3f\n",
                    std::chrono::duration<double, std::milli>(t1 - t0).count() / count, (c1 - c0) / count);
        return 0;
    }
    std::fprintf(stderr, "beast_get: unknown mode %s\n", mode.c_str());
    return 2;
}
