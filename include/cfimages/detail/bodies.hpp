// No include guard: included once at the end of each resource header.
//
// Where a resource header's definitions are compiled: the one switch
// ------------------------------------------------------------------
// A resource header (images.hpp, v2.hpp, ...) holds declarations only and
// ends by naming the file of its definitions:
//
//     #define CFIMAGES_IMPL_FILE <cfimages/impl/images.ipp>
//     #include <cfimages/detail/bodies.hpp>
//
// This file alone decides, from cfimages/detail/link.hpp, whether that
// file is included here: always in the header-only default, and in
// separate compilation only in the translation unit of <cfimages/src.hpp>.

// Included without CFIMAGES_IMPL_FILE (as the header check does), it does
// nothing.

#include <cfimages/detail/link.hpp>

#if defined(CFIMAGES_IMPL_FILE)
#if CFIMAGES_DEFINE_BODIES
#include CFIMAGES_IMPL_FILE
#endif
#undef CFIMAGES_IMPL_FILE
#endif
