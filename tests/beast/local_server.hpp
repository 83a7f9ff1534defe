#ifndef CFIMAGES_TESTS_BEAST_LOCAL_SERVER_HPP
#define CFIMAGES_TESTS_BEAST_LOCAL_SERVER_HPP

// A tiny scriptable HTTP/1.1 server for the Beast client tests: listens on
// 127.0.0.1 on an ephemeral port, runs one thread per accepted connection,
// and hands each connection to a handler that reads requests and writes
// whatever bytes it likes (well-formed or hostile). Plain POSIX sockets, so
// the server shares no code with the client under test. Optionally TLS with
// a fixed certificate: OpenSSL straight on the socket (no Asio), so a
// handler can also misbehave at the TLS layer (close_notify while idle).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <csignal>
#include <memory>
#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/ssl/context.hpp>

namespace cfimages_test {

// A request as the server saw it.
struct SeenRequest {
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    int connection = 0; // index of the connection it came on

    // Returns the first header named `name` (ASCII case ignored).
    std::optional<std::string> header(std::string_view name) const {
        for (const auto& h : headers) {
            if (h.first.size() != name.size()) continue;
            bool same = true;
            for (std::size_t i = 0; i < name.size() && same; ++i)
                same = std::tolower(static_cast<unsigned char>(h.first[i])) ==
                       std::tolower(static_cast<unsigned char>(name[i]));
            if (same) return h.second;
        }
        return std::nullopt;
    }
};

// Builds a complete response with a Content-Length.
inline std::string http_response(int status, std::string_view body = {},
                                 const std::vector<std::string>& extra_headers = {}) {
    std::string r = "HTTP/1.1 " + std::to_string(status) + " Status\r\n";
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    for (const auto& h : extra_headers) r += h + "\r\n";
    r += "\r\n";
    r.append(body);
    return r;
}

// A JSON envelope with `result` (Cloudflare's shape).
inline std::string ok_json(std::string_view result) {
    return std::string(R"({"success":true,"errors":[],"messages":[],"result":)") + std::string(result) + "}";
}

class LocalServer;

// One accepted connection, as seen by a handler: plain, or TLS after a
// completed handshake.
class Conn {
public:
    Conn(int fd, int index, LocalServer& server, SSL* ssl = nullptr)
        : fd_(fd), index_(index), server_(server), ssl_(ssl) {}

    int index() const { return index_; }
    bool tls() const { return ssl_ != nullptr; }

    // Reads one request (headers and a Content-Length body). Returns
    // nullopt when the peer closes, the server stops, or `timeout` passes.
    std::optional<SeenRequest> read_request(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

    // Writes all of `bytes` (over TLS: one record per call, or more for
    // large writes); false when the peer is gone.
    bool write(std::string_view bytes) {
        while (!bytes.empty()) {
            if (fd_ < 0) return false;
            const int chunk = static_cast<int>(std::min<std::size_t>(bytes.size(), 1u << 20));
            const ssize_t n = ssl_ != nullptr ? ::SSL_write(ssl_, bytes.data(), chunk)
                                              : ::send(fd_, bytes.data(), static_cast<std::size_t>(chunk), MSG_NOSIGNAL);
            if (n <= 0) return false;
            bytes.remove_prefix(static_cast<std::size_t>(n));
            bytes_written_ += static_cast<std::size_t>(n);
        }
        return true;
    }
    std::size_t bytes_written() const { return bytes_written_; }

    // Over TLS: sends close_notify and keeps the TCP connection open (as a
    // server closing an idle connection does before, or without, its FIN).
    void close_notify() {
        if (ssl_ != nullptr && fd_ >= 0 && !notified_) ::SSL_shutdown(ssl_);
        notified_ = true;
    }
    // Over TLS 1.3: sends a NewSessionTicket now, a record that carries no
    // application data (servers may send one at any time). False when it
    // could not be sent.
    bool send_session_ticket() {
        return ssl_ != nullptr && fd_ >= 0 && ::SSL_new_session_ticket(ssl_) == 1 && ::SSL_do_handshake(ssl_) == 1;
    }
    // Returns the bytes that arrive within `d`, read from the socket as
    // they come (over TLS: the raw records, not decrypted); stops early
    // when the peer closes or the server stops.
    std::size_t raw_bytes_within(std::chrono::milliseconds d);

    // Closes with a TCP reset (SO_LINGER 0), without close_notify.
    void reset() {
        if (fd_ < 0) return;
        linger l{};
        l.l_onoff = 1;
        l.l_linger = 0;
        ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        notified_ = true;
        close();
    }
    // Closes normally: over TLS close_notify (unless sent already), then FIN.
    void close();
    // Sleeps for `d`, or less when the server stops. Returns false on stop.
    bool sleep(std::chrono::milliseconds d);

    int fd() const { return fd_; }

private:
    int fd_;
    int index_;
    LocalServer& server_;
    SSL* ssl_;
    bool notified_ = false;
    std::string pending_;
    std::size_t bytes_written_ = 0;
};

// The server. The handler runs on its own thread per connection and owns
// the connection for its lifetime (the connection closes when it returns).
class LocalServer {
public:
    using Handler = std::function<void(Conn&)>;

