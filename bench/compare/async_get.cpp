// The concurrent side of bench/compare/run: calls in flight at once.
//
//   async_get async   BASE ACCOUNT IMAGE_ID SECONDS N  -> "calls_per_second <x>"
//       one cfimages::beast::AsyncClient on one thread, N v1::get calls in
//       flight (max_connections = N), each completion starting the next.
//   async_get threads BASE ACCOUNT IMAGE_ID SECONDS N  -> "calls_per_second <x>"
//       N threads, each with its own blocking cfimages::beast::Client.
//   async_get latency SECONDS N DELAY_MS               -> "calls_per_second <x> ideal <y>"
//       against a server in this process (its own thread) that answers
//       every request DELAY_MS after it arrived: how close N in flight get
//       to N / DELAY_MS.
//   async_get ratelimit SECONDS N QUOTA LATENCY_MS     -> "ok_per_second <x> refused_share <y>"
//       against a server in this process that allows QUOTA requests in any
//       second (Ratelimit / Ratelimit-Policy headers on every answer, 429
//       with retry-after past it) and answers after LATENCY_MS; the client
//       learns the quota from the headers (no rule is known for 127.0.0.1).
#include <cfimages/beast.hpp>
#include <cfimages/beast/async.hpp>
#include <cfimages/cfimages.hpp>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace http = boost::beast::http;
using clock_type = std::chrono::steady_clock;

namespace {

const char* const kImage =
    R"({"success":true,"errors":[],"messages":[],"result":{"id":"bench-image","filename":"a.png",)"
    R"("uploaded":"2024-01-01T00:00:00.000Z","requireSignedURLs":false,)"
    R"("variants":["https://imagedelivery.net/h/bench-image/public"]}})";

// ------------------------------------------------------------ test server
// Answers every request after `delay`; with `quota` > 0, refuses requests
// past `quota` in the last second with 429 (answered at once).
struct Server {
    asio::io_context ioc;
    asio::ip::tcp::acceptor acceptor{ioc};
    std::chrono::milliseconds delay{50};
    int quota = 0;
    std::deque<clock_type::time_point> accepted;  // on the server thread only
    std::atomic<long> ok{0}, refused{0};
    std::thread thread;

    unsigned short start() {
        asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
        acceptor.open(ep.protocol());
        acceptor.set_option(asio::socket_base::reuse_address(true));
        acceptor.bind(ep);
        acceptor.listen();
        accept();
        thread = std::thread([this] { ioc.run(); });
        return acceptor.local_endpoint().port();
    }
    void stop() {
        asio::post(ioc, [this] { ioc.stop(); });
        thread.join();
    }
    void accept() {
        acceptor.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket s) {
            if (ec) return;
            std::make_shared<Session>(this, std::move(s))->read();
            accept();
        });
    }
    // Fills the rate-limit headers; false when the request is refused.
    bool admit(http::response<http::string_body>& res) {
        if (quota <= 0) return true;
        const auto now = clock_type::now();
        while (!accepted.empty() && accepted.front() <= now - std::chrono::seconds(1)) accepted.pop_front();
        long reset = 1;
        if (!accepted.empty()) {
            const auto left = accepted.front() + std::chrono::seconds(1) - now;
            reset = std::max<long>(1, static_cast<long>(std::chrono::ceil<std::chrono::seconds>(left).count()));
        }
        res.set("Ratelimit-Policy", "\"default\";q=" + std::to_string(quota) + ";w=1");
        if (static_cast<int>(accepted.size()) >= quota) {
            res.set("Ratelimit", "\"default\";r=0;t=" + std::to_string(reset));
            res.set("Retry-After", std::to_string(reset));
            return false;
        }
        accepted.push_back(now);
        res.set("Ratelimit", "\"default\";r=" + std::to_string(quota - static_cast<int>(accepted.size())) +
                                 ";t=" + std::to_string(reset));
        return true;
    }

    struct Session : std::enable_shared_from_this<Session> {
        Server* server;
        asio::ip::tcp::socket socket;
        asio::steady_timer timer;
        boost::beast::flat_buffer buffer;
        http::request<http::string_body> req;
        http::response<http::string_body> res;
        Session(Server* s, asio::ip::tcp::socket sock)
            : server(s), socket(std::move(sock)), timer(socket.get_executor()) {}
        void read() {
            req = {};
            http::async_read(socket, buffer, req, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                if (ec) return;
                self->answer();
            });
        }
        void answer() {
            res = {};
            res.version(11);
            res.keep_alive(true);
            res.set(http::field::content_type, "application/json");
            if (!server->admit(res)) {
                ++server->refused;
                res.result(429);
                res.body() = R"({"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling your request speed"}],"messages":[],"result":null})";
                return write();
            }
            ++server->ok;
            res.result(200);
            res.body() = kImage;
            timer.expires_after(server->delay);
            timer.async_wait([self = shared_from_this()](boost::system::error_code) { self->write(); });
        }
        void write() {
            res.prepare_payload();
            http::async_write(socket, res, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                if (!ec) self->read();
            });
        }
    };
};

