#ifndef CFIMAGES_DELIVERY_HPP
#define CFIMAGES_DELIVERY_HPP

/// @file
/// Delivery URLs and flexible variants, the two halves of serving an
/// image: `<cfimages/delivery_url.hpp>` (`build_url`, `parse_url`,
/// `DeliveryUrl`) and `<cfimages/flexible_variant.hpp>`
/// (`flexible_variant`, `parse_flexible_variant`, `FlexibleOptions`).
///
/// https://developers.cloudflare.com/images/optimization/hosted-images/serve-uploaded-images/

#include <cfimages/delivery_url.hpp>
#include <cfimages/flexible_variant.hpp>

#endif // CFIMAGES_DELIVERY_HPP
