#include "sizesel/report/gnuplot.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "sizesel/core/error.hpp"

extern char** environ;

namespace sizesel {
namespace {

namespace fs = std::filesystem;

/// A pipe whose ends close with it.
struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (::pipe2(fd, O_CLOEXEC) != 0) throw Error(std::string("gnuplot: cannot create a pipe: ") + std::strerror(errno));
  }
  ~Pipe() {
    close_end(0);
    close_end(1);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  void close_end(int end) {
    if (fd[end] >= 0) ::close(fd[end]);
    fd[end] = -1;
  }
};

/// The last non-blank line of gnuplot's stderr: where it says what went wrong.
std::string last_line(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::string last;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first != std::string::npos) last = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
  }
  return last;
}

/// Writes to the pipe without a SIGPIPE when gnuplot has closed it (blocked for this thread
/// while writing, and a pending one taken away), so that a gnuplot that stops early is an error.
ssize_t write_quietly(int fd, const char* data, std::size_t size) {
  sigset_t pipe_signal;
  sigset_t previous;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, &previous);
  const ssize_t written = ::write(fd, data, size);
  const int saved = errno;
  if (written < 0 && saved == EPIPE) {
    const timespec zero = {0, 0};
    sigtimedwait(&pipe_signal, nullptr, &zero);
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  errno = saved;
  return written;
}

}  // namespace

fs::path find_gnuplot() {
  const char* path = std::getenv("PATH");
  const std::string folders = path != nullptr ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= folders.size()) {
    const std::size_t end = std::min(folders.find(':', start), folders.size());
    const std::string folder = folders.substr(start, end - start);
    start = end + 1;
    if (folder.empty()) continue;
    const fs::path candidate = fs::path(folder) / "gnuplot";
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  throw Error("gnuplot: not found on PATH; --report draws its plots with it (Debian: apt-get install gnuplot-nox)");
}

std::string run_gnuplot(const std::string& script, int timeout_seconds) {
  const fs::path program = find_gnuplot();
  Pipe input;
  Pipe output;
  Pipe errors;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, input.fd[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, output.fd[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, errors.fd[1], STDERR_FILENO);
  std::string name = program.string();
  char* argv[] = {name.data(), nullptr};
  pid_t child = -1;
  const int spawned = posix_spawn(&child, program.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw Error(program.string() + ": cannot be run: " + std::strerror(spawned));
  input.close_end(0);
  output.close_end(1);
  errors.close_end(1);
  ::fcntl(input.fd[1], F_SETFL, O_NONBLOCK);

  std::string svg;
  std::string messages;
  std::size_t sent = 0;
  if (script.empty()) input.close_end(1);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  bool timed_out = false;
  bool broken_pipe = false;
  while (output.fd[0] >= 0 || errors.fd[0] >= 0) {
    pollfd fds[3] = {{output.fd[0], POLLIN, 0}, {errors.fd[0], POLLIN, 0}, {input.fd[1], POLLOUT, 0}};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    if (::poll(fds, 3, static_cast<int>(left.count())) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    char buffer[65536];
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || fds[k].revents == 0) continue;
      const ssize_t got = ::read(fds[k].fd, buffer, sizeof buffer);
      if (got > 0) {
        (k == 0 ? svg : messages).append(buffer, static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        (k == 0 ? output : errors).close_end(0);
      }
    }
    if (fds[2].fd >= 0 && fds[2].revents != 0) {
      const ssize_t put = write_quietly(input.fd[1], script.data() + sent, script.size() - sent);
      if (put > 0) sent += static_cast<std::size_t>(put);
      if (put < 0 && errno != EAGAIN && errno != EINTR) broken_pipe = true;
      if (sent == script.size() || broken_pipe) input.close_end(1);
    }
  }
  if (timed_out) ::kill(child, SIGKILL);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  const std::string said = last_line(messages);
  const std::string because = said.empty() ? std::string() : ": " + said;
  if (timed_out) {
    throw Error(program.string() + ": no answer after " + std::to_string(timeout_seconds) + " s; stopped it" + because);
  }
  if (WIFSIGNALED(status)) {
    throw Error(program.string() + ": killed by signal " + std::to_string(WTERMSIG(status)) + because);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw Error(program.string() + ": failed (exit " + std::to_string(WEXITSTATUS(status)) + ")" + because);
  }
  if (svg.find("<svg") == std::string::npos) throw Error(program.string() + ": wrote no SVG" + because);
  return svg;
}

void check_gnuplot() { (void)run_gnuplot("set terminal svg size 100,100\nplot '-' with points notitle\n0 0\ne\n", 20); }

}  // namespace sizesel
