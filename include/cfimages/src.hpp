#ifndef CFIMAGES_SRC_HPP
#define CFIMAGES_SRC_HPP

/// @file
/// The definitions of the builders and parsers for separate compilation
/// (see cfimages/detail/link.hpp): with `CFIMAGES_SEPARATE_COMPILATION`
/// defined for the whole program, include this header in exactly one
/// translation unit, before any other cfimages header.

#if defined(CFIMAGES_DETAIL_LINK_HPP) && !defined(CFIMAGES_SOURCE)
#error "include <cfimages/src.hpp> before any other cfimages header in its translation unit"
#endif
#ifndef CFIMAGES_SEPARATE_COMPILATION
#define CFIMAGES_SEPARATE_COMPILATION
#endif
#ifndef CFIMAGES_SOURCE
#define CFIMAGES_SOURCE
#endif

#include <cfimages/cfimages.hpp>

#endif // CFIMAGES_SRC_HPP