    explicit LocalServer(Handler handler) : handler_(std::move(handler)) { start(); }

    // A TLS server presenting `cert_pem` / `key_pem`; `handler` gets each
    // connection after the handshake.
    LocalServer(const std::string& cert_pem, const std::string& key_pem, Handler handler)
        : handler_(std::move(handler)),
          tls_(std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server)) {
        tls_->use_certificate_chain(boost::asio::buffer(cert_pem));
        tls_->use_private_key(boost::asio::buffer(key_pem), boost::asio::ssl::context::pem);
        // SSL_write and SSL_shutdown write with write(2), which raises
        // SIGPIPE when the client has gone; a test process wants EPIPE.
        std::signal(SIGPIPE, SIG_IGN);
        start();
    }

    // A TLS server answering every request on a connection with `response`.
    LocalServer(const std::string& cert_pem, const std::string& key_pem, std::string response)
        : LocalServer(cert_pem, key_pem, script({std::move(response)})) {}

    // Serves `responses` in order, one per request, all connections
    // sharing the script; after the last, repeats the last forever.
    static Handler script(std::vector<std::string> responses) {
        auto shared = std::make_shared<std::vector<std::string>>(std::move(responses));
        auto next = std::make_shared<std::atomic<std::size_t>>(0);
        return [shared, next](Conn& c) {
            while (c.read_request()) {
                std::size_t i = next->fetch_add(1);
                if (i >= shared->size()) i = shared->size() - 1;
                if (!c.write((*shared)[i])) return;
            }
        };
    }

    LocalServer(const LocalServer&) = delete;
    LocalServer& operator=(const LocalServer&) = delete;
    ~LocalServer() { stop(); }

    void stop() {
        if (stopping_.exchange(true)) return;
        if (accept_thread_.joinable()) accept_thread_.join();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            for (int fd : open_fds_)
                if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
        }
        for (auto& t : threads_)
            if (t.joinable()) t.join();
        ::close(listen_fd_);
    }

    unsigned short port() const { return port_; }
    // Returns "http://127.0.0.1:<port>" (or https) followed by `path`.
    std::string url(std::string_view path = "", std::string_view host = "127.0.0.1") const {
        return std::string(tls_ ? "https://" : "http://") + std::string(host) + ":" + std::to_string(port_) +
               std::string(path);
    }

    std::vector<SeenRequest> requests() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return requests_;
    }
    int connections() const { return connections_.load(); }
    bool stopping() const { return stopping_.load(); }

    // Drops `fd` from the set stop() shuts down (it is about to be closed).
    void forget(int fd) {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto& f : open_fds_)
            if (f == fd) f = -1;
    }

    void record(SeenRequest r) {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(std::move(r));
    }