cfimages::Config config(const std::string& base, const std::string& account) {
    cfimages::Config cfg;
    cfg.base_url = base;
    cfg.account_id = account;
    cfg.credentials = cfimages::ApiToken{"bench-token"};
    return cfg;
}

struct Tally {
    long calls = 0;
    long failed = 0;
    double seconds = 0;
};

// N calls in flight on one AsyncClient for `seconds`; each completion starts
// the next until the time is up.
Tally run_async(const cfimages::Config& cfg, const std::string& id, double seconds, int n,
                cfimages::beast::ClientOptions opt) {
    asio::io_context ioc;
    opt.max_connections = static_cast<std::size_t>(n);
    cfimages::beast::AsyncClient client(ioc.get_executor(), opt);
    Tally t;
    const auto t0 = clock_type::now();
    const auto end = t0 + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(seconds));
    std::function<void()> next = [&] {
        if (clock_type::now() >= end) return;
        client.async_send(cfimages::v1::get(cfg, id), [&](cfimages::Result<cfimages::Image> r) {
            if (r) ++t.calls;
            else {
                if (t.failed++ == 0) std::fprintf(stderr, "async_get: %s\n", r.error().message.c_str());
            }
            next();
        });
    };
    for (int i = 0; i < n; ++i) next();
    ioc.run();
    t.seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
    return t;
}

} // namespace

int main(int argc, char** argv) {
    const auto usage = [] {
        std::fprintf(stderr,
                     "usage: async_get async|threads BASE ACCOUNT ID SECONDS N\n"
                     "       async_get latency SECONDS N DELAY_MS\n"
                     "       async_get ratelimit SECONDS N QUOTA LATENCY_MS\n");
        return 2;
    };
    if (argc < 2) return usage();
    const std::string mode = argv[1];
    cfimages::beast::ClientOptions opt;
    opt.retry.max_retries = 0;

    if ((mode == "async" || mode == "threads") && argc >= 7) {
        const auto cfg = config(argv[2], argv[3]);
        const std::string id = argv[4];
        const double seconds = std::atof(argv[5]);
        const int n = std::atoi(argv[6]);
        if (mode == "async") {
            (void)run_async(cfg, id, 0.2, n, opt);  // warm up
            const Tally t = run_async(cfg, id, seconds, n, opt);
            if (t.failed) return 1;
            std::printf("calls_per_second %.1f\n", static_cast<double>(t.calls) / t.seconds);
            return 0;
        }
        std::atomic<long> calls{0}, failed{0};
        const auto t0 = clock_type::now();
        const auto end = t0 + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(seconds));
        std::vector<std::thread> threads;
        for (int i = 0; i < n; ++i)
            threads.emplace_back([&] {
                cfimages::beast::Client client(opt);
                while (clock_type::now() < end) {
                    if (client.send(cfimages::v1::get(cfg, id))) ++calls;
                    else ++failed;
                }
            });
        for (auto& th : threads) th.join();
        const double s = std::chrono::duration<double>(clock_type::now() - t0).count();
        if (failed) {
            std::fprintf(stderr, "async_get: %ld calls failed\n", failed.load());
            return 1;
        }
        std::printf("calls_per_second %.1f\n", static_cast<double>(calls) / s);
        return 0;
    }
    if (mode == "latency" && argc >= 5) {
        Server server;
        server.delay = std::chrono::milliseconds(std::atoi(argv[4]));
        const unsigned short port = server.start();
        const auto cfg = config("http://127.0.0.1:" + std::to_string(port) + "/client/v4", "bench-account");
        const int n = std::atoi(argv[3]);
        const Tally t = run_async(cfg, "bench-image", std::atof(argv[2]), n, opt);
        server.stop();
        if (t.failed) return 1;
        const double ideal = n * 1000.0 / static_cast<double>(server.delay.count());
        std::printf("calls_per_second %.1f ideal %.1f\n", static_cast<double>(t.calls) / t.seconds, ideal);
        return 0;
    }
    if (mode == "ratelimit" && argc >= 6) {
        Server server;
        server.quota = std::atoi(argv[4]);
        server.delay = std::chrono::milliseconds(std::atoi(argv[5]));
        const unsigned short port = server.start();
        const auto cfg = config("http://127.0.0.1:" + std::to_string(port) + "/client/v4", "bench-account");
        opt.retry.max_retries = 5;  // a refused call waits and goes again, as an application's would
        const double seconds = std::atof(argv[2]);
        const Tally t = run_async(cfg, "bench-image", seconds, std::atoi(argv[3]), opt);
        server.stop();
        const long ok = server.ok.load(), refused = server.refused.load();
        std::printf("ok_per_second %.1f refused_share %.4f\n", static_cast<double>(ok) / t.seconds,
                    ok + refused ? static_cast<double>(refused) / static_cast<double>(ok + refused) : 0.0);
        return 0;
    }
    return usage();
}
