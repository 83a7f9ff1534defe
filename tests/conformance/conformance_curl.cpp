// The conformance suite of conformance_beast.cpp, run with
// cfimages::curl::Client instead of cfimages::beast::Client: the same 17
// operations, the same expected spec faults, a second transport. That both
// pass is the proof that the codec does not care what sends its bytes.
//
// Needs CFIMAGES_CONFORMANCE_BASE_URL (set by scripts/conformance); without
// it the program exits 77 (skipped), like the Beast run.

#include <cfimages/curl.hpp>

// The suite names its client through CFIMAGES_CONFORMANCE_CLIENT when it
// offers that hook; until then it names cfimages::beast::Client, so the Beast
// adapter is kept out (its include guard) and the name is given to curl.
#define CFIMAGES_CONFORMANCE_CLIENT cfimages::curl::Client
#define CFIMAGES_CONFORMANCE_CLIENT_NAME "curl"
#define CFIMAGES_BEAST_HPP
namespace cfimages {
namespace beast {
using Client = cfimages::curl::Client;
} // namespace beast
} // namespace cfimages

#include "conformance_beast.cpp"
