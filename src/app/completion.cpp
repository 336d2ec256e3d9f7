#include "sizesel/app/completion.hpp"

#include <cctype>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace sizesel {
namespace {

/// A subcommand's path ("/cache/list"), its subcommands and options, as the shell needs them.
struct Command {
  std::string path;
  std::vector<std::string> subcommands;
  std::vector<std::string> options;        // every name, -o and --output alike
  std::vector<std::string> positionals;    // the choices of positional arguments checked by IsMember
  std::vector<std::string> value_cases;    // bash `case` arms: what follows an option taking a value
};

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : " ") + word;
  return text;
}

/// Whether an option's description starts with "NAME=VALUE"-like text: a setting, no file.
bool takes_setting(const CLI::Option& option) {
  const std::string text = option.get_description();
  const auto equals = text.find('=');
  if (equals == 0 || equals == std::string::npos) return false;
  for (std::size_t i = 0; i < equals; ++i) {
    if (text[i] < 'A' || text[i] > 'Z') return false;
  }
  return true;
}

/// Whether an option takes a file: its description says so (-o, --report).
bool mentions_file(const CLI::Option& option) {
  std::string text = option.get_description();
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text.find("file") != std::string::npos;
}

/// The choices of an option checked by CLI::IsMember, from its type name "TEXT:{a,b,c}".
std::vector<std::string> choices(const CLI::Option& option) {
  const std::string type = option.get_type_name();
  const auto open = type.find('{');
  const auto close = type.find('}', open);
  std::vector<std::string> words;
  if (open == std::string::npos || close == std::string::npos) return words;
  std::string word;
  for (std::size_t i = open + 1; i <= close; ++i) {
    if (type[i] == ',' || i == close) {
      words.push_back(word);
      word.clear();
    } else {
      word += type[i];
    }
  }
  return words;
}

void collect(const CLI::App& app, const std::string& path, std::vector<Command>& commands) {
  Command command;
  command.path = path;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    command.subcommands.push_back(sub->get_name());
  }
  for (const CLI::Option* option : app.get_options([](const CLI::Option* o) { return !o->nonpositional(); })) {
    const auto words = choices(*option);
    command.positionals.insert(command.positionals.end(), words.begin(), words.end());
  }
  for (const CLI::Option* option : app.get_options([](const CLI::Option* o) { return o->nonpositional(); })) {
    std::vector<std::string> names;
    for (const auto& name : option->get_snames()) names.push_back("-" + name);
    for (const auto& name : option->get_lnames()) names.push_back("--" + name);
    command.options.insert(command.options.end(), names.begin(), names.end());
    if (option->get_expected_max() == 0 && option->get_type_name().empty()) continue;  // a flag
    const std::string type = option->get_type_name();
    std::string reply;
    if (const auto words = choices(*option); !words.empty()) {
      reply = fmt::format("COMPREPLY=($(compgen -W \"{}\" -- \"$cur\"))", joined(words));
    } else if (type.rfind("INT", 0) == 0 || type.rfind("FLOAT", 0) == 0 || takes_setting(*option)) {
      reply = "COMPREPLY=()";  // a number or NAME=VALUE: nothing to offer
    } else if (option->get_name().find("dir") != std::string::npos) {
      reply = "COMPREPLY=($(compgen -d -- \"$cur\"))";
    } else if (mentions_file(*option)) {
      reply = "COMPREPLY=($(compgen -f -- \"$cur\"))";
    } else {
      reply = "COMPREPLY=()";  // a name or free text (a candidate, a partition, an sbatch argument)
    }
    std::string arm;
    for (const auto& name : names) arm += (arm.empty() ? "" : "|") + name;
    command.value_cases.push_back(fmt::format("        {}) {}; return ;;", arm, reply));
  }
  commands.push_back(command);
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    collect(*sub, path + "/" + sub->get_name(), commands);
  }
}

}  // namespace

std::string bash_completion(const CLI::App& app, const std::string& version) {
  std::vector<Command> commands;
  collect(app, "", commands);

  std::string known;  // every subcommand path, for finding where the command line is
  std::string arms;
  for (const Command& command : commands) {
    if (!command.path.empty()) known += (known.empty() ? "" : "|") + command.path;
    arms += fmt::format("    \"{}\")\n      subcommands=\"{}\"\n      options=\"{}\"\n", command.path,
                        joined(command.subcommands), joined(command.options));
    if (!command.positionals.empty()) arms += fmt::format("      positionals=\"{}\"\n", joined(command.positionals));
    if (!command.value_cases.empty()) {
      arms += "      case \"$prev\" in\n";
      for (const auto& arm : command.value_cases) arms += arm + "\n";
      arms += "      esac\n";
    }
    arms += "      ;;\n";
  }
  return fmt::format(R"(# bash completion for sizesel {version}, written by `sizesel completion bash`.
# Install: cmake --install puts it in share/bash-completion/completions/; or
# source <(sizesel completion bash)
_sizesel() {{
  local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="${{COMP_WORDS[COMP_CWORD-1]}}"
  local path="" word i subcommands options positionals=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="${{COMP_WORDS[i]}}"
    case "$path/$word" in
      {known}) path="$path/$word" ;;
    esac
  done
  case "$path" in
{arms}  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  elif [[ -n "$subcommands$positionals" ]]; then
    COMPREPLY=($(compgen -W "$subcommands $positionals" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}}
complete -o filenames -F _sizesel sizesel
)",
                     fmt::arg("version", version), fmt::arg("known", known), fmt::arg("arms", arms));
}

}  // namespace sizesel
