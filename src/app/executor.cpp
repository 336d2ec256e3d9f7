#include "sizesel/app/executor.hpp"

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
#include <sstream>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "sizesel/app/evaluate_command.hpp"
#include "sizesel/app/pipeline.hpp"
#include "sizesel/app/progress.hpp"
#include "sizesel/core/error.hpp"
#include "sizesel/core/input_file.hpp"
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

/// Starts `arguments` (the program looked up in PATH) with stdout to `out` and stderr to `err`,
/// in a process group of its own (a Ctrl-C reaches only this process, which passes it on once).
pid_t spawn(const std::vector<std::string>& arguments, const fs::path& out, const fs::path& err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  std::vector<char*> argv;
  for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int error = posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) throw Error(fmt::format("{}: cannot be started: {}", argv[0], std::strerror(error)));
  return pid;
}

/// Runs `arguments` to the end; its exit status, stdout and stderr (through files in `folder`).
struct Captured {
  int status = 0;
  std::string out, err;
  [[nodiscard]] bool ok() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
};
Captured capture(const std::vector<std::string>& arguments, const fs::path& folder) {
  const fs::path out = folder / ".out", err = folder / ".err";
  Captured result;
  const pid_t pid = spawn(arguments, out, err);
  while (waitpid(pid, &result.status, 0) < 0 && errno == EINTR) {
  }
  result.out = read_input_file(out, "captured output");
  result.err = read_input_file(err, "captured output");
  std::error_code ec;
  fs::remove(out, ec);
  fs::remove(err, ec);
  return result;
}

/// "sbatch: error: ..." as one line: the last non-blank line of a command's stderr.
std::string last_line(const std::string& text) {
  std::istringstream in(text);
  std::string last;
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  }
  return last;
}

/// A fresh folder `base/PREFIX-XXXXXX`.
fs::path make_folder(const fs::path& base, const std::string& prefix, const std::string& what) {
  std::error_code ec;
  fs::create_directories(base, ec);
  std::string pattern = (base / (prefix + "-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw Error(fmt::format("{}: cannot create {}: {}", pattern, what, std::strerror(errno)));
  }
  return fs::path(pattern);
}

/// The binary running now, which the jobs run too.
fs::path self_path() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("/proc/self/exe: cannot find the sizesel binary to run the jobs: " + ec.message());
  return self;
}

/// This sizesel running `subcommand` (evaluate, recommend) on the run's scenario, data and cache
/// with `threads` threads: what makes the child's cache keys the parent's. Absolute paths, for
/// nodes that start elsewhere.
std::vector<std::string> child_arguments(const PreparedRun& run, const CliOptions& options,
                                         const std::string& subcommand, int64_t threads) {
  std::vector<std::string> arguments = {self_path().string(),
                                        subcommand,
                                        fs::absolute(options.scenario).string(),
                                        "--threads",
                                        std::to_string(threads),
                                        "--cache-dir",
                                        fs::absolute(*run.pipeline.cache_dir).string()};
  if (options.data_dir) {
    arguments.push_back("--data-dir");
    arguments.push_back(fs::absolute(*options.data_dir).string());
  }
  return arguments;
}

/// `sizesel evaluate` of one evaluation, as `recommend` would have run it.
std::vector<std::string> evaluate_arguments(const PreparedRun& run, const CliOptions& options,
                                            const MissingEvaluation& evaluation, int64_t threads) {
  std::vector<std::string> arguments = child_arguments(run, options, "evaluate", threads);
  arguments.insert(arguments.end(), {"--candidate", run.scenario.candidates[evaluation.candidate].name, "--seed",
                                     std::to_string(evaluation.seed)});
  return arguments;
}

std::string tag_of(const Scenario& scenario, const MissingEvaluation& evaluation) {
  return evaluation_tag(scenario, evaluation.candidate, evaluation.seed);
}

/// Refuses early stopping, which races the candidates within one process; `remedy` says what to
/// drop.
void reject_early_stopping(const Scenario& scenario, const std::string& remedy) {
  if (scenario.early_stopping) {
    throw InputError(scenario.file.string() +
                     ": /early_stopping: early stopping races the candidates within one process; " + remedy);
  }
}

/// Checks what every executor needs and returns the evaluations to run (none: nothing to do).
/// Loads the data once, so that what only the data can tell fails the scenario, not every job.
std::vector<MissingEvaluation> evaluations_to_run(PreparedRun& run, const std::string& flag) {
  const Scenario& scenario = run.scenario;
  reject_early_stopping(scenario, "drop " + flag + " or early_stopping");
  if (!run.pipeline.cache_dir) {
    throw InputError(flag + ": the jobs hand their results over through the results cache; drop --no-cache");
  }
  std::vector<MissingEvaluation> missing = missing_evaluations(scenario, run.pipeline);
  if (missing.empty()) return missing;
  ready_to_train(run);  // a writable cache; the passive OpenMP policy, which the jobs inherit
  (void)load_scenario_data(scenario);
  return missing;
}

