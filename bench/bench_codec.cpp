// Codec benchmarks: every figure is a ratio to a baseline measured in the
// same run, so the numbers mean something on any machine.
//
//   decode   v2 list of 10,000 images -> v2::ImagePage   vs boost::json::parse (default allocator)
//   upload   v1::create with a 10 MB file                vs one memcpy of the file
//   builders each of the 18 builders: ns and heap allocations per request,
//            vs copying the HttpRequest it produced (the floor: a request
//            cannot be made cheaper than copying its final bytes)
//
// The data comes from bench/gen_data.py (CFIMAGES_BENCH_DATA or the
// directory compiled in). After Google Benchmark's own output, main prints
// one table: metric, ours, baseline, ratio, target, PASS/FAIL.
// `--strict` makes a missed target the exit status (for scripts).

#include <benchmark/benchmark.h>

#include <cfimages/cfimages.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <new>
#include <sstream>
#include <string>
#include <vector>

// GCC's -Wmismatched-new-delete misfires when it inlines the replaced
// operators below (malloc paired with free is exactly right here).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

// ------------------------------------------------------------ heap counting
// A replaced global operator new counts every allocation the process makes.
// The benchmarks run on one thread; the counter is read before and after a
// timed loop, so only the code under test is charged.
namespace {
std::size_t g_allocs = 0;
} // namespace

void* operator new(std::size_t n) {
    ++g_allocs;
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    ++g_allocs;
    return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

// ------------------------------------------------------------------- data
std::string data_dir() {
    if (const char* d = std::getenv("CFIMAGES_BENCH_DATA")) return d;
#ifdef CFIMAGES_BENCH_DATA_DIR
    return CFIMAGES_BENCH_DATA_DIR;
#else
    return "build/bench-data";
#endif
}

const std::string& load(const char* name) {
    static std::map<std::string, std::string> cache;
    auto it = cache.find(name);
    if (it != cache.end()) return it->second;
    std::string path = data_dir() + "/" + name;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "bench_codec: cannot read %s (run: python3 bench/gen_data.py %s)\n",
                     path.c_str(), data_dir().c_str());
        std::exit(2);
    }
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return cache.emplace(name, std::move(s)).first->second;
}

cfimages::Config config() {
    cfimages::Config c;
    c.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    c.credentials = cfimages::ApiToken{"Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY"};
    return c;
}

cfimages::HttpResponse json_response(const std::string& body) {
    cfimages::HttpResponse r;
    r.status = 200;
    r.headers.push_back({"Content-Type", "application/json"});
    r.body = body;
    return r;
}

// ----------------------------------------------------------------- decode
void decode_v2_list_ours(benchmark::State& state) {
    const cfimages::Config cfg = config();
    const auto req = cfimages::v2::list(cfg);
    const cfimages::HttpResponse resp = json_response(load("v2_list_10000.json"));
    {
        auto page = req->parse(resp);
        if (!page || page->images.size() != 10000) {
            state.SkipWithError(page ? "wrong image count" : page.error().message.c_str());
            return;
        }
    }
    const std::size_t a0 = g_allocs;
    for (auto _ : state) {
        auto page = req->parse(resp);
        benchmark::DoNotOptimize(page);
    }
    state.counters["allocs"] = benchmark::Counter(static_cast<double>(g_allocs - a0),
                                                  benchmark::Counter::kAvgIterations);
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(resp.body.size()));
    state.counters["bytes"] = static_cast<double>(resp.body.size());
}

// The same page decoded over the previous one (parse_into), as a walk
// over pages or a repeated listing does.
void decode_v2_list_ours_reused(benchmark::State& state) {
    const cfimages::Config cfg = config();
    const auto req = cfimages::v2::list(cfg);
    const cfimages::HttpResponse resp = json_response(load("v2_list_10000.json"));
    cfimages::v2::ImagePage page;
    auto first = cfimages::parse_into(*req, resp, page);
    if (!first || *first != 10000) {
        state.SkipWithError(first ? "wrong image count" : first.error().message.c_str());
        return;
    }
    const std::size_t a0 = g_allocs;
    for (auto _ : state) {
        auto n = cfimages::parse_into(*req, resp, page);
        benchmark::DoNotOptimize(n);
    }
    state.counters["allocs"] = benchmark::Counter(static_cast<double>(g_allocs - a0),
                                                  benchmark::Counter::kAvgIterations);
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(resp.body.size()));
    state.counters["bytes"] = static_cast<double>(resp.body.size());
}

