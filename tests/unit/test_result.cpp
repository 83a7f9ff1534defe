// Result<T> and ApiError: the error contract every builder and parser uses.
#include <cfimages/result.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

cfimages::Result<int> parse_positive(int v) {
    if (v <= 0) return cfimages::fail(cfimages::ApiError::invalid("value", "must be positive"));
    return v;
}

} // namespace

TEST_CASE("ErrorKind names match the enumerators") {
    CHECK(std::string(cfimages::to_string(cfimages::ErrorKind::invalid_argument)) == "invalid_argument");
    CHECK(std::string(cfimages::to_string(cfimages::ErrorKind::transport)) == "transport");
    CHECK(std::string(cfimages::to_string(cfimages::ErrorKind::api)) == "api");
    CHECK(std::string(cfimages::to_string(cfimages::ErrorKind::decode)) == "decode");
}

TEST_CASE("ApiError::invalid names the field and the rule") {
    const cfimages::ApiError e = cfimages::ApiError::invalid("account_id", "must not be empty");
    CHECK(e.kind == cfimages::ErrorKind::invalid_argument);
    CHECK(e.http_status == 0);
    CHECK(e.message == "account_id: must not be empty");
    CHECK(e.code() == 0);
    CHECK_FALSE(e.retry_after.has_value());
}

TEST_CASE("ApiError::make keeps kind, message and status; code() reads the first error") {
    cfimages::ApiError e = cfimages::ApiError::make(cfimages::ErrorKind::api, "Image not found", 404);
    CHECK(e.kind == cfimages::ErrorKind::api);
    CHECK(e.http_status == 404);
    CHECK(e.code() == 0);
    e.errors.push_back({5404, "Image not found", "", ""});
    e.errors.push_back({10000, "second", "", ""});
    CHECK(e.code() == 5404);

    const cfimages::Message a{5404, "Image not found", "https://example.invalid/doc", "/id"};
    cfimages::Message b = a;
    CHECK(a == b);
    b.pointer = "/other";
    CHECK(a != b);
}

TEST_CASE("operator<< for ApiError writes kind, status, code and message") {
    cfimages::ApiError e = cfimages::ApiError::make(cfimages::ErrorKind::api, "Image not found", 404);
    e.errors.push_back({5404, "Image not found", "", ""});
    std::ostringstream os;
    os << e;
    CHECK(os.str() == "api (HTTP 404) 5404: Image not found");

    std::ostringstream os2;
    os2 << cfimages::ApiError::invalid("id", "must not be empty");
    CHECK(os2.str() == "invalid_argument: id: must not be empty");
}

TEST_CASE("Result<T> holding a value") {
    cfimages::Result<int> r = parse_positive(7);
    REQUIRE(r.has_value());
    CHECK(static_cast<bool>(r));
    CHECK(*r == 7);
    CHECK(r.value() == 7);
    CHECK(r.value_or(3) == 7);

    cfimages::Result<std::string> s(std::in_place, 3u, 'x');
    REQUIRE(s);
    CHECK(s->size() == 3u);
    CHECK(std::move(s).value() == "xxx");
}

TEST_CASE("Result<T> holding an error") {
    cfimages::Result<int> r = parse_positive(-1);
    REQUIRE_FALSE(r.has_value());
    CHECK_FALSE(static_cast<bool>(r));
    CHECK(r.error().kind == cfimages::ErrorKind::invalid_argument);
    CHECK(r.error().message == "value: must be positive");
    CHECK(r.value_or(3) == 3);
#if !defined(CFIMAGES_NO_EXCEPTIONS)  // without exceptions it aborts: test_no_exceptions.cpp
    CHECK_THROWS_AS(r.value(), cfimages::BadResultAccess);
    try {
        (void)r.value();
        FAIL("value() on an error must throw");
    } catch (const cfimages::BadResultAccess& ex) {
        CHECK(std::string(ex.what()) == "value: must be positive");
        CHECK(ex.error().kind == cfimages::ErrorKind::invalid_argument);
    }
#endif
}

TEST_CASE("Result<T> from an ApiError directly, and moving the error out") {
    cfimages::ApiError e = cfimages::ApiError::make(cfimages::ErrorKind::transport, "timed out");
    e.retry_after = std::chrono::milliseconds(1500);
    cfimages::Result<std::vector<int>> r(e);
    REQUIRE_FALSE(r);
    CHECK(r.error().retry_after == std::chrono::milliseconds(1500));
    cfimages::ApiError moved = std::move(r).error();
    CHECK(moved.kind == cfimages::ErrorKind::transport);
    CHECK(moved.message == "timed out");
}
