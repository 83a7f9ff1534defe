#ifndef CFIMAGES_DETAIL_LINK_HPP
#define CFIMAGES_DETAIL_LINK_HPP

// How the builders and parsers are compiled: the one switch
// ----------------------------------------------------------------
// Each resource header (images, v2, keys, stats, variants, upload_to,
// meta_filter, delivery_url, flexible_variant, signing) holds documented
// declarations only, marked CFIMAGES_DECL; their definitions live in
// cfimages/impl/<name>.ipp (Boost.URL's layout). The header names that file
// at its end and cfimages/detail/bodies.hpp includes it when
// CFIMAGES_DEFINE_BODIES is 1. This file is the only place that decides
// which:
//
// Default, header-only: CFIMAGES_DECL is `inline` and every header
// includes its impl/ file; nothing to build or link but Boost.JSON. The
// price is compile time: a translation unit that calls the builders
// compiles (at -O2) the codec, parsers included, because each Request<T>
// points at its parser.
//
// CFIMAGES_SEPARATE_COMPILATION (define it for the whole program, like
// Boost.JSON's separate mode): the headers only declare, and include none
// of the impl/ files or the decoding machinery they need; exactly one
// translation unit defines everything with
//     #include <cfimages/src.hpp>
// (which defines CFIMAGES_SOURCE, so the headers include their impl/
// files there). Same API, same behaviour; every other translation unit
// compiles fast.

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
