#ifndef CFIMAGES_CFIMAGES_HPP
#define CFIMAGES_CFIMAGES_HPP

/// @file
/// Umbrella header: the whole codec. Build a request, send it however you
/// like, parse the response.

#include <cfimages/version.hpp>
#include <cfimages/result.hpp>
#include <cfimages/http.hpp>
#include <cfimages/config.hpp>
#include <cfimages/env.hpp>
#include <cfimages/request.hpp>
#include <cfimages/models.hpp>
#include <cfimages/file.hpp>
#include <cfimages/file_source.hpp>
#include <cfimages/images.hpp>
#include <cfimages/keys.hpp>
#include <cfimages/stats.hpp>
#include <cfimages/variants.hpp>
#include <cfimages/meta_filter.hpp>
#include <cfimages/v2.hpp>
#include <cfimages/upload_to.hpp>
#include <cfimages/paging.hpp>
#include <cfimages/retry.hpp>
#include <cfimages/url.hpp>
#include <cfimages/rate_limit.hpp>
#include <cfimages/call.hpp>
#include <cfimages/batch_tokens.hpp>
#include <cfimages/error_codes.hpp>
#include <cfimages/delivery.hpp>
#include <cfimages/signing.hpp>
#include <cfimages/bulk.hpp>

#endif // CFIMAGES_CFIMAGES_HPP
