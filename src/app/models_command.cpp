#include "sizesel/app/models_command.hpp"

#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "sizesel/core/candidate_spec.hpp"
#include "sizesel/ml/resnet.hpp"
#include "sizesel/report/text_format.hpp"

namespace sizesel {
namespace {

struct InputShape {
  int64_t channels;
  int64_t side;  ///< height and width, pixels
};

constexpr int64_t kClasses = 10;  // CIFAR-10 and Fashion-MNIST

std::string stages_text(const std::vector<int64_t>& stages) {
  return "[" + fmt::format("{}", fmt::join(stages, ", ")) + "]";
}

}  // namespace

int run_models_command(const ModelsOptions& options) {
  const InputShape input = options.dataset == "fashion-mnist" ? InputShape{1, 28} : InputShape{3, 32};
  nlohmann::json models = nlohmann::json::array();
  std::vector<std::vector<std::string>> rows = {
      {"preset", "block", "stages", "width", "depth", "params", "MACs/image"}};
  const torch::NoGradGuard no_grad;
  for (const std::string& name : preset_names()) {
    const CandidateSpec spec = *find_preset(name);
    const ResNet model(spec, input.channels, kClasses);
    const int64_t params = count_parameters(*model);
    const int64_t macs = count_macs(model, input.side, input.side);
    const int64_t depth = weighted_depth(spec);
    models.push_back({{"preset", name},
                      {"block", to_string(spec.block)},
                      {"stages", spec.stages},
                      {"width", spec.width},
                      {"max_width", spec.max_width},
                      {"shortcut", to_string(spec.shortcut)},
                      {"depth", depth},
                      {"params", params},
                      {"macs", macs}});
    rows.push_back({name, to_string(spec.block), stages_text(spec.stages), std::to_string(spec.width),
                    std::to_string(depth), fmt::format("{:.3f} M", static_cast<double>(params) / 1e6),
                    fmt::format("{:.2f} M", static_cast<double>(macs) / 1e6)});
  }
  if (options.format == OutputFormat::kJson) {
    const nlohmann::json document = {
        {"schema_version", 1},
        {"dataset", options.dataset},
        {"input", {{"channels", input.channels}, {"height", input.side}, {"width", input.side}, {"classes", kClasses}}},
        {"models", models}};
    std::cout << document.dump(2) << '\n';
  } else {
    std::cout << fmt::format("Presets for {} ({} x {} x {} images, {} classes); depth: weighted layers on the "
                             "deepest path; MACs: multiply-accumulates per image (docs/metrics.md)\n",
                             options.dataset, input.channels, input.side, input.side, kClasses);
    write_table(rows, std::cout);
  }
  return 0;
}

}  // namespace sizesel