void decode_v2_list_boost_json_parse(benchmark::State& state) {
    const std::string& body = load("v2_list_10000.json");
    const std::size_t a0 = g_allocs;
    for (auto _ : state) {
        boost::json::value v = boost::json::parse(body);
        benchmark::DoNotOptimize(v);
    }
    state.counters["allocs"] = benchmark::Counter(static_cast<double>(g_allocs - a0),
                                                  benchmark::Counter::kAvgIterations);
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
    state.counters["bytes"] = static_cast<double>(body.size());
}

// Not a target: the parser's best case, for context.
void decode_v2_list_boost_json_parse_monotonic(benchmark::State& state) {
    const std::string& body = load("v2_list_10000.json");
    for (auto _ : state) {
        boost::json::monotonic_resource mr(body.size() * 2);
        boost::json::value v = boost::json::parse(body, &mr);
        benchmark::DoNotOptimize(v);
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
    state.counters["bytes"] = static_cast<double>(body.size());
}

void decode_image_get_ours(benchmark::State& state) {
    const cfimages::Config cfg = config();
    const auto req = cfimages::v1::get(cfg, "4e675b86-1e68-4f97-b886-f03495ca518c");
    const cfimages::HttpResponse resp = json_response(load("image_get.json"));
    if (!req->parse(resp)) {
        state.SkipWithError("image_get.json does not decode");
        return;
    }
    const std::size_t a0 = g_allocs;
    for (auto _ : state) {
        auto img = req->parse(resp);
        benchmark::DoNotOptimize(img);
    }
    state.counters["allocs"] = benchmark::Counter(static_cast<double>(g_allocs - a0),
                                                  benchmark::Counter::kAvgIterations);
}

void decode_image_get_boost_json_parse(benchmark::State& state) {
    const std::string& body = load("image_get.json");
    const std::size_t a0 = g_allocs;
    for (auto _ : state) {
        boost::json::value v = boost::json::parse(body);
        benchmark::DoNotOptimize(v);
    }
    state.counters["allocs"] = benchmark::Counter(static_cast<double>(g_allocs - a0),
                                                  benchmark::Counter::kAvgIterations);
}

// ----------------------------------------------------------------- upload
void upload_build(benchmark::State& state, const char* file) {
    const cfimages::Config cfg = config();
    const std::string& data = load(file);
    cfimages::v1::CreateParams p;
    p.file = cfimages::File{data, "photo.png", ""};
    p.metadata = boost::json::object{{"album", "holiday"}};
    if (!cfimages::v1::create(cfg, p)) {
        state.SkipWithError("v1::create refused the file");
        return;
    }
    const std::size_t a0 = g_allocs;
    for (auto _ : state) {
        auto req = cfimages::v1::create(cfg, p);
        benchmark::DoNotOptimize(req);
    }
    state.counters["allocs"] = benchmark::Counter(static_cast<double>(g_allocs - a0),
                                                  benchmark::Counter::kAvgIterations);
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(data.size()));
    state.counters["bytes"] = static_cast<double>(data.size());
}

