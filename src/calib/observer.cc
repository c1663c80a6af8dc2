#include "calib/observer.h"

#include "graph/error.h"

namespace octet::calib {

const std::vector<std::string>& observer_methods() {
  static const std::vector<std::string> kMethods = {"minmax", "ema", "percentile", "entropy",
                                                    "mse"};
  return kMethods;
}

namespace {

// Options come from the command line, so bad values are usage errors.
void check_options(const ObserverOptions& o) {
  if (o.bins < 2 || o.bins % 2 != 0)
    fail(ErrorKind::Usage, "histogram bins must be an even number >= 2, got " +
                               std::to_string(o.bins));
  if (!(o.percent > 0.0 && o.percent <= 100.0))
    fail(ErrorKind::Usage, "percentile must be in (0, 100], got " + std::to_string(o.percent));
  if (!(o.averaging_constant > 0.0f && o.averaging_constant <= 1.0f))
    fail(ErrorKind::Usage, "ema averaging constant must be in (0, 1], got " +
                               std::to_string(o.averaging_constant));
}

}  // namespace

std::unique_ptr<Observer> make_observer(const std::string& method,
                                        const ObserverOptions& options) {
  check_options(options);
  if (method == "minmax") return make_minmax_observer();
  if (method == "ema") return make_ema_observer(options.averaging_constant);
  if (method == "percentile")
    return make_percentile_observer(options.percent, options.two_sided, options.bins);
  if (method == "entropy") return make_entropy_observer(options.bins);
  if (method == "mse") return make_mse_observer(options.bins);
  std::string valid;
  for (const std::string& m : observer_methods()) valid += (valid.empty() ? "" : ", ") + m;
  fail(ErrorKind::Usage, "unknown calibration method '" + method + "' (valid: " + valid + ")");
}

}  // namespace octet::calib
