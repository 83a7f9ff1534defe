// The one main() of every doctest binary in the project (cfimages_tests,
// cfimages_beast_tests). Test files hold test cases only.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
