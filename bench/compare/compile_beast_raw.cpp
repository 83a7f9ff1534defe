// Compile-time baseline for compile_beast_cfimages.cpp (bench/compare/run):
// the same HTTPS GET written with raw Beast (TLS with SNI and peer
// verification, one request, one response) and its JSON answer parsed with
// Boost.JSON, the image ID read out. No retries, no typed model.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json.hpp>
#include <openssl/ssl.h>

#include <string>

std::string raw_beast_probe(const std::string& host, const std::string& target, const std::string& token);

std::string raw_beast_probe(const std::string& host, const std::string& target, const std::string& token) {
    namespace asio = boost::asio;
    namespace http = boost::beast::http;
    asio::io_context ioc;
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_default_verify_paths();
    ctx.set_verify_mode(asio::ssl::verify_peer);
    boost::beast::ssl_stream<boost::beast::tcp_stream> stream(ioc, ctx);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) return "sni";
    stream.set_verify_callback(asio::ssl::host_name_verification(host));
    asio::ip::tcp::resolver resolver(ioc);
    boost::beast::error_code ec;
    auto endpoints = resolver.resolve(host, "443", ec);
    if (ec) return ec.message();
    boost::beast::get_lowest_layer(stream).connect(endpoints, ec);
    if (ec) return ec.message();
    stream.handshake(asio::ssl::stream_base::client, ec);
    if (ec) return ec.message();
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, host);
    req.set(http::field::authorization, "Bearer " + token);
    req.set(http::field::accept, "application/json");
    http::write(stream, req, ec);
    if (ec) return ec.message();
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res, ec);
    if (ec) return ec.message();
    boost::json::value v = boost::json::parse(res.body(), ec);
    if (ec || !v.is_object()) return "not json";
    const boost::json::value* result = v.as_object().if_contains("result");
    if (result == nullptr || !result->is_object()) return "no result";
    const boost::json::value* id = result->as_object().if_contains("id");
    if (id == nullptr || !id->is_string()) return "no id";
    stream.shutdown(ec);
    return std::string(id->as_string());
}
