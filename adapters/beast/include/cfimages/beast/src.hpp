#ifndef CFIMAGES_BEAST_SRC_HPP
#define CFIMAGES_BEAST_SRC_HPP

/// @file
/// The definitions of the codec and of `beast::Client`'s transport for
/// separate compilation (see cfimages/detail/link.hpp): with
/// `CFIMAGES_SEPARATE_COMPILATION` defined for the whole program, include
/// this header (instead of <cfimages/src.hpp>) in exactly one translation
/// unit, before any other cfimages header. Other translation units that
/// use `beast::Client` then see no Beast or asio header.

#include <cfimages/src.hpp>

#include <cfimages/beast.hpp>

#endif // CFIMAGES_BEAST_SRC_HPP
