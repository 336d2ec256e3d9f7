#include "sizesel/ml/resnet.hpp"

#include <fmt/format.h>

#include <array>
#include <limits>
#include <stdexcept>
#include <string>

#include "sizesel/core/error.hpp"

namespace sizesel {
namespace {

namespace F = torch::nn::functional;

torch::nn::Conv2d conv3x3(int64_t in_channels, int64_t out_channels, int64_t stride) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, out_channels, 3)
                               .stride(stride)
                               .padding(1)
                               .bias(false));
}

torch::nn::Conv2d conv1x1(int64_t in_channels, int64_t out_channels, int64_t stride) {
  return torch::nn::Conv2d(
      torch::nn::Conv2dOptions(in_channels, out_channels, 1).stride(stride).bias(false));
}

// One side of a convolution's output: floor((n + 2p - d(k-1) - 1) / s) + 1.
int64_t conv_output_side(int64_t input, int64_t kernel, int64_t stride, int64_t padding,
                         int64_t dilation) {
  const int64_t reach = input + 2 * padding - dilation * (kernel - 1) - 1;
  if (reach < 0) {
    throw std::invalid_argument(fmt::format(
        "convolution: input side {} is smaller than the kernel reach {} (padding {})", input,
        dilation * (kernel - 1) + 1, padding));
  }
  return reach / stride + 1;
}

// Adds a later layer's cost to an earlier one's, keeping the later output size.
MacCount then(const MacCount& first, const MacCount& second) {
  return MacCount{first.macs + second.macs, second.output};
}

// Folds `bn` (eval-mode statistics) into `conv`, which gains a bias.
void fold_into(torch::nn::Conv2d& conv, const torch::nn::BatchNorm2d& bn) {
  torch::NoGradGuard no_grad;
  const auto scale = bn->weight / torch::sqrt(bn->running_var + bn->options.eps());
  conv->weight.mul_(scale.view({-1, 1, 1, 1}));
  // The convolution was built without a bias, so "bias" is registered as an undefined
  // parameter; its forward reads the member, which is set here. (Not re-registered: the folded
  // copy is only served, never moved, saved or trained.)
  conv->bias = bn->bias - bn->running_mean * scale;
}

// Batch norm, or nothing once it has been folded into the convolution before it.
torch::Tensor normed(bool folded, torch::nn::BatchNorm2d& bn, const torch::Tensor& x) { return folded ? x : bn(x); }

std::string candidate_label(const CandidateSpec& spec) {
  if (!spec.name.empty()) return fmt::format("candidate '{}'", spec.name);
  if (!spec.preset.empty()) return fmt::format("preset '{}'", spec.preset);
  return "custom candidate";
}

void validate(const CandidateSpec& spec, int64_t in_channels, int64_t num_classes) {
  const std::string label = candidate_label(spec);
  if (spec.stages.empty()) {
    throw InputError(fmt::format("{}: stages: must list at least one stage (got none)", label));
  }
  for (std::size_t i = 0; i < spec.stages.size(); ++i) {
    if (spec.stages[i] < 1) {
      throw InputError(
          fmt::format("{}: stages[{}]: must be >= 1 block (got {})", label, i, spec.stages[i]));
    }
  }
  if (spec.width < 1) {
    throw InputError(fmt::format("{}: width: must be >= 1 (got {})", label, spec.width));
  }
  if (spec.max_width < spec.width) {
    throw InputError(fmt::format("{}: max_width: must be >= width {} (got {})", label,
                                 spec.width, spec.max_width));
  }
  if (in_channels < 1) {
    throw InputError(
        fmt::format("{}: input channels: must be >= 1 (got {})", label, in_channels));
  }
  if (num_classes < 1) {
    throw InputError(fmt::format("{}: classes: must be >= 1 (got {})", label, num_classes));
  }
}

}  // namespace

MacCount conv_macs(const torch::nn::Conv2dImpl& conv, SpatialSize input) {
  const auto& options = conv.options;
  const auto& kernel = *options.kernel_size();
  const auto& stride = *options.stride();
  const auto& dilation = *options.dilation();
  std::array<int64_t, 2> padding{0, 0};
  bool same = false;
  if (const auto* explicit_padding = c10::get_if<torch::ExpandingArray<2>>(&options.padding())) {
    padding = **explicit_padding;
  } else if (c10::get_if<torch::enumtype::kSame>(&options.padding()) != nullptr) {
    same = true;
  }
  SpatialSize output = input;
  if (!same) {
    output.height = conv_output_side(input.height, kernel[0], stride[0], padding[0], dilation[0]);
    output.width = conv_output_side(input.width, kernel[1], stride[1], padding[1], dilation[1]);
  }
  const int64_t macs = output.height * output.width * options.out_channels() *
                       (options.in_channels() / options.groups()) * kernel[0] * kernel[1];
  return MacCount{macs, output};
}

