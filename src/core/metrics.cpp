#include "sizesel/core/metrics.hpp"

#include <stdexcept>

namespace sizesel {
namespace {

struct Field {
  MetricInfo info;
  double (*get)(const Metrics&);
};

const std::vector<Field>& fields() {
  static const std::vector<Field> kFields = {
      {{"accuracy", "", "test accuracy (fraction correct)", true},
       [](const Metrics& m) { return m.accuracy; }},
      {{"precision_macro", "", "macro-averaged precision on the test split", true},
       [](const Metrics& m) { return m.precision_macro; }},
      {{"recall_macro", "", "macro-averaged recall on the test split", true},
       [](const Metrics& m) { return m.recall_macro; }},
      {{"f1_macro", "", "macro-averaged F1 on the test split", true},
       [](const Metrics& m) { return m.f1_macro; }},
      {{"noise_accuracy", "", "test accuracy under Gaussian noise, sigma 0.08 of the pixel range", true},
       [](const Metrics& m) { return m.noise_accuracy; }},
      {{"train_accuracy", "", "accuracy on the training subset without augmentation", true},
       [](const Metrics& m) { return m.train_accuracy; }},
      {{"params", "", "trainable parameters", false, true},
       [](const Metrics& m) { return static_cast<double>(m.params); }},
      {{"macs", "", "multiply-accumulates per image (convolutions and classifier)", false, true},
       [](const Metrics& m) { return static_cast<double>(m.macs); }},
      {{"depth", "", "weighted layers on the deepest path", false, true},
       [](const Metrics& m) { return static_cast<double>(m.depth); }},
      {{"latency_ms_p50", "ms", "batch-1 inference latency, median"},
       [](const Metrics& m) { return m.latency_ms_p50; }},
      {{"latency_ms_p90", "ms", "batch-1 inference latency, 90th percentile"},
       [](const Metrics& m) { return m.latency_ms_p90; }},
      {{"throughput", "images/s", "inference throughput at the deployment batch size"},
       [](const Metrics& m) { return m.throughput; }},
      {{"inference_memory_mib", "MiB", "peak tensor memory during one deployment batch"},
       [](const Metrics& m) { return m.inference_memory_mib; }},
      {{"devices", "", "devices needed for the target rate: ceil(target_rate / throughput)", false, true},
       [](const Metrics& m) { return static_cast<double>(m.devices); }},
      {{"train_seconds", "s", "wall time of training"},
       [](const Metrics& m) { return m.train_seconds; }},
      {{"train_images_per_s", "images/s", "training throughput"},
       [](const Metrics& m) { return m.train_images_per_s; }},
      {{"final_train_loss", "", "mean cross-entropy over the last training epoch"},
       [](const Metrics& m) { return m.final_train_loss; }},
  };
  return kFields;
}

}  // namespace

const std::vector<MetricInfo>& metric_infos() {
  static const std::vector<MetricInfo> kInfos = [] {
    std::vector<MetricInfo> infos;
    for (const auto& field : fields()) infos.push_back(field.info);
    return infos;
  }();
  return kInfos;
}

double metric_value(const Metrics& metrics, const std::string& name) {
  for (const auto& field : fields()) {
    if (field.info.name == name) return field.get(metrics);
  }
  throw std::out_of_range("unknown metric '" + name + "'");
}

}  // namespace sizesel