private:
    void start() {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (listen_fd_ < 0) throw std::runtime_error("socket");
        int one = 1;
        ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(listen_fd_, 64) != 0)
            throw std::runtime_error("bind/listen");
        socklen_t len = sizeof addr;
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        accept_thread_ = std::thread([this] { accept_loop(); });
    }

    void accept_loop() {
        while (!stopping_) {
            pollfd p{listen_fd_, POLLIN, 0};
            if (::poll(&p, 1, 20) <= 0) continue;
            const int fd = ::accept(listen_fd_, nullptr, nullptr);
            if (fd < 0) continue;
            // Each write goes out at once: with Nagle, a write after a
            // small one (a TLS session ticket) waits for the client's
            // delayed ACK, some 40 ms.
            int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            const int index = connections_.fetch_add(1);
            {
                std::lock_guard<std::mutex> lock(mutex_);
                open_fds_.push_back(fd);
            }
            threads_.emplace_back([this, fd, index] {
                SSL* ssl = nullptr;
                if (tls_) {
                    // A failed handshake (the client refused the certificate,
                    // or the server stopped) never reaches the handler.
                    ssl = ::SSL_new(tls_->native_handle());
                    if (ssl == nullptr || ::SSL_set_fd(ssl, fd) != 1 || ::SSL_accept(ssl) != 1) {
                        if (ssl != nullptr) ::SSL_free(ssl);
                        forget(fd);
                        ::close(fd);
                        return;
                    }
                }
                Conn c(fd, index, *this, ssl);
                handler_(c);
                c.close();
                if (ssl != nullptr) ::SSL_free(ssl);
            });
        }
    }

    Handler handler_;
    std::unique_ptr<boost::asio::ssl::context> tls_;
    int listen_fd_ = -1;
    unsigned short port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> connections_{0};
    std::thread accept_thread_;
    std::vector<std::thread> threads_;
    mutable std::mutex mutex_;
    std::vector<int> open_fds_;
    std::vector<SeenRequest> requests_;
};

inline void Conn::close() {
    if (fd_ < 0) return;
    close_notify();
    server_.forget(fd_);
    ::close(fd_);
    fd_ = -1;
}

inline bool Conn::sleep(std::chrono::milliseconds d) {
    const auto end = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < end) {
        if (server_.stopping()) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return !server_.stopping();
}

inline std::size_t Conn::raw_bytes_within(std::chrono::milliseconds d) {
    const auto end = std::chrono::steady_clock::now() + d;
    std::size_t total = 0;
    while (fd_ >= 0 && !server_.stopping() && std::chrono::steady_clock::now() < end) {
        pollfd p{fd_, POLLIN, 0};
        const int r = ::poll(&p, 1, 5);
        if (r < 0) break;
        if (r == 0) continue;
        char buf[16384];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) break;
        total += static_cast<std::size_t>(n);
    }
    return total;
}

inline std::optional<SeenRequest> Conn::read_request(std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    auto fill = [&]() -> bool { // reads more into pending_; false on EOF/stop/timeout
        while (true) {
            if (server_.stopping() || fd_ < 0 || std::chrono::steady_clock::now() >= end) return false;
            // Over TLS, a record already read from the socket may still
            // hold bytes: poll only when OpenSSL has none.
            if (ssl_ == nullptr || ::SSL_pending(ssl_) == 0) {
                pollfd p{fd_, POLLIN, 0};
                const int r = ::poll(&p, 1, 20);
                if (r < 0) return false;
                if (r == 0) continue;
            }
            char buf[16384];
            const ssize_t n = ssl_ != nullptr ? ::SSL_read(ssl_, buf, static_cast<int>(sizeof buf))
                                              : ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) return false;
            pending_.append(buf, static_cast<std::size_t>(n));
            return true;
        }
    };
    std::size_t head_end;
    while ((head_end = pending_.find("\r\n\r\n")) == std::string::npos)
        if (!fill()) return std::nullopt;
    SeenRequest req;
    req.connection = index_;
    std::string_view head(pending_.data(), head_end);
    std::size_t line_end = head.find("\r\n");
    std::string_view line = head.substr(0, line_end);
    const auto sp1 = line.find(' ');
    const auto sp2 = line.find(' ', sp1 + 1);
    req.method = std::string(line.substr(0, sp1));
    req.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
    std::size_t content_length = 0;
    while (line_end != std::string_view::npos) {
        const std::size_t start = line_end + 2;
        line_end = head.find("\r\n", start);
        std::string_view h = head.substr(start, line_end == std::string_view::npos ? std::string_view::npos
                                                                                  : line_end - start);
        const auto colon = h.find(':');
        if (colon == std::string_view::npos) continue;
        std::string name(h.substr(0, colon));
        std::string_view value = h.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        req.headers.emplace_back(name, std::string(value));
    }
    if (auto cl = req.header("content-length")) content_length = std::stoul(*cl);
    pending_.erase(0, head_end + 4);
    while (pending_.size() < content_length)
        if (!fill()) return std::nullopt;
    req.body = pending_.substr(0, content_length);
    pending_.erase(0, content_length);
    server_.record(req);
    return req;
}

} // namespace cfimages_test

#endif // CFIMAGES_TESTS_BEAST_LOCAL_SERVER_HPP
