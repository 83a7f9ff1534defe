// The version macros agree with the build system that compiled this test
// (CMake and Meson both pass their project version as CFIMAGES_PROJECT_VERSION).
#include <cfimages/version.hpp>

#include <doctest/doctest.h>

#include <string>

TEST_CASE("version macros match the build system's project version") {
#ifdef CFIMAGES_PROJECT_VERSION
    CHECK(std::string(CFIMAGES_VERSION_STRING) == CFIMAGES_PROJECT_VERSION);
#endif
    const std::string expected = std::to_string(CFIMAGES_VERSION_MAJOR) + "." +
                                 std::to_string(CFIMAGES_VERSION_MINOR) + "." +
                                 std::to_string(CFIMAGES_VERSION_PATCH);
    CHECK(expected == CFIMAGES_VERSION_STRING);
    CHECK(CFIMAGES_VERSION ==
          CFIMAGES_VERSION_MAJOR * 10000 + CFIMAGES_VERSION_MINOR * 100 + CFIMAGES_VERSION_PATCH);
}
