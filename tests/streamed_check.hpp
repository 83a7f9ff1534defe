#ifndef CFIMAGES_TESTS_STREAMED_CHECK_HPP
#define CFIMAGES_TESTS_STREAMED_CHECK_HPP

// Checks for the transport tests of streamed uploads: a multi-MB upload
// built on a CountingSource, and whether the bytes a loopback server
// received are exactly the multipart head, the generated file and the tail.

#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <string>

#include <cfimages/cfimages.hpp>

#include "beast/local_server.hpp"
#include "counting_source.hpp"

namespace cfimages_test {

// The transports ask a streamed body for at most this much at a time.
constexpr std::size_t kTransportChunk = 64u * 1024u;
// A multi-MB file, not a multiple of any chunk size.
constexpr std::uint64_t kStreamedSize = (6u << 20) + 12345;

struct StreamedUpload {
    std::shared_ptr<CountingSource> file;
    cfimages::Result<cfimages::Request<cfimages::Image>> request;
};

inline StreamedUpload streamed_upload(const cfimages::Config& cfg, std::uint64_t size = kStreamedSize,
                                      std::shared_ptr<CountingSource> file = nullptr) {
    if (!file) file = std::make_shared<CountingSource>(size);
    cfimages::v1::CreateParams p;
    p.file = cfimages::File{{}, "big.png", "", file};
    p.id = "streamed/big";
    return StreamedUpload{file, cfimages::v1::create(cfg, p)};
}

// True when `seen` carries exactly the body `req` streams.
inline bool received_streamed_body(const SeenRequest& seen, const cfimages::HttpRequest& req) {
    const auto* mp = static_cast<const cfimages::detail::MultipartSource*>(req.body_source.get());
    if (mp == nullptr) return false;
    CHECK(seen.header("content-length") == std::to_string(req.body_size()));
    CHECK(seen.header("content-type") == std::string(req.header("Content-Type").value_or("")));
    if (seen.body.size() != req.body_size()) return false;
    if (seen.body.compare(0, mp->head().size(), mp->head()) != 0) return false;
    const std::uint64_t file_size = req.body_size() - mp->head().size() - mp->tail().size();
    const char* p = seen.body.data() + mp->head().size();
    for (std::uint64_t i = 0; i < file_size; ++i)
        if (p[i] != generated_byte(i)) return false;
    return seen.body.compare(seen.body.size() - mp->tail().size(), mp->tail().size(), mp->tail()) == 0;
}

// A BodySource that fails at `fail_at` (a device read error mid-upload).
class FailingSource final : public cfimages::BodySource {
public:
    FailingSource(std::uint64_t size, std::uint64_t fail_at) : size_(size), fail_at_(fail_at) {}
    std::uint64_t size() const noexcept override { return size_; }
    cfimages::Result<std::size_t> read(std::uint64_t offset, char* out, std::size_t n) const override {
        if (offset <= fail_at_ && fail_at_ < offset + n)
            return cfimages::ApiError::make(cfimages::ErrorKind::transport, "flash: read error at block 7");
        for (std::size_t i = 0; i < n && offset + i < size_; ++i) out[i] = generated_byte(offset + i);
        return static_cast<std::size_t>(std::min<std::uint64_t>(n, size_ - offset));
    }

private:
    std::uint64_t size_, fail_at_;
};

} // namespace cfimages_test

#endif // CFIMAGES_TESTS_STREAMED_CHECK_HPP
