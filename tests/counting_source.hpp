#ifndef CFIMAGES_TESTS_COUNTING_SOURCE_HPP
#define CFIMAGES_TESTS_COUNTING_SOURCE_HPP

// A BodySource for tests: bytes made on the fly from their offset (so a
// multi-MB body needs no memory), counting what the transport asks for.

#include <atomic>
#include <cstdint>
#include <cstring>
#include <string>

#include <cfimages/http.hpp>
#include <cfimages/result.hpp>

namespace cfimages_test {

// The byte at `offset` of a generated body: a PNG signature, then a
// pattern that never repeats with a short period (so a misplaced chunk
// is caught).
inline char generated_byte(std::uint64_t offset) noexcept {
    static const char sig[8] = {'\x89', 'P', 'N', 'G', '\r', '\n', '\x1a', '\n'};
    if (offset < 8) return sig[offset];
    const std::uint64_t x = offset * 0x9E3779B97F4A7C15ULL;
    return static_cast<char>('a' + static_cast<int>((x >> 59) ^ ((offset / 4099) % 16)));
}

inline std::string generated_bytes(std::uint64_t size) {
    std::string s(static_cast<std::size_t>(size), '\0');
    for (std::uint64_t i = 0; i < size; ++i) s[static_cast<std::size_t>(i)] = generated_byte(i);
    return s;
}

class CountingSource final : public cfimages::BodySource {
public:
    explicit CountingSource(std::uint64_t size) : size_(size) {}
    std::uint64_t size() const noexcept override { return size_; }
    cfimages::Result<std::size_t> read(std::uint64_t offset, char* out, std::size_t n) const override {
        reads.fetch_add(1);
        if (offset == 0) rewinds.fetch_add(1);
        std::size_t prev = max_n.load();
        while (n > prev && !max_n.compare_exchange_weak(prev, n)) {
        }
        if (offset >= size_ || n == 0)
            return cfimages::ApiError::make(cfimages::ErrorKind::transport, "test source: bad read");
        std::uint64_t k = size_ - offset;
        if (k > n) k = n;
        for (std::uint64_t i = 0; i < k; ++i) out[i] = generated_byte(offset + i);
        bytes.fetch_add(k);
        return static_cast<std::size_t>(k);
    }

    mutable std::atomic<std::size_t> max_n{0};      // largest n asked for
    mutable std::atomic<std::uint64_t> reads{0};    // read calls
    mutable std::atomic<std::uint64_t> rewinds{0};  // reads at offset 0 (one per attempt, plus the builder's)
    mutable std::atomic<std::uint64_t> bytes{0};    // bytes handed out

private:
    std::uint64_t size_;
};

} // namespace cfimages_test

#endif // CFIMAGES_TESTS_COUNTING_SOURCE_HPP
