// The serving load a candidate must carry, used to turn measured throughput into devices needed.
#pragma once

#include <cstdint>

namespace sizesel {

struct DeploymentSpec {
  double target_rate = 1000;  ///< requests (images) per second to serve
  int64_t batch_size = 64;    ///< batch size at which serving throughput is measured
};

}  // namespace sizesel
