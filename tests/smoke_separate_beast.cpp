// Part of the separate-compilation smoke program when the Beast adapter is
// built: a translation unit that uses beast::Client seeing only the
// declarations of its transport (no Beast or asio header), linked with the
// definitions that smoke_separate_src.cpp compiles through
// <cfimages/beast/src.hpp>. Nothing listens on 127.0.0.1:1, so the one
// attempt fails at once with a transport error.
#include <cfimages/beast.hpp>
#include <cfimages/images.hpp>

#include <iostream>

#ifdef BOOST_ASIO_IO_CONTEXT_HPP
#error "separate compilation: <cfimages/beast.hpp> must not include asio"
#endif

int smoke_beast();

int smoke_beast() {
    cfimages::Config cfg;
    cfg.base_url = "http://127.0.0.1:1/client/v4";
    cfg.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    cfg.credentials = cfimages::ApiToken{"smoke-secret-token"};
    cfimages::beast::ClientOptions options;
    options.retry.max_retries = 0;
    cfimages::beast::Client client(options);
    auto img = client.send(cfimages::v1::get(cfg, "smoke-image"));
    if (img || img.error().kind != cfimages::ErrorKind::transport) {
        std::cerr << "smoke: beast::Client in separate compilation: expected a transport error\n";
        return 1;
    }
    return 0;
}
