// The one translation unit of a separate-compilation build
// (CFIMAGES_SEPARATE_COMPILATION, see cfimages/detail/link.hpp) that
// defines the builders and parsers. bench/compare/run times it next to the
// probe compiled in that mode; bench/CMakeLists.txt links it with the probe
// to prove the mode links and runs.
#include <cfimages/src.hpp>
