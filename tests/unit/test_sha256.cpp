#include <cfimages/detail/sha256.hpp>

#include <doctest/doctest.h>

#include <string>

// Vectors: FIPS 180-2 appendix B (SHA-256) and RFC 4231 section 4 (HMAC-SHA256).

namespace {

std::string hex_sha256(std::string_view s) {
    return cfimages::detail::to_hex(cfimages::detail::sha256(s));
}

std::string hex_hmac(std::string_view key, std::string_view msg) {
    return cfimages::detail::to_hex(cfimages::detail::hmac_sha256(key, msg));
}

} // namespace

TEST_CASE("sha256: FIPS 180-2 vectors") {
    CHECK(hex_sha256("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(hex_sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(hex_sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(hex_sha256("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                     "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu") ==
          "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST_CASE("sha256: one million 'a', fed whole and in odd-sized pieces") {
    const std::string million(1000000, 'a');
    CHECK(hex_sha256(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

    cfimages::detail::Sha256 h;
    std::size_t fed = 0;
    std::size_t piece = 1;
    while (fed < million.size()) {
        std::size_t n = std::min(piece, million.size() - fed);
        h.update(million.data() + fed, n);
        fed += n;
        piece = piece % 131 + 7;  // crosses block boundaries at varying offsets
    }
    CHECK(cfimages::detail::to_hex(h.finish()) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256: padding boundaries 55, 56, 63, 64, 65 bytes agree with streaming") {
    for (std::size_t n : {55u, 56u, 57u, 63u, 64u, 65u, 119u, 120u, 128u}) {
        const std::string s(n, 'x');
        cfimages::detail::Sha256 h;
        for (char c : s) h.update(&c, 1);
        CHECK(cfimages::detail::to_hex(h.finish()) == hex_sha256(s));
    }
}

TEST_CASE("sha256: reset starts a new message") {
    cfimages::detail::Sha256 h;
    h.update("garbage");
    h.reset();
    h.update("abc");
    CHECK(cfimages::detail::to_hex(h.finish()) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("hmac-sha256: RFC 4231 test cases 1-7") {
    CHECK(hex_hmac(std::string(20, '\x0b'), "Hi There") ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK(hex_hmac("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(hex_hmac(std::string(20, '\xaa'), std::string(50, '\xdd')) ==
          "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    std::string key4;
    for (int i = 1; i <= 25; ++i) key4.push_back(static_cast<char>(i));
    CHECK(hex_hmac(key4, std::string(50, '\xcd')) ==
          "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    // Case 5 specifies only the first 128 bits of the output.
    CHECK(hex_hmac(std::string(20, '\x0c'), "Test With Truncation").substr(0, 32) ==
          "a3b6167473100ee06e0c796c2955552b");
    CHECK(hex_hmac(std::string(131, '\xaa'),
                   "Test Using Larger Than Block-Size Key - Hash Key First") ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    CHECK(hex_hmac(std::string(131, '\xaa'),
                   "This is a test using a larger than block-size key and a larger than "
                   "block-size data. The key needs to be hashed before being used by the "
                   "HMAC algorithm.") ==
          "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST_CASE("hmac-sha256: key of exactly one block is used as is") {
    // 64-byte key: no hashing; 65-byte key: hashed. Both must differ from each other.
    CHECK(hex_hmac(std::string(64, 'k'), "m") != hex_hmac(std::string(65, 'k'), "m"));
    CHECK(hex_hmac("", "") == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST_CASE("constant_time_equal") {
    using cfimages::detail::constant_time_equal;
    CHECK(constant_time_equal("", ""));
    CHECK(constant_time_equal("abc", "abc"));
    CHECK_FALSE(constant_time_equal("abc", "abd"));
    CHECK_FALSE(constant_time_equal("abc", "ab"));
    CHECK_FALSE(constant_time_equal("xbc", "abc"));
}
