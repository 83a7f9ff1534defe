#ifndef CFIMAGES_CLI_BULK_HPP
#define CFIMAGES_CLI_BULK_HPP

// `cfimages sync DIR` and `cfimages export DIR` (issue 13): the I/O around
// the pure policy of <cfimages/bulk.hpp>, on one io_context with
// cfimages::beast::AsyncClient. Defined in bulk.cpp; main.cpp's command
// table calls them with what the global options resolved to.

#include <functional>
#include <string>

#include <cfimages/beast.hpp>
#include <cfimages/config.hpp>

#include "args.hpp"

namespace cfimages_cli {

/// What a bulk command needs from the rest of the tool.
struct BulkContext {
    cfimages::Config cfg;                            ///< Account, credentials, base URL.
    cfimages::beast::ClientOptions options;          ///< From the global options (--timeout, --max-retries).
    std::function<std::string(std::string)> redact;  ///< Scrubs credentials from any output.
};

/// The options of `sync` and `export`, for the command table.
extern const char* const sync_synopsis;
extern const char* const sync_details;
extern const char* const export_synopsis;
extern const char* const export_details;
std::vector<OptionSpec> sync_options();
std::vector<OptionSpec> export_options();

/// Runs `sync DIR`; returns the exit status (0 nothing failed, 1 some
/// file failed). Throws UsageError for a command line it cannot act on.
int run_sync(const BulkContext& ctx, const ParsedArgs& a);

/// Runs `export DIR`; as run_sync.
int run_export(const BulkContext& ctx, const ParsedArgs& a);

} // namespace cfimages_cli

#endif // CFIMAGES_CLI_BULK_HPP