ShortcutImpl::ShortcutImpl(int64_t in_channels, int64_t out_channels, int64_t stride,
                           ShortcutType type)
    : in_channels_(in_channels),
      out_channels_(out_channels),
      stride_(stride),
      identity_(in_channels == out_channels && stride == 1) {
  if (identity_) return;
  if (type == ShortcutType::kPad) {
    if (out_channels < in_channels) {
      throw std::invalid_argument(fmt::format(
          "pad shortcut: cannot shrink {} channels to {}", in_channels, out_channels));
    }
    return;
  }
  conv_ = register_module("conv", conv1x1(in_channels, out_channels, stride));
  bn_ = register_module("bn", torch::nn::BatchNorm2d(out_channels));
}

torch::Tensor ShortcutImpl::forward(const torch::Tensor& x) {
  if (identity_) return x;
  if (conv_) return normed(folded_, bn_, conv_(x));
  constexpr int64_t kToEnd = std::numeric_limits<int64_t>::max();
  torch::Tensor out = x;
  if (stride_ > 1) out = out.slice(2, 0, kToEnd, stride_).slice(3, 0, kToEnd, stride_);
  if (out_channels_ > in_channels_) {
    // The pad list runs from the last dimension backwards: width, height, then channels.
    out = F::pad(out, F::PadFuncOptions({0, 0, 0, 0, 0, out_channels_ - in_channels_}));
  }
  return out;
}

void ShortcutImpl::fold_batch_norm() {
  if (!conv_ || folded_) return;
  fold_into(conv_, bn_);
  folded_ = true;
}

MacCount ShortcutImpl::macs(SpatialSize input) const {
  if (conv_) return conv_macs(*conv_, input);
  const SpatialSize output{(input.height - 1) / stride_ + 1, (input.width - 1) / stride_ + 1};
  return MacCount{0, output};
}

BasicBlockImpl::BasicBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride,
                               ShortcutType shortcut)
    : conv1_(register_module("conv1", conv3x3(in_channels, out_channels, stride))),
      bn1_(register_module("bn1", torch::nn::BatchNorm2d(out_channels))),
      conv2_(register_module("conv2", conv3x3(out_channels, out_channels, 1))),
      bn2_(register_module("bn2", torch::nn::BatchNorm2d(out_channels))),
      shortcut_(register_module("shortcut",
                                Shortcut(in_channels, out_channels, stride, shortcut))) {}

torch::Tensor BasicBlockImpl::forward(const torch::Tensor& x) {
  torch::Tensor out = torch::relu(normed(folded_, bn1_, conv1_(x)));
  out = normed(folded_, bn2_, conv2_(out));
  return torch::relu(out + shortcut_(x));
}

void BasicBlockImpl::fold_batch_norm() {
  if (folded_) return;
  fold_into(conv1_, bn1_);
  fold_into(conv2_, bn2_);
  shortcut_->fold_batch_norm();
  folded_ = true;
}

MacCount BasicBlockImpl::macs(SpatialSize input) const {
  const MacCount first = conv_macs(*conv1_, input);
  const MacCount main_path = then(first, conv_macs(*conv2_, first.output));
  return MacCount{main_path.macs + shortcut_->macs(input).macs, main_path.output};
}

BottleneckImpl::BottleneckImpl(int64_t in_channels, int64_t planes, int64_t stride,
                               ShortcutType shortcut)
    : conv1_(register_module("conv1", conv1x1(in_channels, planes, 1))),
      bn1_(register_module("bn1", torch::nn::BatchNorm2d(planes))),
      conv2_(register_module("conv2", conv3x3(planes, planes, stride))),
      bn2_(register_module("bn2", torch::nn::BatchNorm2d(planes))),
      conv3_(register_module("conv3", conv1x1(planes, planes * kExpansion, 1))),
      bn3_(register_module("bn3", torch::nn::BatchNorm2d(planes * kExpansion))) {
  const int64_t out_channels = planes * kExpansion;
  const ShortcutType type = shortcut == ShortcutType::kPad && in_channels != out_channels
                                ? ShortcutType::kProjection
                                : shortcut;
  shortcut_ =
      register_module("shortcut", Shortcut(in_channels, out_channels, stride, type));
}

torch::Tensor BottleneckImpl::forward(const torch::Tensor& x) {
  torch::Tensor out = torch::relu(normed(folded_, bn1_, conv1_(x)));
  out = torch::relu(normed(folded_, bn2_, conv2_(out)));
  out = normed(folded_, bn3_, conv3_(out));
  return torch::relu(out + shortcut_(x));
}

void BottleneckImpl::fold_batch_norm() {
  if (folded_) return;
  fold_into(conv1_, bn1_);
  fold_into(conv2_, bn2_);
  fold_into(conv3_, bn3_);
  shortcut_->fold_batch_norm();
  folded_ = true;
}

MacCount BottleneckImpl::macs(SpatialSize input) const {
  const MacCount first = conv_macs(*conv1_, input);
  const MacCount second = conv_macs(*conv2_, first.output);
  const MacCount main_path = then(then(first, second), conv_macs(*conv3_, second.output));
  return MacCount{main_path.macs + shortcut_->macs(input).macs, main_path.output};
}

