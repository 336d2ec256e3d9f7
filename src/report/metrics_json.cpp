#include "sizesel/report/metrics_json.hpp"

#include <cmath>
#include <stdexcept>

namespace sizesel {
namespace {

using Json = nlohmann::json;

const Json& need(const Json& json, const char* key) {
  if (!json.is_object() || !json.contains(key)) throw std::runtime_error(std::string("metrics: '") + key + "' missing");
  return json.at(key);
}

double number(const Json& json, const char* key) {
  const Json& value = need(json, key);
  if (!value.is_number()) throw std::runtime_error(std::string("metrics: '") + key + "' is not a number");
  return value.get<double>();
}

const Json& array(const Json& json, const char* key) {
  const Json& value = need(json, key);
  if (!value.is_array()) throw std::runtime_error(std::string("metrics: '") + key + "' is not an array");
  return value;
}

}  // namespace

Json metrics_to_json(const Metrics& metrics) {
  Json json = Json::object();
  for (const auto& info : metric_infos()) {
    const double value = metric_value(metrics, info.name);
    json[info.name] = info.integer ? Json(static_cast<int64_t>(value)) : std::isfinite(value) ? Json(value) : Json();
  }
  json["per_class_accuracy"] = metrics.per_class_accuracy;
  json["corruptions"] = Json::array();
  for (const auto& c : metrics.corruptions) {
    json["corruptions"].push_back({{"corruption", c.corruption}, {"severity", c.severity}, {"accuracy", c.accuracy}});
  }
  json["adversarial"] = Json::array();
  for (const auto& a : metrics.adversarial) json["adversarial"].push_back({{"epsilon", a.epsilon}, {"accuracy", a.accuracy}});
  json["training_curve"] = Json::array();
  for (const auto& e : metrics.training_curve) {
    json["training_curve"].push_back(
        {{"epoch", e.epoch}, {"loss", e.loss}, {"train_accuracy", e.train_accuracy}, {"seconds", e.seconds}});
  }
  return json;
}

Metrics metrics_from_json(const Json& json) {
  Metrics metrics;
  for (const auto& info : metric_infos()) set_metric(metrics, info.name, number(json, info.name.c_str()));
  for (const auto& value : array(json, "per_class_accuracy")) {
    if (!value.is_number()) throw std::runtime_error("metrics: per_class_accuracy holds a non-number");
    metrics.per_class_accuracy.push_back(value.get<double>());
  }
  for (const auto& c : array(json, "corruptions")) {
    const Json& name = need(c, "corruption");
    if (!name.is_string()) throw std::runtime_error("metrics: a corruption's name is not a string");
    metrics.corruptions.push_back(
        {name.get<std::string>(), static_cast<int>(number(c, "severity")), number(c, "accuracy")});
  }
  for (const auto& a : array(json, "adversarial")) metrics.adversarial.push_back({number(a, "epsilon"), number(a, "accuracy")});
  for (const auto& e : array(json, "training_curve")) {
    metrics.training_curve.push_back({static_cast<int64_t>(number(e, "epoch")), number(e, "loss"),
                                      number(e, "train_accuracy"), number(e, "seconds")});
  }
  return metrics;
}

}  // namespace sizesel
