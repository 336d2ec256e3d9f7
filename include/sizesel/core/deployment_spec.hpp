// The serving load a candidate must carry, used to turn measured throughput into devices needed.
#pragma once

#include <cstdint>
#include <string>

namespace sizesel {

struct DeploymentSpec {
  double target_rate = 1000;  ///< requests (images) per second to serve
  int64_t batch_size = 64;    ///< batch size at which serving throughput is measured
  /// The hardware the candidates will serve on: how many times faster than the measuring
  /// device it runs them (a declared factor, e.g. 40 for "a GPU is 40x this CPU"), and its name.
  double device_speedup = 1;
  std::string device_name = "the measuring device";
};

}  // namespace sizesel
