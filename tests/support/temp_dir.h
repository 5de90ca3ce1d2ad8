// Where tests write files: a fresh empty directory under the test temp dir, removed with
// everything in it at the end of the test (TempDir); a path in a folder of the test process's own,
// removed when it exits (TempPath), so that two test runs at once never share a file; and writing
// a file for a test.
#ifndef RATESIM_TESTS_SUPPORT_TEMP_DIR_H_
#define RATESIM_TESTS_SUPPORT_TEMP_DIR_H_

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include "gtest/gtest.h"

namespace ratesim::testing {

// Writes `text` to the file at `path`, replacing it; returns `path`. A failure fails the test.
inline std::string WriteTextFile(const std::string& path, const std::string& text) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  EXPECT_NE(file, nullptr) << path;
  if (file == nullptr) return path;
  EXPECT_EQ(std::fwrite(text.data(), 1, text.size(), file), text.size()) << path;
  std::fclose(file);
  return path;
}

// A fresh folder under the test temp dir for this process (with a trailing '/'), made on first use
// and removed, with everything in it, when the process exits.
inline const std::string& ProcessTempDir() {
  static const struct Folder {
    Folder() {
      std::string pattern = ::testing::TempDir() + "ratesim_XXXXXX";
      // Without a folder of its own a test would write where another run may too: stop here.
      if (::mkdtemp(pattern.data()) == nullptr) {
        std::perror(("mkdtemp " + pattern).c_str());
        std::abort();
      }
      path = pattern + "/";
    }
    ~Folder() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
    std::string path;
  } folder;
  return folder.path;
}

// The path of a test's file (or folder, with a trailing '/') `name`, in ProcessTempDir: two test
// runs at once (two checkouts, a CI job beside a developer's) must not write each other's files,
// and none is left behind.
inline std::string TempPath(const std::string& name) { return ProcessTempDir() + name; }

class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "ratesim_XXXXXX";
    path_ = ::mkdtemp(pattern.data()) ? pattern : "";
    EXPECT_FALSE(path_.empty());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace ratesim::testing

#endif  // RATESIM_TESTS_SUPPORT_TEMP_DIR_H_
