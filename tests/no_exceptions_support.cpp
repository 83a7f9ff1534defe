// What a program built without exceptions must provide for Boost.JSON:
// with exceptions off, Boost.Config defines BOOST_NO_EXCEPTIONS and
// Boost's headers call these two functions instead of throwing; the
// program defines them. These print the reason and abort (what else
// is there to do without exceptions?). README.md, "Builds without
// exceptions", shows the same two functions.
#include <boost/assert/source_location.hpp>
#include <boost/throw_exception.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>

#if defined(BOOST_NO_EXCEPTIONS)
namespace boost {

void throw_exception(const std::exception& e) {
    std::fprintf(stderr, "boost::throw_exception: %s\n", e.what());
    std::abort();
}

void throw_exception(const std::exception& e, const boost::source_location&) {
    throw_exception(e);
}

} // namespace boost
#endif
