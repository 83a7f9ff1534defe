#ifndef CFIMAGES_DETAIL_SHA256_HPP
#define CFIMAGES_DETAIL_SHA256_HPP

/// @file
/// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), implemented here so
/// that signed delivery URLs need no crypto library.
///
/// How this works: `Sha256` is the usual streaming hasher: `update` feeds
/// bytes through a 64-byte block buffer (no allocation at all), `finish`
/// pads and returns the 32-byte digest. `hmac_sha256` hashes the key down
/// when it is longer than a block, then runs the two nested hashes.
/// `to_hex` and `constant_time_equal` are the two helpers a signer and a
/// verifier need around it. Nothing here reads a clock or a random source.
///
/// Not a general crypto toolkit: it exists for URL signing, where inputs
/// are short and not secret except for the key.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cfimages {
namespace detail {

/// A SHA-256 digest: 32 bytes.
using Sha256Digest = std::array<std::uint8_t, 32>;

/// Streaming SHA-256. Feed bytes with `update`, then call `finish` once.
///
/// @code
/// Sha256 h; h.update("ab"); h.update("c");
/// std::string hex = to_hex(h.finish());  // "ba7816bf..."
/// @endcode
class Sha256 {
public:
    /// Block size in bytes (HMAC needs it).
    static constexpr std::size_t block_size = 64;

    Sha256() noexcept { reset(); }

    /// Starts a new message, forgetting anything fed so far.
    void reset() noexcept {
        state_ = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                  0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};
        buffered_ = 0;
        total_bytes_ = 0;
    }

    /// Feeds `size` bytes at `data`.
    void update(const void* data, std::size_t size) noexcept {
        const auto* p = static_cast<const std::uint8_t*>(data);
        total_bytes_ += size;
        if (buffered_ != 0) {
            std::size_t take = block_size - buffered_;
            if (take > size) take = size;
            for (std::size_t i = 0; i < take; ++i) buffer_[buffered_ + i] = p[i];
            buffered_ += take;
            p += take;
            size -= take;
            if (buffered_ < block_size) return;
            compress(buffer_.data());
            buffered_ = 0;
        }
        // Whole blocks straight from the input: no copy.
        while (size >= block_size) {
            compress(p);
            p += block_size;
            size -= block_size;
        }
        for (std::size_t i = 0; i < size; ++i) buffer_[i] = p[i];
        buffered_ = size;
    }

    /// Feeds the bytes of `s`.
    void update(std::string_view s) noexcept { update(s.data(), s.size()); }

    /// Pads the message and returns its digest. Call `reset` before reuse.
    Sha256Digest finish() noexcept {
        const std::uint64_t bit_length = total_bytes_ * 8u;
        buffer_[buffered_++] = 0x80u;
        if (buffered_ > block_size - 8) {
            while (buffered_ < block_size) buffer_[buffered_++] = 0;
            compress(buffer_.data());
            buffered_ = 0;
        }
        while (buffered_ < block_size - 8) buffer_[buffered_++] = 0;
        for (int i = 7; i >= 0; --i)
            buffer_[buffered_++] = static_cast<std::uint8_t>(bit_length >> (8 * i));
        compress(buffer_.data());
        buffered_ = 0;

        Sha256Digest out{};
        for (std::size_t i = 0; i < 8; ++i) {
            out[4 * i + 0] = static_cast<std::uint8_t>(state_[i] >> 24);
            out[4 * i + 1] = static_cast<std::uint8_t>(state_[i] >> 16);
            out[4 * i + 2] = static_cast<std::uint8_t>(state_[i] >> 8);
            out[4 * i + 3] = static_cast<std::uint8_t>(state_[i]);
        }
        return out;
    }

private:
    static constexpr std::uint32_t rotr(std::uint32_t x, int n) noexcept {
        return (x >> n) | (x << (32 - n));
    }