std::string about_of(const Scenario& scenario, const MissingEvaluation& evaluation) {
  return evaluation_error_prefix(scenario, scenario.candidates[evaluation.candidate].name, evaluation.seed);
}

/// The last `sizesel: error: ` line of a job's log less what names the evaluation (`about`, as
/// evaluate writes it), or "".
std::string error_line(const fs::path& log, const std::string& about) {
  std::ifstream in(log);
  std::string reason;
  const std::string prefix = "sizesel: error: ";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) reason = line.substr(prefix.size());
  }
  if (reason.rfind(about, 0) == 0) reason.erase(0, about.size());
  return reason;
}

/// Why a job failed: its error line, else how it ended.
std::string failure_of(int status, const fs::path& log, const std::string& about) {
  if (std::string reason = error_line(log, about); !reason.empty()) return reason;
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
  const int64_t threads = threads_per_job(run, jobs);
  ExecutorInfo info;
  info.name = "local";
  info.jobs = jobs;
  info.threads = threads;
  run.pipeline.executor = info;
  const std::vector<MissingEvaluation> missing = evaluations_to_run(run, "--jobs");
  if (missing.empty()) return;

  std::error_code ec;
  const char* temp = std::getenv("TMPDIR");
  const fs::path logs = make_folder(temp != nullptr && *temp != '\0' ? fs::path(temp) : fs::path("/tmp"),
                                    "sizesel-jobs", "the jobs' log folder");
  ProgressLog progress(run.pipeline.log, false);
  progress.line(fmt::format("sizesel: {}: {} evaluation{} to run, {} at a time x {} thread{} (logs in {})",
                            scenario.name, missing.size(), missing.size() == 1 ? "" : "s", jobs, threads,
                            threads == 1 ? "" : "s", logs.string()));
  std::deque<Job> queue;
  for (const MissingEvaluation& evaluation : missing) {
    Job job;
    job.evaluation = evaluation;
    job.tag = tag_of(scenario, evaluation);
    job.log = logs / fmt::format("{}-{}-seed{}.log", evaluation.candidate + 1,
                                 scenario.candidates[evaluation.candidate].name, evaluation.seed);
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
      job.pid = spawn(evaluate_arguments(run, options, job.evaluation, threads), "/dev/null", job.log);
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
      const std::string reason = failure_of(status, job.log, about_of(scenario, job.evaluation));
      run.pipeline.failed[{job.evaluation.candidate, job.evaluation.seed}] = reason;
      progress.line(fmt::format("{} failed: {} ({} of {} done, {} running)", job.tag, reason, done, total,
                                running.size()));
    }
  }
  info.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  run.pipeline.executor = info;
  fs::remove(logs, ec);  // only when empty: the logs of failed jobs stay
}

namespace {

/// `text` in single quotes for bash.
std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// `words` as one bash command line.
std::string shell_words(const std::vector<std::string>& words) {
  std::string line;
  for (const auto& word : words) line += (line.empty() ? "" : " ") + shell_quoted(word);
  return line;
}

/// "KEY=VALUE" of `scontrol -o show job` output, or "".
std::string field_of(const std::string& record, const std::string& key) {
  const auto at = record.find(" " + key + "=");
  if (at == std::string::npos) return "";
  const auto begin = at + key.size() + 2;
  return record.substr(begin, record.find(' ', begin) - begin);
}

}  // namespace

