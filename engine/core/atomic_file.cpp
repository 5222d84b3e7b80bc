#include "engine/core/atomic_file.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <random>
#include <thread>

#include "engine/core/error.h"
#include "engine/core/os_error.h"

namespace blis::core {

namespace {

// ---- the table of live temporary files, readable from a signal handler ---------------------

// A slot is free (0), being filled by its writer (1), or names a temp file that exists (2).
// Fixed storage and lock-free atomics: the signal handler may not allocate or lock.
struct TempSlot {
  std::atomic<int> state{0};
  char path[PATH_MAX];
};
constexpr int kSlots = 64;
TempSlot g_slots[kSlots];
static_assert(std::atomic<int>::is_always_lock_free);

TempSlot& claim_slot(const std::string& temp) {
  for (;;) {
    for (TempSlot& slot : g_slots) {
      int expected = 0;
      if (slot.state.compare_exchange_strong(expected, 1, std::memory_order_acquire)) {
        std::memcpy(slot.path, temp.c_str(), temp.size() + 1);  // temp.size() < PATH_MAX: checked by the caller
        return slot;
      }
    }
    std::this_thread::yield();  // more than kSlots files being written at once: wait for one
  }
}

// Blocks the signals that end a run on this thread while a temp file is created and recorded,
// so a handler on this thread never sees it created but not yet recorded.
class TerminationSignalsBlocked {
 public:
  TerminationSignalsBlocked() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, sig);
    pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~TerminationSignalsBlocked() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  TerminationSignalsBlocked(const TerminationSignalsBlocked&) = delete;
  TerminationSignalsBlocked& operator=(const TerminationSignalsBlocked&) = delete;

