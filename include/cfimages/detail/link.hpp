#ifndef CFIMAGES_DETAIL_LINK_HPP
#define CFIMAGES_DETAIL_LINK_HPP

// How the builders and parsers are compiled
// -----------------------------------------
// Default, header-only: every function is defined inline in its header;
// nothing to build or link but Boost.JSON. The price is compile time: a
// translation unit that calls the builders compiles (at -O2) the whole
// codec, parsers included, because each Request<T> points at its parser.
//
// CFIMAGES_SEPARATE_COMPILATION (define it for the whole program, like
// Boost.JSON's BOOST_JSON_NO_LIB-style modes): the builder headers
// (images, keys, stats, variants, v2, upload_to) only declare the
// builders and include none of the decoding machinery, and exactly one
// translation unit defines them with
//     #include <cfimages/src.hpp>
// Same API, same behaviour; every other translation unit compiles fast.
//
// CFIMAGES_DECL marks a function that is inline in header-only mode and an
// ordinary external function in separate compilation;
// CFIMAGES_DEFINE_BODIES says whether this translation unit sees the
// definitions.

#if defined(CFIMAGES_SEPARATE_COMPILATION) && !defined(CFIMAGES_SOURCE)
#define CFIMAGES_DEFINE_BODIES 0
#else
#define CFIMAGES_DEFINE_BODIES 1
#endif

#if defined(CFIMAGES_SEPARATE_COMPILATION)
#define CFIMAGES_DECL
#else
#define CFIMAGES_DECL inline
#endif

#endif // CFIMAGES_DETAIL_LINK_HPP