// One memcpy of the file into a buffer allocated (and touched) once.
void upload_memcpy(benchmark::State& state, const char* file) {
    const std::string& data = load(file);
    std::string dst(data.size(), '\0');
    for (auto _ : state) {
        std::memcpy(dst.data(), data.data(), data.size());
        benchmark::DoNotOptimize(dst.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(data.size()));
    state.counters["bytes"] = static_cast<double>(data.size());
}

// --------------------------------------------------------------- builders
template <class Make>
void builder(benchmark::State& state, Make make) {
    auto first = make();
    if (!first) {
        state.SkipWithError(first.error().message.c_str());
        return;
    }
    const std::size_t a0 = g_allocs;
    for (auto _ : state) {
        auto req = make();
        benchmark::DoNotOptimize(req);
    }
    state.counters["allocs"] = benchmark::Counter(static_cast<double>(g_allocs - a0),
                                                  benchmark::Counter::kAvgIterations);
}

// The baseline of a builder: copy the HttpRequest it built.
template <class Make>
void builder_floor(benchmark::State& state, Make make) {
    auto built = make();
    if (!built) {
        state.SkipWithError(built.error().message.c_str());
        return;
    }
    const cfimages::HttpRequest http = built->http;
    const std::size_t a0 = g_allocs;
    for (auto _ : state) {
        cfimages::HttpRequest copy = http;
        benchmark::DoNotOptimize(copy);
    }
    state.counters["allocs"] = benchmark::Counter(static_cast<double>(g_allocs - a0),
                                                  benchmark::Counter::kAvgIterations);
}

struct BuilderCase {
    std::string name;
    std::function<bool(benchmark::State&, bool)> run;
};

template <class Make>
BuilderCase make_case(std::string name, Make make) {
    return {std::move(name), [make](benchmark::State& s, bool floor) {
                if (floor) builder_floor(s, make);
                else builder(s, make);
                return true;
            }};
}

std::vector<BuilderCase> builder_cases() {
    namespace v1 = cfimages::v1;
    namespace v2 = cfimages::v2;
    static const cfimages::Config cfg = config();
    static const std::string id = "4e675b86-1e68-4f97-b886-f03495ca518c";
    std::vector<BuilderCase> c;
    c.push_back(make_case("v1::create(file 100KB)", [] {
        v1::CreateParams p;
        p.file = cfimages::File{load("upload_100KB.png"), "", ""};
        p.id = "products/cat/00042";
        p.metadata = boost::json::object{{"album", "holiday"}, {"source", "web"}};
        return v1::create(cfg, p);
    }));
    c.push_back(make_case("v1::create(url)", [] {
        v1::CreateParams p;
        p.url = "https://example.com/photos/cat.jpg";
        p.creator = "user-00042";
        p.require_signed_urls = true;
        return v1::create(cfg, p);
    }));
    c.push_back(make_case("v1::list", [] {
        v1::ListParams p;
        p.page = 3;
        p.per_page = 100;
        return v1::list(cfg, p);
    }));
    c.push_back(make_case("v1::get", [] { return v1::get(cfg, id); }));
    c.push_back(make_case("v1::edit", [] {
        v1::EditParams p;
        p.metadata = boost::json::object{{"album", "holiday"}};
        p.require_signed_urls = false;
        return v1::edit(cfg, id, p);
    }));
    c.push_back(make_case("v1::remove", [] { return v1::remove(cfg, id); }));
    c.push_back(make_case("v1::blobs::get", [] { return v1::blobs::get(cfg, id); }));
    c.push_back(make_case("v1::batch_token", [] { return v1::batch_token(cfg); }));
    c.push_back(make_case("v1::keys::list", [] { return v1::keys::list(cfg); }));
    c.push_back(make_case("v1::keys::update", [] { return v1::keys::update(cfg, "rotated2024"); }));
    c.push_back(make_case("v1::keys::remove", [] { return v1::keys::remove(cfg, "rotated2024"); }));
    c.push_back(make_case("v1::stats::get", [] { return v1::stats::get(cfg); }));
    c.push_back(make_case("v1::variants::list", [] { return v1::variants::list(cfg); }));
    c.push_back(make_case("v1::variants::get", [] { return v1::variants::get(cfg, "hero"); }));
    c.push_back(make_case("v1::variants::create", [] {
        cfimages::Variant v;
        v.id = "hero";
        v.options.fit = cfimages::Fit::cover;
        v.options.metadata = cfimages::MetadataMode::keep;
        v.options.width = 1366;
        v.options.height = 768;
        return v1::variants::create(cfg, v);
    }));
    c.push_back(make_case("v1::variants::edit", [] {
        v1::variants::EditParams p;
        p.options.fit = cfimages::Fit::scale_down;
        p.options.width = 640;
        p.options.height = 480;
        p.never_require_signed_urls = true;
        return v1::variants::edit(cfg, "hero", p);
    }));
    c.push_back(make_case("v1::variants::remove", [] { return v1::variants::remove(cfg, "hero"); }));
    c.push_back(make_case("v2::list", [] {
        v2::ListParams p;
        p.continuation_token = "8c3b4fd2a1e04a7d9b1c2d3e4f5a6b7c";
        p.per_page = 1000;
        p.sort_order = "desc";
        return v2::list(cfg, p);
    }));
    c.push_back(make_case("v2::direct_uploads::create", [] {
        v2::DirectUploadParams p;
        const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1714557600));
        p.now = now;
        p.expiry = now + std::chrono::hours(1);
        p.creator = "user-00042";
        p.metadata = boost::json::object{{"album", "holiday"}};
        return v2::direct_uploads::create(cfg, p);
    }));
    return c;
}

