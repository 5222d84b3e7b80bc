// Sets (or unsets) $BLIS_DATA and its older name $BLIS_DATA_DIR for one test and puts the old
// values back (engine/catalog/data_dir.h reads them).
#pragma once

#include <cstdlib>
#include <optional>
#include <string>

namespace blis::testing {

class DataDirEnv {
 public:
  explicit DataDirEnv(const std::optional<std::string>& data, const std::optional<std::string>& alias = std::nullopt)
      : data_("BLIS_DATA", data), alias_("BLIS_DATA_DIR", alias) {}

 private:
  class One {
   public:
    One(const char* name, const std::optional<std::string>& value) : name_(name) {
      if (const char* old = std::getenv(name)) before_ = old;
      if (value) ::setenv(name, value->c_str(), 1);
      else ::unsetenv(name);
    }
    ~One() {
      if (before_) ::setenv(name_, before_->c_str(), 1);
      else ::unsetenv(name_);
    }
    One(const One&) = delete;
    One& operator=(const One&) = delete;

   private:
    const char* name_;
    std::optional<std::string> before_;
  };
  One data_;
  One alias_;
};

}  // namespace blis::testing
