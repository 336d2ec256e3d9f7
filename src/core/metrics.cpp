#include "sizesel/core/metrics.hpp"

#include <cmath>
#include <stdexcept>

namespace sizesel {
namespace {

using Member = std::variant<double Metrics::*, int64_t Metrics::*>;

struct Field {
  MetricInfo info;
  Member member;
};

constexpr Direction kUp = Direction::kMax;
constexpr Direction kDown = Direction::kMin;

Field fraction(const char* name, const char* description, Direction direction, double Metrics::*member) {
  return {{name, "", description, direction, true, false}, member};
}

Field number(const char* name, const char* unit, const char* description, Direction direction,
             double Metrics::*member) {
  return {{name, unit, description, direction, false, false}, member};
}

Field count(const char* name, const char* unit, const char* description, int64_t Metrics::*member) {
  return {{name, unit, description, kDown, false, true}, member};
}

const std::vector<Field>& fields() {
  static const std::vector<Field> kFields = {
      fraction("accuracy", "test accuracy (fraction correct)", kUp, &Metrics::accuracy),
      fraction("precision_macro", "macro-averaged precision on the test split", kUp, &Metrics::precision_macro),
      fraction("recall_macro", "macro-averaged recall on the test split", kUp, &Metrics::recall_macro),
      fraction("f1_macro", "macro-averaged F1 on the test split", kUp, &Metrics::f1_macro),
      fraction("train_accuracy", "accuracy on the training subset without augmentation", kUp,
               &Metrics::train_accuracy),
      fraction("mean_corruption_accuracy", "mean accuracy over the CIFAR-10-C corruptions and severities, on the robustness subset", kUp,
               &Metrics::mean_corruption_accuracy),
      number("corruption_robustness", "", "mean_corruption_accuracy / clean accuracy on the robustness subset", kUp,
             &Metrics::corruption_robustness),
      fraction("fgsm_accuracy_1", "accuracy under FGSM, epsilon 1/255, on the robustness subset", kUp, &Metrics::fgsm_accuracy_1),
      fraction("fgsm_accuracy_2", "accuracy under FGSM, epsilon 2/255, on the robustness subset", kUp, &Metrics::fgsm_accuracy_2),
      number("fgsm_robustness", "", "fgsm_accuracy_2 / clean accuracy on the robustness subset", kUp, &Metrics::fgsm_robustness),
      number("generalization_gap", "", "train_accuracy - accuracy", kDown, &Metrics::generalization_gap),
      fraction("deletion_auc", "area under the deletion curve of gradient saliency (lower: more faithful)", kDown,
               &Metrics::deletion_auc),
      fraction("deletion_auc_random", "area under the deletion curve of a random pixel order", kUp,
               &Metrics::deletion_auc_random),
      number("faithfulness", "", "1 - deletion_auc / deletion_auc_random", kUp, &Metrics::faithfulness),
      count("params", "count", "trainable parameters", &Metrics::params),
      count("macs", "count per image", "multiply-accumulates per image (convolutions and classifier)", &Metrics::macs),
      count("depth", "layers", "weighted layers on the deepest path", &Metrics::depth),
      number("latency_ms_p50", "ms", "batch-1 inference latency, median", kDown, &Metrics::latency_ms_p50),
      number("latency_ms_p90", "ms", "batch-1 inference latency, 90th percentile", kDown, &Metrics::latency_ms_p90),
      number("latency_ms_p99", "ms", "batch-1 inference latency, 99th percentile", kDown, &Metrics::latency_ms_p99),
      number("throughput", "images/s", "inference throughput at the deployment batch size", kUp,
             &Metrics::throughput),
      number("inference_memory_mib", "MiB", "peak tensor memory during one deployment batch", kDown,
             &Metrics::inference_memory_mib),
      number("training_memory_mib", "MiB", "peak tensor memory while training", kDown,
             &Metrics::training_memory_mib),
      count("devices", "devices", "devices needed for the target rate: ceil(target_rate / (throughput x speed-up))",
            &Metrics::devices),
      number("train_device_hours", "h", "this run's training time on one device", kDown,
             &Metrics::train_device_hours),
      number("train_seconds", "s", "wall time of training", kDown, &Metrics::train_seconds),
      number("train_images_per_s", "images/s", "training throughput", kUp, &Metrics::train_images_per_s),
      number("final_train_loss", "", "mean cross-entropy over the last training epoch", kDown,
             &Metrics::final_train_loss),
      number("retrain_device_hours", "h", "the full training recipe on one device, extrapolated from this run", kDown,
             &Metrics::retrain_device_hours),
      number("checkpoint_mib", "MiB", "size of the saved model file", kDown, &Metrics::checkpoint_mib),
      number("accuracy_std", "", "sample standard deviation of test accuracy over the seeds", kDown,
             &Metrics::accuracy_std),
  };
  return kFields;
}

const Field& field(const std::string& name) {
  for (const auto& f : fields()) {
    if (f.info.name == name) return f;
  }
  throw std::out_of_range("unknown metric '" + name + "'");
}

double get(const Metrics& metrics, const Member& member) {
  if (const auto* d = std::get_if<double Metrics::*>(&member)) return metrics.**d;
  return static_cast<double>(metrics.*std::get<int64_t Metrics::*>(member));
}

void put(Metrics& metrics, const Member& member, double value) {
  if (const auto* d = std::get_if<double Metrics::*>(&member)) {
    metrics.**d = value;
  } else {
    metrics.*std::get<int64_t Metrics::*>(member) = static_cast<int64_t>(std::llround(value));
  }
}

double sample_std(const std::vector<double>& values) {
  if (values.size() < 2) return 0;
  double mean = 0;
  for (double v : values) mean += v;
  mean /= static_cast<double>(values.size());
  double squares = 0;
  for (double v : values) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

}  // namespace

const std::vector<MetricInfo>& metric_infos() {
  static const std::vector<MetricInfo> kInfos = [] {
    std::vector<MetricInfo> infos;
    for (const auto& f : fields()) infos.push_back(f.info);
    return infos;
  }();
  return kInfos;
}

const MetricInfo* find_metric(const std::string& name) {
  for (const auto& info : metric_infos()) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

double metric_value(const Metrics& metrics, const std::string& name) { return get(metrics, field(name).member); }

void set_metric(Metrics& metrics, const std::string& name, double value) { put(metrics, field(name).member, value); }

MetricSummary summarize(const std::vector<Metrics>& runs) {
  if (runs.empty()) throw std::invalid_argument("summarize: no runs");
  MetricSummary summary;
  summary.runs = static_cast<int64_t>(runs.size());
  summary.mean = runs.front();
  const double n = static_cast<double>(runs.size());
  for (const auto& f : fields()) {
    std::vector<double> values;
    for (const auto& run : runs) values.push_back(get(run, f.member));
    double mean = 0;
    for (double v : values) mean += v;
    put(summary.mean, f.member, mean / n);
    summary.std[f.info.name] = sample_std(values);
  }
  for (std::size_t c = 0; c < summary.mean.per_class_accuracy.size(); ++c) {
    double sum = 0;
    for (const auto& run : runs) sum += run.per_class_accuracy.at(c);
    summary.mean.per_class_accuracy[c] = sum / n;
  }
  for (std::size_t k = 0; k < summary.mean.corruptions.size(); ++k) {
    double sum = 0;
    for (const auto& run : runs) sum += run.corruptions.at(k).accuracy;
    summary.mean.corruptions[k].accuracy = sum / n;
  }
  for (std::size_t k = 0; k < summary.mean.adversarial.size(); ++k) {
    double sum = 0;
    for (const auto& run : runs) sum += run.adversarial.at(k).accuracy;
    summary.mean.adversarial[k].accuracy = sum / n;
  }
  std::vector<double> accuracies;
  for (const auto& run : runs) accuracies.push_back(run.accuracy);
  summary.mean.accuracy_std = sample_std(accuracies);
  summary.std["accuracy_std"] = 0;
  return summary;
}

}  // namespace sizesel