// ------------------------------------------------------------- reporting
struct Measured {
    double ns = 0;              // CPU time per iteration
    double bytes_per_second = 0;
    double allocs = -1;         // per iteration; -1: not counted
    bool ok = false;
};
std::map<std::string, Measured> g_results;

class Recorder : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& r : runs) {
            if (r.run_type != Run::RT_Iteration || r.iterations == 0) continue;
            Measured m;
            m.ok = !r.error_occurred;
            // CPU time: the code under test is single-threaded and never
            // waits, and on a shared machine wall time mostly measures the
            // neighbours.
            m.ns = r.GetAdjustedCPUTime() * to_ns(r.time_unit);
            auto b = r.counters.find("bytes");
            if (b != r.counters.end() && m.ns > 0) m.bytes_per_second = b->second.value / m.ns * 1e9;
            auto a = r.counters.find("allocs");
            if (a != r.counters.end()) m.allocs = a->second.value;
            g_results[r.benchmark_name()] = m;
        }
        ConsoleReporter::ReportRuns(runs);
    }

private:
    static double to_ns(benchmark::TimeUnit u) {
        switch (u) {
        case benchmark::kNanosecond: return 1;
        case benchmark::kMicrosecond: return 1e3;
        case benchmark::kMillisecond: return 1e6;
        case benchmark::kSecond: return 1e9;
        }
        return 1;
    }
};

const Measured* result(const std::string& name) {
    auto it = g_results.find(name);
    return it != g_results.end() && it->second.ok ? &it->second : nullptr;
}

std::string fmt(const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

struct Row {
    std::string metric, ours, baseline, ratio, target, verdict;
};

// Ratio of the baseline's time to ours: > 1 means ours is faster.
Row speed_row(const std::string& metric, const std::string& ours, const std::string& base,
              double min_ratio, int& failures) {
    const Measured* o = result(ours);
    const Measured* b = result(base);
    if (o == nullptr || b == nullptr) return {metric, "n/a", "n/a", "n/a", fmt(">= %.2f", min_ratio), "SKIP"};
    const double ratio = b->ns / o->ns;
    const bool pass = ratio >= min_ratio;
    if (!pass) ++failures;
    auto rate = [](const Measured& m) {
        return m.bytes_per_second > 0 ? fmt("%.0f MB/s", m.bytes_per_second / 1e6) : fmt("%.0f ns", m.ns);
    };
    return {metric, rate(*o), rate(*b), fmt("%.2f", ratio), fmt(">= %.2f", min_ratio), pass ? "PASS" : "FAIL"};
}

void print_table(const std::vector<Row>& rows) {
    std::size_t w[6] = {6, 4, 8, 5, 6, 7};
    for (const Row& r : rows) {
        const std::string* f[6] = {&r.metric, &r.ours, &r.baseline, &r.ratio, &r.target, &r.verdict};
        for (int i = 0; i < 6; ++i) w[i] = std::max(w[i], f[i]->size());
    }
    auto line = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d,
                    const std::string& e, const std::string& f) {
        std::printf("| %-*s | %*s | %*s | %*s | %-*s | %-*s |\n", int(w[0]), a.c_str(), int(w[1]), b.c_str(),
                    int(w[2]), c.c_str(), int(w[3]), d.c_str(), int(w[4]), e.c_str(), int(w[5]), f.c_str());
    };
    line("metric", "ours", "baseline", "ratio", "target", "verdict");
    std::printf("|%s|%s|%s|%s|%s|%s|\n", std::string(w[0] + 2, '-').c_str(), std::string(w[1] + 2, '-').c_str(),
                std::string(w[2] + 2, '-').c_str(), std::string(w[3] + 2, '-').c_str(),
                std::string(w[4] + 2, '-').c_str(), std::string(w[5] + 2, '-').c_str());
    for (const Row& r : rows) line(r.metric, r.ours, r.baseline, r.ratio, r.target, r.verdict);
}

} // namespace

