// Running gnuplot for the report's plots: found on PATH, script on stdin, SVG from stdout, no shell.
#pragma once

#include <filesystem>
#include <string>

namespace sizesel {

/// The first executable file named `gnuplot` in the folders of $PATH (/usr/bin:/bin when
/// PATH is unset). Throws Error "gnuplot: not found on PATH ..." when there is none.
[[nodiscard]] std::filesystem::path find_gnuplot();

/// Runs gnuplot (find_gnuplot()) with `script` on its standard input, through posix_spawn and
/// pipes, and returns what it wrote on its standard output (the SVG the script asks for).
/// Gives up after `timeout_seconds`. Throws Error with one line, gnuplot's last line on stderr
/// included, when it cannot be started, fails, is killed, times out or writes no <svg>.
[[nodiscard]] std::string run_gnuplot(const std::string& script, int timeout_seconds = 60);

/// Checks that gnuplot runs and draws SVG, with a one-point plot; throws as run_gnuplot does.
void check_gnuplot();

}  // namespace sizesel
