// The layers' dependencies, checked on every source file (as Chromium's
// checkdeps): a folder may include only the folders it is allowed to
// depend on, and CAF only in actors/. A file added later that breaks the
// rule fails this test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace ratchet::testing {
namespace {

namespace fs = std::filesystem;

// Folder -> folders its files may include (itself included); "ratchet" is
// the public interface, include/ratchet/. Folders not listed (apps, tests)
// may include anything; a file's own folder is named by a bare file name.
const std::map<std::string, std::set<std::string>>& allowed() {
  static const std::map<std::string, std::set<std::string>> table{
      {"include", {"ratchet"}},
      {"core", {"ratchet", "core"}},
      {"store", {"ratchet", "core", "store"}},
      {"resource", {"ratchet", "core", "store", "resource"}},
      {"cluster", {"ratchet", "core", "store", "cluster"}},
      {"actors", {"ratchet", "core", "store", "resource", "cluster", "actors"}},
      {"http", {"ratchet", "core", "actors", "http"}},
      {"plugins", {"ratchet", "core", "store", "resource", "plugins"}},
      {"examples", {"ratchet"}},
      {"fuzz", {"ratchet", "core", "http", "plugins", "fuzz"}},
      {"bench", {"ratchet", "core", "http", "bench", "tests"}},
  };
  return table;
}

bool source_file(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".cpp" || ext == ".h";
}

// "folder/file.h" of every project include -- `#include "…"`, or `<…>`
// naming a project folder -- and whether CAF is included.
struct Includes {
  std::vector<std::string> project;
  bool caf = false;
};

bool project_folder(const std::string& name) {
  return allowed().count(name) || name == "ratchet" || name == "tests" || name == "apps";
}

Includes includes_of(const fs::path& file) {
  Includes out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("#include", 0) != 0) continue;
    if (line.find("<caf/") != std::string::npos) out.caf = true;
    size_t open = line.find_first_of("\"<");
    if (open == std::string::npos) continue;
    size_t close = line.find(line[open] == '"' ? '"' : '>', open + 1);
    if (close == std::string::npos) continue;
    std::string path = line.substr(open + 1, close - open - 1);
    if (line[open] == '"' || project_folder(path.substr(0, path.find('/')))) {
      out.project.push_back(path);
    }
  }
  return out;
}

TEST(Layering, EveryIncludeIsAllowedByItsFolder) {
  const fs::path root = RATCHET_SOURCE_DIR;
  size_t checked = 0;
  for (const auto& [folder, may_include] : allowed()) {
    if (!fs::exists(root / folder)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
      if (!entry.is_regular_file() || !source_file(entry.path())) continue;
      std::string name = fs::relative(entry.path(), root).string();
      if (name.rfind("bench/tests/", 0) == 0) continue;  // tests may use anything
      // Unit tests beside their units may also use the test helpers.
      bool unit_test = name.size() > 9 && name.ends_with("_test.cpp");
      Includes found = includes_of(entry.path());
      for (const std::string& include : found.project) {
        if (include.find('/') == std::string::npos) continue;  // beside the file
        std::string layer = include.substr(0, include.find('/'));
        EXPECT_TRUE(may_include.count(layer) || (unit_test && layer == "tests"))
            << name << " includes " << include;
        // A plugin knows no other plugin: "plugins/<name>/" only.
        if (folder == "plugins" && layer == "plugins") {
          std::string own = name.substr(0, name.find('/', sizeof("plugins")) + 1);
          EXPECT_EQ(include.rfind(own, 0), 0u) << name << " includes " << include;
        }
      }
      EXPECT_TRUE(!found.caf || folder == "actors") << name << " includes CAF";
      ++checked;
    }
  }
  EXPECT_GT(checked, 100u);  // the tree was found and read
}

// The key layout is the store's own: no file outside store/ includes it.
TEST(Layering, OnlyTheStoreKnowsItsKeys) {
  const fs::path root = RATCHET_SOURCE_DIR;
  size_t checked = 0;
  for (const auto& top : fs::directory_iterator(root)) {
    std::string folder = top.path().filename().string();
    if (!top.is_directory() || folder == "store" || folder.starts_with(".") ||
        folder.starts_with("build") || folder == "node_modules") {
      continue;
    }
    for (const auto& entry : fs::recursive_directory_iterator(top.path())) {
      if (!entry.is_regular_file() || !source_file(entry.path())) continue;
      std::string name = fs::relative(entry.path(), root).string();
      if (name.find("node_modules") != std::string::npos) continue;
      for (const std::string& include : includes_of(entry.path()).project) {
        EXPECT_NE(include, "store/keys.h") << name;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 100u);
}

}  // namespace
}  // namespace ratchet::testing
