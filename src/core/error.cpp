#include "sizesel/core/error.hpp"

namespace sizesel {

std::string located_message(const std::string& file, const std::string& pointer,
                            const std::string& what) {
  std::string message = file;
  if (!pointer.empty()) message += ": " + pointer;
  message += ": " + what;
  return message;
}

}  // namespace sizesel