std::string slurm_script(const PreparedRun& run, const CliOptions& options, const SlurmOptions& slurm,
                         const std::vector<MissingEvaluation>& missing, const fs::path& logs) {
  const Scenario& scenario = run.scenario;
  std::string candidates, seeds;
  for (const MissingEvaluation& evaluation : missing) {
    candidates += " " + shell_quoted(scenario.candidates[evaluation.candidate].name);
    seeds += " " + std::to_string(evaluation.seed);
  }
  const std::string command = shell_words(child_arguments(run, options, "evaluate", slurm.cpus)) +
                              " --candidate \"${candidates[$i]}\" --seed \"${seeds[$i]}\"";
  std::string header = fmt::format("#SBATCH --job-name={}\n#SBATCH --array=0-{}\n#SBATCH --cpus-per-task={}\n",
                                    shell_quoted("sizesel-" + scenario.name), missing.size() - 1, slurm.cpus);
  header += "#SBATCH --output=" + shell_quoted((logs / "task-%a.log").string()) + "\n";
  if (!slurm.partition.empty()) header += "#SBATCH --partition=" + shell_quoted(slurm.partition) + "\n";
  if (!slurm.time.empty()) header += "#SBATCH --time=" + shell_quoted(slurm.time) + "\n";
  if (slurm.gpus > 0) header += fmt::format("#SBATCH --gpus-per-task={}\n", slurm.gpus);
  return fmt::format(R"(#!/bin/bash
# sizesel {version}: {count} evaluation(s) of {scenario}, one array task each (sizesel evaluate).
{header}candidates=({candidates})
seeds=({seeds})
i=$SLURM_ARRAY_TASK_ID
exec {command}
)",
                     fmt::arg("version", SIZESEL_VERSION), fmt::arg("count", missing.size()),
                     fmt::arg("scenario", fs::absolute(scenario.file).string()), fmt::arg("header", header),
                     fmt::arg("candidates", candidates), fmt::arg("seeds", seeds), fmt::arg("command", command));
}

std::string slurm_plan(PreparedRun& run, const CliOptions& options) {
  const SlurmOptions& slurm = options.slurm;
  const Scenario& scenario = run.scenario;
  run.scenario.training.threads = slurm.cpus;
  reject_early_stopping(scenario, "drop early_stopping to plan a job array");
  const std::vector<MissingEvaluation> missing = missing_evaluations(scenario, run.pipeline);
  const fs::path cache = fs::absolute(*run.pipeline.cache_dir);  // plan has no --no-cache
  const std::vector<std::string> decide = child_arguments(run, options, "recommend", slurm.cpus);
  if (missing.empty()) {
    return fmt::format("#!/bin/bash\n# sizesel {}: every evaluation of {} is in the cache; the decision needs no "
                       "job.\n{}\n",
                       SIZESEL_VERSION, fs::absolute(scenario.file).string(), shell_words(decide));
  }
  // A folder named now, created by the script (SLURM does not create the folders of --output).
  const auto stamp = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
  const fs::path logs = cache / "slurm" / fmt::format("plan-{}-{}", stamp, ::getpid());
  std::vector<std::string> merge = decide;
  merge.insert(merge.end(), {"--format", "json", "-o", (logs / "result.json").string()});
  std::string extra;
  for (const auto& argument : slurm.extra) extra += " " + shell_quoted(argument);
  return fmt::format(R"(#!/bin/bash
# sizesel {version}: submits the {count} evaluation(s) of {scenario} that the cache lacks as one SLURM
# job array, then the decision, which runs once every task has ended (afterany; a task that failed
# is trained by the decision step itself). The cache folder must be shared by the nodes.
set -euo pipefail
mkdir -p {logs}
array=$(sbatch --parsable{extra} <<'SIZESEL_JOB'
{script}SIZESEL_JOB
)
array=${{array%%;*}}
decision=$(sbatch --parsable --dependency=afterany:"$array" --kill-on-invalid-dep=yes --job-name={name}   --cpus-per-task={cpus} --output={output} --wrap {command})
echo "submitted job array $array and the decision $decision; the result will be in {result}"
)",
                     fmt::arg("version", SIZESEL_VERSION), fmt::arg("count", missing.size()),
                     fmt::arg("scenario", fs::absolute(scenario.file).string()), fmt::arg("logs", shell_quoted(logs.string())),
                     fmt::arg("extra", extra), fmt::arg("script", slurm_script(run, options, slurm, missing, logs)),
                     fmt::arg("name", shell_quoted("sizesel-decide-" + scenario.name)), fmt::arg("cpus", slurm.cpus),
                     fmt::arg("output", shell_quoted((logs / "decision.log").string())),
                     fmt::arg("command", shell_quoted(shell_words(merge))), fmt::arg("result", (logs / "result.json").string()));
}

