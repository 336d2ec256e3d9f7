#include "sizesel/ml/corruptions.hpp"

#include <torch/torch.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <utility>

// Severity parameters and definitions: hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py
// (the functions of the same names). Helper functions name the library call they replicate.

namespace sizesel {
namespace {

constexpr std::size_t kLevels = kMaxSeverity;

// make_cifar_c.py: gaussian_noise, shot_noise, impulse_noise, speckle_noise, gaussian_blur.
constexpr std::array<double, kLevels> kGaussianNoiseSigma = {0.04, 0.06, 0.08, 0.09, 0.10};
constexpr std::array<double, kLevels> kShotNoiseRate = {500, 250, 100, 75, 50};
constexpr std::array<double, kLevels> kImpulseNoiseAmount = {0.01, 0.02, 0.03, 0.05, 0.07};
constexpr std::array<double, kLevels> kSpeckleNoiseSigma = {0.06, 0.1, 0.12, 0.16, 0.2};
constexpr std::array<double, kLevels> kGaussianBlurSigma = {0.4, 0.6, 0.7, 0.8, 1.0};
// make_cifar_c.py: defocus_blur, (disk radius, alias_blur) in pixels.
constexpr std::array<std::pair<double, double>, kLevels> kDefocus = {
    {{0.3, 0.4}, {0.4, 0.5}, {0.5, 0.6}, {1.0, 0.2}, {1.5, 0.1}}};
// make_cifar_c.py: contrast, brightness, pixelate, saturate.
constexpr std::array<double, kLevels> kContrast = {0.75, 0.5, 0.4, 0.3, 0.15};
constexpr std::array<double, kLevels> kBrightness = {0.05, 0.1, 0.15, 0.2, 0.3};
constexpr std::array<double, kLevels> kPixelate = {0.95, 0.9, 0.85, 0.75, 0.65};
constexpr std::array<std::pair<double, double>, kLevels> kSaturate = {
    {{0.3, 0.0}, {0.1, 0.0}, {1.5, 0.0}, {2.0, 0.1}, {2.5, 0.2}}};

struct Named {
  Corruption corruption;
  const char* name;
};

constexpr std::array<Named, 10> kNames = {{
    {Corruption::kGaussianNoise, "gaussian_noise"},
    {Corruption::kShotNoise, "shot_noise"},
    {Corruption::kImpulseNoise, "impulse_noise"},
    {Corruption::kSpeckleNoise, "speckle_noise"},
    {Corruption::kGaussianBlur, "gaussian_blur"},
    {Corruption::kDefocusBlur, "defocus_blur"},
    {Corruption::kContrast, "contrast"},
    {Corruption::kBrightness, "brightness"},
    {Corruption::kPixelate, "pixelate"},
    {Corruption::kSaturate, "saturate"},
}};

bool is_random(Corruption corruption) {
  return corruption == Corruption::kGaussianNoise || corruption == Corruption::kShotNoise ||
         corruption == Corruption::kImpulseNoise || corruption == Corruption::kSpeckleNoise;
}

torch::TensorOptions doubles(const torch::Device& device) {
  return torch::TensorOptions().dtype(torch::kDouble).device(device);
}

// np.uint8(np.clip(y, 0, 1) * 255): truncation, as make_cifar_c.py stores every image.
torch::Tensor store(const torch::Tensor& y) {
  return y.clamp(0.0, 1.0).mul_(255.0).to(torch::kUInt8);
}

// Index of the source pixel for each position of a side of length n padded by `pad` on both
// ends, for OpenCV's BORDER_REFLECT_101 (cv::borderInterpolate: ...cb|abcd|cb..., reflected as
// often as needed) or scipy's mode 'nearest' (the edge pixel repeated).
enum class Border { kReflect101, kNearest };

torch::Tensor border_index(int64_t n, int64_t pad, Border border) {
  std::vector<int64_t> index;
  index.reserve(static_cast<std::size_t>(n + 2 * pad));
  for (int64_t i = -pad; i < n + pad; ++i) {
    int64_t p = i;
    if (border == Border::kNearest || n == 1) {
      p = std::clamp<int64_t>(p, 0, n - 1);
    } else {
      while (p < 0 || p >= n) p = p < 0 ? -p : 2 * (n - 1) - p;
    }
    index.push_back(p);
  }
  return torch::tensor(index, torch::kLong);
}

// Correlates every channel of x (float64 [B,C,H,W]) with `kernel` (float64 [kh, kw], odd sides,
// centred), the border extended by `border`: a sum of shifted copies, one per non-zero tap (a
// float64 conv2d is several times slower on the CPU).
torch::Tensor correlate(const torch::Tensor& x, const torch::Tensor& kernel, Border border) {
  const int64_t h = x.size(2), w = x.size(3);
  const int64_t rh = kernel.size(0) / 2, rw = kernel.size(1) / 2;
  const auto padded = x.index_select(2, border_index(h, rh, border).to(x.device()))
                          .index_select(3, border_index(w, rw, border).to(x.device()));
  const auto taps = kernel.to(torch::kCPU).contiguous();
  const auto k = taps.accessor<double, 2>();
  torch::Tensor out;
  for (int64_t dy = 0; dy < taps.size(0); ++dy) {
    for (int64_t dx = 0; dx < taps.size(1); ++dx) {
      if (k[dy][dx] == 0.0) continue;
      const auto term = padded.narrow(2, dy, h).narrow(3, dx, w) * k[dy][dx];
      out = out.defined() ? out.add_(term) : term;
    }
  }
  return out.defined() ? out : torch::zeros_like(x);
}

// numpy's sum of a contiguous float64 vector (np.add.reduce): 0 + pairwise_sum, which adds
// fewer than 8 values in order and up to 128 in eight interleaved partial sums.
double numpy_sum(const std::vector<double>& a) {
  const std::size_t n = a.size();
  double res = 0;
  if (n < 8) {
    for (const double value : a) res += value;
    return 0.0 + res;
  }
  std::array<double, 8> r{};
  for (std::size_t j = 0; j < 8; ++j) r[j] = a[j];
  std::size_t i = 8;
  for (; i < n - n % 8; i += 8) {
    for (std::size_t j = 0; j < 8; ++j) r[j] += a[i + j];
  }
  res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
  for (; i < n; ++i) res += a[i];
  return 0.0 + res;
}

// scipy.ndimage._gaussian_kernel1d(sigma, 0, radius) with radius = int(4 * sigma + 0.5), as
// scipy.ndimage.gaussian_filter1d builds it for skimage.filters.gaussian (truncate = 4):
// exp(-0.5 / sigma^2 * x^2) for x in -radius..radius, over its sum.
std::vector<double> gaussian_kernel1d(double sigma) {
  const int64_t radius = static_cast<int64_t>(4.0 * sigma + 0.5);
  const double scale = -0.5 / (sigma * sigma);
  std::vector<double> phi;
  for (int64_t x = -radius; x <= radius; ++x) {
    phi.push_back(std::exp(scale * static_cast<double>(x * x)));
  }
  const double sum = numpy_sum(phi);
  for (auto& value : phi) value /= sum;
  return phi;
}

// scipy.ndimage.correlate1d of x (float64 [B,C,H,W]) along `dim` with the symmetric `weights`,
// border mode 'nearest', summed in scipy's order (NI_Correlate1D's symmetric branch):
// centre * w0, then + (left_j + right_j) * w_j from the outermost pair j = radius inwards.
torch::Tensor correlate1d_nearest(const torch::Tensor& x, int64_t dim,
                                  const std::vector<double>& weights) {
  const auto radius = static_cast<int64_t>(weights.size() / 2);
  const int64_t n = x.size(dim);
  const auto padded = x.index_select(dim, border_index(n, radius, Border::kNearest).to(x.device()));
  auto out = padded.narrow(dim, radius, n) * weights[static_cast<std::size_t>(radius)];
  for (int64_t j = radius; j >= 1; --j) {
    out.add_((padded.narrow(dim, radius - j, n) + padded.narrow(dim, radius + j, n))
                 .mul_(weights[static_cast<std::size_t>(radius - j)]));
  }
  return out;
}

// skimage.filters.gaussian(x, sigma, multichannel=True): scipy's gaussian_filter over the two
// spatial axes (rows, then columns), not across channels, border mode 'nearest'.
torch::Tensor gaussian_blur(const torch::Tensor& x, double sigma) {
  const auto weights = gaussian_kernel1d(sigma);
  return correlate1d_nearest(correlate1d_nearest(x, 2, weights), 3, weights);
}

// make_cifar_c.py's disk(radius, alias_blur) for radius <= 8: the indicator of x^2 + y^2 <=
// radius^2 on a 17x17 grid, normalised to sum 1 (float32), then cv2.GaussianBlur with a 3x3
// kernel of sigma alias_blur (float32, separable: rows then columns, each tap as OpenCV's
// symmetric 3-tap filter computes it: (left + right) * k1 + centre * k0). Returned cropped to its
// non-zero support, which lies within the central 5x5 for every CIFAR severity.
torch::Tensor disk_kernel(double radius, double alias_blur) {
  constexpr int kSide = 17;
  constexpr int kCentre = 8;
  using Grid = std::array<std::array<float, kSide>, kSide>;
  Grid disk{};
  int inside = 0;
  for (int y = 0; y < kSide; ++y) {
    for (int x = 0; x < kSide; ++x) {
      const int dx = x - kCentre, dy = y - kCentre;
      if (static_cast<double>(dx * dx + dy * dy) <= radius * radius) {
        disk[y][x] = 1.0F;
        ++inside;
      }
    }
  }
  for (auto& row : disk) {
    for (auto& value : row) value /= static_cast<float>(inside);
  }
  // cv::getGaussianKernel(3, alias_blur, CV_32F), as OpenCV 4 computes it (getGaussianKernelBitExact).
  const double scale = -0.125 / (alias_blur * alias_blur);
  const double edge = std::exp(4.0 * scale);
  const double norm = 1.0 / (edge * 2.0 + 1.0);
  const float k1 = static_cast<float>(edge * norm);
  const float k0 = static_cast<float>(norm);
  auto at = [](const Grid& g, int y, int x) {
    return y < 0 || y >= kSide || x < 0 || x >= kSide ? 0.0F : g[y][x];
  };
  Grid rows{};
  Grid blurred{};
  for (int y = 0; y < kSide; ++y) {
    for (int x = 0; x < kSide; ++x) {
      rows[y][x] = (at(disk, y, x - 1) + at(disk, y, x + 1)) * k1 + at(disk, y, x) * k0;
    }
  }
  for (int y = 0; y < kSide; ++y) {
    for (int x = 0; x < kSide; ++x) {
      blurred[y][x] = (at(rows, y - 1, x) + at(rows, y + 1, x)) * k1 + at(rows, y, x) * k0;
    }
  }
  constexpr int kReach = 2;
  auto kernel = torch::zeros({2 * kReach + 1, 2 * kReach + 1}, torch::kDouble);
  auto out = kernel.accessor<double, 2>();
  for (int y = -kReach; y <= kReach; ++y) {
    for (int x = -kReach; x <= kReach; ++x) {
      out[y + kReach][x + kReach] = static_cast<double>(blurred[kCentre + y][kCentre + x]);
    }
  }
  return kernel;
}

// cv2.filter2D(channel, -1, disk(radius, alias_blur)) on each channel: correlation, anchor at the
// kernel's centre, border BORDER_REFLECT_101.
torch::Tensor defocus_blur(const torch::Tensor& x, double radius, double alias_blur) {
  return correlate(x, disk_kernel(radius, alias_blur), Border::kReflect101);
}

// np.mod(a, 1.0): fmod, then + 1 where negative (numpy's npy_divmod).
torch::Tensor mod_one(const torch::Tensor& a) {
  auto m = torch::fmod(a, 1.0);
  return torch::where(m < 0, m + 1.0, m);
}

struct Hsv {
  torch::Tensor h, s, v;  // each float64 [B,H,W], in [0,1]
};

// skimage.color.rgb2hsv on x (float64 [B,3,H,W]), expression for expression.
Hsv rgb2hsv(const torch::Tensor& x) {
  const auto r = x.select(1, 0), g = x.select(1, 1), b = x.select(1, 2);
  const auto v = torch::maximum(torch::maximum(r, g), b);
  const auto delta = v - torch::minimum(torch::minimum(r, g), b);
  const auto grey = delta == 0;
  const auto safe_delta = torch::where(grey, torch::ones_like(delta), delta);
  const auto safe_v = torch::where(v == 0, torch::ones_like(v), v);
  const auto s = torch::where(grey, torch::zeros_like(delta), delta / safe_v);
  // Later assignments win in skimage: blue is max, else green is max, else red.
  auto h = (g - b) / safe_delta;
  h = torch::where(g == v, 2.0 + (b - r) / safe_delta, h);
  h = torch::where(b == v, 4.0 + (r - g) / safe_delta, h);
  h = torch::where(grey, torch::zeros_like(h), mod_one(h / 6.0));
  return {h, s, v};
}

// skimage.color.hsv2rgb, expression for expression; returns float64 [B,3,H,W].
torch::Tensor hsv2rgb(const Hsv& hsv) {
  const auto hi = torch::floor(hsv.h * 6.0);
  const auto f = hsv.h * 6.0 - hi;
  const auto p = hsv.v * (1.0 - hsv.s);
  const auto q = hsv.v * (1.0 - f * hsv.s);
  const auto t = hsv.v * (1.0 - (1.0 - f) * hsv.s);
  const auto& v = hsv.v;
  const auto sector = hi.to(torch::kLong).remainder(6).unsqueeze(0);
  // np.choose(hi, [(v,t,p), (q,v,p), (p,v,t), (p,q,v), (t,p,v), (v,p,q)]), one channel at a time.
  auto pick = [&](std::initializer_list<torch::Tensor> options) {
    return torch::stack(options).gather(0, sector).squeeze(0);
  };
  return torch::stack({pick({v, q, p, p, t, v}), pick({t, v, v, q, p, p}),
                       pick({p, p, t, v, v, q})},
                      1);
}

// make_cifar_c.py brightness: value + c, clipped. One channel: the grey level itself.
torch::Tensor brightness(const torch::Tensor& x, double c) {
  if (x.size(1) != 3) return x + c;  // store() clips
  auto hsv = rgb2hsv(x);
  hsv.v = (hsv.v + c).clamp(0.0, 1.0);
  return hsv2rgb(hsv);
}

// make_cifar_c.py saturate: saturation * c1 + c2, clipped. One channel: the identity.
torch::Tensor saturate(const torch::Tensor& x, double c1, double c2) {
  if (x.size(1) != 3) return x;
  auto hsv = rgb2hsv(x);
  hsv.s = (hsv.s * c1 + c2).clamp(0.0, 1.0);
  return hsv2rgb(hsv);
}

// Pillow's precompute_coeffs + normalize_coeffs_8bpc (libImaging/Resample.c) for the BOX filter,
// resizing a side of in_size pixels to out_size: the [out, in] matrix of the fixed-point integer
// coefficients (22 fractional bits), held as float64 (exact: every value and sum is an integer
// below 2^53).
constexpr int kPrecisionBits = 22;

torch::Tensor box_coefficients(int64_t in_size, int64_t out_size) {
  const double scale = static_cast<double>(in_size) / static_cast<double>(out_size);
  const double filterscale = std::max(scale, 1.0);
  const double support = 0.5 * filterscale;
  auto box = [](double x) { return x > -0.5 && x <= 0.5 ? 1.0 : 0.0; };
  auto matrix = torch::zeros({out_size, in_size}, torch::kDouble);
  auto m = matrix.accessor<double, 2>();
  for (int64_t xx = 0; xx < out_size; ++xx) {
    const double center = (static_cast<double>(xx) + 0.5) * scale;
    const double ss = 1.0 / filterscale;
    const auto xmin = std::max<int64_t>(static_cast<int64_t>(center - support + 0.5), 0);
    const auto xmax = std::min<int64_t>(static_cast<int64_t>(center + support + 0.5), in_size);
    std::vector<double> k;
    double ww = 0;
    for (int64_t x = xmin; x < xmax; ++x) {
      k.push_back(box((static_cast<double>(x) - center + 0.5) * ss));
      ww += k.back();
    }
    for (std::size_t i = 0; i < k.size(); ++i) {
      const double w = ww != 0.0 ? k[i] / ww : k[i];
      m[xx][xmin + static_cast<int64_t>(i)] =
          static_cast<double>(static_cast<int32_t>(0.5 + w * (1 << kPrecisionBits)));
    }
  }
  return matrix;
}

// One fixed-point pass's rounding: (sum + 2^21) >> 22, clipped to 0..255 (Pillow's clip8).
torch::Tensor round_fixed_point(const torch::Tensor& sums) {
  constexpr double kOne = static_cast<double>(1 << kPrecisionBits);
  return sums.add(kOne / 2).div_(kOne).floor_().clamp_(0.0, 255.0);
}

// PIL Image.resize((out_w, out_h), Image.BOX) on uint8 pixel values held as float64
// [B,C,H,W]: the horizontal pass, rounded to uint8, then the vertical pass, rounded again.
torch::Tensor pil_box_resize(const torch::Tensor& pixels, int64_t out_h, int64_t out_w) {
  const auto horizontal = box_coefficients(pixels.size(3), out_w).to(pixels.device());
  const auto vertical = box_coefficients(pixels.size(2), out_h).to(pixels.device());
  const auto rows = round_fixed_point(torch::matmul(pixels, horizontal.t()));
  return round_fixed_point(torch::matmul(vertical, rows));
}

// make_cifar_c.py pixelate, on H x W: BOX resize to (int(W*c), int(H*c)), then back.
torch::Tensor pixelate(const torch::Tensor& images, double c) {
  const int64_t h = images.size(2), w = images.size(3);
  const auto small_h = std::max<int64_t>(static_cast<int64_t>(static_cast<double>(h) * c), 1);
  const auto small_w = std::max<int64_t>(static_cast<int64_t>(static_cast<double>(w) * c), 1);
  const auto pixels = images.to(torch::kDouble);
  return pil_box_resize(pil_box_resize(pixels, small_h, small_w), h, w).to(torch::kUInt8);
}

void validate(const torch::Tensor& images, Corruption corruption, int severity) {
  if (severity < 0 || severity > kMaxSeverity) {
    throw std::invalid_argument(fmt::format("corrupt: {}: severity must be in 0..{} (got {})",
                                            to_string(corruption), kMaxSeverity, severity));
  }
  if (!images.defined() || images.dim() != 4 || images.scalar_type() != torch::kUInt8) {
    throw std::invalid_argument(fmt::format(
        "corrupt: images must be a uint8 [B,C,H,W] tensor (got {})",
        images.defined() ? fmt::format("{} of {} dimensions",
                                       std::string(c10::toString(images.scalar_type())),
                                       images.dim())
                         : std::string("an undefined tensor")));
  }
}

// SplitMix64's finaliser: decorrelates the seeds of neighbouring (corruption, severity) pairs.
uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t pair_seed(uint64_t seed, Corruption corruption, int severity) {
  const auto pair = static_cast<uint64_t>(corruption) * 16 + static_cast<uint64_t>(severity);
  return mix(seed + 0x9e3779b97f4a7c15ULL * (pair + 1));
}

// Images per chunk of the deterministic corruptions (about 3 MiB of float64 for CIFAR).
constexpr int64_t kChunk = 128;

// The corruption at severity level + 1 on uint8 `images`, computed on their device.
torch::Tensor corrupt_batch(const torch::Tensor& images, Corruption corruption, std::size_t level,
                            torch::Generator& generator) {
  if (corruption == Corruption::kPixelate) return pixelate(images, kPixelate[level]);
  const auto device = images.device();
  // np.array(x) / 255.
  const auto x = images.to(torch::kDouble).div_(255.0);
  torch::Tensor y;
  switch (corruption) {
    case Corruption::kGaussianNoise:
      y = x + at::normal(0.0, kGaussianNoiseSigma[level], x.sizes(), generator, doubles(device));
      break;
    case Corruption::kShotNoise: {
      const double rate = kShotNoiseRate[level];
      y = at::poisson(x * rate, generator) / rate;
      break;
    }
    case Corruption::kImpulseNoise: {
      // skimage.util.random_noise(x, mode='s&p', amount=c): every value is flipped with
      // probability c, to salt (1) with probability salt_vs_pepper = 0.5, else to pepper (0:
      // the images have no negative values).
      const double amount = kImpulseNoiseAmount[level];
      const auto flipped = at::rand(x.sizes(), generator, doubles(device)) < amount;
      const auto salted = at::rand(x.sizes(), generator, doubles(device)) < 0.5;
      y = torch::where(flipped, salted.to(torch::kDouble), x);
      break;
    }
    case Corruption::kSpeckleNoise:
      y = x + x * at::normal(0.0, kSpeckleNoiseSigma[level], x.sizes(), generator, doubles(device));
      break;
    case Corruption::kGaussianBlur:
      y = gaussian_blur(x, kGaussianBlurSigma[level]);
      break;
    case Corruption::kDefocusBlur:
      y = defocus_blur(x, kDefocus[level].first, kDefocus[level].second);
      break;
    case Corruption::kContrast: {
      const auto means = x.mean({2, 3}, true);
      y = (x - means) * kContrast[level] + means;
      break;
    }
    case Corruption::kBrightness:
      y = brightness(x, kBrightness[level]);
      break;
    case Corruption::kSaturate:
      y = saturate(x, kSaturate[level].first, kSaturate[level].second);
      break;
    case Corruption::kPixelate:
      break;  // handled above: Pillow works on the uint8 pixels
  }
  return store(y);
}

}  // namespace

const std::vector<Corruption>& all_corruptions() {
  static const std::vector<Corruption> all = [] {
    std::vector<Corruption> list;
    for (const auto& named : kNames) list.push_back(named.corruption);
    return list;
  }();
  return all;
}

std::string to_string(Corruption corruption) {
  for (const auto& named : kNames) {
    if (named.corruption == corruption) return named.name;
  }
  return "unknown";
}

std::optional<Corruption> corruption_from_string(const std::string& name) {
  for (const auto& named : kNames) {
    if (name == named.name) return named.corruption;
  }
  return std::nullopt;
}

torch::Tensor corrupt(const torch::Tensor& images, Corruption corruption, int severity,
                      torch::Generator& generator) {
  validate(images, corruption, severity);
  torch::NoGradGuard no_grad;
  if (severity == 0 || images.numel() == 0) return images.clone(at::MemoryFormat::Contiguous);
  const auto level = static_cast<std::size_t>(severity - 1);
  if (is_random(corruption)) {
    // Drawn on the generator's device, in one piece so that the stream is consumed in order.
    const auto source = images.to(generator.device());
    return corrupt_batch(source, corruption, level, generator).to(images.device()).contiguous();
  }
  // The deterministic corruptions act on each image alone: in chunks small enough for the cache.
  const int64_t n = images.size(0);
  std::vector<torch::Tensor> parts;
  for (int64_t begin = 0; begin < n; begin += kChunk) {
    parts.push_back(corrupt_batch(images.narrow(0, begin, std::min(kChunk, n - begin)), corruption,
                                  level, generator));
  }
  return (parts.size() == 1 ? parts.front() : torch::cat(parts)).contiguous();
}

std::vector<CorruptionScore> corruption_accuracies(ResNet& model, const ImageSplit& split,
                                                   const ChannelStats& stats, torch::Device device,
                                                   int64_t batch_size,
                                                   const std::vector<Corruption>& corruptions,
                                                   uint64_t seed) {
  if (batch_size < 1) {
    throw std::invalid_argument(
        fmt::format("corruption_accuracies: batch_size must be >= 1 (got {})", batch_size));
  }
  torch::InferenceMode inference;
  model->eval();
  const auto images = split.images.cpu();
  const auto labels = split.labels.to(torch::kLong).cpu();
  const int64_t n = images.size(0);
  std::vector<CorruptionScore> scores;
  for (const Corruption corruption : corruptions) {
    for (int severity = 1; severity <= kMaxSeverity; ++severity) {
      auto generator = at::make_generator<at::CPUGeneratorImpl>(pair_seed(seed, corruption, severity));
      int64_t correct = 0;
      for (int64_t begin = 0; begin < n; begin += batch_size) {
        const int64_t count = std::min(batch_size, n - begin);
        const auto corrupted = corrupt(images.narrow(0, begin, count), corruption, severity, generator);
        const auto predicted = model->forward(to_model_input(corrupted, stats).to(device)).argmax(1).cpu();
        correct += predicted.eq(labels.narrow(0, begin, count)).sum().item<int64_t>();
      }
      const double accuracy = n > 0 ? static_cast<double>(correct) / static_cast<double>(n) : 0.0;
      scores.push_back(CorruptionScore{corruption, severity, accuracy});
    }
  }
  return scores;
}

}  // namespace sizesel
