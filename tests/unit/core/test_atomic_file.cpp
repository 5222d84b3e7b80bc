#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "tests/unit/scratch_dir.h"

namespace fs = std::filesystem;
using blis::core::write_file_atomically;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void put(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

mode_t mode_of(const std::string& path) {
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

// Names in `dir`, sorted: a write must leave nothing but its target behind.
std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string write_error(const std::string& path) {
  try {
    write_file_atomically(path, "x", "results file");
  } catch (const blis::Error& e) {
    return e.what();
  }
  return "";
}

// Sets the umask for one scope.
struct Umask {
  explicit Umask(mode_t m) : old(umask(m)) {}
  ~Umask() { umask(old); }
  mode_t old;
};

}  // namespace

TEST_CASE("atomic file: a new file gets 0666 minus the umask, a replaced one keeps its mode") {
  const std::string dir = blis::testing::scratch_subdir("af_modes");
  const std::string path = dir + "/out.json";
  {
    Umask mask(027);
    write_file_atomically(path, "one", "results file");
  }
  CHECK(read_file(path) == "one");
  CHECK(mode_of(path) == 0640);
  chmod(path.c_str(), 0600);
  {
    Umask mask(0);
    write_file_atomically(path, "two", "results file");
  }
  CHECK(read_file(path) == "two");
  CHECK(mode_of(path) == 0600);
  CHECK(names_in(dir) == std::vector<std::string>{"out.json"});
}

TEST_CASE("atomic file: a relative path without a directory is written in the working directory") {
  const std::string dir = blis::testing::scratch_subdir("af_relative");
  const fs::path before = fs::current_path();
  fs::current_path(dir);
  write_file_atomically("plain.txt", "text", "results file");
  fs::current_path(before);
  CHECK(read_file(dir + "/plain.txt") == "text");
  CHECK(names_in(dir) == std::vector<std::string>{"plain.txt"});
}

TEST_CASE("atomic file: a symlink is followed; the link stays a link and its target is replaced") {
  const std::string dir = blis::testing::scratch_subdir("af_symlink");
  fs::create_directories(dir + "/real");
  put(dir + "/real/target.json", "old");
  fs::create_symlink("real/target.json", dir + "/link.json");
  fs::create_symlink("link.json", dir + "/link2.json");  // a chain
  write_file_atomically(dir + "/link2.json", "new", "results file");
  CHECK(fs::is_symlink(dir + "/link.json"));
  CHECK(fs::is_symlink(dir + "/link2.json"));
  CHECK(read_file(dir + "/real/target.json") == "new");
  CHECK(names_in(dir + "/real") == std::vector<std::string>{"target.json"});
}

TEST_CASE("atomic file: a dangling symlink gets its target created, relative to the link") {
  const std::string dir = blis::testing::scratch_subdir("af_dangling");
  fs::create_directories(dir + "/real");
  fs::create_symlink("real/later.json", dir + "/link.json");
  write_file_atomically(dir + "/link.json", "created", "results file");
  CHECK(fs::is_symlink(dir + "/link.json"));
  CHECK(read_file(dir + "/real/later.json") == "created");
  // A dangling link whose directory does not exist fails naming the path given.
  fs::create_symlink("nowhere/x.json", dir + "/bad.json");
  const std::string e = write_error(dir + "/bad.json");
  CHECK(e == "cannot write results file " + dir + "/bad.json: no such file or directory");
  CHECK(fs::is_symlink(dir + "/bad.json"));
}

TEST_CASE("atomic file: a planted NAME.tmp symlink is never followed") {
  const std::string dir = blis::testing::scratch_subdir("af_planted");
  put(dir + "/victim", "secret");
  chmod((dir + "/victim").c_str(), 0600);
  fs::create_symlink(dir + "/victim", dir + "/out.json.tmp");
  write_file_atomically(dir + "/out.json", "results", "results file");
  CHECK(read_file(dir + "/victim") == "secret");
  CHECK(mode_of(dir + "/victim") == 0600);
  CHECK(fs::is_symlink(dir + "/out.json.tmp"));
  CHECK(read_file(dir + "/out.json") == "results");
}

TEST_CASE("atomic file: devices and FIFOs are written directly, never replaced") {
  write_file_atomically("/dev/null", "discarded", "results file");
  CHECK(fs::is_character_file("/dev/null"));

  const std::string dir = blis::testing::scratch_subdir("af_fifo");
  const std::string fifo = dir + "/pipe";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  const int reader = open(fifo.c_str(), O_RDONLY | O_NONBLOCK);  // lets the writer's open return
  REQUIRE(reader >= 0);
  write_file_atomically(fifo, "through the pipe", "results file");
  char buffer[64] = {};
  const ssize_t n = read(reader, buffer, sizeof buffer);
  close(reader);
  CHECK(std::string(buffer, n > 0 ? static_cast<size_t>(n) : 0) == "through the pipe");
  CHECK(fs::is_fifo(fifo));
  CHECK(names_in(dir) == std::vector<std::string>{"pipe"});
}

TEST_CASE("atomic file: the process's own stdout is written through its descriptor") {
  // fd 1 pointed at a regular file, as `blis ... --results-path /dev/stdout > out.txt` does.
  const std::string dir = blis::testing::scratch_subdir("af_stdout");
  const std::string out = dir + "/captured.txt";
  std::fflush(stdout);
  const int saved = dup(STDOUT_FILENO);
  const int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(fd >= 0);
  dup2(fd, STDOUT_FILENO);
  close(fd);
  const struct stat before = [&] { struct stat st; stat(out.c_str(), &st); return st; }();
  write_file_atomically("/dev/stdout", "first ", "results file");
  write_file_atomically(out, "second", "results file");  // the same file by name: still appended
  std::fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  struct stat after;
  REQUIRE(stat(out.c_str(), &after) == 0);
  CHECK(after.st_ino == before.st_ino);  // not replaced by a rename
  CHECK(read_file(out) == "first second");
  CHECK(fs::is_symlink("/dev/stdout"));
}

TEST_CASE("atomic file: errors name the path and the OS reason and leave nothing behind") {
  const std::string dir = blis::testing::scratch_subdir("af_errors");
  CHECK(write_error(dir + "/missing/out.json") ==
        "cannot write results file " + dir + "/missing/out.json: no such file or directory");
  put(dir + "/plain", "x");
  CHECK(write_error(dir + "/plain/out.json") ==
        "cannot write results file " + dir + "/plain/out.json: not a directory");
  fs::create_directories(dir + "/folder");
  CHECK(write_error(dir + "/folder") == "cannot write results file " + dir + "/folder: is a directory");
  CHECK(write_error("") == "cannot write results file : no such file or directory");
  if (geteuid() != 0) {  // root writes anywhere
    fs::create_directories(dir + "/locked");
    chmod((dir + "/locked").c_str(), 0500);
    CHECK(write_error(dir + "/locked/out.json") ==
          "cannot write results file " + dir + "/locked/out.json: permission denied");
    chmod((dir + "/locked").c_str(), 0700);
  }
  std::vector<std::string> left = names_in(dir);
  std::erase(left, "locked");
  CHECK(left == std::vector<std::string>{"folder", "plain"});
}

TEST_CASE("atomic file: two writers of one path never collide; the file is always one whole text") {
  const std::string dir = blis::testing::scratch_subdir("af_two_writers");
  const std::string path = dir + "/shared.json";
  const std::string a(100000, 'a'), b(100000, 'b');
  auto writer = [&](const std::string& text) {
    for (int i = 0; i < 50; ++i) write_file_atomically(path, text, "results file");
  };
  std::thread first(writer, a), second(writer, b);
  first.join();
  second.join();
  const std::string final_text = read_file(path);
  CHECK((final_text == a || final_text == b));
  CHECK(names_in(dir) == std::vector<std::string>{"shared.json"});
}

TEST_CASE("atomic file: a signal in the middle of a write leaves no temporary file and no target") {
  // The child writes more than RLIMIT_FSIZE allows: SIGXFSZ arrives while the temp file is
  // live, deterministically. Its handler raises SIGTERM, whose handler (installed by
  // install_temp_file_cleanup_on_signals, as main does) removes the temp and re-raises.
  const std::string dir = blis::testing::scratch_subdir("af_signal");
  const std::string path = dir + "/big.json";
  std::fflush(nullptr);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) signal(sig, SIG_DFL);  // as blis starts (doctest has its own)
    blis::core::install_temp_file_cleanup_on_signals();
    signal(SIGXFSZ, [](int) { raise(SIGTERM); });
    struct rlimit limit = {4096, 4096};
    setrlimit(RLIMIT_FSIZE, &limit);
    try {
      write_file_atomically(path, std::string(1 << 20, 'x'), "results file");
    } catch (...) {
    }
    _exit(0);  // not reached: SIGTERM ended the process
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGTERM);
  CHECK(names_in(dir).empty());
}

