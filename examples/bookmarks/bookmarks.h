// Bookmarks: the application of Cliquet's original tutorial, built on the
// ratchet toolkit. Each authenticated user has private bookmarks at
// /v1/bookmarks; a bookmark needs a `url` (http or https) and may have a
// `title`; the server adds the url's `domain` before storing it.
#pragma once

#include "ratchet/registry.h"

namespace bookmarks {

void add_bookmarks(ratchet::Registry& registry);

}  // namespace bookmarks
