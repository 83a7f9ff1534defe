// The one translation unit that defines the codec when the smoke program is
// built in separate-compilation mode (CFIMAGES_SEPARATE_COMPILATION; see
// cfimages/detail/link.hpp). The test proves the mode compiles, links and
// behaves like the header-only default.
#include <cfimages/src.hpp>
