#ifndef CFIMAGES_VERSION_HPP
#define CFIMAGES_VERSION_HPP

/// @file
/// Library version. Kept in step with the CMake and Meson project versions
/// (the test suite checks that they agree).

/// Major version: incompatible API changes.
#define CFIMAGES_VERSION_MAJOR 0
/// Minor version: compatible additions.
#define CFIMAGES_VERSION_MINOR 1
/// Patch version: fixes only.
#define CFIMAGES_VERSION_PATCH 0
/// The version as a string, as sent in `User-Agent: cfimages/<version>`.
#define CFIMAGES_VERSION_STRING "0.1.0"
/// The version as one comparable integer: major * 10000 + minor * 100 + patch.
#define CFIMAGES_VERSION                                                        \
    (CFIMAGES_VERSION_MAJOR * 10000 + CFIMAGES_VERSION_MINOR * 100 +            \
     CFIMAGES_VERSION_PATCH)

#endif // CFIMAGES_VERSION_HPP
