#ifndef CFIMAGES_CLI_ARGS_HPP
#define CFIMAGES_CLI_ARGS_HPP

// A small hand-rolled command-line parser for the cfimages tool.
//
// How it works: each command declares its options (name, whether it takes
// a value, whether it may repeat) and the names of its positional
// arguments. `parse_command_line` walks argv once; `--name value`,
// `--name=value` and boolean `--flag` are accepted anywhere after the
// command words, `--` ends the options. Anything it does not recognise is
// a `UsageError` (exit status 2). Error messages name the option but never
// echo a value, so a mistyped `--api-tokn=SECRET` cannot print a secret.

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cfimages_cli {

/// A command line the tool cannot act on; reported as `error usage: ...`
/// with exit status 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// One `--option` a command accepts.
struct OptionSpec {
    std::string_view name;         ///< Without the leading `--`.
    bool takes_value = false;      ///< `--name VALUE` rather than a flag.
    bool repeatable = false;       ///< May be given more than once (e.g. `--meta`).
};

/// The options and positional arguments found for one command.
struct ParsedArgs {
    std::vector<std::string> positionals;
    std::map<std::string, std::vector<std::string>, std::less<>> values;  ///< Flags map to {""}.

    /// Returns true when the option (or flag) was given.
    bool has(std::string_view name) const { return values.find(name) != values.end(); }

    /// Returns the last value given for the option, if any.
    std::optional<std::string> get(std::string_view name) const {
        auto it = values.find(name);
        if (it == values.end() || it->second.empty()) return std::nullopt;
        return it->second.back();
    }

    /// Returns every value given for a repeatable option, in order.
    std::vector<std::string> all(std::string_view name) const {
        auto it = values.find(name);
        return it == values.end() ? std::vector<std::string>{} : it->second;
    }
};

/// Parses `args` (the words after the command) against `options` and
/// `positional_names`, which must be matched exactly in number.
/// Throws `UsageError` for an unknown option, a missing value, a repeated
/// non-repeatable option, or a wrong number of positional arguments.
inline ParsedArgs parse_args(const std::vector<std::string>& args,
                             const std::vector<OptionSpec>& options,
                             const std::vector<std::string_view>& positional_names) {
    ParsedArgs out;
    bool options_done = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (options_done || a.size() < 2 || a.compare(0, 2, "--") != 0) {
            out.positionals.push_back(a);
            continue;
        }
        if (a == "--") {
            options_done = true;
            continue;
        }
        std::string_view body = std::string_view(a).substr(2);
        std::optional<std::string> inline_value;
        if (auto eq = body.find('='); eq != std::string_view::npos) {
            inline_value = std::string(body.substr(eq + 1));
            body = body.substr(0, eq);
        }
        const OptionSpec* spec = nullptr;
        for (const OptionSpec& o : options)
            if (o.name == body) spec = &o;
        if (spec == nullptr) throw UsageError("unknown option --" + std::string(body));
        std::string value;
        if (spec->takes_value) {
            if (inline_value) {
                value = *inline_value;
            } else {
                if (i + 1 >= args.size())
                    throw UsageError("option --" + std::string(body) + " needs a value");
                value = args[++i];
            }
        } else if (inline_value) {
            throw UsageError("option --" + std::string(body) + " takes no value");
        }
        auto& slot = out.values[std::string(body)];
        if (!slot.empty() && !spec->repeatable)
            throw UsageError("option --" + std::string(body) + " given more than once");
        slot.push_back(std::move(value));
    }
    if (out.positionals.size() != positional_names.size()) {
        if (out.positionals.size() > positional_names.size())
            throw UsageError("too many arguments (expected " +
                             std::to_string(positional_names.size()) + ")");
        throw UsageError("missing argument " +
                         std::string(positional_names[out.positionals.size()]));
    }
    return out;
}

/// Parses a whole decimal integer (optional leading `-`) for `option`;
/// throws `UsageError` naming the option otherwise.
inline std::int64_t parse_int(std::string_view option, const std::string& s) {
    if (s.empty()) throw UsageError("--" + std::string(option) + ": expected an integer");
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno != 0 || end != s.c_str() + s.size() || s.find_first_of(" \t+") != std::string::npos)
        throw UsageError("--" + std::string(option) + ": expected an integer");
    return static_cast<std::int64_t>(v);
}

/// Parses a positive decimal number of seconds (`30`, `2.5`) for `option`.
inline double parse_seconds(std::string_view option, const std::string& s) {
    char* end = nullptr;
    errno = 0;
    double v = s.empty() ? 0.0 : std::strtod(s.c_str(), &end);
    if (s.empty() || errno != 0 || end != s.c_str() + s.size() || !(v > 0.0) || v > 86400.0)
        throw UsageError("--" + std::string(option) +
                         ": expected a number of seconds greater than 0 (at most 86400)");
    return v;
}

/// Parses `true` or `false` for `option`.
inline bool parse_bool(std::string_view option, const std::string& s) {
    if (s == "true") return true;
    if (s == "false") return false;
    throw UsageError("--" + std::string(option) + ": expected true or false");
}

} // namespace cfimages_cli

#endif // CFIMAGES_CLI_ARGS_HPP
