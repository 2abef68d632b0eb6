// bookmarks: a private bookmark store per user, served by the ratchet toolkit.
#include "bookmarks.h"
#include "ratchet/app.h"

int main(int argc, char** argv) {
  ratchet::Registry registry;
  bookmarks::add_bookmarks(registry);
  return ratchet::run_app("bookmarks", registry, argc, argv);
}
