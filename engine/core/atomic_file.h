// The one way blis writes a file (results, traces, workload exports, shards, calibration
// reports, experiment tables): readers never see a partial file, and a path that names
// something other than a plain file is treated as the user meant it (docs/safety.md, "File writes").
//
//  * A regular file (or a new one) is written to a fresh temporary file in the target's own
//    directory, created with O_CREAT|O_EXCL under a name no one can predict or share
//    (".NAME.blis-PID-COUNTER-RANDOM.tmp"), then renamed over the target. A planted
//    "NAME.tmp" symlink is never touched, and two runs writing one path never share a temp.
//  * A symlink is followed (through a chain, even to a target that does not exist yet) and its
//    final target is replaced; the link itself stays a link.
//  * A device, FIFO or socket (/dev/null, a named pipe) is opened and written directly. A path
//    that is this process's own stdout or stderr (/dev/stdout, /proc/self/fd/2, or a file the
//    shell redirected stdout to) is written through that descriptor, never replaced.
//  * Permissions: a new file gets 0666 minus the umask; a replaced file keeps its permission
//    bits (not its owner, and hard links to it keep the old contents).
//  * Live temporary files are recorded in a fixed table that a signal handler may clear with
//    remove_live_temp_files() (async-signal-safe), so SIGINT/SIGTERM never leave one behind.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>

namespace blis::core {

// Writes `text` to `path` as described above. Throws blis::Error
// "cannot write <what> <path>: <reason>" (the OS reason, worded as Go prints it); on failure
// the temporary file is removed and the target is unchanged.
void write_file_atomically(const std::string& path, std::string_view text, std::string_view what);

// The same guarantees for a file written piece by piece while a run goes on (the requests CSV,
// the time series): a regular file is filled as its temporary file and appears only at
// commit(); a writer destroyed without commit() (an error, a timeout, a signal) removes the
// temporary file and leaves the target as it was. Devices, pipes and this process's own stdout
// or stderr are written as the pieces come (what was written stays written).
// The constructor resolves the path and opens the temporary file, throwing the error
// write_file_atomically() would. write() never throws: the first failure is kept, later pieces
// are dropped, and commit() throws it (having removed the temporary file).
class AtomicFileWriter {
 public:
  AtomicFileWriter(const std::string& path, std::string_view what);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(std::string_view text) noexcept;
  void commit();
  const std::string& path() const { return path_; }

 private:
  void abandon() noexcept;

  std::string path_;
  std::string what_;
  std::string target_;  // the file the temporary file replaces ("" when written directly)
  std::string temp_;
  int fd_ = -1;
  int slot_ = -1;       // the temporary file's entry in the table of live temporary files
  int std_stream_ = -1; // 1 or 2 when the path is this process's stdout or stderr
  bool keep_mode_ = false;
  mode_t mode_ = 0;
  int error_ = 0;       // errno of the first failed write
  bool done_ = false;
};

// Unlinks every temporary file a write is filling right now. Async-signal-safe: only atomics
// and unlink(2). A signal handler that ends the process should call it before it re-raises.
void remove_live_temp_files() noexcept;

// Installs, for SIGINT, SIGTERM and SIGHUP whose disposition is still the default, a handler
// that calls remove_live_temp_files() and re-raises the signal with the default action (the
// process dies of the signal, as before). A handler installed later replaces this one for its
// signal and should call remove_live_temp_files() itself when it ends the process.
void install_temp_file_cleanup_on_signals();

}  // namespace blis::core
