// The one translation unit that defines the codec when the smoke program is
// built in separate-compilation mode (CFIMAGES_SEPARATE_COMPILATION; see
// cfimages/detail/link.hpp). The test proves the mode compiles, links and
// behaves like the header-only default.
#ifdef CFIMAGES_SMOKE_BEAST
#include <cfimages/beast/src.hpp>  // the codec and beast::Client's transport
#else
#include <cfimages/src.hpp>
#endif
