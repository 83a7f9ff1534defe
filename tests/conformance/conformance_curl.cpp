// The conformance suite of conformance_beast.cpp, run with
// cfimages::curl::Client instead of cfimages::beast::Client: the same 17
// operations, the same expected spec faults, a second transport. That both
// pass is the proof that the codec does not care what sends its bytes.
//
// Needs CFIMAGES_CONFORMANCE_BASE_URL (set by scripts/conformance); without
// it the program exits 77 (skipped), like the Beast run.

#include <cfimages/curl.hpp>

// The suite's hook: the client type it sends with, and its name in the summary.
#define CFIMAGES_CONFORMANCE_CLIENT cfimages::curl::Client
#define CFIMAGES_CONFORMANCE_CLIENT_NAME "curl"

#include "conformance_beast.cpp"