ResNetImpl::ResNetImpl(const CandidateSpec& spec, int64_t in_channels, int64_t num_classes)
    : spec_(spec), in_channels_(in_channels), num_classes_(num_classes) {
  validate(spec, in_channels, num_classes);
  stem_conv_ = register_module("stem_conv", conv3x3(in_channels, spec.width, 1));
  stem_bn_ = register_module("stem_bn", torch::nn::BatchNorm2d(spec.width));

  int64_t channels = spec.width;
  for (std::size_t i = 0; i < spec.stages.size(); ++i) {
    const int64_t width = stage_width(spec, i);
    torch::nn::Sequential stage;
    for (int64_t block = 0; block < spec.stages[i]; ++block) {
      const int64_t stride = i > 0 && block == 0 ? 2 : 1;
      if (spec.block == BlockType::kBasic) {
        stage->push_back(BasicBlock(channels, width, stride, spec.shortcut));
        channels = width;
      } else {
        stage->push_back(Bottleneck(channels, width, stride, spec.shortcut));
        channels = width * BottleneckImpl::kExpansion;
      }
    }
    stages_.push_back(register_module("stage" + std::to_string(i + 1), stage));
  }
  fc_ = register_module("fc", torch::nn::Linear(channels, num_classes));

  for (const auto& module : modules(/*include_self=*/false)) {
    if (auto* conv = module->as<torch::nn::Conv2d>()) {
      torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
    } else if (auto* bn = module->as<torch::nn::BatchNorm2d>()) {
      torch::nn::init::constant_(bn->weight, 1.0);
      torch::nn::init::constant_(bn->bias, 0.0);
    }
  }
  // Convolution weights in channels-last order: libtorch's oneDNN convolutions then propagate
  // NHWC activations through the network, which trains markedly faster on the CPU
  // (BENCHMARKS.md). The function computed is the same.
  for (const auto& module : modules(/*include_self=*/false)) {
    if (auto* conv = module->as<torch::nn::Conv2d>()) {
      conv->weight.set_data(conv->weight.contiguous(torch::MemoryFormat::ChannelsLast));
    }
  }
}

torch::Tensor ResNetImpl::forward(const torch::Tensor& x) { return head(features(x)); }

torch::Tensor ResNetImpl::features(const torch::Tensor& x) {
  torch::Tensor out = torch::relu(normed(folded_, stem_bn_, stem_conv_(x)));
  for (auto& stage : stages_) out = stage->forward(out);
  return out;
}

torch::Tensor ResNetImpl::head(const torch::Tensor& features) {
  torch::Tensor pooled = F::adaptive_avg_pool2d(features, F::AdaptiveAvgPool2dFuncOptions(1));
  return fc_(pooled.flatten(1));
}

void ResNetImpl::fold_batch_norm() {
  if (folded_) return;
  eval();
  fold_into(stem_conv_, stem_bn_);
  for (auto& stage : stages_) {
    for (const auto& child : stage->children()) {
      if (auto* basic = child->as<BasicBlock>()) {
        basic->fold_batch_norm();
      } else if (auto* bottleneck = child->as<Bottleneck>()) {
        bottleneck->fold_batch_norm();
      }
    }
  }
  folded_ = true;
}

int64_t ResNetImpl::macs(SpatialSize input) const {
  if (input.height < 1 || input.width < 1) {
    throw InputError(fmt::format("{}: input size: must be at least 1x1 (got {}x{})",
                                 candidate_label(spec_), input.height, input.width));
  }
  MacCount total = conv_macs(*stem_conv_, input);
  for (const auto& stage : stages_) {
    for (const auto& child : stage->children()) {
      if (const auto* basic = child->as<BasicBlock>()) {
        total = then(total, basic->macs(total.output));
      } else if (const auto* bottleneck = child->as<Bottleneck>()) {
        total = then(total, bottleneck->macs(total.output));
      } else {
        throw std::logic_error("ResNet: a stage holds a module that is not a residual block");
      }
    }
  }
  return total.macs + fc_->options.in_features() * fc_->options.out_features();
}

ResNet folded_for_serving(const ResNet& model) {
  ResNet copy(model->spec(), model->in_channels(), model->num_classes());
  {
    torch::NoGradGuard no_grad;
    const auto parameters = model->named_parameters(/*recurse=*/true);
    for (auto& item : copy->named_parameters(/*recurse=*/true)) item.value().set_data(parameters[item.key()].clone());
    const auto buffers = model->named_buffers(/*recurse=*/true);
    for (auto& item : copy->named_buffers(/*recurse=*/true)) item.value().set_data(buffers[item.key()].clone());
  }
  copy->fold_batch_norm();
  return copy;
}

int64_t count_parameters(const torch::nn::Module& module) {
  int64_t count = 0;
  for (const auto& parameter : module.parameters(/*recurse=*/true)) {
    if (parameter.requires_grad()) count += parameter.numel();
  }
  return count;
}

int64_t count_macs(const ResNet& model, int64_t height, int64_t width) {
  return model->macs(SpatialSize{height, width});
}

}  // namespace sizesel
