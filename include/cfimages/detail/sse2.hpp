#ifndef CFIMAGES_DETAIL_SSE2_HPP
#define CFIMAGES_DETAIL_SSE2_HPP

// Whether SSE2 may be used: every x86-64 target has it, 32-bit x86 when
// the compiler is told so. Where it is absent the scanners that use it
// take their portable path (same results, slower).

#if defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2)
#include <emmintrin.h>
#define CFIMAGES_SSE2 1
#endif

#endif // CFIMAGES_DETAIL_SSE2_HPP
