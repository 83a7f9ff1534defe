#ifndef CFIMAGES_CLI_DOCS_HPP
#define CFIMAGES_CLI_DOCS_HPP

// Shell completion (bash, zsh) and the man page, generated from the same
// command table and help text as `--help`, so the three cannot drift:
//   cfimages completion bash|zsh   a script to source (or install)
//   cfimages man                   cfimages.1 in roff (man -l, groff -man)
//
// The bash script is plain bash (complete -F, compgen), no bash-completion
// helpers needed; the zsh script loads the same function through zsh's
// bashcompinit. Option values are completed where the help text says what
// they may be: file names for --file and --output, and the choices a
// synopsis spells `--name a|b|c`.

#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "args.hpp"

namespace cfimages_cli {

/// What the generators need to know about one command.
struct CommandDoc {
    std::string words;                       ///< e.g. "images upload".
    std::string_view synopsis;               ///< Arguments after the words.
    std::string_view summary;                ///< One line.
    std::string_view details;                ///< The `--help` option block.
    std::vector<OptionSpec> options;         ///< The command's own options.
};

namespace detail {

inline bool is_path_option(std::string_view name) { return name == "file" || name == "output" || name == "journal"; }

// The choices a synopsis gives an option as `--name a|b|c`; empty when none.
inline std::string choices_of(std::string_view synopsis, std::string_view name) {
    const std::string flag = "--" + std::string(name) + " ";
    for (std::size_t at = synopsis.find(flag); at != std::string_view::npos;
         at = synopsis.find(flag, at + 1)) {
        std::size_t b = at + flag.size(), e = b;
        while (e < synopsis.size() && (std::isalnum(static_cast<unsigned char>(synopsis[e])) ||
                                       synopsis[e] == '-' || synopsis[e] == '|' || synopsis[e] == ':'))
            ++e;
        std::string_view v = synopsis.substr(b, e - b);
        if (v.find('|') == std::string_view::npos) continue;
        std::string out(v);
        for (char& c : out)
            if (c == '|') c = ' ';
        return out;
    }
    return {};
}

// "--a --b ...": every option, or only those that take a value.
inline std::string joined_options(const std::vector<OptionSpec>& specs, bool only_valued) {
    std::string s;
    for (const OptionSpec& o : specs)
        if (o.takes_value || !only_valued) {
            if (!s.empty()) s.push_back(' ');
            s.append("--").append(o.name);
        }
    return s;
}

// Escapes text for roff: backslashes, and a leading '.' or '\'' that would
// read as a request.
inline std::string roff(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\\') out += "\\e";
        else if (c == '-') out += "\\-";
        else out.push_back(c);
    }
    if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
    return out;
}

inline std::string trim(std::string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && s[b] == ' ') ++b;
    while (e > b && s[e - 1] == ' ') --e;
    return std::string(s.substr(b, e - b));
}

// Turns a help block of "  TERM   description" lines (continuations
// indented deeper) and free paragraphs into .TP / .PP roff.
inline std::string roff_block(std::string_view block) {
    std::string out;
    bool in_item = false;
    std::size_t pos = 0;
    while (pos < block.size()) {
        std::size_t nl = block.find('\n', pos);
        if (nl == std::string_view::npos) nl = block.size();
        std::string_view line = block.substr(pos, nl - pos);
        pos = nl + 1;
        if (trim(line).empty()) {
            in_item = false;
            out += ".PP\n";
            continue;
        }
        std::size_t indent = 0;
        while (indent < line.size() && line[indent] == ' ') ++indent;
        const std::size_t gap = line.find("  ", indent);
        if (indent == 2 && gap != std::string_view::npos) {
            std::size_t d = gap;
            while (d < line.size() && line[d] == ' ') ++d;
            out += ".TP\n.B " + roff(trim(line.substr(indent, gap - indent))) + "\n" +
                   roff(trim(line.substr(d))) + "\n";
            in_item = true;
        } else if (indent == 2) {
            out += ".TP\n.B " + roff(trim(line)) + "\n";
            in_item = true;
        } else if (in_item && indent >= 4) {
            out += roff(trim(line)) + "\n";
        } else {
            if (in_item) out += ".PP\n";
            in_item = false;
            out += roff(trim(line)) + "\n";
        }
    }
    return out;
}

} // namespace detail