int main(int argc, char** argv) {
    bool strict = false;
    std::vector<char*> args;
    for (int i = 0; i < argc; ++i) {
        if (std::strcmp(argv[i], "--strict") == 0) strict = true;
        else args.push_back(argv[i]);
    }
    int n = static_cast<int>(args.size());

    benchmark::RegisterBenchmark("decode/v2_list_10000/ours", decode_v2_list_ours)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("decode/v2_list_10000/ours_reused_page", decode_v2_list_ours_reused)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("decode/v2_list_10000/boost_json_parse", decode_v2_list_boost_json_parse)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("decode/v2_list_10000/boost_json_parse_monotonic",
                                 decode_v2_list_boost_json_parse_monotonic)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("decode/image_get/ours", decode_image_get_ours);
    benchmark::RegisterBenchmark("decode/image_get/boost_json_parse", decode_image_get_boost_json_parse);
    benchmark::RegisterBenchmark("upload/10MB/ours", upload_build, "upload_10MB.png")->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("upload/10MB/memcpy", upload_memcpy, "upload_10MB.png")
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("upload/100KB/ours", upload_build, "upload_100KB.png")
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("upload/100KB/memcpy", upload_memcpy, "upload_100KB.png")
        ->Unit(benchmark::kMicrosecond);
    static const std::vector<BuilderCase> cases = builder_cases();
    for (const BuilderCase& c : cases) {
        benchmark::RegisterBenchmark(("builder/" + c.name + "/ours").c_str(),
                                     [&c](benchmark::State& s) { c.run(s, false); });
        benchmark::RegisterBenchmark(("builder/" + c.name + "/copy_of_request").c_str(),
                                     [&c](benchmark::State& s) { c.run(s, true); });
    }

    benchmark::Initialize(&n, args.data());
    if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 2;
    Recorder rec;
    benchmark::RunSpecifiedBenchmarks(&rec);
    benchmark::Shutdown();

    int failures = 0;
    std::vector<Row> rows;
    rows.push_back(speed_row("decode v2 list (10,000 images, 4.8 MB) vs boost::json::parse",
                             "decode/v2_list_10000/ours", "decode/v2_list_10000/boost_json_parse", 1.0, failures));
    rows.push_back(speed_row("build upload request, 10 MB file vs memcpy", "upload/10MB/ours", "upload/10MB/memcpy",
                             0.3, failures));
    // Context rows: no target.
    int ignored = 0;
    auto info = [&](Row r) {
        r.target = "-";
        r.verdict = r.verdict == "SKIP" ? "SKIP" : "info";
        rows.push_back(std::move(r));
    };
    info(speed_row("decode v2 list into a reused page (parse_into) vs boost::json::parse",
                   "decode/v2_list_10000/ours_reused_page", "decode/v2_list_10000/boost_json_parse", 0, ignored));
    info(speed_row("decode v2 list vs boost::json::parse, monotonic resource", "decode/v2_list_10000/ours",
                   "decode/v2_list_10000/boost_json_parse_monotonic", 0, ignored));
    info(speed_row("decode one image (v1 get) vs boost::json::parse", "decode/image_get/ours",
                   "decode/image_get/boost_json_parse", 0, ignored));
    info(speed_row("build upload request, 100 KB file vs memcpy", "upload/100KB/ours", "upload/100KB/memcpy", 0,
                   ignored));
    for (const BuilderCase& c : cases) {
        const Measured* o = result("builder/" + c.name + "/ours");
        const Measured* b = result("builder/" + c.name + "/copy_of_request");
        if (o == nullptr || b == nullptr) {
            rows.push_back({c.name + " ns/req", "n/a", "n/a", "n/a", "-", "SKIP"});
            continue;
        }
        rows.push_back({c.name + " ns/req (vs copying its request)", fmt("%.0f", o->ns), fmt("%.0f", b->ns),
                        fmt("%.2f", b->ns / o->ns), "-", "info"});
        rows.push_back({c.name + " allocs/req (vs copying its request)", fmt("%.1f", o->allocs),
                        fmt("%.1f", b->allocs), o->allocs > 0 ? fmt("%.2f", b->allocs / o->allocs) : "-", "-",
                        "info"});
    }
    std::printf("\ncfimages codec benchmarks: ratio = baseline time / ours (> 1: ours faster)\n\n");
    print_table(rows);
    std::printf("\n%s\n", failures == 0 ? "all codec targets met" : "some codec targets MISSED");
    return strict && failures != 0 ? 1 : 0;
}
