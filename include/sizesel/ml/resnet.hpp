// The ResNet family described by a CandidateSpec, as libtorch modules, with parameter and MAC counts.
#pragma once

#include <torch/nn.h>

#include <cstdint>
#include <vector>

#include "sizesel/core/candidate_spec.hpp"

namespace sizesel {

/// Height and width of a feature map, in pixels.
struct SpatialSize {
  int64_t height = 0;
  int64_t width = 0;
};

/// Multiply-accumulates of a layer (or a group of layers) for one image, and the spatial size of
/// what it outputs.
struct MacCount {
  int64_t macs = 0;
  SpatialSize output;
};

/// MACs of one convolution applied to one image of size `input`:
/// out_h * out_w * out_c * in_c / groups * kh * kw, with the output size read from the
/// convolution's own kernel, stride, padding and dilation.
/// Throws std::invalid_argument when the input is smaller than the kernel reach.
[[nodiscard]] MacCount conv_macs(const torch::nn::Conv2dImpl& conv, SpatialSize input);

/// The shortcut of a residual block, mapping [N, in, H, W] to [N, out, ceil(H/stride), ceil(W/stride)].
/// Identity when the shape does not change (no parameters). Otherwise, for kPad, He et al.'s
/// option A: every stride-th pixel, with zero channels appended up to `out` (no parameters;
/// requires out >= in); for kProjection, a 1x1 convolution with that stride plus batch norm.
class ShortcutImpl : public torch::nn::Module {
 public:
  /// Throws std::invalid_argument for kPad with out < in.
  ShortcutImpl(int64_t in_channels, int64_t out_channels, int64_t stride, ShortcutType type);

  /// [N, in, H, W] -> [N, out, ceil(H/stride), ceil(W/stride)].
  torch::Tensor forward(const torch::Tensor& x);

  /// MACs of the projection for one image (0 for identity and padding).
  [[nodiscard]] MacCount macs(SpatialSize input) const;
  /// Folds the projection's batch norm into its convolution (eval-mode statistics).
  void fold_batch_norm();

 private:
  bool folded_ = false;
  int64_t in_channels_;
  int64_t out_channels_;
  int64_t stride_;
  bool identity_;
  torch::nn::Conv2d conv_{nullptr};      ///< set for a projection only
  torch::nn::BatchNorm2d bn_{nullptr};   ///< set for a projection only
};
TORCH_MODULE(Shortcut);

/// He et al.'s basic block: 3x3 conv (stride) + BN + ReLU, 3x3 conv + BN, plus the shortcut, ReLU.
/// Outputs `out_channels` channels.
class BasicBlockImpl : public torch::nn::Module {
 public:
  BasicBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride, ShortcutType shortcut);

  torch::Tensor forward(const torch::Tensor& x);

  /// MACs of both convolutions and a projection shortcut, for one image.
  [[nodiscard]] MacCount macs(SpatialSize input) const;
  /// Folds every batch norm into the convolution before it (eval-mode statistics).
  void fold_batch_norm();

 private:
  bool folded_ = false;
  torch::nn::Conv2d conv1_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr};
  torch::nn::Conv2d conv2_{nullptr};
  torch::nn::BatchNorm2d bn2_{nullptr};
  Shortcut shortcut_{nullptr};
};
TORCH_MODULE(BasicBlock);

/// He et al.'s bottleneck block: 1x1 conv to `planes` + BN + ReLU, 3x3 conv (stride) + BN + ReLU,
/// 1x1 conv to planes * kExpansion + BN, plus the shortcut, ReLU.
/// With ShortcutType::kPad the shortcut is a projection wherever the channel count changes (zero
/// padding to 4x the channels would leave three quarters of the shortcut empty, and ResNet-50
/// and friends use projections there too); a stride-only change stays a parameter-free
/// strided identity.
class BottleneckImpl : public torch::nn::Module {
 public:
  /// Output channels are planes * kExpansion.
  static constexpr int64_t kExpansion = 4;

  BottleneckImpl(int64_t in_channels, int64_t planes, int64_t stride, ShortcutType shortcut);

  torch::Tensor forward(const torch::Tensor& x);

  /// MACs of the three convolutions and a projection shortcut, for one image.
  [[nodiscard]] MacCount macs(SpatialSize input) const;
  /// Folds every batch norm into the convolution before it (eval-mode statistics).
  void fold_batch_norm();

