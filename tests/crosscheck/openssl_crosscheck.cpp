// Cross-checks cfimages' own SHA-256 / HMAC-SHA256 (detail/sha256.hpp)
// against OpenSSL on random inputs, and the signed-URL signature against
// an HMAC computed by OpenSSL over the documented string to sign.
//
// Built as its own doctest binary linked with OpenSSL::Crypto, never as
// part of the core unit-test binary (the codec must not depend on OpenSSL).

#include <cfimages/detail/sha256.hpp>
#include <cfimages/signing.hpp>

#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <array>
#include <cstdint>
#include <random>
#include <string>

namespace {

std::string openssl_hmac_hex(const std::string& key, const std::string& msg) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out, &len);
    std::array<std::uint8_t, 32> a{};
    REQUIRE(len == 32);
    for (std::size_t i = 0; i < 32; ++i) a[i] = out[i];
    return cfimages::detail::to_hex(a);
}

std::string openssl_sha256_hex(const std::string& msg) {
    std::array<std::uint8_t, 32> a{};
    SHA256(reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), a.data());
    return cfimages::detail::to_hex(a);
}

std::string random_bytes(std::mt19937_64& rng, std::size_t n) {
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(rng() & 0xffu);
    return s;
}

} // namespace

TEST_CASE("crosscheck: SHA-256 and HMAC-SHA256 agree with OpenSSL on random inputs") {
    std::mt19937_64 rng(20240806);  // fixed seed: failures are reproducible
    for (int round = 0; round < 2000; ++round) {
        // Lengths cluster around the block and padding boundaries.
        const std::size_t key_len = rng() % 3 == 0 ? 60 + rng() % 10 : rng() % 200;
        const std::size_t msg_len = rng() % 4 == 0 ? 50 + rng() % 80 : rng() % 5000;
        const std::string key = random_bytes(rng, key_len);
        const std::string msg = random_bytes(rng, msg_len);
        CAPTURE(round);
        CHECK(cfimages::detail::to_hex(cfimages::detail::sha256(msg)) == openssl_sha256_hex(msg));
        CHECK(cfimages::detail::to_hex(cfimages::detail::hmac_sha256(key, msg)) == openssl_hmac_hex(key, msg));
    }
}

TEST_CASE("crosscheck: signed URLs carry OpenSSL's HMAC of path?query") {
    std::mt19937_64 rng(7);
    const std::string path = "/cheeW4oKsx5ljh8e8BoL2A/bc27a117-9509-446b-8c69-c81bfeac0a01/public";
    for (int round = 0; round < 200; ++round) {
        std::string key = random_bytes(rng, 1 + rng() % 100);
        const std::int64_t exp = 1 + static_cast<std::int64_t>(rng() % 4102444800u);
        auto signed_url = cfimages::signing::sign_url("https://imagedelivery.net" + path, key, exp);
        REQUIRE(signed_url);
        const std::string query = "exp=" + std::to_string(exp);
        const std::string expected = "https://imagedelivery.net" + path + "?" + query +
                                     "&sig=" + openssl_hmac_hex(key, path + "?" + query);
        CHECK(*signed_url == expected);
        CHECK(cfimages::signing::verify_url(*signed_url, key, exp - 1));
    }
}
