// Stopping a run from outside: a wall-clock limit (--timeout, an experiment's --point-timeout)
// or a signal sets a CancelToken, and the long loops poll it. The front end installs the token
// of the run a thread is working on (ScopedCancelToken); the engine's event loop calls
// check_cancelled() every few thousand events, which costs one thread-local load and a relaxed
// atomic load. A cancelled run ends with blis::Error carrying the token's reason.
#pragma once

#include <atomic>
#include <mutex>
#include <string>

#include "engine/core/error.h"

namespace blis::core {

class CancelToken {
 public:
  // The first reason wins; later calls change nothing.
  void cancel(const std::string& reason) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cancelled_.load(std::memory_order_relaxed)) return;
    reason_ = reason;
    cancelled_.store(true, std::memory_order_release);
  }
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  std::string reason() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return reason_;
  }

 private:
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mutex_;
  std::string reason_;
};

// The token of the run the calling thread is working on (none: never cancelled).
inline thread_local CancelToken* current_cancel_token = nullptr;

class ScopedCancelToken {
 public:
  explicit ScopedCancelToken(CancelToken* token) : previous_(current_cancel_token) { current_cancel_token = token; }
  ~ScopedCancelToken() { current_cancel_token = previous_; }
  ScopedCancelToken(const ScopedCancelToken&) = delete;
  ScopedCancelToken& operator=(const ScopedCancelToken&) = delete;

 private:
  CancelToken* previous_;
};

inline void check_cancelled() {
  const CancelToken* token = current_cancel_token;
  if (token != nullptr && token->cancelled()) throw Error(token->reason());
}

}  // namespace blis::core