 private:
  sigset_t old_;
};

// ---- where a path really leads ------------------------------------------------------------

struct Destination {
  enum Kind { StdStream, Direct, Replace } kind = Replace;
  int fd = -1;                   // StdStream: 1 or 2
  std::string file;              // Replace: the file to create or replace (symlinks resolved)
  std::optional<mode_t> keep;    // Replace: the permission bits of the file being replaced
};

[[noreturn]] void fail(std::string_view what, const std::string& path, int err) {
  throw Error("cannot write " + std::string(what) + " " + path + ": " + os_error_text(err));
}

std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string name_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool same_file(const struct stat& a, int fd) {
  struct stat b;
  return fstat(fd, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Follows a chain of symlinks that ends in a name that does not exist yet: the file is created
// there. Relative link texts are read from the link's own directory, as the kernel reads them.
std::string dangling_link_target(const std::string& path, std::string_view what) {
  std::string current = path;
  for (int hop = 0; hop < 40; ++hop) {
    struct stat st;
    if (lstat(current.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return current;
    char text[PATH_MAX];
    const ssize_t n = readlink(current.c_str(), text, sizeof text - 1);
    if (n < 0) fail(what, path, errno);
    const std::string link(text, static_cast<size_t>(n));
    current = (!link.empty() && link[0] == '/') ? link : directory_of(current) + "/" + link;
  }
  fail(what, path, ELOOP);
}

Destination destination_of(const std::string& path, std::string_view what) {
  Destination d;
  struct stat st;
  if (stat(path.c_str(), &st) == 0) {
    for (int fd : {STDOUT_FILENO, STDERR_FILENO}) {
      if (same_file(st, fd)) {
        d.kind = Destination::StdStream;
        d.fd = fd;
        return d;
      }
    }
    if (!S_ISREG(st.st_mode)) {
      d.kind = Destination::Direct;
      return d;
    }
    char real[PATH_MAX];
    if (realpath(path.c_str(), real) == nullptr) fail(what, path, errno);
    d.file = real;
    d.keep = st.st_mode & 0777;
    return d;
  }
  d.file = dangling_link_target(path, what);
  if (name_of(d.file).empty()) fail(what, path, EISDIR);
  return d;
}

// ---- writing ------------------------------------------------------------------------------

// write(2) until done; false with errno set on failure.
bool write_all(int fd, std::string_view text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

// Unique among processes (pid), among this process's writes (counter) and unpredictable to
// anyone planting files (random), so O_EXCL only fails on a real collision.
std::string temp_name_for(const std::string& file) {
  static std::atomic<unsigned long long> counter{0};
  static const unsigned long long salt = [] {
    std::random_device device;
    return (static_cast<unsigned long long>(device()) << 32) ^ device();
  }();
  const unsigned long long n = counter.fetch_add(1);
  unsigned long long mix = salt ^ (n * 0x9E3779B97F4A7C15ull);
  mix ^= mix >> 31;
  const std::string base = name_of(file).substr(0, 100);  // keeps the name under NAME_MAX
  char suffix[96];
  std::snprintf(suffix, sizeof suffix, ".blis-%ld-%llu-%016llx.tmp", static_cast<long>(getpid()), n, mix);
  return directory_of(file) + "/." + base + suffix;
}

void write_direct(const std::string& path, std::string_view text, std::string_view what) {
  const int fd = open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) fail(what, path, errno);
  const bool ok = write_all(fd, text);
  const int err = errno;
  if (close(fd) != 0 && ok) fail(what, path, errno);
  if (!ok) fail(what, path, err);
}

void write_std_stream(int fd, const std::string& path, std::string_view text, std::string_view what) {
  std::fflush(fd == STDOUT_FILENO ? stdout : stderr);  // keeps what stdio already holds in front
  if (!write_all(fd, text)) fail(what, path, errno);
}

// Creates the temporary file for `d.file` and records it in the table of live temporary files.
struct OpenTemp {
  int fd;
  TempSlot* slot;
  std::string name;
};

OpenTemp open_temp(const Destination& d, const std::string& path, std::string_view what) {
  for (int attempt = 0;; ++attempt) {
    std::string temp = temp_name_for(d.file);
    if (temp.size() >= PATH_MAX) fail(what, path, ENAMETOOLONG);
    TerminationSignalsBlocked blocked;
    TempSlot* slot = &claim_slot(temp);
    // 0666: open(2) takes the umask off, as for any new file.
    const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0666);
    if (fd >= 0) {
      slot->state.store(2, std::memory_order_release);
      return {fd, slot, std::move(temp)};
    }
    const int err = errno;
    slot->state.store(0, std::memory_order_release);
    if (err != EEXIST || attempt == 100) fail(what, path, err);
  }
}

// Gives the temporary file the replaced file's mode, closes it and renames it over the target;
// the errno of the first failure, or 0. On failure the temporary file is removed.
int finish_temp(const OpenTemp& t, const Destination& d) {
  int err = 0;
  if (d.keep && fchmod(t.fd, *d.keep) != 0) err = errno;
  if (close(t.fd) != 0 && err == 0) err = errno;
  if (err == 0 && rename(t.name.c_str(), d.file.c_str()) != 0) err = errno;
  if (err != 0) unlink(t.name.c_str());
  t.slot->state.store(0, std::memory_order_release);
  return err;
}

void write_replacing(const Destination& d, const std::string& path, std::string_view text, std::string_view what) {
  const OpenTemp t = open_temp(d, path, what);
  if (!write_all(t.fd, text)) {
    const int err = errno;
    close(t.fd);
    unlink(t.name.c_str());
    t.slot->state.store(0, std::memory_order_release);
    fail(what, path, err);
  }
  if (const int err = finish_temp(t, d); err != 0) fail(what, path, err);
}

extern "C" void remove_temps_and_reraise(int sig) {
  remove_live_temp_files();
  raise(sig);  // SA_RESETHAND restored the default action: the signal ends the process on return
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view text, std::string_view what) {
  if (path.empty()) fail(what, path, ENOENT);
  const Destination d = destination_of(path, what);
  switch (d.kind) {
    case Destination::StdStream: write_std_stream(d.fd, path, text, what); return;
    case Destination::Direct: write_direct(path, text, what); return;
    case Destination::Replace: write_replacing(d, path, text, what); return;
  }
}

AtomicFileWriter::AtomicFileWriter(const std::string& path, std::string_view what) : path_(path), what_(what) {
  if (path.empty()) fail(what, path, ENOENT);
  const Destination d = destination_of(path, what);
  switch (d.kind) {
    case Destination::StdStream:
      std_stream_ = d.fd;
      return;
    case Destination::Direct:
      fd_ = open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
      if (fd_ < 0) fail(what, path, errno);
      return;
    case Destination::Replace: {
      const OpenTemp t = open_temp(d, path, what);
      fd_ = t.fd;
      slot_ = static_cast<int>(t.slot - g_slots);
      temp_ = t.name;
      target_ = d.file;
      keep_mode_ = d.keep.has_value();
      mode_ = d.keep.value_or(0);
      return;
    }
  }
}

AtomicFileWriter::~AtomicFileWriter() {
  if (!done_) abandon();
}

void AtomicFileWriter::write(std::string_view text) noexcept {
  if (error_ != 0 || done_ || text.empty()) return;
  if (std_stream_ >= 0) {
    std::fflush(std_stream_ == STDOUT_FILENO ? stdout : stderr);  // keeps what stdio already holds in front
    if (!write_all(std_stream_, text)) error_ = errno;
    return;
  }
  if (!write_all(fd_, text)) error_ = errno;
}

void AtomicFileWriter::commit() {
  if (done_) return;
  if (error_ != 0) {
    abandon();
    fail(what_, path_, error_);
  }
  done_ = true;
  if (std_stream_ >= 0) return;
  if (slot_ < 0) {  // written directly
    if (close(fd_) != 0) fail(what_, path_, errno);
    return;
  }
  Destination d;
  d.file = target_;
  if (keep_mode_) d.keep = mode_;
  const int err = finish_temp(OpenTemp{fd_, &g_slots[slot_], temp_}, d);
  if (err != 0) fail(what_, path_, err);
}

void AtomicFileWriter::abandon() noexcept {
  done_ = true;
  if (std_stream_ >= 0) return;
  if (fd_ >= 0) close(fd_);
  if (slot_ >= 0) {
    unlink(temp_.c_str());
    g_slots[slot_].state.store(0, std::memory_order_release);
  }
}

void remove_live_temp_files() noexcept {
  for (TempSlot& slot : g_slots) {
    if (slot.state.load(std::memory_order_acquire) == 2) unlink(slot.path);
  }
}

void install_temp_file_cleanup_on_signals() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction old;
    if (sigaction(sig, nullptr, &old) != 0 || old.sa_handler != SIG_DFL) continue;  // someone else's
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_handler = remove_temps_and_reraise;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    sigaction(sig, &action, nullptr);
  }
}

}  // namespace blis::core