/// A bash completion script for `cfimages` (also used by the zsh one).
inline std::string bash_completion(const std::vector<CommandDoc>& cmds, const std::vector<OptionSpec>& globals) {
    using namespace detail;
    std::string globals_valued = joined_options(globals, true);
    const std::string all_globals = joined_options(globals, false);
    std::string top, groups;  // groups: "images|keys|variants"
    std::vector<std::string> group_names;
    for (const CommandDoc& c : cmds) {
        const std::string first = c.words.substr(0, c.words.find(' '));
        bool seen = false;
        for (const auto& g : group_names) seen = seen || g == first;
        if (seen) continue;
        if (!top.empty()) top.push_back(' ');
        top += first;
        if (c.words.find(' ') != std::string::npos) {
            group_names.push_back(first);
            if (!groups.empty()) groups.push_back('|');
            groups += first;
        }
    }
    std::string s;
    s += "# bash completion for cfimages; generated by `cfimages completion bash`.\n"
         "# Load it with:  source <(cfimages completion bash)\n"
         "# or install it as /usr/share/bash-completion/completions/cfimages.\n"
         "_cfimages() {\n"
         "    local cur=${COMP_WORDS[COMP_CWORD]} prev=\"\" cmd=\"\" w i skip=0\n"
         "    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
         "    COMPREPLY=()\n"
         "    # The command words typed so far; global options and their values skipped.\n"
         "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "        w=${COMP_WORDS[i]}\n"
         "        if ((skip)); then skip=0; continue; fi\n"
         "        case $w in\n";
    std::string valued_alt = globals_valued;
    for (char& ch : valued_alt)
        if (ch == ' ') ch = '|';
    s += "            " + valued_alt + ") skip=1 ;;\n";
    s += "            -*) ;;\n"
         "            *)\n"
         "                if [[ -z $cmd ]]; then cmd=$w\n";
    s += "                elif [[ -z ${cmd##*[ ]*} ]]; then :\n";  // already two words
    if (!groups.empty())
        s += "                else case $cmd in " + groups + ") cmd=\"$cmd $w\" ;; esac\n";
    s += "                fi ;;\n"
         "        esac\n"
         "    done\n"
         "    # A value for the option before the cursor.\n"
         "    case $prev in\n"
         "        " + valued_alt + ") return 0 ;;\n"
         "    esac\n"
         "    case $cmd in\n"
         "        \"\")\n"
         "            if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"" + all_globals + " --version\" -- \"$cur\"))\n"
         "            else COMPREPLY=($(compgen -W \"" + top + "\" -- \"$cur\")); fi\n"
         "            return 0 ;;\n";
    for (const auto& g : group_names) {
        std::string subs;
        for (const CommandDoc& c : cmds)
            if (c.words.compare(0, g.size() + 1, g + " ") == 0) {
                if (!subs.empty()) subs.push_back(' ');
                subs += c.words.substr(g.size() + 1);
            }
        s += "        " + g + ")\n"
             "            if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"--help\" -- \"$cur\"))\n"
             "            else COMPREPLY=($(compgen -W \"" + subs + "\" -- \"$cur\")); fi\n"
             "            return 0 ;;\n";
    }
    for (const CommandDoc& c : cmds) {
        s += "        \"" + c.words + "\")\n"
             "            case $prev in\n";
        for (const OptionSpec& o : c.options) {
            if (!o.takes_value) continue;
            const std::string name(o.name);
            if (is_path_option(name)) {
                s += "                --" + name + ") COMPREPLY=($(compgen -f -- \"$cur\")); return 0 ;;\n";
            } else if (std::string ch = choices_of(c.synopsis, name); !ch.empty()) {
                s += "                --" + name + ") COMPREPLY=($(compgen -W \"" + ch + "\" -- \"$cur\")); return 0 ;;\n";
            } else {
                s += "                --" + name + ") return 0 ;;\n";
            }
        }
        s += "            esac\n"
             "            [[ $cur == -* ]] && COMPREPLY=($(compgen -W \"" + joined_options(c.options, false) +
             (c.options.empty() ? "" : " ") + all_globals + "\" -- \"$cur\"))\n";
        // A positional written as choices, e.g. `completion bash|zsh`.
        if (const std::string_view syn = c.synopsis;
            syn.find('|') != std::string_view::npos && syn.find(' ') == std::string_view::npos) {
            std::string ch(syn);
            for (char& x : ch)
                if (x == '|') x = ' ';
            s += "            [[ $cur != -* ]] && COMPREPLY=($(compgen -W \"" + ch + "\" -- \"$cur\"))\n";
        }
        s += "            return 0 ;;\n";
    }
    s += "    esac\n"
         "    return 0\n"
         "}\n"
         "complete -F _cfimages cfimages\n";
    return s;
}

