#include "sizesel/app/local_executor.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "sizesel/app/pipeline.hpp"
#include "sizesel/app/progress.hpp"
#include "sizesel/core/error.hpp"
#include "sizesel/ml/runtime.hpp"
#include "sizesel/ml/trainer.hpp"

extern char** environ;

namespace sizesel {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Job {
  MissingEvaluation evaluation;
  std::string tag;  // "[2/4 r20 seed 1]"
  fs::path log;
  pid_t pid = 0;
  Clock::time_point started;
};

/// Starts `arguments` with stdout to /dev/null and stderr to `log`, in a process group of its
/// own (a Ctrl-C reaches only this process, which passes it on once).
pid_t spawn(const std::vector<std::string>& arguments, const fs::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  std::vector<char*> argv;
  for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, argv[0], &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) throw Error(fmt::format("{}: cannot start a job: {}", argv[0], std::strerror(error)));
  return pid;
}

/// Why a job failed: its last `sizesel: error: ` line less what names the evaluation (`about`,
/// as evaluate writes it), else how it ended.
std::string failure_of(int status, const fs::path& log, const std::string& about) {
  std::ifstream in(log);
  std::string reason;
  const std::string prefix = "sizesel: error: ";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) reason = line.substr(prefix.size());
  }
  if (reason.rfind(about, 0) == 0) reason.erase(0, about.size());
  if (!reason.empty()) return reason;
  if (WIFSIGNALED(status)) {
    return fmt::format("the job was killed by signal {} ({}; out of memory, if the kernel's OOM killer); log {}",
                       WTERMSIG(status), strsignal(WTERMSIG(status)), log.string());
  }
  return fmt::format("the job exited with code {}; log {}", WEXITSTATUS(status), log.string());
}

}  // namespace

int64_t threads_per_job(PreparedRun& run, int64_t jobs) {
  const int64_t budget = run.scenario.training.threads > 0 ? run.scenario.training.threads : available_cores();
  const int64_t threads = std::max<int64_t>(1, budget / jobs);
  run.scenario.training.threads = threads;
  return threads;
}

void run_local_jobs(PreparedRun& run, const CliOptions& options, int64_t jobs) {
  const Scenario& scenario = run.scenario;
  const std::string file = scenario.file.string();
  if (scenario.early_stopping) {
    throw InputError(file + ": /early_stopping: early stopping races the candidates within one process; drop --jobs "
                            "or early_stopping");
  }
  if (!run.pipeline.cache_dir) {
    throw InputError("--jobs: the jobs hand their results over through the results cache; drop --no-cache");
  }
  const int64_t threads = threads_per_job(run, jobs);
  const std::vector<MissingEvaluation> missing = missing_evaluations(scenario, run.pipeline);
  ExecutorInfo info;
  info.name = "local";
  info.jobs = jobs;
  info.threads = threads;
  run.pipeline.executor = info;
  if (missing.empty()) return;
  prepare_to_train(run);  // a writable cache; the passive OpenMP policy, which the jobs inherit
  // What only the data can tell fails the scenario once, here, not every job alike.
  (void)load_scenario_data(scenario);

  std::error_code ec;
  const fs::path logs = [&] {
    const char* temp = std::getenv("TMPDIR");
    std::string base = (temp != nullptr && *temp != '\0' ? std::string(temp) : std::string("/tmp")) + "/sizesel-jobs-XXXXXX";
    std::vector<char> name(base.begin(), base.end());
    name.push_back('\0');
    if (mkdtemp(name.data()) == nullptr) {
      throw Error(fmt::format("{}: cannot create the jobs' log folder: {}", base, std::strerror(errno)));
    }
    return fs::path(name.data());
  }();
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("/proc/self/exe: cannot find the sizesel binary to run the jobs: " + ec.message());

  ProgressLog progress(run.pipeline.log, false);
  progress.line(fmt::format("sizesel: {}: {} evaluation{} to run, {} at a time x {} thread{} (logs in {})",
                            scenario.name, missing.size(), missing.size() == 1 ? "" : "s", jobs, threads,
                            threads == 1 ? "" : "s", logs.string()));
  std::deque<Job> queue;
  for (const MissingEvaluation& evaluation : missing) {
    Job job;
    job.evaluation = evaluation;
    const CandidateSpec& spec = scenario.candidates[evaluation.candidate];
    job.tag = fmt::format("[{}/{} {}{}]", evaluation.candidate + 1, scenario.candidates.size(), spec.name,
                          scenario.training.repeats > 1 ? fmt::format(" seed {}", evaluation.seed) : "");
    job.log = logs / fmt::format("{}-{}-seed{}.log", evaluation.candidate + 1, spec.name, evaluation.seed);
    queue.push_back(job);
  }

  install_interrupt_handler();
  const auto start = Clock::now();
  std::map<pid_t, Job> running;
  const std::size_t total = queue.size();
  std::size_t done = 0;
  while (!queue.empty() || !running.empty()) {
    while (!queue.empty() && static_cast<int64_t>(running.size()) < jobs && !interrupt_requested()) {
      Job job = queue.front();
      queue.pop_front();
      std::vector<std::string> arguments = {self.string(),
                                            "evaluate",
                                            options.scenario.string(),
                                            "--candidate",
                                            scenario.candidates[job.evaluation.candidate].name,
                                            "--seed",
                                            std::to_string(job.evaluation.seed),
                                            "--threads",
                                            std::to_string(threads),
                                            "--cache-dir",
                                            run.pipeline.cache_dir->string()};
      if (options.data_dir) {
        arguments.push_back("--data-dir");
        arguments.push_back(options.data_dir->string());
      }
      job.pid = spawn(arguments, job.log);
      job.started = Clock::now();
      running.emplace(job.pid, job);
    }
    if (interrupt_requested()) {
      for (const auto& [pid, job] : running) kill(pid, SIGTERM);
      for (const auto& [pid, job] : running) {
        waitpid(pid, nullptr, 0);
        fs::remove(job.log, ec);  // it says only that it was interrupted; a rerun resumes it
      }
      fs::remove(logs, ec);  // only when empty: the logs of failed jobs stay
      throw Interrupted(fmt::format("{} of {} evaluations done; the jobs that were running saved their checkpoints",
                                    done, total));
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;  // not one of ours
    const Job job = it->second;
    running.erase(it);
    ++done;
    const double seconds = std::chrono::duration<double>(Clock::now() - job.started).count();
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      ++info.evaluated;
      progress.line(fmt::format("{} evaluated in {} ({} of {} done, {} running)", job.tag, format_duration(seconds),
                                done, total, running.size()));
      fs::remove(job.log, ec);
    } else {
      ++info.failed;
      const std::string reason =
          failure_of(status, job.log,
                     fmt::format("{}: candidate {} seed {}: ", file, scenario.candidates[job.evaluation.candidate].name,
                                 job.evaluation.seed));
      run.pipeline.failed[{job.evaluation.candidate, job.evaluation.seed}] = reason;
      progress.line(fmt::format("{} failed: {} ({} of {} done, {} running)", job.tag, reason, done, total,
                                running.size()));
    }
  }
  info.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  run.pipeline.executor = info;
  fs::remove(logs, ec);  // only when empty: the logs of failed jobs stay
}

}  // namespace sizesel