    void compress(const std::uint8_t* block) noexcept {
        static constexpr std::uint32_t k[64] = {
            0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u,
            0x923f82a4u, 0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u,
            0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u,
            0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
            0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u,
            0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u,
            0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
            0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
            0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au,
            0x5b9cca4fu, 0x682e6ff3u, 0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u,
            0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u};

        std::uint32_t w[64];
        for (std::size_t i = 0; i < 16; ++i)
            w[i] = (static_cast<std::uint32_t>(block[4 * i]) << 24) |
                   (static_cast<std::uint32_t>(block[4 * i + 1]) << 16) |
                   (static_cast<std::uint32_t>(block[4 * i + 2]) << 8) |
                   static_cast<std::uint32_t>(block[4 * i + 3]);
        for (std::size_t i = 16; i < 64; ++i) {
            const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
            const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }

        std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
        std::uint32_t e = state_[4], f = state_[5], g = state_[6], h = state_[7];
        for (std::size_t i = 0; i < 64; ++i) {
            const std::uint32_t s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
            const std::uint32_t ch = (e & f) ^ (~e & g);
            const std::uint32_t t1 = h + s1 + ch + k[i] + w[i];
            const std::uint32_t s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
            const std::uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
            const std::uint32_t t2 = s0 + maj;
            h = g; g = f; f = e; e = d + t1;
            d = c; c = b; b = a; a = t1 + t2;
        }
        state_[0] += a; state_[1] += b; state_[2] += c; state_[3] += d;
        state_[4] += e; state_[5] += f; state_[6] += g; state_[7] += h;
    }

    std::array<std::uint32_t, 8> state_{};
    std::array<std::uint8_t, block_size> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t total_bytes_ = 0;
};

/// Returns the SHA-256 digest of `data`.
inline Sha256Digest sha256(std::string_view data) noexcept {
    Sha256 h;
    h.update(data);
    return h.finish();
}

/// Returns HMAC-SHA256(key, message) as defined by RFC 2104 / RFC 4231.
/// Any key length is accepted; keys longer than 64 bytes are hashed first.
inline Sha256Digest hmac_sha256(std::string_view key, std::string_view message) noexcept {
    std::array<std::uint8_t, Sha256::block_size> k0{};
    if (key.size() > Sha256::block_size) {
        const Sha256Digest hk = sha256(key);
        for (std::size_t i = 0; i < hk.size(); ++i) k0[i] = hk[i];
    } else {
        for (std::size_t i = 0; i < key.size(); ++i) k0[i] = static_cast<std::uint8_t>(key[i]);
    }

    std::array<std::uint8_t, Sha256::block_size> pad{};
    for (std::size_t i = 0; i < pad.size(); ++i) pad[i] = static_cast<std::uint8_t>(k0[i] ^ 0x36u);
    Sha256 inner;
    inner.update(pad.data(), pad.size());
    inner.update(message);
    const Sha256Digest inner_digest = inner.finish();

    for (std::size_t i = 0; i < pad.size(); ++i) pad[i] = static_cast<std::uint8_t>(k0[i] ^ 0x5cu);
    Sha256 outer;
    outer.update(pad.data(), pad.size());
    outer.update(inner_digest.data(), inner_digest.size());
    return outer.finish();
}

/// Returns `bytes` as lowercase hexadecimal (two characters per byte).
template <std::size_t N>
std::string to_hex(const std::array<std::uint8_t, N>& bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(2 * N, '0');
    for (std::size_t i = 0; i < N; ++i) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 0x0fu];
    }
    return out;
}

/// Returns true when `a` and `b` hold the same bytes. The time taken
/// depends only on the lengths, never on where the first difference is,
/// so comparing a received signature does not leak how much of it matched.
inline bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    unsigned diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned>(static_cast<unsigned char>(a[i]) ^
                                      static_cast<unsigned char>(b[i]));
    // volatile keeps the optimiser from turning the loop into an early exit.
    volatile unsigned sink = diff;
    return sink == 0;
}

} // namespace detail
} // namespace cfimages

#endif // CFIMAGES_DETAIL_SHA256_HPP