TEST_CASE("atomic file writer: pieces appear at commit; a failed write is reported at commit") {
  const std::string dir = blis::testing::scratch_subdir("af_stream");
  const std::string path = dir + "/rows.csv";
  put(path, "old");
  chmod(path.c_str(), 0600);
  {
    blis::core::AtomicFileWriter w(path, "requests CSV");
    w.write("a,b\n");
    w.write("1,2\n");
    CHECK(read_file(path) == "old");
    CHECK(names_in(dir).size() == 2);  // the target and the hidden temporary file
    w.commit();
  }
  CHECK(read_file(path) == "a,b\n1,2\n");
  CHECK(mode_of(path) == 0600);
  CHECK(names_in(dir) == std::vector<std::string>{"rows.csv"});
  {
    blis::core::AtomicFileWriter w(path, "requests CSV");
    w.write("never published");
  }  // destroyed without commit: the temporary file goes, the old text stays
  CHECK(read_file(path) == "a,b\n1,2\n");
  CHECK(names_in(dir) == std::vector<std::string>{"rows.csv"});
  if (std::filesystem::exists("/dev/full")) {
    blis::core::AtomicFileWriter full("/dev/full", "time series");
    full.write("x");
    std::string message;
    try {
      full.commit();
    } catch (const blis::Error& e) {
      message = e.what();
    }
    CHECK(message == "cannot write time series /dev/full: no space left on device");
  }
}