 private:
  bool folded_ = false;
  torch::nn::Conv2d conv1_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr};
  torch::nn::Conv2d conv2_{nullptr};
  torch::nn::BatchNorm2d bn2_{nullptr};
  torch::nn::Conv2d conv3_{nullptr};
  torch::nn::BatchNorm2d bn3_{nullptr};
  Shortcut shortcut_{nullptr};
};
TORCH_MODULE(Bottleneck);

/// The ResNet of a CandidateSpec, CIFAR style: a 3x3 stride-1 stem convolution to spec.width
/// channels + BN + ReLU (no max-pool), then one stage per entry of spec.stages (submodules
/// "stage1", "stage2", ...) of that many blocks with stage_width(spec, i) channels (x4 at a
/// bottleneck's output), stride 2 on the first block of every stage from the second on, then
/// global average pooling and a linear classifier ("fc").
///
/// Stages beyond the image's spatial size are valid: a stride-2 3x3 convolution with padding 1
/// maps an n-pixel side to ceil(n/2), so a 1x1 map stays 1x1 and the remaining stages run at
/// 1x1 without further downsampling (e.g. "large2", 7 stages, on 32x32: 32,16,8,4,2,1,1).
///
/// Initialisation: convolutions Kaiming normal (fan_out, ReLU), batch norm weight 1 and bias 0,
/// the classifier libtorch's default. Convolutions have no bias. Seed with torch::manual_seed
/// before constructing for reproducible weights.
class ResNetImpl : public torch::nn::Module {
 public:
  /// Throws InputError when spec.stages is empty, a stage has fewer than 1 block, width or
  /// max_width is below 1, max_width is below width, or in_channels or num_classes is below 1.
  ResNetImpl(const CandidateSpec& spec, int64_t in_channels, int64_t num_classes);

  /// [N, in_channels, H, W] images -> [N, num_classes] logits.
  torch::Tensor forward(const torch::Tensor& x);

  /// The last stage's feature map, [N, C, H', W'] (before pooling), e.g. for class activation maps.
  torch::Tensor features(const torch::Tensor& x);

  /// Pooling and classifier: a features() map -> [N, num_classes] logits.
  torch::Tensor head(const torch::Tensor& features);

  /// MACs per image of size `input` (every convolution and the classifier), walking the actual
  /// layers. Throws InputError when height or width is below 1.
  [[nodiscard]] int64_t macs(SpatialSize input) const;

  [[nodiscard]] const CandidateSpec& spec() const { return spec_; }
  [[nodiscard]] int64_t in_channels() const { return in_channels_; }
  [[nodiscard]] int64_t num_classes() const { return num_classes_; }
  /// Folds every batch norm into the convolution before it, using the running statistics:
  /// W' = W * g / sqrt(v + eps), b' = beta - m * g / sqrt(v + eps). The folded model computes
  /// the eval-mode function with fewer operations; it must not be trained any more.
  void fold_batch_norm();

 private:
  bool folded_ = false;
  CandidateSpec spec_;
  int64_t in_channels_;
  int64_t num_classes_;
  torch::nn::Conv2d stem_conv_{nullptr};
  torch::nn::BatchNorm2d stem_bn_{nullptr};
  std::vector<torch::nn::Sequential> stages_;
  torch::nn::Linear fc_{nullptr};
};
TORCH_MODULE(ResNet);

/// Trainable parameters (those requiring grad) of a module and all its submodules.
[[nodiscard]] int64_t count_parameters(const torch::nn::Module& module);

/// A copy of `model` (same architecture, parameters and buffers) with its batch norms folded
/// into the convolutions, in eval mode, for serving: what a deployment would run.
[[nodiscard]] ResNet folded_for_serving(const ResNet& model);

/// Multiply-accumulates per image for an input of in_channels x height x width: every convolution
/// (out_h*out_w*out_c*in_c/groups*kh*kw) and the classifier (in*out); batch norm, ReLU, additions,
/// pooling and padding are not counted. Computed from the model's actual layer shapes.
/// Throws InputError when height or width is below 1.
[[nodiscard]] int64_t count_macs(const ResNet& model, int64_t height, int64_t width);

}  // namespace sizesel