/// A zsh completion script: the bash function, loaded through bashcompinit.
inline std::string zsh_completion(const std::vector<CommandDoc>& cmds, const std::vector<OptionSpec>& globals) {
    return "#compdef cfimages\n"
           "# zsh completion for cfimages; generated by `cfimages completion zsh`.\n"
           "# Load it with:  source <(cfimages completion zsh)   (after compinit)\n"
           "autoload -U +X bashcompinit && bashcompinit\n" +
           bash_completion(cmds, globals);
}

/// The man page, cfimages(1), in roff.
inline std::string man_page(const std::vector<CommandDoc>& cmds, std::string_view usage_line,
                            std::string_view global_help, std::string_view version) {
    using namespace detail;
    std::string s;
    s += ".\\\" cfimages(1); generated by `cfimages man` from the tool's own help text.\n";
    s += ".TH CFIMAGES 1 \"\" \"cfimages " + std::string(version) + "\" \"User Commands\"\n";
    s += ".SH NAME\ncfimages \\- command\\-line client for the Cloudflare Images API\n";
    s += ".SH SYNOPSIS\n.nf\n" + roff(usage_line) + "\n.fi\n";
    s += ".SH DESCRIPTION\n"
         "One subcommand per Cloudflare Images endpoint, plus\n.BR sign ,\n.B verify\nand\n.BR upload\\-to .\n"
         "The result is printed as one JSON document on standard output; errors as one line,\n"
         ".IR \"error <code>: <message>\" ,\non standard error.\n"
         "Credentials never appear in the output.\n";
    s += ".SH COMMANDS\n";
    for (const CommandDoc& c : cmds) {
        s += ".SS \"" + roff(c.words) + "\"\n";
        s += ".B cfimages " + roff(c.words);
        if (!c.synopsis.empty()) s += " \n" + roff(c.synopsis);
        s += "\n.PP\n" + roff(std::string(c.summary) + ".") + "\n";
        if (!c.details.empty()) s += roff_block(c.details);
    }
    // The global help: "Global options" lines, then paragraphs.
    std::string_view g = global_help;
    const std::size_t opts_end = g.find("\n\n");
    std::string_view opts = g.substr(0, opts_end);
    if (opts.find('\n') != std::string_view::npos) opts = opts.substr(opts.find('\n') + 1);
    s += ".SH OPTIONS\nGlobal options may stand before or after the command.\n" + roff_block(opts);
    if (opts_end != std::string_view::npos) {
        // Then "Environment ...", "Output: ...", "Errors: ...", "Exit status: ..."
        // lines, each starting a section of its own.
        std::string_view rest = g.substr(opts_end + 2);
        std::size_t pos = 0;
        while (pos < rest.size()) {
            std::size_t nl = rest.find('\n', pos);
            if (nl == std::string_view::npos) nl = rest.size();
            const std::string line = trim(rest.substr(pos, nl - pos));
            pos = nl + 1;
            if (line.empty()) continue;
            static constexpr std::pair<std::string_view, std::string_view> heads[] = {
                {"Environment", "ENVIRONMENT"}, {"Output:", "OUTPUT"},
                {"Errors:", "DIAGNOSTICS"},     {"Exit status:", "\"EXIT STATUS\""}};
            for (const auto& h : heads)
                if (line.compare(0, h.first.size(), h.first) == 0) s += ".SH " + std::string(h.second) + "\n";
            s += roff(line) + "\n";
        }
    }
    s += ".SH SEE ALSO\nhttps://developers.cloudflare.com/api/resources/images/\n";
    return s;
}

} // namespace cfimages_cli

#endif // CFIMAGES_CLI_DOCS_HPP
