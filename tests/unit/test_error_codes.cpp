#include <cfimages/error_codes.hpp>

#include <doctest/doctest.h>

#include <set>
#include <string>

using cfimages::ErrorCode;

TEST_CASE("error codes: the codes named in issue 4 are all known") {
    for (std::int64_t code : {5403, 5404, 5408, 5411, 5415, 5443, 5454, 5455, 5550, 7003, 7011, 9422, 9425,
                              9426, 9427, 9428, 9429, 9430, 9431, 10000}) {
        CAPTURE(code);
        auto info = cfimages::describe(code);
        REQUIRE(info.has_value());
        CHECK(static_cast<std::int64_t>(info->code) == code);
        CHECK_FALSE(info->name.empty());
        CHECK_FALSE(info->description.empty());
    }
}

TEST_CASE("error codes: golden rows") {
    struct Row {
        std::int64_t code;
        ErrorCode typed;
        const char* name;
        bool retryable;
    };
    const Row rows[] = {
        {5400, ErrorCode::bad_request, "bad_request", false},
        {5403, ErrorCode::not_authorized, "not_authorized", false},
        {5404, ErrorCode::image_not_found, "image_not_found", false},
        {5408, ErrorCode::upload_too_slow, "upload_too_slow", true},
        {5413, ErrorCode::image_too_large, "image_too_large", false},
        {5415, ErrorCode::not_multipart, "not_multipart", false},
        {5455, ErrorCode::unsupported_format, "unsupported_format", false},
        {5500, ErrorCode::internal_error, "internal_error", true},
        {5550, ErrorCode::internal_error_2, "internal_error_2", true},
        {7003, ErrorCode::invalid_object_identifier, "invalid_object_identifier", false},
        {9422, ErrorCode::free_transformations_exhausted, "free_transformations_exhausted", false},
        {9429, ErrorCode::flexible_variants_disabled, "flexible_variants_disabled", false},
        {9522, ErrorCode::busy, "busy", true},
        {10000, ErrorCode::authentication_error, "authentication_error", false},
    };
    for (const Row& r : rows) {
        CAPTURE(r.code);
        auto info = cfimages::describe(r.code);
        REQUIRE(info);
        CHECK(info->code == r.typed);
        CHECK(info->name == r.name);
        CHECK(info->retryable == r.retryable);
        CHECK(cfimages::to_string(r.typed) == r.name);
        CHECK(cfimages::to_error_code(r.code) == r.typed);
        CHECK(cfimages::describe(r.typed)->code == r.typed);
    }
    CHECK(cfimages::describe(5404)->description == "Image not found");
}

TEST_CASE("error codes: the table has no duplicates and names are unique") {
    std::set<std::int64_t> codes;
    std::set<std::string> names;
    for (const auto& info : cfimages::detail::error_table) {
        CHECK(codes.insert(static_cast<std::int64_t>(info.code)).second);
        CHECK(names.insert(std::string(info.name)).second);
        CHECK(info.description.find('\n') == std::string_view::npos);
    }
}

TEST_CASE("error codes: unknown codes pass through") {
    for (std::int64_t code : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1}, std::int64_t{5999},
                              std::int64_t{99999999999}}) {
        CHECK_FALSE(cfimages::describe(code).has_value());
        CHECK_FALSE(cfimages::to_error_code(code).has_value());
    }
    CHECK(cfimages::to_string(static_cast<ErrorCode>(1)).empty());
    CHECK_FALSE(cfimages::describe(static_cast<ErrorCode>(1)).has_value());
}

TEST_CASE("error codes: from an ApiError") {
    cfimages::ApiError e;
    CHECK_FALSE(cfimages::error_code(e).has_value());
    CHECK_FALSE(cfimages::code_says_retryable(e).has_value());

    e.errors.push_back({12345, "new code", "", ""});
    CHECK_FALSE(cfimages::error_code(e).has_value());
    CHECK(e.code() == 12345);  // the raw number is kept

    e.errors.push_back({5408, "Client was sending upload too slowly", "", ""});
    CHECK(cfimages::error_code(e) == ErrorCode::upload_too_slow);
    CHECK(cfimages::code_says_retryable(e) == true);

    cfimages::ApiError nf;
    nf.errors.push_back({5404, "Image not found", "", ""});
    CHECK(cfimages::error_code(nf) == ErrorCode::image_not_found);
    CHECK(cfimages::code_says_retryable(nf) == false);

    auto inv = cfimages::ApiError::invalid("x", "y");
    CHECK_FALSE(cfimages::error_code(inv).has_value());
}