void run_slurm_jobs(PreparedRun& run, const CliOptions& options) {
  const SlurmOptions& slurm = options.slurm;
  const Scenario& scenario = run.scenario;
  run.scenario.training.threads = slurm.cpus;  // part of every key: what the tasks will use
  ExecutorInfo info;
  info.name = "slurm";
  info.threads = slurm.cpus;
  run.pipeline.executor = info;
  const std::vector<MissingEvaluation> missing = evaluations_to_run(run, "--executor slurm");
  if (missing.empty()) return;
  info.jobs = static_cast<int64_t>(missing.size());

  // On the shared cache folder: the nodes write their logs there.
  const fs::path logs = make_folder(*run.pipeline.cache_dir / "slurm", "run", "the SLURM jobs' folder");
  const fs::path script = logs / "job.sh";
  std::ofstream(script) << slurm_script(run, options, slurm, missing, logs);
  std::vector<std::string> sbatch = {"sbatch", "--parsable"};
  sbatch.insert(sbatch.end(), slurm.extra.begin(), slurm.extra.end());
  sbatch.push_back(script.string());
  const Captured submitted = capture(sbatch, logs);
  if (!submitted.ok()) {
    throw Error(fmt::format("sbatch: {} (exit {}); the script is {}", last_line(submitted.err),
                            WIFEXITED(submitted.status) ? WEXITSTATUS(submitted.status) : -1, script.string()));
  }
  const std::string job = submitted.out.substr(0, submitted.out.find_first_of(";\n"));  // "ID" or "ID;cluster"
  info.job_id = job;
  ProgressLog progress(run.pipeline.log, run.pipeline.live);
  progress.line(fmt::format("sizesel: {}: submitted SLURM job {}: {} array task{} x {} CPU{} (logs in {})",
                            scenario.name, job, missing.size(), missing.size() == 1 ? "" : "s", slurm.cpus,
                            slurm.cpus == 1 ? "" : "s", logs.string()));

  install_interrupt_handler();
  const auto start = Clock::now();
  std::string last;
  while (true) {
    if (interrupt_requested()) {
      (void)capture({"scancel", job}, logs);
      throw Interrupted(fmt::format("SLURM job {} cancelled; its tasks saved their checkpoints in the cache", job));
    }
    const Captured queue = capture({"squeue", "-h", "-r", "-j", job, "-o", "%T"}, logs);
    if (!queue.ok() && queue.err.find("Invalid job id") == std::string::npos) {
      throw Error(fmt::format("squeue: {}; SLURM job {} may still run (scancel {})", last_line(queue.err), job, job));
    }
    std::map<std::string, int> states;
    int queued = 0;
    std::istringstream lines(queue.out);
    for (std::string state; std::getline(lines, state);) {
      if (!state.empty()) ++states[state], ++queued;
    }
    if (queued == 0) break;  // every task has left the queue
    std::string now;
    for (const auto& [state, count] : states) now += (now.empty() ? "" : ", ") + fmt::format("{} {}", count, state);
    if (now != last) {
      progress.line(fmt::format("sizesel: SLURM job {}: {} of {} tasks in the queue: {}", job, queued, missing.size(), now));
    }
    last = now;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  info.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();

  // What each task left: its evaluation in the cache, or a reason.
  const std::vector<MissingEvaluation> still = missing_evaluations(scenario, run.pipeline);
  std::error_code ec;
  for (std::size_t i = 0; i < missing.size(); ++i) {
    const MissingEvaluation& evaluation = missing[i];
    const fs::path log = logs / fmt::format("task-{}.log", i);
    const bool lost = std::any_of(still.begin(), still.end(), [&](const MissingEvaluation& m) {
      return m.candidate == evaluation.candidate && m.seed == evaluation.seed;
    });
    if (!lost) {
      ++info.evaluated;
      fs::remove(log, ec);
      continue;
    }
    ++info.failed;
    std::string reason = error_line(log, about_of(scenario, evaluation));
    if (reason.empty()) {
      // No error line: SLURM ended it (cancelled, time limit, node failure). scontrol knows for
      // a while after the end (MinJobAge), sacct may not exist.
      const Captured shown = capture({"scontrol", "-o", "show", "job", fmt::format("{}_{}", job, i)}, logs);
      const std::string state = field_of(" " + shown.out, "JobState"), code = field_of(" " + shown.out, "ExitCode");
      if (!state.empty()) {
        reason = fmt::format("SLURM task {}_{} ended {} (exit code {}); log {}", job, i, state, code, log.string());
      } else if (!fs::exists(log)) {
        reason = fmt::format("SLURM task {}_{} never ran (cancelled before it started?)", job, i);
      } else {
        reason = fmt::format("SLURM task {}_{} left no result and no error; log {}", job, i, log.string());
      }
    }
    run.pipeline.failed[{evaluation.candidate, evaluation.seed}] = reason;
    progress.line(fmt::format("{} failed: {}", tag_of(scenario, evaluation), reason));
  }
  progress.line(fmt::format("sizesel: SLURM job {}: {} evaluated, {} failed, in {}", job, info.evaluated, info.failed,
                            format_duration(info.wall_seconds)));
  run.pipeline.executor = info;
  if (info.failed == 0) fs::remove_all(logs, ec);
}

}  // namespace sizesel
