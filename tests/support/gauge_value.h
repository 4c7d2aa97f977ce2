#pragma once

// The value of a gauge series in a Prometheus registry, for unit tests of the code that sets it.

#include <map>
#include <string>

#include "prometheus/registry.h"

namespace ccms::testing {

// The gauge `name` whose labels include every one of `labels`; -1 when there is no such series.
inline double GaugeValue(prometheus::Registry& registry, const std::string& name,
                         const std::map<std::string, std::string>& labels) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      size_t matched = 0;
      for (const auto& l : metric.label) {
        auto it = labels.find(l.name);
        if (it != labels.end() && it->second == l.value) ++matched;
      }
      if (matched == labels.size()) return metric.gauge.value;
    }
  }
  return -1;
}

}  // namespace ccms::testing
